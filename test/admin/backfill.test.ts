import type { SegmentDefinition, UserEvent } from '@audience/engine';
import { BUCKET_COUNT, parseOutboxEntry, type OutboxChange } from '@audience/platform';
import { oracleMember } from '../../services/engine/src/testing/oracle';
import {
  EventApplier,
  keysContaining,
  request,
  startAdmin,
  waitFor,
  type AdminHarness,
} from './admin-harness';

// Users present before the segment exists. 20,000 runs in well under a minute here.
const USERS = Number(process.env.ADMIN_TEST_USERS ?? 20_000);
const DAY = 86_400_000;
const LANGUAGES = ['en', 'fr-FR', 'de', 'es-MX'];
const PATHS = ['/cart', '/cart/items', '/checkout/done', '/product/1', '/home'];

const cartAbandoners: SegmentDefinition = {
  name: 'Cart abandoners',
  match: 'all',
  criteria: [
    { type: 'device_language', operator: 'contains', languages: ['EN', 'fr'] },
    { type: 'app_sessions', operator: 'within_last_days', days: 30 },
    { type: 'page_visited', operator: 'visited', match: 'starts_with', path: '/cart' },
  ],
};
const edited: SegmentDefinition = {
  name: 'Cart abandoners',
  match: 'any',
  criteria: [
    { type: 'device_language', operator: 'contains', languages: ['de'] },
    { type: 'page_visited', operator: 'not_visited', match: 'equals', path: '/checkout/done' },
  ],
};

let harness: AdminHarness;
let applier: EventApplier;
let appId: string;
const eventsOf = new Map<string, UserEvent[]>();
let eventCounter = 0;
let seed = 42;
/** Changes the backfill and the version switch published, in order. */
const published: OutboxChange[] = [];

function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
}

function pick<T>(values: T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

/** Sessions either well inside or well outside 30 days, so evaluation time never matters. */
function eventsFor(userId: string, now: number): UserEvent[] {
  const ago = random() < 0.6 ? random() * 10 * DAY : (60 + random() * 60) * DAY;
  const timestamp = Math.round(now - ago);
  const events: UserEvent[] = [
    {
      type: 'app_session',
      userId,
      eventId: `e${eventCounter++}`,
      timestamp,
      language: pick(LANGUAGES),
    },
  ];
  const views = Math.floor(random() * 3);
  for (let index = 0; index < views; index += 1) {
    events.push({
      type: 'page_view',
      userId,
      eventId: `e${eventCounter++}`,
      timestamp,
      path: pick(PATHS),
    });
  }
  return events;
}

async function applyBatch(userIds: string[]): Promise<void> {
  const now = Date.now();
  const batch = userIds.flatMap((userId) => eventsFor(userId, now));
  for (const event of batch) {
    const list = eventsOf.get(event.userId) ?? [];
    list.push(event);
    eventsOf.set(event.userId, list);
  }
  await applier.apply(batch, now);
}

/** Keeps applying events to existing and new users until stopped. */
function startFlow(): { stop: () => Promise<number> } {
  let running = true;
  let batches = 0;
  const loop = (async () => {
    while (running) {
      const ids = Array.from({ length: 100 }, () =>
        random() < 0.9 ? `u-${Math.floor(random() * USERS)}` : `new-${eventCounter}-${batches}`,
      );
      await applyBatch([...new Set(ids)]);
      batches += 1;
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return batches;
    },
  };
}

function expectedMembers(definition: SegmentDefinition): string[] {
  const now = Date.now();
  return [...eventsOf]
    .filter(([, events]) => oracleMember(events, definition, now))
    .map(([userId]) => userId)
    .sort();
}

async function walk(segmentId: string, limit = 5_000): Promise<string[]> {
  const members: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const path = `/v1/apps/${appId}/segments/${segmentId}/members?limit=${limit}${query}`;
    const answer = await request(harness, 'GET', path);
    expect(answer.statusCode).toBe(200);
    const page = JSON.parse(answer.body) as { members: string[]; nextCursor: string | null };
    members.push(...page.members);
    cursor = page.nextCursor;
  } while (cursor);
  return members;
}

async function segmentOf(
  segmentId: string,
): Promise<{ status: string; version: number; progress: number; memberCount: number }> {
  const answer = await request(harness, 'GET', `/v1/apps/${appId}/segments/${segmentId}`);
  return JSON.parse(answer.body);
}

async function waitReady(segmentId: string, version: number): Promise<number[]> {
  const progress: number[] = [];
  await waitFor(
    async () => {
      const segment = await segmentOf(segmentId);
      progress.push(segment.progress);
      return segment.status === 'ready' && segment.version === version;
    },
    120_000,
    'segment ready',
  );
  return progress;
}

beforeAll(async () => {
  harness = await startAdmin(
    'backfill',
    { retainOldVersionMs: 3_000 },
    {},
    {
      wrapChangeSink: (sink) => async (changes) => {
        await sink(changes);
        published.push(...changes);
      },
    },
  );
  const created = await request(harness, 'POST', '/v1/apps', { name: 'Backfill' });
  appId = JSON.parse(created.body).id;
  applier = new EventApplier(harness, appId);
  await applier.start();

  const ids = Array.from({ length: USERS }, (_, index) => `u-${index}`);
  for (let start = 0; start < ids.length; start += 2_000) {
    await applyBatch(ids.slice(start, start + 2_000));
  }
}, 180_000);

afterAll(async () => {
  await applier.stop();
  await harness.close();
});

/**
 * The backfill published changes of the version, each one exactly as its outbox entry reads
 * (the script writes the entries, the job rebuilds them from its reply) and no longer in the
 * outbox: removing an entry that differs by a byte would have left the written one behind.
 */
async function expectPublishedAndRemoved(segmentId: string, version: number): Promise<void> {
  const changes = published.filter(
    (change) => change.segmentId === segmentId && change.segmentVersion === version,
  );
  expect(changes.length).toBeGreaterThan(USERS / 20);
  const pipeline = harness.redis.pipeline();
  for (const change of changes) {
    expect(parseOutboxEntry(appId, change.bucket, change.entry)).toEqual(change);
    pipeline.zscore(harness.keys.outbox(appId, change.bucket), change.entry);
  }
  const scores = ((await pipeline.exec()) ?? []).map(([, score]) => score);
  expect(scores.filter((score) => score !== null)).toEqual([]);
  const sequences = new Set(changes.map((change) => `${change.bucket}:${change.sequence}`));
  expect(sequences.size).toBe(changes.length);
}

describe('backfill', () => {
  let segmentId: string;

  it('builds a new segment over existing users while events flow, equal to the oracle', async () => {
    const flow = startFlow();
    const created = await request(harness, 'POST', `/v1/apps/${appId}/segments`, cartAbandoners);
    expect(created.statusCode).toBe(201);
    segmentId = JSON.parse(created.body).id;

    const progress = await waitReady(segmentId, 1);
    const batches = await flow.stop();

    expect(batches).toBeGreaterThan(0);
    expect(progress.every((value) => value >= 0 && value <= 100)).toBe(true);
    const members = await walk(segmentId);
    const expected = expectedMembers(cartAbandoners);
    expect(expected.length).toBeGreaterThan(USERS / 20);
    expect(new Set(members).size).toBe(members.length);
    expect(members.sort()).toEqual(expected);
    // The per-bucket count fields moved with every write of the backfill and of the workers.
    expect((await segmentOf(segmentId)).memberCount).toBe(members.length);
    await expectPublishedAndRemoved(segmentId, 1);
  }, 180_000);

  it('rebuilds an edit behind the old membership; readers see old or new, never a mix', async () => {
    const before = (await walk(segmentId)).sort();
    const after = expectedMembers(edited);
    expect(after).not.toEqual(before);

    const answer = await request(harness, 'PUT', `/v1/apps/${appId}/segments/${segmentId}`, edited);
    expect(answer.statusCode).toBe(200);
    const walks: string[][] = [];
    let ready = false;
    while (!ready) {
      walks.push((await walk(segmentId, 2_000)).sort());
      const segment = await segmentOf(segmentId);
      ready = segment.status === 'ready' && segment.version === 2;
    }

    expect(walks.length).toBeGreaterThan(0);
    for (const seen of walks) {
      expect(seen.length === before.length || seen.length === after.length).toBe(true);
      expect([before, after]).toContainEqual(seen);
    }
    expect((await walk(segmentId)).sort()).toEqual(after);
  }, 180_000);

  it('keeps the edit equal to the oracle while events flow', async () => {
    const flow = startFlow();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await flow.stop();

    const members = await walk(segmentId);
    expect(members.sort()).toEqual(expectedMembers(edited));
    expect((await segmentOf(segmentId)).memberCount).toBe(members.length);
  }, 60_000);

  it('deletes while events flow and leaves no membership key behind', async () => {
    const flow = startFlow();
    const answer = await request(harness, 'DELETE', `/v1/apps/${appId}/segments/${segmentId}`);
    expect(answer.statusCode).toBe(204);
    await waitFor(async () => (await harness.admin.backfill.pendingJobs()) === 0, 60_000, 'jobs');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await flow.stop();

    const pattern = `:members:${appId}:${segmentId}:`;
    expect(await keysContaining(harness.redis, harness.prefix, pattern)).toEqual([]);
    const countFields = harness.redis.pipeline();
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket += 1) {
      countFields.hkeys(harness.keys.counts(appId, bucket));
    }
    const fields = ((await countFields.exec()) ?? []).flatMap(([, names]) => names as string[]);
    expect(fields.filter((field) => field.startsWith(`${segmentId}:`))).toEqual([]);
    const gone = await request(harness, 'GET', `/v1/apps/${appId}/segments/${segmentId}`);
    expect(gone.statusCode).toBe(404);
  }, 120_000);
});
