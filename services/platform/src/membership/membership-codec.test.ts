import { redisKeys } from '../redis/keys';
import { decodeCursor, encodeCursor } from './membership-reader';
import { parseOutboxEntry } from './membership-change';
import { applyArguments } from './membership-writer';

describe('membership cursor', () => {
  it('round-trips and starts at the first bucket when absent', () => {
    expect(decodeCursor(encodeCursor({ bucket: 12, after: 'u-9' }))).toEqual({
      bucket: 12,
      after: 'u-9',
    });
    expect(decodeCursor(undefined)).toEqual({ bucket: 0, after: null });
  });

  it('rejects cursors it did not write', () => {
    for (const cursor of ['nope', encodeCursor({ bucket: 5000, after: null }), 'W10']) {
      expect(() => decodeCursor(cursor)).toThrow(
        expect.objectContaining({ code: 'invalid_cursor' }),
      );
    }
  });
});

describe('outbox entries', () => {
  it('reads what apply-users.lua writes', () => {
    expect(parseOutboxEntry('app', 3, '17\tseg\t2\tX\t1700000000000\tuser 1')).toEqual({
      appId: 'app',
      bucket: 3,
      entry: '17\tseg\t2\tX\t1700000000000\tuser 1',
      segmentId: 'seg',
      segmentVersion: 2,
      userId: 'user 1',
      change: 'EXITED',
      at: 1_700_000_000_000,
      sequence: 17,
    });
  });
});

describe('apply-users arguments', () => {
  it('lists each membership key once and refers to it by index', () => {
    const keys = redisKeys('p:');
    const target = (segmentId: string, member: boolean, publish = true) => ({
      segmentId,
      version: 1,
      member,
      at: 5,
      publish,
    });
    const args = applyArguments(
      keys,
      {
        appId: 'a',
        bucket: 9,
        users: [
          {
            userId: 'u1',
            expected: '',
            record: 'r1',
            lastSession: 4,
            targets: [target('s1', true)],
          },
          {
            userId: 'u2',
            expected: 'old',
            record: 'old',
            lastSession: null,
            targets: [target('s1', false), target('s2', true, false)],
          },
        ],
      },
      100,
    );

    expect(args).toEqual([
      8,
      'p:{9}:users:a',
      'p:{9}:last-session:a',
      'p:{9}:outbox:a',
      'p:{9}:sequence:a',
      'p:{9}:counts:a',
      'p:{9}:session-writes:a',
      'p:{9}:members:a:s1:1',
      'p:{9}:members:a:s2:1',
      100,
      's1\t1',
      '',
      's1:1',
      's2:1',
      ...['u1', '', 'r1', 4, 1, 1, '1', 5],
      ...['u2', 'old', 'old', '', 2, 1, '0', 5, 2, '1', 5],
    ]);
  });
});
