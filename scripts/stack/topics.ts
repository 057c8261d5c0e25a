import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { topics, valueSubject } from '../../services/platform/src/kafka/topics';
import type { Log } from './download';
import { paths } from './paths';

/** Which schema file describes the values of which topic. */
const topicSchemas: Record<string, string> = {
  [topics.appSessions]: 'app-session.avsc',
  [topics.pageViews]: 'page-view.avsc',
  [topics.membershipChanges]: 'membership-change.avsc',
};

/**
 * Creates the product's topics when missing. The three data topics get `partitions` each (the
 * ceiling on consumer parallelism); the dead-letter topic gets few, as it holds rare rejects
 * whose order does not matter. An existing topic is left as it is, whatever its partitions.
 */
export async function ensureTopics(brokers: string, partitions: number, log: Log): Promise<void> {
  const kafka = new Kafka({
    clientId: 'stack-setup',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = [
      { topic: topics.appSessions, numPartitions: partitions },
      { topic: topics.pageViews, numPartitions: partitions },
      { topic: topics.membershipChanges, numPartitions: partitions },
      { topic: topics.deadLetters, numPartitions: 3 },
    ];
    const missing = wanted.filter(({ topic }) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({ topics: missing, waitForLeaders: true });
      log(`created topics ${missing.map(({ topic }) => topic).join(', ')}`);
    }

    // Asking for a group makes the broker create __consumer_offsets now, so the first real
    // consumer does not meet "group coordinator not available" errors while it is created.
    await admin.describeGroups(['stack-setup']);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Registers every schema under `<topic>-value` and sets BACKWARD compatibility on the subject.
 * Registering an unchanged schema again returns its existing id, so this is safe to repeat.
 * Apicurio's Confluent API only accepts a subject's config once the subject exists, hence the
 * order: register, then configure.
 */
export async function registerSchemas(registryUrl: string, log: Log): Promise<void> {
  for (const [topic, file] of Object.entries(topicSchemas)) {
    const subject = valueSubject(topic);
    const schema = fs.readFileSync(path.join(paths.schemas, file), 'utf8');
    const { id } = await request<{ id: number }>(
      'POST',
      `${registryUrl}/subjects/${subject}/versions`,
      { schemaType: 'AVRO', schema: JSON.stringify(JSON.parse(schema)) },
    );
    await request('PUT', `${registryUrl}/config/${subject}`, { compatibility: 'BACKWARD' });
    log(`registered ${file} as ${subject} (schema id ${id}, BACKWARD)`);
  }
}

async function request<T>(method: string, url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);

  return JSON.parse(text) as T;
}
