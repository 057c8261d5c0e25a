import { compileSegment } from './compile';
import { DAY_MS } from './dates';
import type { Criterion } from './definition';
import { applyEvents, emptyState } from './state';
import { nextTransition } from './transition';

const LAST = Date.UTC(2026, 4, 1, 8);
const NOW = LAST + DAY_MS;

const within = (days: number): Criterion => ({
  type: 'app_sessions',
  operator: 'within_last_days',
  days,
});
const notWithin = (days: number): Criterion =>
  ({ ...within(days), operator: 'not_within_last_days' }) as Criterion;
const language: Criterion = { type: 'device_language', operator: 'contains', languages: ['en'] };

const user = applyEvents(emptyState(), [
  { type: 'app_session', userId: 'u', eventId: 'a', timestamp: LAST - 5 * DAY_MS },
  { type: 'app_session', userId: 'u', eventId: 'b', timestamp: LAST },
]).state;

function next(match: 'all' | 'any', criteria: Criterion[], now = NOW) {
  const segment = compileSegment('s', 1, { name: 's', match, criteria });

  return nextTransition(user, segment, now);
}

describe('nextTransition', () => {
  it('is the window boundary, counted from the last session', () => {
    expect(next('all', [within(3)])).toBe(LAST + 3 * DAY_MS);
    expect(next('all', [notWithin(3)])).toBe(LAST + 3 * DAY_MS);
  });

  it('takes the boundary that flips the whole segment', () => {
    // ANY stays true until the longer window closes; ALL turns false with the shorter one.
    expect(next('any', [within(3), within(7)])).toBe(LAST + 7 * DAY_MS);
    expect(next('all', [within(3), within(7)])).toBe(LAST + 3 * DAY_MS);
    // Enters "not within 3" at day 3 while still "within 7": one flip, at day 3.
    expect(next('all', [notWithin(3), within(7)])).toBe(LAST + 3 * DAY_MS);
    // After day 3 the same segment is a member until day 7.
    expect(next('all', [notWithin(3), within(7)], LAST + 4 * DAY_MS)).toBe(LAST + 7 * DAY_MS);
  });

  it('is null when nothing can change with time', () => {
    expect(next('all', [within(3), language])).toBeNull();
    expect(next('any', [notWithin(3), { ...language, operator: 'not_contains' }])).toBeNull();
    expect(next('all', [within(3)], LAST + 3 * DAY_MS)).toBeNull();
    const never = compileSegment('s', 1, { name: 's', match: 'all', criteria: [within(3)] });
    expect(nextTransition(emptyState(), never, NOW)).toBeNull();
  });
});
