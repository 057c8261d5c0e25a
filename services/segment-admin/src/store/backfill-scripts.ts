import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  countField,
  execPipeline,
  type OutboxChange,
  type RedisKeys,
  type ScriptedRedis,
} from '@audience/platform';

// Read from src/ also when running from dist/, as the platform does for its scripts.
const writeSource = readFileSync(
  path.resolve(__dirname, '..', '..', 'src', 'store', 'lua', 'backfill-write.lua'),
  'utf8',
);

type Args = (string | number)[];

interface BackfillPipeline {
  backfillWrite(numberOfKeys: number, ...keysAndArgs: Args): BackfillPipeline;
}

function pipelineOf(redis: ScriptedRedis): BackfillPipeline & Parameters<typeof execPipeline>[0] {
  if (!('backfillWrite' in redis)) redis.defineCommand('backfillWrite', { lua: writeSource });
  return redis.pipeline() as unknown as BackfillPipeline & Parameters<typeof execPipeline>[0];
}

/** One segment version of one app, as the backfill scripts address it. */
export interface VersionTarget {
  appId: string;
  segmentId: string;
  version: number;
  /** False while an edit is rebuilt: its changes are announced as a diff at the switch. */
  publish: boolean;
}

/** A bucket's records and the current members of the target version. */
export interface BucketSnapshot {
  bucket: number;
  /** Flat userId, record, userId, record, ... */
  records: string[];
  members: Set<string>;
}

/**
 * Reads many buckets in one pipeline: per bucket HGETALL of the records, then ZRANGE of the
 * version's members. Not atomic, but in that order: a worker that writes a user in between
 * wrote its membership for the newer record, so the members read are at least as new as the
 * records (see evaluateBuckets for why that is enough).
 */
export async function readBuckets(
  redis: ScriptedRedis,
  keys: RedisKeys,
  target: VersionTarget,
  buckets: number[],
): Promise<BucketSnapshot[]> {
  const { appId, segmentId, version } = target;
  const pipeline = redis.pipeline();
  for (const bucket of buckets) {
    // `call` keeps HGETALL's flat reply: ioredis would build an object of every user.
    pipeline.call('HGETALL', keys.users(appId, bucket));
    pipeline.zrange(keys.members(appId, segmentId, version, bucket), 0, -1);
  }
  const replies = (await execPipeline(pipeline)) as string[][];

  return buckets.map((bucket, index) => ({
    bucket,
    records: replies[2 * index] ?? [],
    members: new Set(replies[2 * index + 1] ?? []),
  }));
}

/** What the backfill writes in one bucket: users with their record as read and the verdict. */
export interface BucketVerdicts {
  bucket: number;
  userIds: string[];
  /** The record each user's verdict was evaluated on, as read. */
  records: string[];
  /** One character per user: "1" member, "0" not. */
  verdicts: string;
}

export interface BucketWriteResult {
  bucket: number;
  conflicts: string[];
  changes: OutboxChange[];
}

const CONFLICT = 'c'.charCodeAt(0);
const ENTERED = 'E'.charCodeAt(0);
const EXITED = 'X'.charCodeAt(0);

/** Writes many buckets' verdicts in one pipeline (backfill-write.lua per bucket). */
export async function writeBuckets(
  redis: ScriptedRedis,
  keys: RedisKeys,
  target: VersionTarget,
  writes: BucketVerdicts[],
  now: number,
): Promise<BucketWriteResult[]> {
  if (writes.length === 0) return [];
  const { appId, segmentId, version } = target;
  const label = target.publish ? `${segmentId}\t${version}` : '';
  const field = countField(segmentId, version);
  const pipeline = pipelineOf(redis);
  for (const { bucket, userIds, records, verdicts } of writes) {
    pipeline.backfillWrite(
      5,
      keys.users(appId, bucket),
      keys.members(appId, segmentId, version, bucket),
      keys.outbox(appId, bucket),
      keys.sequence(appId, bucket),
      keys.counts(appId, bucket),
      now,
      label,
      field,
      now,
      verdicts,
      ...userIds,
      ...records,
    );
  }
  const replies = (await execPipeline(pipeline)) as [number, string][];

  return replies.map(([before, outcomes], index) => {
    const write = writes[index] as BucketVerdicts;
    return readOutcomes(target, write, { before, outcomes, at: now });
  });
}

/**
 * The conflicts and changes of one bucket from the script's outcome string: the k-th change
 * (in user order) has sequence `before + k` and the outbox entry the script wrote for it.
 */
function readOutcomes(
  target: VersionTarget,
  write: BucketVerdicts,
  reply: { before: number; outcomes: string; at: number },
): BucketWriteResult {
  const { appId, segmentId, version } = target;
  const { bucket, userIds } = write;
  const { outcomes, at } = reply;
  const result: BucketWriteResult = { bucket, conflicts: [], changes: [] };
  const entryPrefix = `\t${segmentId}\t${version}\t`;
  let sequence = Number(reply.before);

  for (let index = 0; index < outcomes.length; index += 1) {
    const outcome = outcomes.charCodeAt(index);
    const userId = userIds[index] as string;
    if (outcome === CONFLICT) result.conflicts.push(userId);
    if (!target.publish || (outcome !== ENTERED && outcome !== EXITED)) continue;

    sequence += 1;
    const kind = outcome === ENTERED ? 'E' : 'X';
    result.changes.push({
      appId,
      bucket,
      segmentId,
      segmentVersion: version,
      userId,
      change: outcome === ENTERED ? 'ENTERED' : 'EXITED',
      at,
      sequence,
      entry: `${sequence}${entryPrefix}${kind}\t${at}\t${userId}`,
    });
  }
  return result;
}
