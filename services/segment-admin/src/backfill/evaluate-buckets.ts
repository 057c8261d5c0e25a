import { decodeState, evaluate, type CompiledSegment } from '@audience/engine';
import type { OutboxChange, RedisKeys, ScriptedRedis } from '@audience/platform';
import {
  readBuckets,
  writeBuckets,
  type BucketSnapshot,
  type BucketVerdicts,
  type VersionTarget,
} from '../store/backfill-scripts';

/** One version of one segment being built over existing users. */
export interface BuildTarget {
  appId: string;
  segment: CompiledSegment;
  /** False while an edit is rebuilt: its changes are announced as a diff at the switch. */
  publish: boolean;
}

export interface BucketScanOptions {
  /** Rounds of re-reading users whose record changed between read and write. */
  maxConflictRounds: number;
  clock: () => number;
}

/** What one pass over some buckets did. */
export interface BucketsOutcome {
  users: number;
  changes: OutboxChange[];
}

const CONFLICT_ROUNDS_EXHAUSTED = 'backfill_conflicts';

/**
 * Evaluates `target` over every user of some buckets: one pipelined round trip reads each
 * bucket's records and then the version's current members, the users whose
 * verdict differs from what is stored go to backfill-write.lua (one call per bucket, one
 * pipeline), which compare-and-sets them against the record evaluated. Users whose record
 * changed meanwhile (a worker applied an event) are read again and retried, so an evaluation
 * based on a stale record never overwrites a newer one.
 *
 * Users whose verdict equals the stored membership are not written. The members are read
 * after the records: a worker that changed such a user in between evaluated every live
 * version of the segment for the newer record (or its change could not affect the segment,
 * so the verdict stands), so the stored membership is already right.
 */
export async function evaluateBuckets(
  redis: ScriptedRedis,
  keys: RedisKeys,
  target: BuildTarget,
  buckets: number[],
  options: BucketScanOptions,
): Promise<BucketsOutcome> {
  const version = versionOf(target);
  const snapshots = await readBuckets(redis, keys, version, buckets);
  const now = options.clock();
  const outcome: BucketsOutcome = { users: 0, changes: [] };
  const writes: BucketVerdicts[] = [];
  for (const snapshot of snapshots) {
    outcome.users += snapshot.records.length / 2;
    const write = differingVerdicts(target.segment, snapshot, now);
    if (write.userIds.length > 0) writes.push(write);
  }

  await writeWithRetry(redis, keys, target, writes, options, outcome);
  return outcome;
}

function versionOf(target: BuildTarget): VersionTarget {
  const { id: segmentId, version } = target.segment;
  return { appId: target.appId, segmentId, version, publish: target.publish };
}

/** The users of a bucket whose verdict is not what is stored, with their records. */
function differingVerdicts(
  segment: CompiledSegment,
  snapshot: BucketSnapshot,
  now: number,
): BucketVerdicts {
  const { bucket, records, members } = snapshot;
  const write: BucketVerdicts = { bucket, userIds: [], records: [], verdicts: '' };
  for (let index = 0; index + 1 < records.length; index += 2) {
    const userId = records[index] as string;
    const record = records[index + 1] as string;
    const member = evaluate(decodeState(record), segment, now);
    if (member === members.has(userId)) continue;
    write.userIds.push(userId);
    write.records.push(record);
    write.verdicts += member ? '1' : '0';
  }
  return write;
}

async function writeWithRetry(
  redis: ScriptedRedis,
  keys: RedisKeys,
  target: BuildTarget,
  writes: BucketVerdicts[],
  options: BucketScanOptions,
  outcome: BucketsOutcome,
): Promise<void> {
  const version = versionOf(target);
  let pending = writes;
  for (let round = 0; pending.length > 0; round += 1) {
    if (round > options.maxConflictRounds) {
      const users = pending.reduce((sum, write) => sum + write.userIds.length, 0);
      throw new Error(`${CONFLICT_ROUNDS_EXHAUSTED}: ${users} users kept changing`);
    }

    const now = options.clock();
    const results = await writeBuckets(redis, keys, version, pending, now);
    const retry: BucketVerdicts[] = [];
    for (const result of results) {
      for (const change of result.changes) outcome.changes.push(change);
      if (result.conflicts.length === 0) continue;
      const usersKey = keys.users(target.appId, result.bucket);
      const write = await reevaluate(redis, usersKey, target.segment, result.conflicts, now);
      if (write.userIds.length > 0) retry.push({ ...write, bucket: result.bucket });
    }
    pending = retry;
  }
}

/**
 * Verdicts from the current records of users that lost a race, all sent to the script (it
 * skips those already right); users deleted meanwhile are dropped.
 */
async function reevaluate(
  redis: ScriptedRedis,
  usersKey: string,
  segment: CompiledSegment,
  userIds: string[],
  now: number,
): Promise<Omit<BucketVerdicts, 'bucket'>> {
  const records = await redis.hmget(usersKey, ...userIds);
  const write: Omit<BucketVerdicts, 'bucket'> = { userIds: [], records: [], verdicts: '' };
  userIds.forEach((userId, index) => {
    const record = records[index];
    if (record === null || record === undefined) return;
    write.userIds.push(userId);
    write.records.push(record);
    write.verdicts += evaluate(decodeState(record), segment, now) ? '1' : '0';
  });
  return write;
}
