import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import {
  AppStore,
  AvroCodec,
  DefinitionAcks,
  DefinitionStore,
  MembershipReader,
  createRenewingProducer,
  createKafka,
  createMetricsRegistry,
  createRedis,
  redisKeys,
  registerOpsRoutes,
  topics,
  valueSubject,
  type ScriptedRedis,
} from '@audience/platform';
import type { AdminConfig } from './config';
import { createAdminMetrics, type AdminMetrics } from './metrics';
import { Backfill, type BackfillOptions } from './backfill/backfill';
import { kafkaChangeSink, type ChangeSink } from './backfill/change-publisher';
import { CountHistory } from './history/count-history';
import { registerAdminAuth } from './http/admin-auth';
import { registerApiDocs } from './http/api-docs';
import { DEFAULT_DASHBOARD_DIR, registerDashboard } from './http/dashboard';
import { registerErrorHandler } from './http/error-handler';
import { ErrorSchema } from './http/schemas';
import { PreviewService } from './preview/preview-service';
import { registerAppRoutes } from './routes/app-routes';
import { registerMembershipRoutes } from './routes/membership-routes';
import { registerSegmentRoutes } from './routes/segment-routes';
import { MembershipService } from './segments/membership-service';
import { SegmentService } from './segments/segment-service';
import { BuildProgress } from './store/build-progress';
import { adminKeys } from './store/admin-keys';

export interface AdminDeps {
  config: AdminConfig;
  logger: Logger;
  registry?: Registry;
  clock?: () => number;
  /** Overrides of the backfill's timing and sizes (tests shorten the waits). */
  backfill?: Partial<BackfillOptions>;
  /**
   * Wraps the sink that publishes the changes found by the backfill and the version switch;
   * tests inject failures or watch what is published through it.
   */
  wrapChangeSink?: (sink: ChangeSink) => ChangeSink;
}

/** A built segment-admin: the Fastify app and what it owns. */
export interface Admin {
  app: FastifyInstance;
  backfill: Backfill;
  history: CountHistory;
  metrics: AdminMetrics;
  /** Listens on ADMIN_HOST:ADMIN_PORT (0 picks a free port); returns the base URL. */
  listen(): Promise<string>;
  /** Stops taking requests, finishes running jobs, closes every connection. */
  close(): Promise<void>;
}

interface Connections {
  redis: ScriptedRedis;
  queue: Redis;
  worker: Redis | undefined;
}

function connect(config: AdminConfig, logger: Logger): Connections {
  const url = config.REDIS_URL;
  const queueOptions = { maxRetriesPerRequest: null };

  return {
    redis: createRedis({ url, logger, name: 'segment-admin:main' }),
    queue: new Redis(url, { ...queueOptions, connectionName: 'segment-admin:queue' }),
    worker: config.BACKFILL_WORKER
      ? new Redis(url, { ...queueOptions, connectionName: 'segment-admin:jobs' })
      : undefined,
  };
}

function backfillOptions(deps: AdminDeps): BackfillOptions {
  return {
    chunkBuckets: deps.config.BACKFILL_CHUNK_BUCKETS,
    concurrency: deps.config.BACKFILL_CONCURRENCY,
    adoptionTimeoutMs: deps.config.DEFINITIONS_ADOPTION_TIMEOUT_MS,
    adoptionPollMs: 20,
    retainOldVersionMs: 10 * 60_000,
    bucketsPerRound: 8,
    parallelBuckets: 3,
    clock: deps.clock,
    ...deps.backfill,
  };
}

/**
 * Builds segment-admin from its configuration: connections, stores, backfill queue (and its
 * worker unless BACKFILL_WORKER is off), count history, and the HTTP API with its docs and the
 * dashboard. Nothing listens until {@link Admin.listen}, so tests start it on port 0.
 */
export async function buildAdmin(deps: AdminDeps): Promise<Admin> {
  const { config, logger } = deps;
  const registry = deps.registry ?? createMetricsRegistry('segment-admin');
  const metrics = createAdminMetrics(registry);
  const connections = connect(config, logger);
  const { redis } = connections;
  const keys = redisKeys(config.REDIS_KEY_PREFIX);
  const extraKeys = adminKeys(config.REDIS_KEY_PREFIX);

  const kafka = createKafka({ clientId: 'segment-admin', brokers: config.KAFKA_BROKERS, logger });
  // Connected by its first send, so the API starts while Kafka is still coming up.
  const producer = createRenewingProducer(kafka, logger, {
    onRenew: () => metrics.producerRenewals.inc(),
  });
  const codec = new AvroCodec({ url: config.SCHEMA_REGISTRY_URL });
  const toKafka = kafkaChangeSink(producer, codec, redis, keys);
  const publish = deps.wrapChangeSink ? deps.wrapChangeSink(toKafka) : toKafka;

  const apps = new AppStore(redis, config.REDIS_KEY_PREFIX);
  const store = new DefinitionStore(redis, keys, deps.clock);
  const reader = new MembershipReader(redis, keys);
  const progress = new BuildProgress(redis, extraKeys);
  const options = backfillOptions(deps);
  const backfill = new Backfill(
    {
      redis,
      queueConnection: connections.queue,
      keys,
      adminKeys: extraKeys,
      store,
      acks: new DefinitionAcks(redis, keys),
      progress,
      publish,
      metrics,
      logger,
    },
    options,
  );
  const segments = new SegmentService({ apps, store, reader, progress, backfill });
  const preview = new PreviewService(redis, keys, segments, {
    exactMaxUsers: config.PREVIEW_EXACT_MAX_USERS,
    sampleUsers: config.PREVIEW_SAMPLE_USERS,
    clock: deps.clock,
  });
  const history = new CountHistory(redis, extraKeys, store, reader, logger, deps.clock);
  const membership = new MembershipService(redis, extraKeys, segments, reader);

  const httpLogger = logger.child({ component: 'http' }) as FastifyBaseLogger;
  const app: FastifyInstance = Fastify({
    loggerInstance: httpLogger,
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { keywords: ['errorMessage'] } },
  });
  registerErrorHandler(app);
  registerRequestMetrics(app, metrics);
  registerAdminAuth(app, config.ADMIN_TOKEN);
  app.addSchema(ErrorSchema);
  await registerApiDocs(app);
  registerOpsRoutes(app, {
    metrics: registry,
    checks: {
      redis: async () => void (await redis.ping()),
      kafka: async () => void (await kafka.admin().describeCluster()),
      registry: async () => void (await codec.writerFor(valueSubject(topics.membershipChanges))),
    },
  });
  registerAppRoutes(app, apps);
  registerSegmentRoutes(app, { segments, preview, history });
  registerMembershipRoutes(app, membership);
  await registerDashboard(app, config.DASHBOARD_DIR ?? DEFAULT_DASHBOARD_DIR);

  if (connections.worker) backfill.startWorker(connections.worker);
  history.start(config.HISTORY_INTERVAL_MS);

  return {
    app,
    backfill,
    history,
    metrics,
    listen: () => app.listen({ host: config.ADMIN_HOST, port: config.ADMIN_PORT }),
    close: async () => {
      history.stop();
      await app.close();
      await backfill.close();
      await producer.disconnect();
      await Promise.all(
        [redis, connections.queue, connections.worker].map((client) => client?.quit()),
      );
    },
  };
}

function registerRequestMetrics(app: FastifyInstance, metrics: AdminMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    const labels = { method: request.method, route };
    metrics.requests.inc({ ...labels, status: String(reply.statusCode) });
    metrics.requestDuration.observe(labels, reply.elapsedTime / 1000);
  });
}
