import { compileSegment } from '@audience/engine';
import type { DefinitionStore, RedisKeys, ScriptedRedis } from '@audience/platform';
import { evaluateBuckets, type BucketScanOptions, type BuildTarget } from './evaluate-buckets';
import type { ChangeSink } from './change-publisher';
import { ChangePump } from './change-pump';

export interface ChunkContext {
  redis: ScriptedRedis;
  keys: RedisKeys;
  store: DefinitionStore;
  publish: ChangeSink;
  scan: BucketScanOptions;
  /** Groups of buckets in flight at the same time, to overlap Redis round trips. */
  parallelBuckets: number;
  /** Buckets read and written per pipelined round trip. */
  bucketsPerRound: number;
}

export interface ChunkJob {
  appId: string;
  segmentId: string;
  version: number;
  buckets: number[];
}

export interface ChunkResult {
  /** Users evaluated; `skipped` when the version was deleted or superseded meanwhile. */
  users: number;
  changes: number;
  skipped: boolean;
}

/** How often a running chunk checks that its version is still wanted. */
const CHECK_INTERVAL_MS = 250;

/**
 * Builds one chunk of buckets of a segment version. Empty buckets are found with one
 * pipelined HLEN and finish at once. The others are evaluated in groups of
 * `bucketsPerRound`, `parallelBuckets` groups in flight, while a {@link ChangePump} publishes
 * what they found. The chunk re-checks every quarter second that its version is still the
 * latest of a live segment, so a deleted or re-edited segment stops its backfill promptly
 * instead of writing keys nobody frees. `onBuckets` is told of finished buckets in batches.
 */
export async function runChunk(
  context: ChunkContext,
  job: ChunkJob,
  onBuckets: (buckets: number[]) => Promise<void>,
): Promise<ChunkResult> {
  const result: ChunkResult = { users: 0, changes: 0, skipped: false };
  let target = await currentTarget(context.store, job);
  if (target === null) return { ...result, skipped: true };

  const sizes = await bucketSizes(context, job);
  const queue = job.buckets.filter((_, index) => (sizes[index] ?? 0) > 0);
  const pump = new ChangePump(context.publish, onBuckets);
  await pump.add(
    job.buckets.filter((_, index) => (sizes[index] ?? 0) === 0),
    [],
  );
  let checkedAt = Date.now();

  const lane = async (): Promise<void> => {
    while (queue.length > 0 && target !== null) {
      const buckets = queue.splice(0, context.bucketsPerRound);
      const outcome = await evaluateBuckets(
        context.redis,
        context.keys,
        target,
        buckets,
        context.scan,
      );
      result.users += outcome.users;
      result.changes += outcome.changes.length;
      await pump.add(buckets, outcome.changes);
      if (Date.now() - checkedAt >= CHECK_INTERVAL_MS) {
        checkedAt = Date.now();
        target = await currentTarget(context.store, job);
      }
    }
  };

  await Promise.all(Array.from({ length: context.parallelBuckets }, lane));
  await pump.drain();
  return target === null ? { ...result, skipped: true } : result;
}

async function bucketSizes(context: ChunkContext, job: ChunkJob): Promise<number[]> {
  const pipeline = context.redis.pipeline();
  for (const bucket of job.buckets) pipeline.hlen(context.keys.users(job.appId, bucket));
  const replies = (await pipeline.exec()) ?? [];

  return replies.map(([error, size]) => {
    if (error) throw error;
    return Number(size);
  });
}

/** The version to build, or null when it is deleted or no longer the latest. */
async function currentTarget(store: DefinitionStore, job: ChunkJob): Promise<BuildTarget | null> {
  const stored = await store.get(job.appId, job.segmentId);
  if (stored === null || stored.version !== job.version) return null;
  const live = stored.liveVersions.find((entry) => entry.version === job.version);
  if (live === undefined) return null;

  return {
    appId: job.appId,
    segment: compileSegment(job.segmentId, job.version, live.definition),
    publish: stored.servingVersion === job.version,
  };
}
