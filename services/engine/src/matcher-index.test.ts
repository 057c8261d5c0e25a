import { compileSegment, type CompiledSegment } from './compile';
import { DAY_MS } from './dates';
import type { Criterion } from './definition';
import type { UserEvent } from './event';
import { MatcherIndex } from './matcher-index';
import { applyEvents, emptyState, type StateChange } from './state';

const T = Date.UTC(2026, 2, 10, 12);

function segment(id: string, criteria: Criterion[], match: 'all' | 'any' = 'all') {
  return compileSegment(id, 1, { name: id, match, criteria });
}

const page = (match: 'equals' | 'contains' | 'starts_with' | 'ends_with', path: string) =>
  ({ type: 'page_visited', operator: 'visited', match, path }) as const;

function existingUser(): ReturnType<typeof applyEvents>['state'] {
  return applyEvents(emptyState(), [
    { type: 'app_session', userId: 'u', eventId: 'a', timestamp: T - 20 * DAY_MS },
    { type: 'page_view', userId: 'u', eventId: 'b', timestamp: T, path: '/home' },
  ]).state;
}

function changeOf(events: UserEvent[]): StateChange {
  return applyEvents(existingUser(), events).change;
}

function view(path: string): UserEvent {
  return { type: 'page_view', userId: 'u', eventId: path, timestamp: T, path };
}

function indexOf(segments: CompiledSegment[]): MatcherIndex {
  const index = new MatcherIndex();
  segments.forEach((one) => index.upsert(one));

  return index;
}

describe('MatcherIndex', () => {
  const segments = [
    segment('eq', [page('equals', '/cart/')]),
    segment('prefix', [page('starts_with', '/cart')]),
    segment('suffix', [page('ends_with', '/done')]),
    segment('contains', [page('contains', 'rt/d')]),
    segment('not-contains', [{ ...page('contains', 'zzz'), operator: 'not_visited' }]),
    segment('fr', [{ type: 'device_language', operator: 'contains', languages: ['fr'] }]),
    segment('not-de', [{ type: 'device_language', operator: 'not_contains', languages: ['de'] }]),
    segment('week', [{ type: 'app_sessions', operator: 'within_last_days', days: 7 }]),
    segment('month', [{ type: 'app_sessions', operator: 'within_last_days', days: 30 }]),
  ];

  it('returns only the segments whose patterns a new path matches', () => {
    const index = indexOf(segments);
    expect(index.affected(changeOf([view('/cart')]))).toEqual(new Set(['eq', 'prefix']));
    expect(index.affected(changeOf([view('/cart/done')]))).toEqual(
      new Set(['prefix', 'suffix', 'contains']),
    );
    expect(index.affected(changeOf([view('/zzz')]))).toEqual(new Set(['not-contains']));
    expect(index.affected(changeOf([view('/home')]))).toEqual(new Set());
  });

  it('returns the segments of the old and the new language only', () => {
    const index = indexOf(segments);
    const language = (code: string): UserEvent => ({ ...view('/home'), language: code });
    expect(index.affected(changeOf([language('fr-CA')]))).toEqual(new Set(['fr']));
    const german = applyEvents(existingUser(), [language('de')]).state;
    const back = applyEvents(german, [{ ...language('fr'), eventId: 'z', timestamp: T + 1 }]);
    expect(index.affected(back.change)).toEqual(new Set(['fr', 'not-de']));
  });

  it('narrows session windows to the lengths the new session crossed', () => {
    const index = indexOf(segments);
    const session: UserEvent = { type: 'app_session', userId: 'u', eventId: 's', timestamp: T };
    // Last session 20 days ago: the 30-day window already holds, the 7-day one flips.
    expect(index.affected(changeOf([session]), T)).toEqual(new Set(['week']));
    expect(index.affected(changeOf([session]))).toEqual(new Set(['week', 'month']));
    expect(index.windowLengths()).toEqual([7, 30]);
    expect(index.windowSegments(7).map((one) => one.id)).toEqual(['week']);
  });

  it('gives a new user every segment the empty state matches', () => {
    const index = indexOf(segments);
    const { change } = applyEvents(emptyState(), [view('/home')]);
    expect(index.affected(change)).toEqual(new Set(['not-contains', 'not-de']));
  });

  it('updates incrementally on replace and remove', () => {
    const index = indexOf(segments);
    index.upsert(segment('prefix', [page('starts_with', '/shop')]));
    expect(index.size).toBe(segments.length);
    expect(index.affected(changeOf([view('/cart')]))).toEqual(new Set(['eq']));
    expect(index.affected(changeOf([view('/shop/1')]))).toEqual(new Set(['prefix']));

    index.upsert(segment('contains2', [page('contains', 'hop')]));
    expect(index.affected(changeOf([view('/shop/1')]))).toEqual(new Set(['prefix', 'contains2']));

    for (const id of ['eq', 'prefix', 'contains2', 'week', 'not-de']) index.remove(id);
    expect(index.get('eq')).toBeUndefined();
    expect(index.affected(changeOf([view('/shop/1'), view('/cart')]))).toEqual(new Set());
    expect(index.windowLengths()).toEqual([30]);
    const { change } = applyEvents(emptyState(), [view('/home')]);
    expect(index.affected(change)).toEqual(new Set(['not-contains']));
  });

  it('finds between, before and after by range', () => {
    const index = indexOf([
      segment('march', [
        { type: 'app_sessions', operator: 'between', from: '2026-03-01', to: '2026-03-31' },
      ]),
      segment('april', [
        { type: 'app_sessions', operator: 'between', from: '2026-04-01', to: '2026-04-30' },
      ]),
      segment('before-feb', [{ type: 'app_sessions', operator: 'before', date: '2026-02-01' }]),
      segment('before-apr', [{ type: 'app_sessions', operator: 'before', date: '2026-04-01' }]),
      segment('after-mar5', [{ type: 'app_sessions', operator: 'after', date: '2026-03-05' }]),
    ]);
    // The existing user's only session is on 2026-02-18; a new one on 2026-03-10.
    const session: UserEvent = { type: 'app_session', userId: 'u', eventId: 's', timestamp: T };
    expect(index.affected(changeOf([session]))).toEqual(new Set(['march', 'after-mar5']));
    const early = { ...session, timestamp: Date.UTC(2026, 0, 5) };
    expect(index.affected(changeOf([early]))).toEqual(new Set(['before-feb']));
  });
});
