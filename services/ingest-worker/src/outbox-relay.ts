import {
  execPipeline,
  parseOutboxEntry,
  type OutboxChange,
  type RedisKeys,
  type ScriptedRedis,
  type SegmentCatalog,
} from '@audience/platform';
import type { BucketLeases } from './bucket-leases';
import type { ChangePublisher } from './change-publisher';
import type { WorkerMetrics } from './worker-metrics';

/** Entries relayed per bucket and pass. */
const ENTRIES_PER_BUCKET = 500;

/**
 * Publishes outbox entries that stayed too long: their worker crashed between the Redis write
 * and the publish, or the publish failed. Each worker relays the buckets it leases, so every
 * outbox has one relay; entries its own batches are still publishing are left to them. A
 * change may be published twice (a slow worker and the relay of another); consumers drop the
 * repeat by its sequence.
 */
export class OutboxRelay {
  constructor(
    private readonly redis: ScriptedRedis,
    private readonly keys: RedisKeys,
    private readonly catalog: SegmentCatalog,
    private readonly leases: BucketLeases,
    private readonly publisher: ChangePublisher,
    private readonly metrics: WorkerMetrics,
    private readonly minAgeMs: number,
  ) {}

  /** One pass; returns how many changes were published. */
  async relay(now = Date.now()): Promise<number> {
    const buckets = this.leases.owned();
    const apps = this.catalog.appIds();
    if (buckets.length === 0 || apps.length === 0) return 0;

    const pipeline = this.redis.pipeline();
    const slots: { appId: string; bucket: number }[] = [];
    for (const appId of apps) {
      for (const bucket of buckets) {
        const key = this.keys.outbox(appId, bucket);
        pipeline.zrangebyscore(key, '-inf', now - this.minAgeMs, 'LIMIT', 0, ENTRIES_PER_BUCKET);
        slots.push({ appId, bucket });
      }
    }
    const replies = (await execPipeline(pipeline)) as string[][];

    const changes: OutboxChange[] = [];
    slots.forEach(({ appId, bucket }, index) => {
      for (const entry of replies[index] ?? []) {
        const change = parseOutboxEntry(appId, bucket, entry);
        if (!this.publisher.isInFlight(change)) changes.push(change);
      }
    });
    if (changes.length > 0 && (await this.publisher.publish(changes))) {
      this.metrics.outboxRelayed.inc(changes.length);
    }
    return changes.length;
  }
}
