import type { UserEvent } from '@audience/engine';
import { postEvents, startCollector, type CollectorHarness } from '../collector/collector-harness';
import { awaitChanges, awaitOracle } from './support/convergence';
import { PipelineFixture } from './support/pipeline-fixture';
import { randomWorkload } from './support/random-workload';
import { uniqueName } from './support/stack-env';
import { WorkerProcess } from './support/worker-process';

// Events posted to the collector become, through Kafka and one worker process, the membership
// the engine's oracle predicts, and every change is published on the change topic.

jest.setTimeout(300_000);

let fixture: PipelineFixture;
let collector: CollectorHarness;
let worker: WorkerProcess;

beforeAll(async () => {
  fixture = new PipelineFixture();
  await fixture.start();
  collector = await startCollector();
});

afterAll(async () => {
  await worker?.stop();
  await collector?.close();
  await fixture?.close();
});

function toJson(event: UserEvent) {
  const { type, userId, eventId, timestamp, language } = event;
  const path = event.type === 'page_view' ? { path: event.path } : {};
  return { type, userId, eventId, timestamp, ...(language ? { language } : {}), ...path };
}

it('turns posted events into the oracle membership and publishes every change', async () => {
  const { id: appId, writeKey } = await collector.apps.createApp(uniqueName('e2e-app'));
  const workload = randomWorkload({
    seed: 4242,
    users: 300,
    events: 3_000,
    segments: 40,
    now: Date.now(),
  });
  const segments = await fixture.createSegments(appId, workload.definitions);
  worker = new WorkerProcess({
    groupId: fixture.groupId,
    prefix: fixture.prefix,
    workerId: uniqueName('e2e-worker'),
  });
  await worker.start();

  for (let start = 0; start < workload.events.length; start += 100) {
    const batch = workload.events.slice(start, start + 100).map(toJson);
    const answer = await postEvents(collector.url, writeKey, { events: batch });
    expect(answer).toEqual({ status: 202, body: { accepted: batch.length, rejected: [] } });
  }

  expect(await awaitOracle(fixture, appId, workload.events, segments)).toEqual([]);
  const expected = await fixture.storedMembership(appId, segments);
  expect(await awaitChanges(fixture, appId, segments, expected)).toEqual([]);
  const members = [...expected.values()].reduce((sum, set) => sum + set.size, 0);
  expect(members).toBeGreaterThan(100);
});
