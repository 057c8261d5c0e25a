import {
  AppSegments,
  BUCKET_COUNT,
  UserUpdater,
  affectedSegments,
  createIdempotentProducer,
  createKafka,
  type OutboxChange,
  type SegmentCatalog,
  type SendingProducer,
} from '@audience/platform';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { BucketLeases } from '../../services/ingest-worker/src/bucket-leases';
import { ChangePublisher } from '../../services/ingest-worker/src/change-publisher';
import { OutboxRelay } from '../../services/ingest-worker/src/outbox-relay';
import { createWorkerMetrics } from '../../services/ingest-worker/src/worker-metrics';
import { PipelineFixture } from './support/pipeline-fixture';
import { stack, uniqueName, waitFor } from './support/stack-env';
import { WorkerProcess } from './support/worker-process';

// A crash between the Redis write and the publish: the changes are in the outbox only (here
// written by the worker's own update code, with no publish after it, as a worker killed at
// that moment would leave them). The relay of the worker holding the bucket publishes them,
// and empties the outbox. A batch that is slow to publish keeps its changes from the relay.

jest.setTimeout(300_000);

let fixture: PipelineFixture;
let worker: WorkerProcess;

beforeAll(async () => {
  fixture = new PipelineFixture();
  await fixture.start();
});

afterAll(async () => {
  await worker?.stop();
  await fixture?.close();
});

const silent = pino({ level: 'silent' });

/** Three French users written by the worker's update code: their changes are in the outbox. */
async function usersInOutbox(appId: string): Promise<OutboxChange[]> {
  const [segment] = await fixture.createSegments(appId, [
    {
      name: 'french',
      match: 'all',
      criteria: [{ type: 'device_language', operator: 'contains', languages: ['FR'] }],
    },
  ]);
  const segments = new AppSegments();
  segments.put(segment!.id, segment!);
  const updater = new UserUpdater(fixture.redis, fixture.keys, silent);
  const now = Date.now();
  const events = new Map(
    ['ana', 'bruno', 'chloe'].map((userId) => [
      userId,
      [{ type: 'app_session' as const, userId, eventId: userId, timestamp: now, language: 'fr' }],
    ]),
  );
  return updater.update(appId, events, affectedSegments(segments, now), now);
}

async function outboxSize(appId: string): Promise<number> {
  const pipeline = fixture.redis.pipeline();
  for (let bucket = 0; bucket < BUCKET_COUNT; bucket += 1) {
    pipeline.zcard(fixture.keys.outbox(appId, bucket));
  }
  const replies = (await pipeline.exec()) ?? [];
  return replies.reduce((sum, [, size]) => sum + Number(size), 0);
}

// Runs before the worker of the next test exists: no other relay looks at these outboxes.
it('leaves to a batch the changes it is still publishing, and they are published once', async () => {
  const appId = uniqueName('relay-busy-app');
  const written = await usersInOutbox(appId);
  expect(written).toHaveLength(3);

  // A real producer whose sends wait for a gate: a batch slower than the relay's age.
  const kafka = createKafka({
    clientId: uniqueName('relay-gate'),
    brokers: stack.brokers,
    logger: silent,
  });
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let sends = 0;
  const gated: SendingProducer = {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    send: async (record) => {
      sends += 1;
      await gate;
      return producer.send(record);
    },
    sendBatch: (batch) => producer.sendBatch(batch),
  };
  const publisher = new ChangePublisher(gated, fixture.codec, fixture.redis, fixture.keys, silent);
  const buckets = [...new Set(written.map((change) => change.bucket))];
  const relay = new OutboxRelay(
    fixture.redis,
    fixture.keys,
    { appIds: () => [appId] } as unknown as SegmentCatalog,
    { owned: () => buckets } as unknown as BucketLeases,
    publisher,
    createWorkerMetrics(new Registry()),
    0,
  );

  const publishing = publisher.publish(written);
  expect(await waitFor(() => sends === 1, 10_000)).toBe(true);
  expect(written.every((change) => publisher.isInFlight(change))).toBe(true);
  expect(await relay.relay(Date.now() + 60_000)).toBe(0);

  open();
  expect(await publishing).toBe(true);
  expect(await relay.relay(Date.now() + 60_000)).toBe(0);
  await publisher.settle();
  expect(written.some((change) => publisher.isInFlight(change))).toBe(false);
  expect(await outboxSize(appId)).toBe(0);
  expect(sends).toBe(1);
  const published = () => fixture.changes.filter((change) => change.appId === appId);
  expect(await waitFor(() => published().length >= 3, 30_000)).toBe(true);
  await producer.disconnect();
});

it('publishes changes left in the outbox by a worker that died before publishing', async () => {
  const appId = uniqueName('relay-app');
  const users = ['ana', 'bruno', 'chloe'];
  const written = await usersInOutbox(appId);
  expect(written).toHaveLength(3);
  expect(await outboxSize(appId)).toBe(3);

  worker = new WorkerProcess({
    groupId: fixture.groupId,
    prefix: fixture.prefix,
    workerId: uniqueName('relay-worker'),
  });
  await worker.start();

  const published = () => fixture.changes.filter((change) => change.appId === appId);
  expect(await waitFor(() => published().length >= 3, 60_000)).toBe(true);
  expect(
    published()
      .map((change) => [change.userId, change.change])
      .sort(),
  ).toEqual(users.map((userId) => [userId, 'ENTERED']));
  expect(published().map((change) => Number(change.sequence))).toEqual(
    expect.arrayContaining(written.map((change) => change.sequence)),
  );
  expect(await waitFor(async () => (await outboxSize(appId)) === 0, 30_000)).toBe(true);
});
