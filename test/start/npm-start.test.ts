import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { topics } from '@audience/platform';
import { freePort, startGroupAtEnd, uniqueName, waitFor } from '../pipeline/support/stack-env';

// `npm start` as a newcomer runs it: the three services from their build, against the stack the
// global setup provides (named in the environment, so the script starts no stack and no demo).
// The test waits for every /readyz, creates an app and a segment, posts an event, reads the
// membership, then sends SIGINT and checks that no process of the run is left.
const root = path.resolve(__dirname, '..', '..');
const token = 'start-test-token-0123456789';

let start: ChildProcess;
let output = '';
let ports: { collector: number; admin: number; worker: number };
/** The services' PIDs: they run in process groups of their own, so a failed test ends them. */
let services: number[] = [];

/** True while `pid` runs. A zombie (exited, not yet reaped by an init that may never reap) is
 * not running. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '(gone)';
  }
}

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

async function ready(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).ok;
  } catch {
    return false;
  }
}

async function admin(route: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`http://127.0.0.1:${ports.admin}${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  ports = { collector: await freePort(), admin: await freePort(), worker: await freePort() };
  const groupId = uniqueName('start-group');
  await startGroupAtEnd(groupId, [topics.appSessions, topics.pageViews]);

  start = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--no-demo'], {
    cwd: root,
    env: {
      ...process.env,
      ADMIN_TOKEN: token,
      REDIS_KEY_PREFIX: `${uniqueName('start')}:`,
      WORKER_GROUP_ID: groupId,
      COLLECTOR_PORT: String(ports.collector),
      ADMIN_PORT: String(ports.admin),
      WORKER_PORT: String(ports.worker),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  start.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  start.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
});

afterAll(() => {
  if (start.exitCode === null) start.kill('SIGKILL');
  for (const pid of services.filter(isAlive)) process.kill(pid, 'SIGKILL');
});

it('starts every service, serves the contract, and stops everything on SIGINT', async () => {
  // The script prints where everything runs once every service answered its /readyz.
  const announced = await waitFor(() => output.includes('press Ctrl-C'), 90_000, 250);
  services = childrenOf(start.pid!).filter((pid) => commandOf(pid).includes('dist/main.js'));
  expect({ announced, output }).toMatchObject({ announced: true });
  expect(output).toContain(`admin token: ${token}`);
  expect(await Promise.all(Object.values(ports).map(ready))).toEqual([true, true, true]);

  const app = await admin('/v1/apps', { name: 'Start test' });
  const segment = await admin(`/v1/apps/${app.id}/segments`, {
    name: 'French users',
    match: 'all',
    criteria: [{ type: 'device_language', operator: 'contains', languages: ['FR'] }],
  });
  const posted = await fetch(`http://127.0.0.1:${ports.collector}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${app.writeKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      events: [{ type: 'app_session', userId: 'u-1', timestamp: Date.now(), language: 'fr-FR' }],
    }),
  });
  expect(posted.status).toBe(202);

  const memberRoute = `/v1/apps/${app.id}/segments/${segment.id}/members/u-1`;
  const member = await waitFor(async () => (await admin(memberRoute)).member === true, 60_000);
  expect(member).toBe(true);

  // Only the services: the TypeScript loader's own helper process (esbuild) is a child too,
  // and it leaves on its own shortly after the script exits.
  services = childrenOf(start.pid!).filter((pid) => commandOf(pid).includes('dist/main.js'));
  expect(services).toHaveLength(3);
  const exited = new Promise<number | null>((resolve) => start.once('exit', resolve));
  start.kill('SIGINT');

  expect(await exited).toBe(0);
  const survivors = services.filter(isAlive).map((pid) => `${pid}: ${commandOf(pid)}`);
  expect(survivors).toEqual([]);
  expect(await Promise.all(Object.values(ports).map(ready))).toEqual([false, false, false]);
});
