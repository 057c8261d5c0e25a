import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  countField,
  execPipeline,
  parseOutboxEntry,
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
  /** Flat userId, record as read, "1" or "0", ... */
  verdicts: string[];
}

export interface BucketWriteResult {
  bucket: number;
  conflicts: string[];
  changes: OutboxChange[];
}

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
  for (const { bucket, verdicts } of writes) {
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
      ...verdicts,
    );
  }
  const replies = (await execPipeline(pipeline)) as [string[], string[]][];

  return replies.map(([conflicts, entries], index) => {
    const bucket = writes[index]?.bucket as number;
    const changes = entries.map((entry) => parseOutboxEntry(appId, bucket, entry));
    return { bucket, conflicts, changes };
  });
}
