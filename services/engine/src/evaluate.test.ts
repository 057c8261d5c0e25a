import { compileSegment } from './compile';
import { DAY_MS } from './dates';
import type { Criterion } from './definition';
import { evaluate } from './evaluate';
import type { UserEvent } from './event';
import { applyEvents, emptyState } from './state';
import { oracleMember } from './testing/oracle';

const D = Date.UTC(2026, 5, 15); // 2026-06-15T00:00:00Z
const NOW = Date.UTC(2026, 5, 20, 12);

function session(timestamp: number, eventId = 's'): UserEvent {
  return { type: 'app_session', userId: 'u', eventId, timestamp };
}

function page(path: string): UserEvent {
  return { type: 'page_view', userId: 'u', eventId: path, timestamp: D, path };
}

/** Membership by the engine, checked against the oracle on the same input. */
function member(criterion: Criterion, events: UserEvent[], now = NOW): boolean {
  const definition = { name: 't', match: 'all' as const, criteria: [criterion] };
  const state = applyEvents(emptyState(), events).state;
  const result = evaluate(state, compileSegment('s', 1, definition), now);
  expect(oracleMember(events, definition, now)).toBe(result);

  return result;
}

const within = (days: number): Criterion => ({
  type: 'app_sessions',
  operator: 'within_last_days',
  days,
});
const notWithin = (days: number): Criterion => ({
  type: 'app_sessions',
  operator: 'not_within_last_days',
  days,
});
const visited = (match: 'equals' | 'contains' | 'starts_with' | 'ends_with', path: string) =>
  ({ type: 'page_visited', operator: 'visited', match, path }) as const;

describe('app_sessions windows', () => {
  it.each([
    ['exactly N x 24 h ago is out', NOW - 3 * DAY_MS, false],
    ['one millisecond inside is in', NOW - 3 * DAY_MS + 1, true],
    ['a session at now is in', NOW, true],
  ])('within_last_days: %s', (_name, at, expected) => {
    expect(member(within(3), [session(at)])).toBe(expected);
    expect(member(notWithin(3), [session(at)])).toBe(!expected);
  });

  it('counts a user who never had a session as not within', () => {
    expect(member(within(3), [page('/a')])).toBe(false);
    expect(member(notWithin(3), [page('/a')])).toBe(true);
  });
});

describe('app_sessions dates (UTC calendar days)', () => {
  it.each([
    ['before', D - 1, true],
    ['before', D, false],
    ['after', D + DAY_MS - 1, false],
    ['after', D + DAY_MS, true],
  ] as const)('%s 2026-06-15 with a session at %d is %s', (operator, at, expected) => {
    expect(member({ type: 'app_sessions', operator, date: '2026-06-15' }, [session(at)])).toBe(
      expected,
    );
  });

  it.each([
    [D - 1, false],
    [D, true],
    [D + DAY_MS - 1, true],
    [D + DAY_MS, false],
  ])('between with from = to and a session at %d is %s', (at, expected) => {
    const criterion: Criterion = {
      type: 'app_sessions',
      operator: 'between',
      from: '2026-06-15',
      to: '2026-06-15',
    };
    expect(member(criterion, [session(at)])).toBe(expected);
  });

  it('looks at every session day, not only the first and last', () => {
    const criterion: Criterion = {
      type: 'app_sessions',
      operator: 'between',
      from: '2026-06-15',
      to: '2026-06-16',
    };
    const events = [session(D - 5 * DAY_MS, 'a'), session(D + 5 * DAY_MS, 'b')];
    expect(member(criterion, events)).toBe(false);
    expect(member(criterion, [...events, session(D + DAY_MS, 'c')])).toBe(true);
  });
});

describe('device_language', () => {
  const contains: Criterion = { type: 'device_language', operator: 'contains', languages: ['fr'] };
  const notContains: Criterion = { ...contains, operator: 'not_contains' };

  it('compares primary subtags case-insensitively', () => {
    const events: UserEvent[] = [{ ...session(D), language: 'fr-CA' }];
    expect(member(contains, events)).toBe(true);
    expect(member({ ...contains, languages: ['FR-fr'] }, events)).toBe(true);
  });

  it('breaks a timestamp tie with the larger eventId, in any arrival order', () => {
    const a: UserEvent = { ...session(D, 'a'), language: 'fr' };
    const b: UserEvent = { ...session(D, 'b'), language: 'de' };
    expect(member(contains, [a, b])).toBe(false);
    expect(member(contains, [b, a])).toBe(false);
    expect(member(notContains, [b, a])).toBe(true);
  });

  it('compares eventIds as plain strings ("9" is larger than "10")', () => {
    const ten: UserEvent = { ...session(D, '10'), language: 'de' };
    const nine: UserEvent = { ...session(D, '9'), language: 'fr' };
    expect(member(contains, [ten, nine])).toBe(true);
  });

  it('takes the language from page views too, and the latest one wins', () => {
    const early: UserEvent = { ...session(D), language: 'de' };
    const late: UserEvent = { ...page('/a'), timestamp: D + 1, language: 'fr' };
    expect(member(contains, [late, early])).toBe(true);
  });

  it('counts a user with no language as not containing any', () => {
    expect(member(contains, [session(D)])).toBe(false);
    expect(member(notContains, [session(D)])).toBe(true);
  });
});

describe('page_visited', () => {
  it.each([
    ['equals', '/cart', '/cart/?x=1#y', true],
    ['equals', 'cart/', '/cart', true],
    ['equals', '/Cart', '/cart', false],
    ['starts_with', 'cart/', '/cart/items', true],
    ['starts_with', '/cart', '/cartoon', true],
    ['starts_with', '/cart?a', '/cart/x', true],
    ['contains', 'art/', '/cart', false],
    ['contains', 'art/', '/cart/1', true],
    ['contains', '?ref', '/p?ref=mail', false],
    ['ends_with', '/1', '/cart/1/', true],
    ['ends_with', '1/', '/cart/1/', false],
    ['ends_with', 'ART', '/cart', false],
  ] as const)('%s %s against a visit to %s is %s', (match, pattern, path, expected) => {
    expect(member(visited(match, pattern), [page(path)])).toBe(expected);
    const negated = { ...visited(match, pattern), operator: 'not_visited' as const };
    expect(member(negated, [page(path)])).toBe(!expected);
  });

  it('stores an empty path as / and matches a 2048-character path', () => {
    expect(member(visited('equals', '/'), [page('')])).toBe(true);
    const long = '/' + 'x'.repeat(2046) + 'z';
    expect(long).toHaveLength(2048);
    expect(member(visited('ends_with', 'xz'), [page(long)])).toBe(true);
    expect(member(visited('equals', long), [page(long)])).toBe(true);
  });

  it('counts a user without page views as having visited nothing', () => {
    const negated = { ...visited('contains', '/'), operator: 'not_visited' as const };
    expect(member(visited('contains', '/'), [session(D)])).toBe(false);
    expect(member(negated, [session(D)])).toBe(true);
  });
});

describe('match all / any', () => {
  const fr: Criterion = { type: 'device_language', operator: 'contains', languages: ['fr'] };
  const cart = visited('starts_with', '/cart');

  it.each([
    ['all', [page('/cart/1')], false],
    ['any', [page('/cart/1')], true],
    ['all', [{ ...page('/cart/1'), language: 'fr' }], true],
    ['any', [page('/home')], false],
  ] as const)('%s', (match, events, expected) => {
    const definition = { name: 't', match, criteria: [fr, cart] };
    const state = applyEvents(emptyState(), events).state;
    expect(evaluate(state, compileSegment('s', 1, definition), NOW)).toBe(expected);
    expect(oracleMember(events, definition, NOW)).toBe(expected);
  });
});
