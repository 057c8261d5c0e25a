/**
 * Collector benchmark: events per second accepted over HTTP in batches of 100, and p99
 * latency, measured by autocannon in this process against the collector in a child process
 * (so the load generator never shares the server's event loop). In the same run, the same
 * server without Kafka (collector-baseline-server.ts) gives the baseline.
 *
 * Goals (issue 4): at least 20,000 events/s, p99 at most 50 ms.
 *
 * Alone: `npx tsx scripts/bench/collector.bench.ts` (needs the stack: `npm run stack:up`).
 * `BENCH_COLLECTOR_CONNECTIONS` sets the load generator's connections (10 by default): the
 * load is closed-loop, so more connections give bigger produce groups and longer waits.
 * `COLLECTOR_KAFKA_PRODUCERS` passes through to the collector (its producer pool, 3 by
 * default), so runs with 1 producer and with the pool can be set side by side.
 * Prints a table and writes bench-results/collector.json. scripts/bench/run.ts imports
 * {@link runCollectorBench}.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AppStore } from '@audience/platform';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { runStandalone } from './bench-main';

const root = path.resolve(__dirname, '..', '..');

/** One measured case of the benchmark. */
export interface CollectorBenchRow {
  bench: 'collector';
  case: 'collector (Kafka, acks all)' | 'baseline (no Kafka)';
  eventsPerSecond: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers other than 202, and connection errors or timeouts. */
  failures: number;
  durationSeconds: number;
  /** Mean duration of one Kafka produce call (group of requests), warm-up included. */
  produceCallMs: number | null;
  /** Requests answered per produce call: how much the group commit gathered. */
  requestsPerProduceCall: number | null;
  /** 1-minute load average of the machine at the end of the case (2 cores shared). */
  loadAverage: number;
  /** Whether the row meets the goals; the baseline has none. */
  meetsGoal: boolean | null;
}

export interface CollectorBenchOptions {
  /** Seconds of load per case. */
  durationSeconds?: number;
  /** Concurrent HTTP connections of the load generator. */
  connections?: number;
  eventsPerRequest?: number;
  kafkaBrokers?: string;
  registryUrl?: string;
  /** The stack's own Redis, never the system one on 6379. */
  redisUrl?: string;
  log?: (line: string) => void;
}

export const collectorGoals = { eventsPerSecond: 20_000, p99Ms: 50 } as const;

/** Runs the baseline and then the real collector under the same load; returns both rows. */
export async function runCollectorBench(
  options: CollectorBenchOptions = {},
): Promise<CollectorBenchRow[]> {
  const settings = withDefaults(options);
  const prefix = `bench:collector:${process.pid}:${Date.now()}:`;
  const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined); // a failed command rejects; the event adds nothing

  try {
    settings.log('collector bench: building the collector');
    execFileSync(process.execPath, [tscPath(), '-b', 'services/collector'], { cwd: root });
    const { writeKey } = await new AppStore(redis, prefix).createApp('Collector benchmark');
    const body = JSON.stringify({ events: sampleEvents(settings.eventsPerRequest) });

    const rows: CollectorBenchRow[] = [];
    for (const kind of ['baseline', 'collector'] as const) {
      rows.push(await measure(kind, settings, { prefix, writeKey, body }));
    }
    return rows;
  } finally {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  }
}

type Settings = Required<CollectorBenchOptions>;

function withDefaults(options: CollectorBenchOptions): Settings {
  return {
    durationSeconds: 10,
    connections: Number(process.env.BENCH_COLLECTOR_CONNECTIONS ?? 10),
    eventsPerRequest: 100,
    kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    registryUrl: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6380',
    log: (line) => console.log(line),
    ...options,
  };
}

interface Load {
  prefix: string;
  writeKey: string;
  body: string;
}

async function measure(
  kind: 'baseline' | 'collector',
  settings: Settings,
  load: Load,
): Promise<CollectorBenchRow> {
  const port = await freePort();
  const server = startServer(kind, port, settings, load.prefix);
  try {
    await waitUntilReady(port, server, kind === 'collector' ? '/readyz' : '/healthz');
    settings.log(`collector bench: ${kind} on port ${port}, warming up`);
    await fire(port, load, { ...settings, durationSeconds: 2 });

    settings.log(`collector bench: ${kind}, ${settings.durationSeconds} s of load`);
    const result = await fire(port, load, settings);
    const produce = await produceStats(port);
    return { ...toRow(kind, result, settings), ...produce, loadAverage: os.loadavg()[0] ?? 0 };
  } finally {
    await stopServer(server);
  }
}

type MeasuredRow = Omit<
  CollectorBenchRow,
  'produceCallMs' | 'requestsPerProduceCall' | 'loadAverage'
>;

function toRow(
  kind: 'baseline' | 'collector',
  result: autocannon.Result,
  settings: Settings,
): MeasuredRow {
  const accepted = result['2xx'];
  const eventsPerSecond = Math.round((accepted * settings.eventsPerRequest) / result.duration);
  const p99Ms = result.latency.p99;

  return {
    bench: 'collector',
    case: kind === 'collector' ? 'collector (Kafka, acks all)' : 'baseline (no Kafka)',
    eventsPerSecond,
    requestsPerSecond: Math.round(accepted / result.duration),
    p50Ms: result.latency.p50,
    p99Ms,
    failures: result.non2xx + result.errors + result.timeouts,
    durationSeconds: Math.round(result.duration * 10) / 10,
    meetsGoal:
      kind === 'collector'
        ? eventsPerSecond >= collectorGoals.eventsPerSecond && p99Ms <= collectorGoals.p99Ms
        : null,
  };
}

/** Reads the produce histogram and the request count from the server's /metrics. */
async function produceStats(port: number) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const total = (pattern: RegExp) =>
    [...text.matchAll(pattern)].reduce((sum, match) => sum + Number(match[1]), 0);
  const calls = total(/^collector_kafka_produce_duration_seconds_count\{[^}]*\} (\S+)$/gm);
  const seconds = total(/^collector_kafka_produce_duration_seconds_sum\{[^}]*\} (\S+)$/gm);
  const requests = total(
    /^collector_http_request_duration_seconds_count\{[^}]*route="\/v1\/events"[^}]*status="202"[^}]*\} (\S+)$/gm,
  );
  if (calls === 0) return { produceCallMs: null, requestsPerProduceCall: null };

  return {
    produceCallMs: Math.round((seconds / calls) * 10_000) / 10,
    requestsPerProduceCall: Math.round((requests / calls) * 10) / 10,
  };
}

function fire(port: number, load: Load, settings: Settings): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}/v1/events`,
    method: 'POST',
    headers: { authorization: `Bearer ${load.writeKey}`, 'content-type': 'application/json' },
    body: load.body,
    connections: settings.connections,
    duration: settings.durationSeconds,
    timeout: 10,
  });
}

/** A batch as an SDK sends it: sessions and page views of 50 users, no eventIds. */
function sampleEvents(count: number): Record<string, unknown>[] {
  const at = Date.now() - 3_600_000;
  return Array.from({ length: count }, (_, index) => {
    const userId = `bench-user-${index % 50}`;
    const timestamp = new Date(at + index * 1_000).toISOString();
    return index % 4 === 0
      ? { type: 'app_session', userId, timestamp, language: 'en-US' }
      : { type: 'page_view', userId, timestamp, path: `/product/${index}?ref=bench` };
  });
}

function startServer(
  kind: 'baseline' | 'collector',
  port: number,
  settings: Settings,
  prefix: string,
): ChildProcess {
  const env = {
    ...process.env,
    COLLECTOR_PORT: String(port),
    COLLECTOR_HOST: '127.0.0.1',
    KAFKA_BROKERS: settings.kafkaBrokers,
    SCHEMA_REGISTRY_URL: settings.registryUrl,
    REDIS_URL: settings.redisUrl,
    REDIS_KEY_PREFIX: prefix,
    LOG_LEVEL: 'warn',
  };
  const args =
    kind === 'collector'
      ? [path.join(root, 'services/collector/dist/main.js')]
      : [tsxPath(), path.join(__dirname, 'collector-baseline-server.ts')];

  return spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function waitUntilReady(port: number, server: ChildProcess, route: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    const status = await fetch(`http://127.0.0.1:${port}${route}`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`server on port ${port} not ready within 60 s`);
}

function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.once('exit', () => resolve());
    server.kill('SIGTERM');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
}

function tscPath(): string {
  return require.resolve('typescript/bin/tsc');
}

function tsxPath(): string {
  return require.resolve('tsx/cli');
}

/** Prints the rows as a table. */
export function printCollectorRows(rows: CollectorBenchRow[], log = console.log): void {
  log(
    'case                          events/s  requests/s  p50 ms  p99 ms  failures  ' +
      'produce ms  req/produce  load  goal',
  );
  for (const row of rows) {
    const goal = row.meetsGoal === null ? '-' : row.meetsGoal ? 'met' : 'MISSED';
    log(
      [
        row.case.padEnd(28),
        String(row.eventsPerSecond).padStart(9),
        String(row.requestsPerSecond).padStart(11),
        String(row.p50Ms).padStart(7),
        String(row.p99Ms).padStart(7),
        String(row.failures).padStart(9),
        String(row.produceCallMs ?? '-').padStart(11),
        String(row.requestsPerProduceCall ?? '-').padStart(12),
        row.loadAverage.toFixed(1).padStart(5),
        ` ${goal}`,
      ].join(' '),
    );
  }
  log(`goals: >= ${collectorGoals.eventsPerSecond} events/s, p99 <= ${collectorGoals.p99Ms} ms`);
}

if (require.main === module) runStandalone('collector', runCollectorBench, printCollectorRows);
