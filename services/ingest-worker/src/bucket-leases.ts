import {
  BUCKET_COUNT,
  allBuckets,
  execPipeline,
  scriptedPipeline,
  type RedisKeys,
  type ScriptedRedis,
} from '@audience/platform';
import type { Logger } from 'pino';

export interface BucketLeasesOptions {
  workerId: string;
  ttlMs: number;
}

/**
 * Sweeper leases: at most one worker owns a bucket at a time (SET NX PX, renewed by
 * renew-lease.lua only while still held). Workers announce themselves in a heartbeat zset and
 * each aims for an equal share of the buckets, releasing extras when a worker joins and taking
 * free ones when a worker leaves, so the sweeping spreads over the group.
 */
export class BucketLeases {
  private readonly held = new Set<number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: ScriptedRedis,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
    private readonly options: BucketLeasesOptions,
  ) {}

  /** Buckets held now. A bucket may be lost at the next renewal; work on it is idempotent. */
  owned(): number[] {
    return [...this.held];
  }

  /** Takes a first share now, then renews and rebalances every third of the lease time. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'lease refresh failed, retrying'),
      );
    }, this.options.ttlMs / 3);
    this.timer.unref();
  }

  /** Stops renewing and gives every lease back, so other workers take over at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const buckets = this.owned();
    this.held.clear();
    const pipeline = scriptedPipeline(this.redis);
    pipeline.zrem(this.keys.sweepWorkers(), this.options.workerId);
    for (const bucket of buckets) {
      pipeline.releaseLease(1, this.keys.lease(bucket), this.options.workerId);
    }
    await execPipeline(pipeline);
  }

  /** One round: heartbeat, renew, then release or acquire towards this worker's share. */
  async refresh(): Promise<void> {
    const share = await this.heartbeat();
    await this.renew();
    if (this.held.size > share) await this.release(this.held.size - share);
    else if (this.held.size < share) await this.acquire(share - this.held.size);
  }

  private async heartbeat(): Promise<number> {
    const now = Date.now();
    const key = this.keys.sweepWorkers();
    const replies = await execPipeline(
      this.redis
        .pipeline()
        .zadd(key, now, this.options.workerId)
        .zremrangebyscore(key, '-inf', now - this.options.ttlMs)
        .zcard(key),
    );
    const workers = Math.max(1, Number(replies[2]));

    return Math.ceil(BUCKET_COUNT / workers);
  }

  private async renew(): Promise<void> {
    const buckets = this.owned();
    if (buckets.length === 0) return;

    const pipeline = scriptedPipeline(this.redis);
    for (const bucket of buckets) {
      pipeline.renewLease(1, this.keys.lease(bucket), this.options.workerId, this.options.ttlMs);
    }
    const replies = await execPipeline(pipeline);
    buckets.forEach((bucket, index) => {
      if (Number(replies[index]) !== 1) this.held.delete(bucket);
    });
  }

  private async acquire(count: number): Promise<void> {
    const candidates = allBuckets().filter((bucket) => !this.held.has(bucket));
    const probe = this.redis.pipeline();
    for (const bucket of candidates) probe.exists(this.keys.lease(bucket));
    const taken = await execPipeline(probe);
    const free = shuffle(candidates.filter((_, index) => Number(taken[index]) === 0));

    const pipeline = this.redis.pipeline();
    const tried = free.slice(0, count);
    for (const bucket of tried) {
      pipeline.set(this.keys.lease(bucket), this.options.workerId, 'PX', this.options.ttlMs, 'NX');
    }
    const replies = await execPipeline(pipeline);
    tried.forEach((bucket, index) => {
      if (replies[index] === 'OK') this.held.add(bucket);
    });
    this.logger.debug({ held: this.held.size }, 'bucket leases acquired');
  }

  private async release(count: number): Promise<void> {
    const extras = this.owned().slice(0, count);
    const pipeline = scriptedPipeline(this.redis);
    for (const bucket of extras) {
      this.held.delete(bucket);
      pipeline.releaseLease(1, this.keys.lease(bucket), this.options.workerId);
    }
    await execPipeline(pipeline);
  }
}

function shuffle<T>(items: T[]): T[] {
  for (let index = items.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [items[index], items[other]] = [items[other] as T, items[index] as T];
  }
  return items;
}
