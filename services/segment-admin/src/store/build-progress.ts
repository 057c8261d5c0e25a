import type { Redis } from 'ioredis';
import { BUCKET_COUNT } from '@audience/platform';
import type { AdminKeys } from './admin-keys';

/** How long a finished build's record is kept: long enough to read, short enough to vanish. */
const FINISHED_TTL_SECONDS = 24 * 3600;

/**
 * Which buckets the backfill of one segment version has finished. A set, not a counter, so a
 * chunk that is retried after finishing some of its buckets counts each of them once.
 */
export class BuildProgress {
  constructor(
    private readonly redis: Redis,
    private readonly keys: AdminKeys,
  ) {}

  /** Records finished buckets; returns how many of all buckets are now done. */
  async finish(
    appId: string,
    segmentId: string,
    version: number,
    buckets: number[],
  ): Promise<number> {
    const key = this.keys.build(appId, segmentId, version);
    const replies = await this.redis
      .multi()
      .sadd(key, ...buckets.map(String))
      .scard(key)
      .expire(key, FINISHED_TTL_SECONDS)
      .exec();

    return Number(replies?.[1]?.[1] ?? 0);
  }

  /** Percent of buckets done, 0 to 100 (100 only once every bucket is). */
  async percent(appId: string, segmentId: string, version: number): Promise<number> {
    const done = await this.redis.scard(this.keys.build(appId, segmentId, version));
    return percentOf(done);
  }

  /** Forgets a build (the segment was deleted or rebuilt). */
  async clear(appId: string, segmentId: string, version: number): Promise<void> {
    await this.redis.unlink(this.keys.build(appId, segmentId, version));
  }
}

/** Done buckets as a whole percent, never showing 100 before the last bucket. */
export function percentOf(doneBuckets: number): number {
  if (doneBuckets >= BUCKET_COUNT) return 100;
  return Math.min(99, Math.floor((doneBuckets * 100) / BUCKET_COUNT));
}
