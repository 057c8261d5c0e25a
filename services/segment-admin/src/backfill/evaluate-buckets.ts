import { decodeState, evaluate, type CompiledSegment } from '@audience/engine';
import {
  applyBuckets,
  type OutboxChange,
  type RedisKeys,
  type ScriptedRedis,
  type UserWrite,
} from '@audience/platform';

/** One version of one segment being built over existing users. */
export interface BuildTarget {
  appId: string;
  segment: CompiledSegment;
  /** False while an edit is rebuilt: its changes are announced as a diff at the switch. */
  publish: boolean;
}

export interface BucketScanOptions {
  /** Users per HSCAN round trip and per script call. */
  batchSize: number;
  /** Rounds of re-reading users whose record changed between read and write. */
  maxConflictRounds: number;
  clock: () => number;
}

/** What one bucket's pass did. */
export interface BucketOutcome {
  users: number;
  changes: OutboxChange[];
}

const CONFLICT_ROUNDS_EXHAUSTED = 'backfill_conflicts';

/**
 * Evaluates `target` over every user of one bucket and writes the membership through the
 * compare-and-set script, which refuses a user whose record changed since it was read (a worker
 * applied an event meanwhile). Those users are read again and retried, so an evaluation based
 * on a stale record never overwrites a newer one.
 */
export async function evaluateBucket(
  redis: ScriptedRedis,
  keys: RedisKeys,
  target: BuildTarget,
  bucket: number,
  options: BucketScanOptions,
): Promise<BucketOutcome> {
  const usersKey = keys.users(target.appId, bucket);
  const outcome: BucketOutcome = { users: 0, changes: [] };
  let cursor = '0';

  do {
    const [next, flat] = await redis.hscan(usersKey, cursor, 'COUNT', options.batchSize);
    cursor = next;
    const records = pairs(flat);
    outcome.users += records.length;
    await writeWithRetry(redis, keys, target, bucket, records, options, outcome);
  } while (cursor !== '0');

  return outcome;
}

async function writeWithRetry(
  redis: ScriptedRedis,
  keys: RedisKeys,
  target: BuildTarget,
  bucket: number,
  records: [string, string][],
  options: BucketScanOptions,
  outcome: BucketOutcome,
): Promise<void> {
  let pending = records;
  for (let round = 0; pending.length > 0; round += 1) {
    if (round > options.maxConflictRounds) {
      throw new Error(`${CONFLICT_ROUNDS_EXHAUSTED}: ${pending.length} users kept changing`);
    }

    const now = options.clock();
    const users = pending.map(([userId, record]) => userWrite(target, userId, record, now));
    const [result] = await applyBuckets(redis, keys, [{ appId: target.appId, bucket, users }], now);
    outcome.changes.push(...(result?.changes ?? []));
    pending = await reread(redis, keys.users(target.appId, bucket), result?.conflicts ?? []);
  }
}

function userWrite(target: BuildTarget, userId: string, record: string, now: number): UserWrite {
  const { segment, publish } = target;
  const member = evaluate(decodeState(record), segment, now);

  return {
    userId,
    expected: record,
    record,
    lastSession: null,
    targets: [{ segmentId: segment.id, version: segment.version, member, at: now, publish }],
  };
}

/** The current records of users that lost a race; users deleted meanwhile are dropped. */
async function reread(
  redis: ScriptedRedis,
  usersKey: string,
  userIds: string[],
): Promise<[string, string][]> {
  if (userIds.length === 0) return [];
  const records = await redis.hmget(usersKey, ...userIds);

  return userIds.flatMap((userId, index) => {
    const record = records[index];
    return record === null || record === undefined ? [] : [[userId, record] as [string, string]];
  });
}

function pairs(flat: string[]): [string, string][] {
  const result: [string, string][] = [];
  for (let index = 0; index + 1 < flat.length; index += 2) {
    result.push([flat[index] as string, flat[index + 1] as string]);
  }
  return result;
}
