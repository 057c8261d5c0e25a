import type { Redis } from 'ioredis';
import { compileSegment, decodeState, evaluate, type CompiledSegment } from '@audience/engine';
import { BUCKET_COUNT, type RedisKeys } from '@audience/platform';
import type { SegmentService } from '../segments/segment-service';

/** The audience of a draft definition, as `POST /segments/preview` answers it. */
export interface AudienceEstimate {
  estimatedCount: number;
  /** True when every user was evaluated; false for an estimate from a sample. */
  exact: boolean;
  sampledUsers: number;
}

export interface PreviewOptions {
  /** Apps with at most this many users are evaluated in full. */
  exactMaxUsers: number;
  /** Users a sample holds at least (whole buckets are taken until it is reached). */
  sampleUsers: number;
  clock?: () => number;
  /** Source of randomness for picking buckets; tests inject a seeded one. */
  random?: () => number;
}

/**
 * Estimates how many users a draft definition would hold, without saving anything. Small apps
 * are evaluated in full. For large ones, whole buckets are drawn at random until the sample
 * holds enough users: a user's bucket is a hash of its id, so every user is equally likely to
 * be drawn, and the share of matching users in the sample, times the user count, is an
 * unbiased estimate. The cost is bounded by the sample size, not by the app.
 */
export class PreviewService {
  private readonly clock: () => number;
  private readonly random: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly segments: SegmentService,
    private readonly options: PreviewOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** @throws AppError `invalid_segment` (400) or `app_not_found` (404). */
  async estimate(appId: string, input: unknown): Promise<AudienceEstimate> {
    const definition = await this.segments.checkDraft(appId, input);
    const segment = compileSegment('preview', 1, definition);
    const sizes = await this.bucketSizes(appId);
    const total = sizes.reduce((sum, size) => sum + size, 0);

    if (total <= this.options.exactMaxUsers) {
      const matched = await this.countMatches(appId, segment, allBucketsWithUsers(sizes));
      return { estimatedCount: matched.matches, exact: true, sampledUsers: matched.users };
    }

    const sample = this.drawBuckets(sizes);
    const matched = await this.countMatches(appId, segment, sample);
    const share = matched.users === 0 ? 0 : matched.matches / matched.users;
    return { estimatedCount: Math.round(share * total), exact: false, sampledUsers: matched.users };
  }

  /** Users per bucket, from HLEN of every users hash in one pipeline. */
  private async bucketSizes(appId: string): Promise<number[]> {
    const pipeline = this.redis.pipeline();
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket += 1) {
      pipeline.hlen(this.keys.users(appId, bucket));
    }
    const results = (await pipeline.exec()) ?? [];

    return results.map(([error, size]) => {
      if (error) throw error;
      return Number(size);
    });
  }

  /** Random buckets, without repeats, until they hold `sampleUsers` users. */
  private drawBuckets(sizes: number[]): number[] {
    const order = allBucketsWithUsers(sizes);
    const drawn: number[] = [];
    let users = 0;
    for (let index = 0; index < order.length && users < this.options.sampleUsers; index += 1) {
      const pick = index + Math.floor(this.random() * (order.length - index));
      [order[index], order[pick]] = [order[pick] as number, order[index] as number];
      drawn.push(order[index] as number);
      users += sizes[order[index] as number] ?? 0;
    }

    return drawn;
  }

  private async countMatches(
    appId: string,
    segment: CompiledSegment,
    buckets: number[],
  ): Promise<{ users: number; matches: number }> {
    const now = this.clock();
    let users = 0;
    let matches = 0;
    for (let start = 0; start < buckets.length; start += 32) {
      const pipeline = this.redis.pipeline();
      for (const bucket of buckets.slice(start, start + 32)) {
        pipeline.hvals(this.keys.users(appId, bucket));
      }
      for (const [error, records] of (await pipeline.exec()) ?? []) {
        if (error) throw error;
        for (const record of records as string[]) {
          users += 1;
          if (evaluate(decodeState(record), segment, now)) matches += 1;
        }
      }
    }

    return { users, matches };
  }
}

function allBucketsWithUsers(sizes: number[]): number[] {
  const buckets: number[] = [];
  sizes.forEach((size, bucket) => {
    if (size > 0) buckets.push(bucket);
  });
  return buckets;
}
