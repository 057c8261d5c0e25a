import { joinForTests } from '../../scripts/stack/stack';

/**
 * Jest global setup of the `integration` project: brings up the parts of the local stack that
 * are not running (the same code as `npm run stack:up`) and hands their addresses to the tests
 * through the environment, which the test workers inherit.
 */
export default async function globalSetup(): Promise<void> {
  const began = Date.now();
  const info = await joinForTests({
    log: (message) => process.stderr.write(`stack: ${message}\n`),
  });

  process.env.KAFKA_BROKERS = info.kafkaBrokers;
  process.env.SCHEMA_REGISTRY_URL = info.registryUrl;
  process.env.REDIS_URL = info.redisUrl;
  const seconds = ((Date.now() - began) / 1000).toFixed(1);
  const started = info.startedByUs.join(', ') || 'nothing';
  process.stderr.write(`stack: ready for tests in ${seconds} s (started: ${started})\n`);
}
