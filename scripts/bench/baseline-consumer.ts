/**
 * The throughput baseline: a consumer in the worker's setup (same group mechanics, same
 * partitions, same process model) that only fetches and decodes the Avro records. Started by
 * pipeline.bench.ts as a child process; prints one JSON line `{ records, seconds }`.
 *
 * Env: KAFKA_BROKERS, SCHEMA_REGISTRY_URL, BASELINE_GROUP, BASELINE_RECORDS (records to read).
 */
import { AvroCodec, schemaIdOf } from '@audience/platform';
import { benchKafka, eventTopics } from './bench-kafka';

async function main(): Promise<void> {
  const target = Number(process.env.BASELINE_RECORDS);
  const codec = new AvroCodec({ url: process.env.SCHEMA_REGISTRY_URL ?? '' });
  const kafka = benchKafka(process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', 'bench-baseline');
  const consumer = kafka.consumer({ groupId: process.env.BASELINE_GROUP ?? 'baseline' });
  let started = 0;
  let records = 0;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));

  consumer.on(consumer.events.GROUP_JOIN, () => (started ||= performance.now()));
  await consumer.connect();
  await consumer.subscribe({ topics: eventTopics });
  await consumer.run({
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch }) => {
      const ids = batch.messages.map((message) => schemaIdOf(message.value));
      await codec.load(ids);
      for (const message of batch.messages) codec.decodeKnown(message.value as Buffer);
      records += batch.messages.length;
      if (records >= target) finish();
    },
  });
  await done;
  const seconds = (performance.now() - started) / 1_000;
  process.stdout.write(`${JSON.stringify({ records, seconds })}\n`);
  await consumer.disconnect();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
