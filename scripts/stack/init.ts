/**
 * Topics and schemas against a stack this project did not start (docker compose, a shared
 * cluster): waits until Kafka and the registry answer, then runs the same idempotent setup as
 * `npm run stack:up`. Reads KAFKA_BROKERS, SCHEMA_REGISTRY_URL and TOPIC_PARTITIONS.
 */
import { kafkaAnswers } from './kafka';
import { kafkaBrokers, registryUrl } from './paths';
import { waitFor } from './process';
import { registryAnswers } from './registry';
import { ensureTopics, registerSchemas } from './topics';

async function main(): Promise<void> {
  const log = (message: string) => console.log(`stack-init: ${message}`);
  const brokers = process.env.KAFKA_BROKERS ?? kafkaBrokers;
  const registry = process.env.SCHEMA_REGISTRY_URL ?? registryUrl;
  const partitions = Number(process.env.TOPIC_PARTITIONS ?? 12);

  log(`waiting for Kafka at ${brokers} and the registry at ${registry}`);
  const ready = await waitFor(
    async () => (await kafkaAnswers(brokers)) && (await registryAnswers(registry)),
    180_000,
    2000,
  );
  if (!ready) throw new Error('Kafka or the schema registry did not answer within 180 s');

  await ensureTopics(brokers, partitions, log);
  await registerSchemas(registry, log);
}

main().catch((error: unknown) => {
  console.error(`stack-init: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
