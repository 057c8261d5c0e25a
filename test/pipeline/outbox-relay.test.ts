import { AppSegments, BUCKET_COUNT, UserUpdater, affectedSegments } from '@audience/platform';
import pino from 'pino';
import { PipelineFixture } from './support/pipeline-fixture';
import { uniqueName, waitFor } from './support/stack-env';
import { WorkerProcess } from './support/worker-process';

// A crash between the Redis write and the publish: the changes are in the outbox only (here
// written by the worker's own update code, with no publish after it, as a worker killed at
// that moment would leave them). The relay of the worker holding the bucket publishes them,
// and empties the outbox.

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

async function outboxSize(appId: string): Promise<number> {
  const pipeline = fixture.redis.pipeline();
  for (let bucket = 0; bucket < BUCKET_COUNT; bucket += 1) {
    pipeline.zcard(fixture.keys.outbox(appId, bucket));
  }
  const replies = (await pipeline.exec()) ?? [];
  return replies.reduce((sum, [, size]) => sum + Number(size), 0);
}

it('publishes changes left in the outbox by a worker that died before publishing', async () => {
  const appId = uniqueName('relay-app');
  const [segment] = await fixture.createSegments(appId, [
    {
      name: 'french',
      match: 'all',
      criteria: [{ type: 'device_language', operator: 'contains', languages: ['FR'] }],
    },
  ]);
  const segments = new AppSegments();
  segments.put(segment!.id, segment!);
  const updater = new UserUpdater(fixture.redis, fixture.keys, pino({ level: 'silent' }));
  const now = Date.now();
  const users = ['ana', 'bruno', 'chloe'];
  const events = new Map(
    users.map((userId) => [
      userId,
      [{ type: 'app_session' as const, userId, eventId: userId, timestamp: now, language: 'fr' }],
    ]),
  );
  const written = await updater.update(appId, events, affectedSegments(segments, now), now);
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
