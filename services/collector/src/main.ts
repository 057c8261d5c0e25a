import {
  AppStore,
  AvroCodec,
  createIdempotentProducer,
  createKafka,
  createLogger,
  createMetricsRegistry,
  Shutdown,
  topics,
  valueSubject,
  type Logger,
} from '@audience/platform';
import { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import { buildCollector } from './collector-app';
import { createCollectorMetrics } from './collector-metrics';
import { loadCollectorConfig, type CollectorConfig } from './config';
import { EventPublisher, type EncoderLookup } from './event-publisher';

/** Starts the collector: wires Redis, Kafka and the registry to the HTTP server. */
async function main(): Promise<void> {
  const config = loadCollectorConfig(process.env);
  const logger = createLogger('collector', config.LOG_LEVEL);
  const registry = createMetricsRegistry('collector');
  const metrics = createCollectorMetrics(registry);
  const shutdown = new Shutdown(logger);

  const redis = connectRedis(config, logger);
  const kafka = createKafka({
    clientId: 'collector',
    brokers: config.KAFKA_BROKERS,
    logger,
    // Connection retries bounded to about 2 s, inside the 503 deadline.
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
  const admin = kafka.admin();
  const codec = new AvroCodec({ url: config.SCHEMA_REGISTRY_URL });
  const encoderFor: EncoderLookup = async (topic) => {
    const writer = await codec.writerFor(valueSubject(topic));
    return (record) => codec.encodeWith(writer, record);
  };

  const publisher = new EventPublisher({
    createProducer: () => createIdempotentProducer(kafka),
    encoderFor,
    logger,
    deadlineMs: config.COLLECTOR_KAFKA_DEADLINE_MS,
    producers: config.COLLECTOR_KAFKA_PRODUCERS,
    onProduce: (seconds, outcome) => metrics.produceDuration.observe({ outcome }, seconds),
  });
  const apps = new AppStore(redis, config.REDIS_KEY_PREFIX);
  const app = await buildCollector({
    logger,
    registry,
    metrics,
    appForWriteKey: (writeKey) => apps.appForWriteKey(writeKey),
    publish: (appId, events, receivedAt) => publisher.publish(appId, events, receivedAt),
    checks: {
      kafka: () => checkKafka(admin),
      redis: async () => void (await redis.ping()),
      registry: () => checkRegistry(config.SCHEMA_REGISTRY_URL),
    },
  });

  // Closed in reverse order: the server stops taking requests and finishes those in flight
  // before the producer that they wait on disconnects.
  shutdown.add('redis', async () => void (await redis.quit()));
  shutdown.add('kafka-admin', () => admin.disconnect());
  shutdown.add('producer', () => publisher.close());
  shutdown.add('http', () => app.close());
  shutdown.listen();

  await warmUp(logger, publisher, encoderFor);
  await app.listen({ port: config.COLLECTOR_PORT, host: config.COLLECTOR_HOST });
}

// The collector answers 503 when Redis is away rather than queueing requests behind it.
function connectRedis(config: CollectorConfig, logger: Logger): Redis {
  const log = logger.child({ component: 'redis' });
  const redis = new Redis(config.REDIS_URL, {
    connectionName: 'collector',
    maxRetriesPerRequest: 1,
    commandTimeout: 1_000,
    retryStrategy: (attempt) => Math.min(50 * attempt, 1_000),
  });
  // Each failed reconnect emits an error; the first one per outage is enough at warn.
  let healthy = true;
  redis.on('error', (error: Error) => {
    if (healthy) log.warn({ err: error }, 'redis connection lost, reconnecting');
    else log.debug({ err: error }, 'redis still unreachable');
    healthy = false;
  });
  redis.on('ready', () => {
    if (!healthy) log.info('redis connection back');
    healthy = true;
  });

  return redis;
}

// Kafka or the registry being down at start is not fatal: `/readyz` says so, requests get
// 503, and the first request after they come back connects.
async function warmUp(logger: Logger, publisher: EventPublisher, encoderFor: EncoderLookup) {
  const steps = [
    publisher.ensureConnected(),
    encoderFor(topics.appSessions),
    encoderFor(topics.pageViews),
  ];
  const results = await Promise.allSettled(steps);
  for (const result of results) {
    if (result.status === 'rejected') {
      logger.warn({ err: result.reason }, 'dependency not ready at start, will retry on use');
    }
  }
}

async function checkKafka(admin: Admin): Promise<void> {
  await admin.connect();
  await admin.fetchTopicMetadata({ topics: [topics.appSessions, topics.pageViews] });
}

async function checkRegistry(url: string): Promise<void> {
  const response = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) throw new Error(`registry answered ${response.status}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
