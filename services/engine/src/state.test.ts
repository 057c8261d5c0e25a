import fc from 'fast-check';
import { compileSegment } from './compile';
import type { UserEvent } from './event';
import { MatcherIndex } from './matcher-index';
import { MAX_PATHS_PER_USER, applyEvents, emptyState, isEmptyState } from './state';
import { ORACLE_MAX_PATHS, oraclePaths } from './testing/oracle';

const T = Date.UTC(2026, 2, 1, 9);

function pageViews(paths: string[]): UserEvent[] {
  return paths.map((path, i) => ({
    type: 'page_view',
    userId: 'u',
    eventId: `p${i}`,
    timestamp: T + i,
    path,
  }));
}

describe('applyEvents', () => {
  it('merges sessions into first, last and the distinct UTC days', () => {
    const events: UserEvent[] = [
      { type: 'app_session', userId: 'u', eventId: 'a', timestamp: T },
      { type: 'app_session', userId: 'u', eventId: 'b', timestamp: T - 86_400_000 },
      { type: 'app_session', userId: 'u', eventId: 'c', timestamp: T + 1000 },
    ];
    const { state, change } = applyEvents(emptyState(), events);
    expect(state.firstSession).toBe(T - 86_400_000);
    expect(state.lastSession).toBe(T + 1000);
    expect(state.sessionDays).toEqual([20512, 20513]);
    expect(change).toMatchObject({ isNewUser: true, sessions: true, language: false });
  });

  it('reports no change for a redelivered event', () => {
    const events = pageViews(['/a?x=1']);
    const once = applyEvents(emptyState(), events).state;
    const { state, change } = applyEvents(once, events);
    expect(state).toEqual(once);
    expect(change).toMatchObject({ isNewUser: false, language: false, sessions: false });
    expect(change.newPaths).toEqual([]);
  });

  it('reports a language change only when the code changes', () => {
    const first: UserEvent = { ...pageViews(['/'])[0]!, language: 'fr-FR' };
    const same: UserEvent = { ...first, eventId: 'later', timestamp: T + 5, language: 'fr' };
    const start = applyEvents(emptyState(), [first]).state;
    const { state, change } = applyEvents(start, [same]);
    expect(state.language).toEqual({ code: 'FR', timestamp: T + 5, eventId: 'later' });
    expect(change.language).toBe(false);
  });

  it('rejects bad events without touching the state', () => {
    const start = applyEvents(emptyState(), pageViews(['/a'])).state;
    const copy = structuredClone(start);
    const badTime = { ...pageViews(['/b'])[0]!, timestamp: 1.5 };
    const badLanguage = { ...pageViews(['/b'])[0]!, language: '??' };
    expect(() => applyEvents(start, [badTime])).toThrow(
      expect.objectContaining({ code: 'invalid_event' }),
    );
    expect(() => applyEvents(start, [badLanguage])).toThrow(
      expect.objectContaining({ code: 'invalid_language' }),
    );
    expect(start).toEqual(copy);
  });

  it('knows an empty state from an existing user', () => {
    expect(isEmptyState(emptyState())).toBe(true);
    expect(isEmptyState(applyEvents(emptyState(), pageViews(['/'])).state)).toBe(false);
  });
});

describe('the bound on visited paths', () => {
  const many = Array.from({ length: 150 }, (_, i) => `/p/${String(i).padStart(3, '0')}`);

  it('keeps the smallest paths whatever the arrival order, like the oracle', () => {
    expect(ORACLE_MAX_PATHS).toBe(MAX_PATHS_PER_USER);
    fc.assert(
      fc.property(fc.shuffledSubarray(many, { minLength: many.length }), (order) => {
        const state = applyEvents(emptyState(), pageViews(order)).state;
        expect(state.paths).toEqual(many.slice(0, MAX_PATHS_PER_USER));
        expect(state.paths).toEqual(oraclePaths(pageViews(order)));
      }),
      { numRuns: 50 },
    );
  });

  it('reports evicted paths so the matcher re-checks their segments', () => {
    const late = many.slice(50);
    const start = applyEvents(emptyState(), pageViews(late)).state;
    const { change } = applyEvents(start, pageViews(many.slice(0, 50)));
    expect(change.removedPaths).toEqual(many.slice(100));

    const index = new MatcherIndex();
    const criterion = {
      type: 'page_visited',
      operator: 'visited',
      match: 'equals',
      path: '/p/149',
    } as const;
    index.upsert(compileSegment('last', 1, { name: 'n', match: 'all', criteria: [criterion] }));
    expect(index.affected(change)).toContain('last');
  });
});
