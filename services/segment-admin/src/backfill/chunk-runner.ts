import { compileSegment } from '@audience/engine';
import type { DefinitionStore, OutboxChange, RedisKeys, ScriptedRedis } from '@audience/platform';
import { evaluateBucket, type BucketScanOptions, type BuildTarget } from './evaluate-buckets';
import type { ChangeSink } from './change-publisher';

export interface ChunkContext {
  redis: ScriptedRedis;
  keys: RedisKeys;
  store: DefinitionStore;
  publish: ChangeSink;
  scan: BucketScanOptions;
  /** Buckets of one chunk evaluated at the same time, to overlap Redis round trips. */
  parallelBuckets: number;
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

/** How often a running chunk checks that its version is still wanted, and reports progress. */
const CHECK_INTERVAL_MS = 250;

/**
 * Builds one chunk of buckets of a segment version. Empty buckets are found with one
 * pipelined HLEN and finish at once. While it runs, the chunk re-checks every quarter second
 * that its version is still the latest of a live segment, so a deleted or re-edited segment
 * stops its backfill promptly instead of writing keys nobody frees. `onBuckets` is told of
 * finished buckets in batches (progress).
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
  let finished = job.buckets.filter((_, index) => (sizes[index] ?? 0) === 0);
  let unpublished: OutboxChange[] = [];
  let checkedAt = Date.now();

  const flush = async (force: boolean): Promise<void> => {
    if (!force && Date.now() - checkedAt < CHECK_INTERVAL_MS) return;
    checkedAt = Date.now();
    target = await currentTarget(context.store, job);
    const [done, changes] = [finished, unpublished];
    [finished, unpublished] = [[], []];
    // Published before the buckets count as done, so a version is never made ready (or
    // switched) while some of its changes are still unannounced.
    await context.publish(changes);
    if (done.length > 0) await onBuckets(done);
  };

  const lane = async (): Promise<void> => {
    for (let bucket = queue.shift(); bucket !== undefined; bucket = queue.shift()) {
      if (target === null) return;
      const outcome = await evaluateBucket(
        context.redis,
        context.keys,
        target,
        bucket,
        context.scan,
      );
      unpublished.push(...outcome.changes);
      result.users += outcome.users;
      result.changes += outcome.changes.length;
      finished.push(bucket);
      await flush(false);
    }
  };

  await Promise.all(Array.from({ length: context.parallelBuckets }, lane));
  if (target === null) return { ...result, skipped: true };
  await flush(true);
  return result;
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
