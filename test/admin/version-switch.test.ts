import type { SegmentDefinition, UserEvent } from '@audience/engine';
import type { OutboxChange, StoredSegment } from '@audience/platform';
import type { ChangeSink } from '../../services/segment-admin/src/backfill/change-publisher';
import {
  EventApplier,
  keysContaining,
  request,
  startAdmin,
  waitFor,
  type AdminHarness,
} from './admin-harness';

// The version switch of an edit fails after the new version was made to serve (its publish
// throws once); the retried finalize job must still announce every difference exactly once
// and free the old version.

const USERS = 600;
const LANGUAGES = ['en', 'fr', 'de', 'es'];

const speakers = (name: string, languages: string[]): SegmentDefinition => ({
  name,
  match: 'all',
  criteria: [{ type: 'device_language', operator: 'contains', languages }],
});

let harness: AdminHarness;
let applier: EventApplier;
let appId: string;
const published: OutboxChange[] = [];
let failNextSwitch = false;
let injectedFailures = 0;

/** Publishes through the real sink; throws once, before publishing, when told to. */
function faultySink(sink: ChangeSink): ChangeSink {
  return async (changes) => {
    if (failNextSwitch && changes.some((change) => change.segmentVersion === 2)) {
      failNextSwitch = false;
      injectedFailures += 1;
      throw new Error('injected failure of the switch publish');
    }
    await sink(changes);
    published.push(...changes);
  };
}

function languageOf(index: number): string {
  return LANGUAGES[index % LANGUAGES.length] as string;
}

async function segmentOf(segmentId: string): Promise<{ status: string; version: number }> {
  const answer = await request(harness, 'GET', `/v1/apps/${appId}/segments/${segmentId}`);
  return JSON.parse(answer.body);
}

async function waitSettled(segmentId: string, version: number): Promise<void> {
  await waitFor(
    async () => {
      const segment = await segmentOf(segmentId);
      const done = segment.status === 'ready' && segment.version === version;
      return done && (await harness.admin.backfill.pendingJobs()) === 0;
    },
    60_000,
    `version ${version} ready and every job done`,
  );
}

beforeAll(async () => {
  harness = await startAdmin(
    'switch',
    { retainOldVersionMs: 300 },
    {},
    { wrapChangeSink: faultySink },
  );
  const created = await request(harness, 'POST', '/v1/apps', { name: 'Switch' });
  appId = JSON.parse(created.body).id;
  applier = new EventApplier(harness, appId);
  await applier.start();

  const now = Date.now();
  const events: UserEvent[] = Array.from({ length: USERS }, (_, index) => ({
    type: 'app_session',
    userId: `u-${index}`,
    eventId: `e-${index}`,
    timestamp: now - 60_000,
    language: languageOf(index),
  }));
  await applier.apply(events, now);
}, 60_000);

afterAll(async () => {
  await applier.stop();
  await harness.close();
});

it('completes a switch whose publish failed after the new version began to serve', async () => {
  const create = speakers('Speakers', ['EN', 'FR']);
  const created = await request(harness, 'POST', `/v1/apps/${appId}/segments`, create);
  expect(created.statusCode).toBe(201);
  const segmentId = JSON.parse(created.body).id as string;
  await waitSettled(segmentId, 1);

  failNextSwitch = true;
  const edit = speakers('Speakers', ['FR', 'DE']);
  const path = `/v1/apps/${appId}/segments/${segmentId}`;
  expect((await request(harness, 'PUT', path, edit)).statusCode).toBe(200);
  await waitSettled(segmentId, 2);

  expect(injectedFailures).toBe(1);
  // English speakers left, German speakers entered; French speakers were in both.
  const switchChanges = published.filter((change) => change.segmentVersion === 2);
  const seen = switchChanges.map((change) => `${change.change} ${change.userId}`).sort();
  const expected = Array.from({ length: USERS }, (_, index) => index).flatMap((index) => {
    const language = languageOf(index);
    if (language === 'en') return [`EXITED u-${index}`];
    if (language === 'de') return [`ENTERED u-${index}`];
    return [];
  });
  expect(seen).toEqual(expected.sort());
  expect(new Set(switchChanges.map((change) => change.entry)).size).toBe(switchChanges.length);

  // Nothing of the switch is left waiting in an outbox, and the old version is gone.
  const outboxes = await keysContaining(harness.redis, harness.prefix, `:outbox:${appId}`);
  const left = await Promise.all(outboxes.map((key) => harness.redis.zrange(key, 0, -1)));
  expect(left.flat().filter((entry) => entry.includes(`\t${segmentId}\t2\t`))).toEqual([]);
  const oldKeys = `:members:${appId}:${segmentId}:1`;
  await waitFor(
    async () => (await keysContaining(harness.redis, harness.prefix, oldKeys)).length === 0,
    10_000,
    'old version freed',
  );
  const markers = `:switched:${appId}:${segmentId}:`;
  expect(await keysContaining(harness.redis, harness.prefix, markers)).toEqual([]);
  const stored = JSON.parse(
    (await harness.redis.hget(harness.keys.definitions(appId), segmentId)) ?? 'null',
  ) as StoredSegment;
  expect(stored.pendingSwitch).toBeUndefined();
  expect(stored.liveVersions.map((live) => live.version)).toEqual([2]);
}, 120_000);
