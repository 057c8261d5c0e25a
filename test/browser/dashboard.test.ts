import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { launchChromium, type Browser } from './support/chromium';
import { ADMIN_TOKEN, DashboardStack, type SdkEvent } from './support/dashboard-stack';
import { csvUserIds, describedError, screenshot, textOf, waitForValue } from './support/screens';

// The dashboard in Debian's Chromium against the real product: segment-admin serving the built
// dashboard, a collector taking events over HTTP, an ingest worker turning them into membership
// through Kafka, all on the local stack under a key prefix and consumer group of their own.

jest.setTimeout(300_000);

interface Segment {
  id: string;
  name: string;
  version: number;
  memberCount: number;
  criteria: Record<string, unknown>[];
}

const stack = new DashboardStack();
let browser: Browser;
/** The app the first test creates through the UI; the others work in it. */
let app: { id: string; writeKey: string } | undefined;

beforeAll(async () => {
  browser = await launchChromium();
  await stack.start();
});

afterAll(async () => {
  await browser?.close();
  await stack.close();
});

async function signedIn(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(stack.url);
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('sign-in-form').waitFor({ state: 'detached' });
  // Signing in opens the first app's Segments page (or the first-app prompt) once the apps
  // are loaded; a test that navigated before that would be sent back there.
  await page.getByTestId('create-segment').or(page.getByTestId('no-apps')).waitFor();

  return page;
}

/** The app of the first test, or one made through the API when that test did not run. */
async function theApp(): Promise<{ id: string; writeKey: string }> {
  if (app) return app;
  const response = await fetch(`${stack.url}/v1/apps`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Demo Shop' }),
  });
  app = (await response.json()) as { id: string; writeKey: string };

  return app;
}

async function segments(appId: string): Promise<Segment[]> {
  return (await stack.api<{ segments: Segment[] }>('GET', `/v1/apps/${appId}/segments`)).body
    .segments;
}

async function createSegment(appId: string, definition: object): Promise<Segment> {
  const response = await fetch(`${stack.url}/v1/apps/${appId}/segments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(definition),
  });
  if (response.status !== 201) throw new Error(`create: ${response.status}`);

  return (await response.json()) as Segment;
}

function session(userId: string, language: string, at = new Date()): SdkEvent {
  return { type: 'app_session', userId, timestamp: at.toISOString(), language };
}

function pageView(userId: string, path: string, at = new Date()): SdkEvent {
  return { type: 'page_view', userId, timestamp: at.toISOString(), path };
}

it('creates an app and a segment through the UI, and its count follows events live', async () => {
  const page = await signedIn();
  await page.getByTestId('no-apps').getByRole('button', { name: 'Create an app' }).click();
  await page.getByLabel('App name').fill('Demo Shop');
  await page.getByRole('button', { name: 'Create app' }).click();
  const writeKey = await page.getByTestId('write-key').inputValue();
  expect(writeKey.length).toBeGreaterThan(10);
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByTestId('segments-empty').waitFor();
  const [created] = (await stack.api<{ apps: { id: string }[] }>('GET', '/v1/apps')).body.apps;
  app = { id: created!.id, writeKey };

  await page.getByTestId('create-segment').click();
  await page.getByLabel('Customer Segment Name').fill('French cart visitors');
  await page.getByLabel('Match Logic').selectOption('all');
  const language = page.getByTestId('criterion-0');
  await language.getByLabel('Segment type').selectOption('device_language');
  await language.getByLabel('Condition').selectOption('contains');
  await language.getByLabel('Search languages').fill('French');
  await language.getByRole('checkbox', { name: 'French (FR)' }).check();
  await page.getByTestId('add-criterion').click();
  const sessions = page.getByTestId('criterion-1');
  await sessions.getByLabel('Segment type').selectOption('app_sessions');
  await sessions.getByLabel('Condition').selectOption('within_last_days');
  await sessions.getByLabel('Days').fill('7');
  await page.getByTestId('add-criterion').click();
  const visited = page.getByTestId('criterion-2');
  await visited.getByLabel('Segment type').selectOption('page_visited');
  await visited.getByLabel('Condition').selectOption('visited');
  await visited.getByLabel('Match type').selectOption('starts_with');
  await visited.getByLabel('Page path').fill('/cart');
  await page.getByTestId('estimate-count').waitFor();
  await screenshot(page, 'segment-form');
  await page.getByTestId('save').click();

  const row = page.getByTestId('segment-row').filter({ hasText: 'French cart visitors' });
  await row.waitFor();
  const summary = await textOf(row.getByTestId('segment-summary'));
  expect(summary).toContain('FR');
  expect(summary).toContain('/cart');
  const [segment] = await segments(app.id);
  expect(segment?.criteria.map((criterion) => criterion.type)).toEqual([
    'device_language',
    'app_sessions',
    'page_visited',
  ]);
  const status = row.getByTestId('segment-status');
  await waitForValue('status', async () => (await textOf(status)).toLowerCase(), 'ready');
  expect(await textOf(row.getByTestId('segment-count'))).toBe('0');

  // A mark on the page's global object survives only if the count changes without a reload.
  await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));
  const members = ['u-fr-1', 'u-fr-2', 'u-fr-3'];
  await stack.send(app.writeKey, [
    ...members.flatMap((userId) => [session(userId, 'fr-FR'), pageView(userId, '/cart/42')]),
    session('u-en-1', 'en-GB'),
    pageView('u-en-1', '/cart'),
    session('u-fr-4', 'fr'),
    pageView('u-fr-4', '/shop'),
  ]);
  await waitForValue('live count', () => textOf(row.getByTestId('segment-count')), '3');
  expect(await page.evaluate(() => 'notReloaded' in globalThis)).toBe(true);
  expect((await stack.members(app.id, segment!.id)).sort()).toEqual(members);
  await screenshot(page, 'segments-list');

  await row.getByTestId('segment-name').click();
  await page.getByTestId('member').first().waitFor();
  await page.getByTestId('member-chart').waitFor();
  expect(await textOf(page.getByTestId('segment-count'))).toBe('3');
  await page.getByLabel('Is this user in the segment?').fill('u-fr-2');
  await page.getByRole('button', { name: 'Check' }).click();
  await page.getByTestId('member-lookup-result').filter({ hasText: 'u-fr-2' }).waitFor();
  await screenshot(page, 'segment-page');
  await page.close();
});

it('shows each error of an invalid form beside its field and saves nothing', async () => {
  const { id: appId } = await theApp();
  const before = (await segments(appId)).map((segment) => segment.id);
  const page = await signedIn();
  // Signing in opens the first app's Segments page; the form is reached from there.
  await page.getByTestId('create-segment').click();
  await page.getByLabel('Customer Segment Name').waitFor();

  const days = page.getByTestId('criterion-0');
  await days.getByLabel('Segment type').selectOption('app_sessions');
  await days.getByLabel('Condition').selectOption('within_last_days');
  await days.getByLabel('Days').fill('0');
  await page.getByTestId('add-criterion').click();
  const range = page.getByTestId('criterion-1');
  await range.getByLabel('Segment type').selectOption('app_sessions');
  await range.getByLabel('Condition').selectOption('between');
  await range.getByLabel('From (UTC)').fill('2026-11-20');
  await range.getByLabel('To (UTC)').fill('2026-11-10');
  await page.getByTestId('save').click();

  const banner = page.getByTestId('form-errors');
  await banner.waitFor();
  expect(await textOf(banner)).toContain('3 problems');
  await page.getByTestId('error-name').waitFor();
  expect(await describedError(page, page.getByLabel('Customer Segment Name'))).not.toBe('');
  const daysError = await describedError(page, days.getByLabel('Days'));
  expect(daysError).toBe(await textOf(days.getByTestId('error-criteria-0-days')));
  expect(daysError).not.toBe('');
  const toError = await describedError(page, range.getByLabel('To (UTC)'));
  expect(toError).toBe(await textOf(range.getByTestId('error-criteria-1-to')));
  expect(toError).toMatch(/from/);
  expect(await describedError(page, range.getByLabel('From (UTC)'))).toBe('');
  await screenshot(page, 'segment-form-errors');

  expect(page.url()).toContain('/segments/new');
  expect((await segments(appId)).map((segment) => segment.id)).toEqual(before);
  await page.close();
});

it('edits and deletes a segment through the UI', async () => {
  const { id: appId } = await theApp();
  const segment = await createSegment(appId, {
    name: 'Inactive for a week',
    match: 'all',
    criteria: [{ type: 'app_sessions', operator: 'not_within_last_days', days: 7 }],
  });
  const page = await signedIn();
  await page.goto(`${stack.url}/#/apps/${appId}/segments`);

  await page.getByRole('link', { name: 'Edit Inactive for a week' }).click();
  const name = page.getByLabel('Customer Segment Name');
  await waitForValue('loaded name', () => name.inputValue(), 'Inactive for a week');
  await name.fill('Inactive for two weeks');
  await page.getByTestId('criterion-0').getByLabel('Days').fill('14');
  await page.getByRole('button', { name: 'Save Segment' }).click();
  await page.getByTestId('segment-definition').filter({ hasText: '14' }).waitFor();

  const edited = (await stack.api<Segment>('GET', `/v1/apps/${appId}/segments/${segment.id}`)).body;
  expect(edited).toMatchObject({ name: 'Inactive for two weeks', version: segment.version + 1 });
  expect(edited.criteria).toEqual([
    { type: 'app_sessions', operator: 'not_within_last_days', days: 14 },
  ]);

  await page.goto(`${stack.url}/#/apps/${appId}/segments`);
  const row = page.getByTestId('segment-row').filter({ hasText: 'Inactive for two weeks' });
  await row.waitFor();
  await page.getByRole('button', { name: 'Delete Inactive for two weeks' }).click();
  const dialog = page.getByTestId('confirm-delete');
  await dialog.getByRole('button', { name: 'Delete segment' }).click();
  await dialog.waitFor({ state: 'detached' });
  await row.waitFor({ state: 'detached' });
  expect((await stack.api('GET', `/v1/apps/${appId}/segments/${segment.id}`)).status).toBe(404);
  await page.close();
});

it('exports every member exactly once as CSV', async () => {
  const { id: appId, writeKey } = await theApp();
  const segment = await createSegment(appId, {
    name: 'Summer sale visitors',
    match: 'all',
    criteria: [
      { type: 'page_visited', operator: 'visited', match: 'equals', path: '/summer-sale' },
    ],
  });
  // Enough members for several pages of the export, and ids that need CSV quoting.
  const members = Array.from({ length: 1_200 }, (_, i) => `sale-${i}`);
  members.push('user, with comma', 'say "hi"');
  const events = members.map((userId) => pageView(userId, '/summer-sale?ref=mail'));
  events.push(pageView('sale-other', '/summer-sale/terms'));
  await stack.send(writeKey, events);
  await waitForValue(
    'members through the API',
    async () => (await stack.members(appId, segment.id)).length,
    members.length,
  );

  const page = await signedIn();
  await page.goto(`${stack.url}/#/apps/${appId}/segments/${segment.id}`);
  await page.getByTestId('member').first().waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-csv').click(),
  ]);
  const exported = csvUserIds(await readFile((await download.path())!, 'utf8'));

  expect(exported.length).toBe(new Set(exported).size);
  expect([...exported].sort()).toEqual((await stack.members(appId, segment.id)).sort());
  expect([...exported].sort()).toEqual([...members].sort());
  await page.close();
});
