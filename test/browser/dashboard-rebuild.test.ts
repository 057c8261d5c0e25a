import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAdmin, type AdminHarness } from '../admin/admin-harness';

// segment-admin looks dashboard files up per request: a dashboard rebuilt while it runs (new
// hashed asset names, a new index.html) is served at once, without a restart.

let directory: string;
let harness: AdminHarness;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'audience-dashboard-'));
  harness = await startAdmin('rebuild', {}, { DASHBOARD_DIR: directory });
});

afterAll(async () => {
  await harness?.close();
  await rm(directory, { recursive: true, force: true });
});

async function get(urlPath: string): Promise<{ status: number; type: string; body: string }> {
  const response = await fetch(`${harness.url}${urlPath}`);

  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
}

async function build(version: string): Promise<void> {
  await mkdir(path.join(directory, 'assets'), { recursive: true });
  await writeFile(path.join(directory, 'assets', `index-${version}.js`), `/* ${version} */`);
  const script = `<script src="/assets/index-${version}.js"></script>`;
  await writeFile(path.join(directory, 'index.html'), `<!doctype html>${script}`);
}

it('serves a dashboard built after start, then its rebuild, without a restart', async () => {
  expect((await get('/')).body).toContain('Dashboard not built');

  await build('first');
  expect((await get('/')).body).toContain('/assets/index-first.js');
  expect(await get('/assets/index-first.js')).toMatchObject({ status: 200, body: '/* first */' });

  await build('second');
  expect((await get('/')).body).toContain('/assets/index-second.js');
  const asset = await get('/assets/index-second.js');
  expect(asset).toMatchObject({ status: 200, body: '/* second */' });
  expect(asset.type).toContain('javascript');
  expect((await get('/#/apps/a/segments')).body).toContain('index-second');
});

it('answers 404 for missing assets and paths leaving the build', async () => {
  await build('third');
  expect((await get('/assets/index-missing.js')).status).toBe(404);
  expect((await get('/assets/..%2f..%2fetc%2fpasswd.txt')).status).toBe(404);
  expect((await get('/some/client/route')).body).toContain('index-third');
});
