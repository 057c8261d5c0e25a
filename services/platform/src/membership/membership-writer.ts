import { countField, type RedisKeys } from '../redis/keys';
import { scriptedPipeline, type ScriptedPipeline, type ScriptedRedis } from '../redis/scripts';
import { parseOutboxEntry, type OutboxChange } from './membership-change';

/** Whether a user should be in one version of a segment, as just evaluated. */
export interface MembershipTarget {
  segmentId: string;
  version: number;
  member: boolean;
  /** When the change happens (ms): the processing time, or the boundary a window crossed. */
  at: number;
  /** False for a version being rebuilt: its changes are kept but not announced. */
  publish: boolean;
}

/** What to write for one user, computed from the record read before. */
export interface UserWrite {
  userId: string;
  /** The record as read ("" when the user did not exist): the compare-and-set guard. */
  expected: string;
  /** The new record; equal to `expected` when only membership is re-evaluated. */
  record: string;
  /** Last session (ms) for the sweeper's index, or null to leave the index as it is. */
  lastSession: number | null;
  targets: MembershipTarget[];
}

/** The writes of one (app, bucket): one script call. */
export interface BucketWrites {
  appId: string;
  bucket: number;
  users: UserWrite[];
}

/** Result of one bucket's script call. */
export interface BucketResult {
  appId: string;
  bucket: number;
  /** Users whose record changed since it was read: read again, evaluate again, retry. */
  conflicts: string[];
  /** Changes recorded in the outbox, to publish and then remove. */
  changes: OutboxChange[];
}

/** The script's KEYS and ARGV for one bucket. */
export function applyArguments(
  keys: RedisKeys,
  writes: BucketWrites,
  now: number,
): (string | number)[] {
  const { appId, bucket } = writes;
  const memberKeys = new Map<string, number>();
  const labels: string[] = [];
  const countFields: string[] = [];
  const userArgs: (string | number)[] = [];

  for (const user of writes.users) {
    userArgs.push(user.userId, user.expected, user.record, user.lastSession ?? '');
    userArgs.push(user.targets.length);
    for (const target of user.targets) {
      const key = keys.members(appId, target.segmentId, target.version, bucket);
      let index = memberKeys.get(key);
      if (index === undefined) {
        index = memberKeys.size + 1;
        memberKeys.set(key, index);
        labels.push(target.publish ? `${target.segmentId}\t${target.version}` : '');
        countFields.push(countField(target.segmentId, target.version));
      }
      userArgs.push(index, target.member ? '1' : '0', target.at);
    }
  }

  const fixedKeys = [
    keys.users(appId, bucket),
    keys.lastSession(appId, bucket),
    keys.outbox(appId, bucket),
    keys.sequence(appId, bucket),
    keys.counts(appId, bucket),
    keys.sessionWrites(appId, bucket),
  ];
  const allKeys = [...fixedKeys, ...memberKeys.keys()];

  return [allKeys.length, ...allKeys, now, ...labels, ...countFields, ...userArgs];
}

/** Queues one bucket's script call on a pipeline. */
export function queueApply(
  pipeline: ScriptedPipeline,
  keys: RedisKeys,
  writes: BucketWrites,
  now: number,
): void {
  const [numberOfKeys, ...rest] = applyArguments(keys, writes, now);
  pipeline.applyUsers(numberOfKeys as number, ...rest);
}

function toResult(writes: BucketWrites, reply: unknown): BucketResult {
  const [conflicts, entries] = reply as [string[], string[]];

  return {
    appId: writes.appId,
    bucket: writes.bucket,
    conflicts,
    changes: entries.map((entry) => parseOutboxEntry(writes.appId, writes.bucket, entry)),
  };
}

/**
 * Applies the writes of many buckets in one pipeline: per bucket, one atomic script call that
 * compare-and-sets each user's record and applies that user's membership (apply-users.lua).
 * Throws the first script error; users that lost a race come back in `conflicts`.
 */
export async function applyBuckets(
  redis: ScriptedRedis,
  keys: RedisKeys,
  batches: BucketWrites[],
  now: number,
): Promise<BucketResult[]> {
  if (batches.length === 0) return [];

  const pipeline = scriptedPipeline(redis);
  for (const writes of batches) queueApply(pipeline, keys, writes, now);
  const replies = (await pipeline.exec()) ?? [];

  return batches.map((writes, index) => {
    const [error, reply] = replies[index] ?? [new Error('no reply from redis'), null];
    if (error) throw error;
    return toResult(writes, reply);
  });
}
