import type { Segment } from '../api/types';
import { LiveSegments } from './live-segments';

function segment(id: string, memberCount: number): Segment {
  return {
    id,
    name: id,
    match: 'all',
    criteria: [],
    version: 1,
    status: 'ready',
    memberCount,
    createdAt: '2026-12-01T00:00:00Z',
    updatedAt: '2026-12-01T00:00:00Z',
  };
}

test('keeps the identity of unchanged facts so their cells skip re-rendering', () => {
  const live = new LiveSegments();
  live.update([segment('a', 1), segment('b', 2)]);
  const a = live.get('a');
  const b = live.get('b');

  live.update([segment('a', 1), segment('b', 3)]);

  expect(live.get('a')).toBe(a);
  expect(live.get('b')).not.toBe(b);
  expect(live.get('b')?.memberCount).toBe(3);
});

test('tells subscribers about each poll and forgets deleted segments', () => {
  const live = new LiveSegments();
  const listener = jest.fn();
  const unsubscribe = live.subscribe(listener);

  live.update([segment('a', 1)]);
  live.update([]);
  unsubscribe();
  live.update([segment('a', 1)]);

  expect(listener).toHaveBeenCalledTimes(2);
});
