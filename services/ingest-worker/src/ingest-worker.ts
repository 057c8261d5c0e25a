import {
  AvroCodec,
  DefinitionAcks,
  DefinitionStore,
  SegmentCatalog,
  UserUpdater,
  createRenewingProducer,
  createKafka,
  createRedis,
  redisKeys,
  type Logger,
  type ReadinessCheck,
  type ScriptedRedis,
  type SendingProducer,
} from '@audience/platform';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { BatchProcessor } from './batch-processor';
import { BucketLeases } from './bucket-leases';
import { ChangePublisher } from './change-publisher';
import type { WorkerConfig } from './config';
import { EventConsumer } from './event-consumer';
import { OutboxRelay } from './outbox-relay';
import { PeriodicTask } from './periodic-task';
import { TimeSweeper } from './time-sweeper';
import { createWorkerMetrics } from './worker-metrics';

/** How often the outbox relay looks for entries left behind. */
const RELAY_INTERVAL_MS = 1_000;

/**
 * The worker's parts wired together: the Kafka consumer (events to state and membership), the
 * change publisher, the time sweeper and the outbox relay (both on leased buckets), and the
 * runtime segment catalog, which acknowledges each definitions revision once adopted by every
 * batch and sweep. `start` brings them up in dependency order, `stop` in reverse.
 */
export class IngestWorker {
  private readonly redis: ScriptedRedis;
  private readonly kafka: Kafka;
  private readonly producer: SendingProducer;
  private readonly codec: AvroCodec;
  private readonly catalog: SegmentCatalog;
  private readonly leases: BucketLeases;
  private readonly consumer: EventConsumer;
  private readonly tasks: PeriodicTask[];
  private readonly relay: OutboxRelay;
  private readonly publisher: ChangePublisher;
  private readonly relayAgeMs: number;

  constructor(config: WorkerConfig, logger: Logger, registry: Registry) {
    const metrics = createWorkerMetrics(registry);
    const keys = redisKeys(config.REDIS_KEY_PREFIX);
    this.redis = createRedis({ url: config.REDIS_URL, logger, name: `worker:${config.WORKER_ID}` });
    this.kafka = createKafka({ clientId: 'ingest-worker', brokers: config.KAFKA_BROKERS, logger });
    this.producer = createRenewingProducer(this.kafka, logger, {
      retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 2_000 },
      onRenew: () => metrics.producerRenewals.inc(),
    });
    this.codec = new AvroCodec({ url: config.SCHEMA_REGISTRY_URL });

    const store = new DefinitionStore(this.redis, keys);
    // Acknowledgements live as long as sweeper leases: both say "this worker is alive".
    const acks = new DefinitionAcks(this.redis, keys);
    this.catalog = new SegmentCatalog(store, logger.child({ component: 'catalog' }), {
      reloadIntervalMs: config.DEFINITIONS_RELOAD_MS,
      adoption: { acks, readerId: config.WORKER_ID, ttlMs: config.LEASE_TTL_MS },
    });
    const updater = new UserUpdater(this.redis, keys, logger, (seconds) =>
      metrics.scriptDuration.observe({ script: 'apply-users' }, seconds),
    );
    const publisher = new ChangePublisher(this.producer, this.codec, this.redis, keys, logger);
    this.publisher = publisher;
    const processor = new BatchProcessor({
      codec: this.codec,
      updater,
      catalog: this.catalog,
      publisher,
      producer: this.producer,
      metrics,
    });
    this.consumer = new EventConsumer(this.kafka, processor, this.catalog, metrics, logger, {
      groupId: config.WORKER_GROUP_ID,
      partitionsConcurrently: config.WORKER_PARTITIONS_CONCURRENTLY,
      chunkSize: config.WORKER_CHUNK_SIZE,
      sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      commitIntervalMs: config.WORKER_COMMIT_INTERVAL_MS,
    });

    const sweeperLog = logger.child({ component: 'sweeper' });
    this.leases = new BucketLeases(this.redis, keys, sweeperLog, {
      workerId: config.WORKER_ID,
      ttlMs: config.LEASE_TTL_MS,
    });
    const sweeper = new TimeSweeper({
      ...{ redis: this.redis, keys, catalog: this.catalog, leases: this.leases },
      ...{ updater, publisher, metrics, logger: sweeperLog },
    });
    this.relayAgeMs = config.OUTBOX_RELAY_AGE_MS;
    const relay = new OutboxRelay(
      ...([this.redis, keys, this.catalog, this.leases, publisher, metrics] as const),
      config.OUTBOX_RELAY_AGE_MS,
    );
    this.relay = relay;
    // A tick evaluates window segments from the catalog, like a batch: one use of it.
    const sweep = () => this.catalog.use(() => sweeper.tick());
    this.tasks = [
      new PeriodicTask('sweeper', config.SWEEP_INTERVAL_MS, sweep, sweeperLog),
      new PeriodicTask('outbox-relay', RELAY_INTERVAL_MS, () => relay.relay(), sweeperLog),
    ];
  }

  async start(): Promise<void> {
    await this.redis.ping();
    await this.producer.connect();
    await this.catalog.start();
    await this.leases.start();
    for (const task of this.tasks) task.start();
    await this.consumer.start();
  }

  /**
   * Stops taking batches (the chunk in progress finishes and is committed), then the sweeper
   * and relay, flushes the outboxes of its buckets once more (whatever age), gives the bucket
   * leases back and closes the connections. A change that still fails to publish stays in
   * the outbox for the relay of whichever worker takes the bucket.
   */
  async stop(): Promise<void> {
    await this.consumer.stop();
    await Promise.all(this.tasks.map((task) => task.stop()));
    await this.publisher.settle();
    await this.relay.relay(Date.now() + this.relayAgeMs).catch(() => 0);
    await this.publisher.settle();
    await this.leases.stop().catch(() => undefined);
    await this.catalog.stop();
    await this.producer.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** Readiness: Redis answers, Kafka group joined, registry answers. */
  checks(): Record<string, ReadinessCheck> {
    return {
      redis: async () => {
        await this.redis.ping();
      },
      kafka: async () => {
        if (!this.consumer.ready) throw new Error('consumer has not joined its group');
      },
      registry: async () => {
        await this.codec.writerFor('segment-membership-changes-value');
      },
    };
  }
}
