import { buildCollector, EventPublisher, type EncoderLookup } from '@audience/collector';
import {
  AppStore,
  AvroCodec,
  createIdempotentProducer,
  createKafka,
  createMetricsRegistry,
  valueSubject,
} from '@audience/platform';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { logLevel, type ISocketFactory, type Kafka } from 'kafkajs';
import pino from 'pino';

// Settings come from the jest global setup, which started (or found) the local stack.
export const stack = {
  brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  registryUrl: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6380',
};

export interface HarnessOptions {
  /** Brokers to produce to; a closed port simulates Kafka being down. */
  brokers?: string;
  deadlineMs?: number;
  /** Opens the collector's broker connections (see network-switch.ts). */
  socketFactory?: ISocketFactory;
}

/** A collector started in-process on port 0 against the real stack, with its own key prefix. */
export interface CollectorHarness {
  url: string;
  app: FastifyInstance;
  apps: AppStore;
  codec: AvroCodec;
  redis: Redis;
  prefix: string;
  close(): Promise<void>;
}

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export async function startCollector(options: HarnessOptions = {}): Promise<CollectorHarness> {
  const prefix = `test:collector:${process.pid}:${Date.now()}:`;
  const redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: 1 });
  const apps = new AppStore(redis, prefix);
  const codec = new AvroCodec({ url: stack.registryUrl });
  const kafka: Kafka = createKafka({
    clientId: 'collector-test',
    brokers: options.brokers ?? stack.brokers,
    logger,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
    socketFactory: options.socketFactory,
  });
  const encoderFor: EncoderLookup = async (topic) => {
    const writer = await codec.writerFor(valueSubject(topic));
    return (record) => codec.encodeWith(writer, record);
  };
  const publisher = new EventPublisher({
    createProducer: () => createIdempotentProducer(kafka),
    encoderFor,
    logger,
    deadlineMs: options.deadlineMs ?? 5_000,
  });

  const app = await buildCollector({
    logger,
    registry: createMetricsRegistry('collector-test'),
    appForWriteKey: (key) => apps.appForWriteKey(key),
    publish: (appId, events, receivedAt) => publisher.publish(appId, events, receivedAt),
    checks: { redis: async () => void (await redis.ping()) },
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });

  return {
    url: address,
    app,
    apps,
    codec,
    redis,
    prefix,
    close: async () => {
      await app.close();
      await publisher.close();
      await deleteKeys(redis, prefix);
      redis.disconnect();
    },
  };
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
}

/** POSTs `body` (an object, or a raw string sent as is) to /v1/events. */
export async function postEvents(
  url: string,
  writeKey: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(writeKey === undefined ? {} : { authorization: `Bearer ${writeKey}` }),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export { logLevel };
