import { awaitChanges, awaitOracle } from './support/convergence';
import { PipelineFixture } from './support/pipeline-fixture';
import { PrivateRedis } from './support/private-redis';
import { randomWorkload } from './support/random-workload';
import { uniqueName, waitFor } from './support/stack-env';
import { WorkerProcess } from './support/worker-process';

// Redis goes away under a running worker and comes back on the same port with the same data
// (SHUTDOWN writes the append-only file, the new server loads it). The worker is not
// restarted: it must reconnect by itself, and in the end membership is the oracle's and the
// change topic says the same. The shared stack's Redis cannot be restarted (other tests use
// it), so this test runs a Redis of its own.

jest.setTimeout(300_000);

let redis: PrivateRedis | undefined;
let fixture: PipelineFixture | undefined;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  redis = await PrivateRedis.create();
  await redis.start();
  fixture = new PipelineFixture({ redisUrl: redis.url });
  await fixture.start();
});

afterAll(async () => {
  await worker?.stop();
  // The server and its files go away whole, so the keys need no deleting (and a test that
  // failed while Redis was down must not wait for it here).
  await fixture?.close({ keepKeys: true });
  await redis?.destroy();
});

it('Redis shut down and started again mid-stream: the worker reconnects and loses nothing', async () => {
  const server = redis as PrivateRedis;
  const pipeline = fixture as PipelineFixture;
  const appId = uniqueName('redis-restart-app');
  const { events, definitions } = randomWorkload({
    seed: 21,
    users: 200,
    events: 2_000,
    segments: 20,
    now: Date.now(),
  });
  const segments = await pipeline.createSegments(appId, definitions);
  worker = new WorkerProcess({
    groupId: pipeline.groupId,
    prefix: pipeline.prefix,
    workerId: uniqueName('redis-restart-worker'),
    env: { REDIS_URL: server.url, WORKER_CHUNK_SIZE: '50' },
  });
  await worker.start();
  const running = worker;

  const half = Math.floor(events.length / 2);
  const threeQuarters = Math.floor((events.length * 3) / 4);
  await pipeline.produce(appId, events.slice(0, half), 100);
  expect(await waitFor(async () => (await pipeline.storedUserCount(appId)) > 20, 120_000)).toBe(
    true,
  );

  expect(await server.shutdown()).toBe(0);
  // Events keep coming while Redis is down; the worker holds them until it is back.
  await pipeline.produce(appId, events.slice(half, threeQuarters), 100);
  expect(await waitFor(async () => !(await running.isReady()), 20_000, 250)).toBe(true);
  await server.start();
  await pipeline.produce(appId, events.slice(threeQuarters), 100);

  expect(await awaitOracle(pipeline, appId, events, segments)).toEqual([]);
  const stored = await pipeline.storedMembership(appId, segments);
  expect(await awaitChanges(pipeline, appId, segments, stored, 60_000)).toEqual([]);
  expect(await waitFor(() => running.isReady(), 30_000, 250)).toBe(true);
  expect(running.output.join('')).toContain('redis reconnecting');
});
