import type { StoredSegment } from '@audience/platform';
import { awaitChanges, awaitOracle } from './support/convergence';
import { PipelineFixture } from './support/pipeline-fixture';
import { randomWorkload, type Workload } from './support/random-workload';
import { uniqueName, waitFor } from './support/stack-env';
import { WorkerProcess } from './support/worker-process';

// Faults in the middle of a stream: each scenario ends with the membership the oracle
// predicts, and the change topic telling the same story, so no accepted event was lost and
// no change was lost.

jest.setTimeout(400_000);

interface Scenario {
  fixture: PipelineFixture;
  appId: string;
  workload: Workload;
  segments: StoredSegment[];
  workers: WorkerProcess[];
  worker(): WorkerProcess;
}

const open: Scenario[] = [];

afterEach(async () => {
  for (const scenario of open.splice(0)) {
    await Promise.all(scenario.workers.map((worker) => worker.stop()));
    await scenario.fixture.close();
  }
});

async function scenario(seed: number): Promise<Scenario> {
  const fixture = new PipelineFixture();
  await fixture.start();
  const appId = uniqueName('fault-app');
  const workload = randomWorkload({
    seed,
    users: 200,
    events: 2_000,
    segments: 20,
    now: Date.now(),
  });
  const segments = await fixture.createSegments(appId, workload.definitions);
  const workers: WorkerProcess[] = [];
  const created: Scenario = {
    fixture,
    appId,
    workload,
    segments,
    workers,
    worker: () => {
      const worker = new WorkerProcess({
        groupId: fixture.groupId,
        prefix: fixture.prefix,
        workerId: uniqueName('fault-worker'),
        env: { WORKER_CHUNK_SIZE: '50' },
      });
      workers.push(worker);
      return worker;
    },
  };
  open.push(created);
  return created;
}

/** Produces the first half, waits for some of it to be stored, runs `fault`, then the rest. */
async function streamAround(current: Scenario, fault: () => Promise<void>): Promise<void> {
  const { events } = current.workload;
  const half = Math.floor(events.length / 2);
  await current.fixture.produce(current.appId, events.slice(0, half), 100);
  await waitFor(async () => (await current.fixture.storedUserCount(current.appId)) > 20, 120_000);
  await fault();
  await current.fixture.produce(current.appId, events.slice(half), 100);
}

async function expectExact(current: Scenario): Promise<void> {
  const { fixture, appId, workload, segments } = current;
  expect(await awaitOracle(fixture, appId, workload.events, segments)).toEqual([]);
  const stored = await fixture.storedMembership(appId, segments);
  expect(await awaitChanges(fixture, appId, segments, stored, 60_000)).toEqual([]);
}

it('a worker killed with SIGKILL mid-stream, then restarted, loses nothing', async () => {
  const current = await scenario(7);
  await current.worker().start();

  await streamAround(current, async () => {
    expect(await current.workers[0]!.kill('SIGKILL')).toBeNull();
  });
  await current.worker().start();

  await expectExact(current);
});

it('two workers, one stopped mid-stream: the other takes its partitions over', async () => {
  const current = await scenario(8);
  await current.worker().start();
  await current.worker().start();

  await streamAround(current, async () => {
    await current.workers[0]!.stop();
  });

  await expectExact(current);
  expect(await current.workers[1]!.isReady()).toBe(true);
});

it('Redis connections killed mid-stream: the worker reconnects and loses nothing', async () => {
  const current = await scenario(9);
  const worker = current.worker();
  await worker.start();
  const { redis } = current.fixture;

  const killConnections = async () => {
    const clients = (await redis.client('LIST')) as string;
    const ids = clients
      .split('\n')
      .filter((line) => line.includes(`name=worker:${worker.workerId}`))
      .map((line) => /id=(\d+)/.exec(line)?.[1])
      .filter((id): id is string => id !== undefined);
    for (const id of ids) await redis.client('KILL', 'ID', id);
    return ids.length;
  };
  await streamAround(current, async () => {
    expect(await killConnections()).toBeGreaterThan(0);
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  await killConnections();

  await expectExact(current);
});
