import type { UserEvent } from '@audience/engine';
import type { StoredSegment } from '@audience/platform';
import { postEvents, startCollector, type CollectorHarness } from '../collector/collector-harness';
import { awaitChanges, awaitOracle } from './support/convergence';
import { PipelineFixture } from './support/pipeline-fixture';
import { PrivateKafka } from './support/private-kafka';
import { randomWorkload } from './support/random-workload';
import { SdkSender } from './support/sdk-sender';
import { uniqueName, waitFor } from './support/stack-env';
import { WorkerProcess } from './support/worker-process';

// The Kafka broker itself stops (SIGTERM, process gone) while an SDK posts to the collector
// and a worker consumes, then starts again on the same data. The shared broker cannot be
// stopped (other tests use it), so this test runs a single-node broker of its own from the
// stack's jars, with the shared schema registry and Redis. While the broker is down the
// collector answers 503 and accepts nothing; afterwards every batch that got a 202 shows in
// the membership and on the change topic, and the worker got there without a restart.

jest.setTimeout(360_000);

let kafka: PrivateKafka | undefined;
let fixture: PipelineFixture | undefined;
let collector: CollectorHarness | undefined;
let worker: WorkerProcess | undefined;
let sdk: SdkSender | undefined;

beforeAll(async () => {
  kafka = await PrivateKafka.create();
  await kafka.start();
  await kafka.createTopics();
  fixture = new PipelineFixture({ brokers: kafka.brokers });
  await fixture.start();
  collector = await startCollector({ brokers: kafka.brokers, deadlineMs: 3_000 });
});

afterAll(async () => {
  // Each step is bounded: after a failure with the broker down, kafkajs clients may retry
  // for minutes before giving up, and the broker and its directory must go regardless.
  sdk?.stop();
  await within(30_000, worker?.stop());
  await within(15_000, collector?.close());
  await within(15_000, fixture?.close());
  await kafka?.destroy();
});

async function within(ms: number, work: Promise<unknown> | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([work?.catch(() => undefined), late]);
  clearTimeout(timer);
}

function inBatches(events: UserEvent[], size: number): UserEvent[][] {
  const batches: UserEvent[][] = [];
  for (let start = 0; start < events.length; start += size) {
    batches.push(events.slice(start, start + size));
  }
  return batches;
}

async function setUp(appId: string, seed: number) {
  const pipeline = fixture as PipelineFixture;
  const workload = randomWorkload({
    seed,
    users: 200,
    events: 1_500,
    segments: 20,
    now: Date.now(),
  });
  const segments: StoredSegment[] = await pipeline.createSegments(appId, workload.definitions);
  worker = new WorkerProcess({
    groupId: pipeline.groupId,
    prefix: pipeline.prefix,
    workerId: uniqueName('kafka-restart-worker'),
    env: { KAFKA_BROKERS: (kafka as PrivateKafka).brokers, WORKER_CHUNK_SIZE: '50' },
  });
  await worker.start();
  return { pipeline, workload, segments, running: worker };
}

it('the broker stopped and started mid-stream: 503 while down, then nothing lost', async () => {
  const broker = kafka as PrivateKafka;
  const { url, apps } = collector as CollectorHarness;
  const { id: appId, writeKey } = await apps.createApp(uniqueName('kafka-restart-app'));
  const { pipeline, workload, segments, running } = await setUp(appId, 31);
  const batches = inBatches(workload.events, 25);
  const sender = new SdkSender(url, writeKey, { pauseMs: 150, retryMs: 500 });
  sdk = sender;
  const sending = sender.send(batches);
  // Awaited below; a test failing before then must not also leave an unhandled rejection.
  sending.catch(() => undefined);

  const midStream = async () =>
    sender.accepted >= batches.length / 3 && (await pipeline.storedUserCount(appId)) > 20;
  expect(await waitFor(midStream, 120_000, 200)).toBe(true);
  await broker.stop();
  expect(broker.running).toBe(false);
  const acceptedWhenStopped = sender.accepted;

  // Users that appear nowhere else: their batch, refused, is never posted again.
  const ghosts = [1, 2, 3].map((n) => ({
    type: 'app_session',
    userId: `ghost-${n}`,
    timestamp: Date.now() - 1_000,
  }));
  expect(await postEvents(url, writeKey, { events: ghosts })).toEqual({
    status: 503,
    body: expect.objectContaining({ error: 'kafka_unavailable' }),
  });
  expect(await waitFor(() => sender.refused >= 3, 60_000, 200)).toBe(true);
  expect(sender.accepted).toBe(acceptedWhenStopped);
  const refusals = sender.answers.filter((answer) => answer.status === 503);
  expect(refusals.every((answer) => answer.error === 'kafka_unavailable')).toBe(true);

  await broker.start();
  await sending;
  expect(sender.accepted).toBe(batches.length);

  expect(await awaitOracle(pipeline, appId, workload.events, segments)).toEqual([]);
  const stored = await pipeline.storedMembership(appId, segments);
  expect(await awaitChanges(pipeline, appId, segments, stored, 60_000)).toEqual([]);
  const users = new Set(workload.events.map((event) => event.userId));
  expect(await pipeline.storedUserCount(appId)).toBe(users.size);
  expect(await waitFor(() => running.isReady(), 30_000, 250)).toBe(true);
});
