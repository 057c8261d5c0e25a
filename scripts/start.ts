/**
 * `npm start`: the whole product on one machine. Brings up the local stack (unless the
 * environment names an external Kafka, registry and Redis), starts the collector, the ingest
 * worker and segment-admin, waits until each is ready, prints where everything is, runs the demo
 * (unless `--no-demo`), and stops everything it started on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { runDemo } from './demo/demo';
import { ensureStack, stopStack, type PartName } from './stack/stack';

const root = path.resolve(__dirname, '..');

const services = [
  { name: 'collector', port: Number(process.env.COLLECTOR_PORT ?? 4100) },
  { name: 'ingest-worker', port: Number(process.env.WORKER_PORT ?? 4300) },
  { name: 'segment-admin', port: Number(process.env.ADMIN_PORT ?? 4200) },
] as const;

function say(message: string): void {
  process.stdout.write(`[start] ${message}\n`);
}

function isExternal(): boolean {
  const env = process.env;
  return Boolean(env.KAFKA_BROKERS && env.SCHEMA_REGISTRY_URL && env.REDIS_URL);
}

/** Starts one service from its build, its JSON logs made readable when a person watches. */
function startService(name: string, env: NodeJS.ProcessEnv): ChildProcess {
  const entry = path.join(root, 'services', name, 'dist', 'main.js');
  // Own process groups: Ctrl-C reaches only this script, which then stops each service once.
  const child = spawn(process.execPath, [entry], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });

  if (process.stdout.isTTY) {
    const pretty = spawn(
      process.execPath,
      [
        require.resolve('pino-pretty/bin'),
        '--ignore',
        'pid,hostname,service',
        '--messageFormat',
        `${name.padEnd(13)} {msg}`,
      ],
      { detached: true, stdio: ['pipe', 'inherit', 'inherit'] },
    );
    child.stdout?.pipe(pretty.stdin);
  } else {
    child.stdout?.pipe(process.stdout);
  }

  child.on('exit', (code, signal) => {
    if (!stopping) say(`${name} exited (${signal ?? code}); stopping everything`);
    if (!stopping) void stop(1);
  });
  return child;
}

async function waitReady(name: string, port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.ok) return;
    } catch {
      // Not listening yet: keep waiting until the deadline.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} was not ready on port ${port} within the time limit`);
}

let stopping = false;
let stackStartedHere: PartName[] = [];
const children: ChildProcess[] = [];
const demoAbort = new AbortController();

let stopped: Promise<never> | undefined;

/** Stops the demo, the services and what this run started of the stack; once. */
function stop(code: number): Promise<never> {
  stopped ??= stopEverything(code);
  return stopped;
}

async function stopEverything(code: number): Promise<never> {
  stopping = true;
  demoAbort.abort();
  say('stopping services');
  await Promise.all(children.map((child) => stopChild(child)));
  if (stackStartedHere.length > 0) {
    say(`stopping what this run started of the local stack: ${stackStartedHere.join(', ')}`);
    await stopStack(stackStartedHere, say);
  }
  process.exit(code);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => (clearTimeout(killer), resolve()));
    child.kill('SIGTERM');
  });
}

async function main(): Promise<void> {
  const demo = !process.argv.includes('--no-demo');
  const env: NodeJS.ProcessEnv = { ...process.env };

  if (isExternal()) {
    say('using the Kafka, schema registry and Redis named in the environment');
  } else {
    const stack = await ensureStack({ log: say });
    stackStartedHere = stack.startedByUs;
    env.KAFKA_BROKERS = stack.kafkaBrokers;
    env.SCHEMA_REGISTRY_URL = stack.registryUrl;
    env.REDIS_URL = stack.redisUrl;
  }
  env.ADMIN_TOKEN ??= randomBytes(18).toString('base64url');

  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  for (const service of services) children.push(startService(service.name, env));
  const deadline = Date.now() + 90_000;
  await Promise.all(services.map((service) => waitReady(service.name, service.port, deadline)));

  const [collector, worker, admin] = services.map((service) => `http://127.0.0.1:${service.port}`);
  say(`dashboard and admin API  ${admin}/   (admin token: ${env.ADMIN_TOKEN})`);
  say(`collector                ${collector}/v1/events`);
  say(`ingest worker            ${worker}/metrics`);
  say('press Ctrl-C to stop everything');

  if (demo && !isExternal()) {
    await runDemo({
      adminUrl: admin!,
      collectorUrl: collector!,
      adminToken: env.ADMIN_TOKEN,
      users: 3_000,
      signal: demoAbort.signal,
      log: say,
    });
  }
}

main().catch((error: unknown) => {
  if (stopping) return;
  say(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  void stop(1);
});
