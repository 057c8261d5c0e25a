import type { SegmentDefinition, UserEvent } from '@audience/engine';
import { DefinitionAcks, bucketOf } from '@audience/platform';
import { PipelineFixture } from './support/pipeline-fixture';
import { uniqueName, waitFor } from './support/stack-env';
import { WorkerProcess } from './support/worker-process';

// A definition written while a worker runs reaches it within a second (the bound): the
// worker acknowledges the new revision, and an event sent afterwards is evaluated against the
// new definition. Creates, edits and deletes, one after the other, on one running worker.

jest.setTimeout(180_000);

/** The bound on a definition change reaching a running worker. */
const REACH_MS = 1_000;

let fixture: PipelineFixture;
let worker: WorkerProcess;
let acks: DefinitionAcks;
let appId: string;
let eventNumber = 0;

const speakers = (language: string): SegmentDefinition => ({
  name: 'Speakers',
  match: 'all',
  criteria: [{ type: 'device_language', operator: 'contains', languages: [language] }],
});

beforeAll(async () => {
  fixture = new PipelineFixture();
  await fixture.start();
  acks = new DefinitionAcks(fixture.redis, fixture.keys);
  appId = uniqueName('definitions-app');
  worker = new WorkerProcess({
    groupId: fixture.groupId,
    prefix: fixture.prefix,
    workerId: uniqueName('definitions-worker'),
  });
  await worker.start();
});

afterAll(async () => {
  await worker?.stop();
  await fixture?.close();
});

/** Runs a definition write; returns how long until the worker acknowledged it (ms). */
async function timeToAdopt(write: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await write();
  const revision = await fixture.store.revision();
  const adopted = await waitFor(
    async () => ((await acks.live()).get(worker.workerId) ?? -1) >= revision,
    10_000,
    2,
  );
  if (!adopted) throw new Error(`worker never acknowledged revision ${revision}`);
  return performance.now() - started;
}

/** Sends one session per user, with the given language, and waits until the worker stored them. */
async function sendSessions(languages: Record<string, string>): Promise<void> {
  const now = Date.now();
  const events: UserEvent[] = Object.entries(languages).map(([userId, language]) => ({
    type: 'app_session',
    userId,
    eventId: `event-${(eventNumber += 1)}`,
    timestamp: now - 1_000,
    language,
  }));
  await fixture.produce(appId, events);
  const stored = await waitFor(
    async () => {
      const replies = await Promise.all(
        Object.keys(languages).map((userId) =>
          fixture.redis.hexists(fixture.keys.users(appId, bucketOf(appId, userId)), userId),
        ),
      );
      return replies.every((exists) => exists === 1);
    },
    60_000,
    20,
  );
  if (!stored) throw new Error('the worker did not store the users');
}

async function member(segmentId: string, version: number, userId: string): Promise<boolean> {
  return fixture.reader.isMember(appId, { segmentId, version }, userId);
}

it('a running worker follows a create, an edit and a delete within a second', async () => {
  expect((await acks.live()).has(worker.workerId)).toBe(true);

  let segmentId = '';
  const created = await timeToAdopt(async () => {
    segmentId = (await fixture.store.create(appId, speakers('EN'))).id;
  });
  await sendSessions({ 'en-1': 'en-GB', 'fr-1': 'fr' });
  expect(await member(segmentId, 1, 'en-1')).toBe(true);
  expect(await member(segmentId, 1, 'fr-1')).toBe(false);

  const edited = await timeToAdopt(() => fixture.store.update(appId, segmentId, speakers('FR')));
  await sendSessions({ 'en-2': 'en', 'fr-2': 'fr-CA' });
  // The worker now keeps both versions: the serving one and the edit being built.
  expect(await member(segmentId, 2, 'fr-2')).toBe(true);
  expect(await member(segmentId, 2, 'en-2')).toBe(false);
  expect(await member(segmentId, 1, 'en-2')).toBe(true);
  expect(await member(segmentId, 1, 'fr-2')).toBe(false);

  const deleted = await timeToAdopt(() => fixture.store.delete(appId, segmentId));
  await sendSessions({ 'en-3': 'en', 'fr-3': 'fr' });
  for (const userId of ['en-3', 'fr-3']) {
    expect(await member(segmentId, 1, userId)).toBe(false);
    expect(await member(segmentId, 2, userId)).toBe(false);
  }

  expect(created).toBeLessThanOrEqual(REACH_MS);
  expect(edited).toBeLessThanOrEqual(REACH_MS);
  expect(deleted).toBeLessThanOrEqual(REACH_MS);
});
