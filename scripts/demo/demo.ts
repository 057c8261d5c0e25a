/**
 * The demo that `npm start` runs in local mode: a "Demo Shop" app with the four example segments
 * of the product description, then simulated traffic through the collector, so the dashboard
 * fills within a minute. Uses only the public HTTP API.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createUsers, history, seededRandom, visit, type DemoEvent } from './traffic';

const BATCH_SIZE = 100;
const CONCURRENT_REQUESTS = 8;

export const DEMO_APP_NAME = 'Demo Shop';

export const DEMO_SEGMENTS = [
  {
    name: 'Cart Abandoners - English',
    match: 'all',
    criteria: [
      { type: 'device_language', operator: 'contains', languages: ['EN'] },
      { type: 'page_visited', operator: 'visited', match: 'starts_with', path: '/cart' },
      { type: 'page_visited', operator: 'not_visited', match: 'equals', path: '/checkout/done' },
    ],
  },
  {
    name: 'Inactive for 7 days',
    match: 'all',
    criteria: [{ type: 'app_sessions', operator: 'not_within_last_days', days: 7 }],
  },
  {
    name: 'French speakers',
    match: 'all',
    criteria: [{ type: 'device_language', operator: 'contains', languages: ['FR'] }],
  },
  {
    name: 'Visited the summer sale',
    match: 'all',
    criteria: [
      { type: 'page_visited', operator: 'visited', match: 'equals', path: '/summer-sale' },
    ],
  },
];

export interface DemoOptions {
  adminUrl: string;
  collectorUrl: string;
  adminToken: string;
  users: number;
  signal: AbortSignal;
  log: (message: string) => void;
}

async function call(url: string, token: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  }
  return response.json();
}

/** Creates the demo app and its segments; returns the app's write key. */
async function createDemoApp(options: DemoOptions): Promise<string> {
  const apps = `${options.adminUrl}/v1/apps`;
  const app = (await call(apps, options.adminToken, { name: DEMO_APP_NAME })) as {
    id: string;
    writeKey: string;
  };
  for (const segment of DEMO_SEGMENTS) {
    await call(`${apps}/${app.id}/segments`, options.adminToken, segment);
  }

  options.log(`demo app "${DEMO_APP_NAME}" created with ${DEMO_SEGMENTS.length} segments`);
  return app.writeKey;
}

async function postBatch(collectorUrl: string, writeKey: string, events: DemoEvent[]) {
  const response = await fetch(`${collectorUrl}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${writeKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  if (response.status !== 202) {
    throw new Error(`collector answered ${response.status}: ${await response.text()}`);
  }
}

/** Sends events in batches, a few requests in flight at once, as many phones would. */
async function send(collectorUrl: string, writeKey: string, events: DemoEvent[]): Promise<void> {
  const batches: DemoEvent[][] = [];
  for (let start = 0; start < events.length; start += BATCH_SIZE) {
    batches.push(events.slice(start, start + BATCH_SIZE));
  }

  const senders = Array.from({ length: CONCURRENT_REQUESTS }, async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      await postBatch(collectorUrl, writeKey, batch);
    }
  });
  await Promise.all(senders);
}

/** Waits `ms`, or less when the demo is stopped meanwhile. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}

/**
 * Runs the demo until `signal` aborts: four weeks of history for every user first, then a few
 * visits every second, as if people were opening the app right now.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const random = seededRandom(20261203);
  const users = createUsers(options.users, random);
  const writeKey = await createDemoApp(options);

  const past = history(users, Date.now(), 28, random);
  await send(options.collectorUrl, writeKey, past);
  options.log(`demo sent ${past.length} past events of ${users.length} users`);

  while (!options.signal.aborted) {
    const now = Date.now();
    const active = Array.from({ length: 5 }, () => users[Math.floor(random() * users.length)]!);
    await send(
      options.collectorUrl,
      writeKey,
      active.flatMap((user) => visit(user, now - 60_000, random)),
    );
    await sleep(1_000, options.signal);
  }
}
