import { createServer } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';

// Set by the jest global setup (or by scripts/bench), which started or found the local stack.
export const stack = {
  brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  registryUrl: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6380',
};

/** A name no other test run uses: apps, prefixes, consumer groups. */
export function uniqueName(what: string): string {
  return `${what}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** A kafkajs client for test plumbing (silent), on the stack's broker unless told otherwise. */
export function testKafka(clientId: string, brokers = stack.brokers): Kafka {
  return new Kafka({ clientId, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

/** A TCP port free right now (the worker's ops port). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns the last answer. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 100,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Points a consumer group that has not started yet at the current end of `topics`, so it
 * reads only what is produced from now on (the topics hold other tests' and benchmarks'
 * records).
 */
export async function startGroupAtEnd(
  groupId: string,
  topics: string[],
  brokers = stack.brokers,
): Promise<void> {
  const admin = testKafka('pipeline-test-admin', brokers).admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const partitions = ends.map(({ partition, high }) => ({ partition, offset: high }));
      await admin.setOffsets({ groupId, topic, partitions });
    }
  } finally {
    await admin.disconnect();
  }
}
