import Fastify from 'fastify';
import {
  Shutdown,
  createLogger,
  createMetricsRegistry,
  registerOpsRoutes,
} from '@audience/platform';
import { loadWorkerConfig } from './config';
import { IngestWorker } from './ingest-worker';

/** Entry point: config, logger, worker, ops routes on WORKER_PORT, graceful shutdown. */
async function main(): Promise<void> {
  const config = loadWorkerConfig(process.env);
  const logger = createLogger('ingest-worker', config.LOG_LEVEL).child({
    workerId: config.WORKER_ID,
  });
  const registry = createMetricsRegistry('ingest-worker');
  const worker = new IngestWorker(config, logger, registry);

  const ops = Fastify({ logger: false });
  registerOpsRoutes(ops, { metrics: registry, checks: worker.checks() });
  await ops.listen({ port: config.WORKER_PORT, host: '0.0.0.0' });

  const shutdown = new Shutdown(logger, 30_000);
  shutdown.add('ops-http', () => ops.close());
  shutdown.add('worker', () => worker.stop());
  shutdown.listen();

  await worker.start();
  logger.info({ port: config.WORKER_PORT }, 'ingest worker started');
}

main().catch((error: unknown) => {
  // The logger may not exist yet (bad config): write one JSON line and exit non-zero.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', msg: 'start failed', error: message })}\n`,
  );
  process.exit(1);
});
