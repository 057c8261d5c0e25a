import { Shutdown, createLogger } from '@audience/platform';
import { buildAdmin } from './admin';
import { loadAdminConfig } from './config';

/** segment-admin: wires configuration, logger and shutdown around {@link buildAdmin}. */
async function main(): Promise<void> {
  const config = loadAdminConfig(process.env);
  const logger = createLogger('segment-admin', config.LOG_LEVEL);
  const admin = await buildAdmin({ config, logger });
  const shutdown = new Shutdown(logger);
  shutdown.add('segment-admin', () => admin.close());
  shutdown.listen();

  const url = await admin.listen();
  logger.info({ url, docs: `${url}/docs` }, 'segment-admin listening');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
