/**
 * The collector's HTTP server with Kafka taken out, for the benchmark's baseline: the same
 * Fastify app, the same write-key lookup (Redis, cached) and the same validation, answering
 * 202 without producing. The difference to the real collector is the cost of Kafka and Avro.
 *
 * Environment: COLLECTOR_PORT, REDIS_URL, REDIS_KEY_PREFIX (as the collector).
 */
import { buildCollector } from '@audience/collector';
import { AppStore, createLogger, createMetricsRegistry, loadConfig } from '@audience/platform';
import { Type } from '@sinclair/typebox';
import { Redis } from 'ioredis';

const env = Type.Object({
  COLLECTOR_PORT: Type.Integer({ default: 4199 }),
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6380' }),
  REDIS_KEY_PREFIX: Type.String({ default: 'aud:' }),
});

async function main(): Promise<void> {
  const config = loadConfig(env, process.env);
  const logger = createLogger('collector-baseline', 'warn');
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 });
  redis.on('error', (error: Error) => logger.debug({ err: error }, 'redis error'));
  const apps = new AppStore(redis, config.REDIS_KEY_PREFIX);

  const app = await buildCollector({
    logger,
    registry: createMetricsRegistry('collector-baseline'),
    appForWriteKey: (writeKey) => apps.appForWriteKey(writeKey),
    publish: async () => undefined,
    checks: {},
  });
  await app.listen({ port: config.COLLECTOR_PORT, host: '127.0.0.1' });

  const stop = () => app.close().finally(() => redis.disconnect());
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
