import { compileSegment } from '@audience/engine';
import type { DefinitionStore, RedisKeys, ScriptedRedis } from '@audience/platform';
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

export interface ChunkResult {
  /** Users evaluated; 0 and `skipped` when the version is gone or superseded. */
  users: number;
  changes: number;
  skipped: boolean;
}

/**
 * Builds one chunk of buckets of a segment version. Before each bucket it checks that the
 * version is still the latest of a live segment, so a deleted or re-edited segment stops its
 * backfill within one bucket instead of writing keys nobody frees. `onBucket` is told of each
 * finished bucket (progress).
 */
export async function runChunk(
  context: ChunkContext,
  job: { appId: string; segmentId: string; version: number; buckets: number[] },
  onBucket: (bucket: number) => Promise<void>,
): Promise<ChunkResult> {
  const result: ChunkResult = { users: 0, changes: 0, skipped: false };
  const queue = [...job.buckets];

  const lane = async (): Promise<void> => {
    for (let bucket = queue.shift(); bucket !== undefined; bucket = queue.shift()) {
      const target = await currentTarget(context.store, job);
      if (target === null) {
        result.skipped = true;
        queue.length = 0;
        return;
      }
      const outcome = await evaluateBucket(
        context.redis,
        context.keys,
        target,
        bucket,
        context.scan,
      );
      await context.publish(outcome.changes);
      result.users += outcome.users;
      result.changes += outcome.changes.length;
      await onBucket(bucket);
    }
  };

  await Promise.all(Array.from({ length: context.parallelBuckets }, lane));
  return result;
}

/** The version to build, or null when it is deleted or no longer the latest. */
async function currentTarget(
  store: DefinitionStore,
  job: { appId: string; segmentId: string; version: number },
): Promise<BuildTarget | null> {
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
