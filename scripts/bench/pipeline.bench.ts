/**
 * Pipeline benchmark (issue 4): throughput of one worker process against a fetch-and-decode
 * baseline in the same setup, produce-to-change latency at 20% of that throughput, Redis bytes
 * per user and per membership entry, and sweeper exits while users cross a window boundary.
 *
 * Sizes are parameters (env): BENCH_USERS (100000), BENCH_SEGMENTS (1000), BENCH_EVENTS
 * (1000000), BENCH_LATENCY_SECONDS (20), BENCH_MEMORY_USERS (100000), BENCH_SWEEP_RATE (1000),
 * BENCH_SWEEP_SECONDS (15). Needs the stack (`npm run stack:up`).
 *
 * Alone: `npx tsx scripts/bench/pipeline.bench.ts`; writes bench-results/pipeline.json.
 * scripts/bench/run.ts imports {@link runPipelineBench}.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import {
  AvroCodec,
  DefinitionStore,
  createIdempotentProducer,
  createKafka,
  createRedis,
  redisKeys,
  topics,
  type MembershipChange,
} from '@audience/platform';
import type { UserEvent } from '@audience/engine';
import type { Admin } from 'kafkajs';
import pino from 'pino';
import { WorkerProcess } from '../../test/pipeline/support/worker-process';
import {
  EventWriter,
  benchKafka,
  endOffsets,
  eventTopics,
  committedSince,
  groupCaughtUp,
  placeGroup,
  recordsBetween,
  type Offsets,
} from './bench-kafka';
import { quantile, sleep } from './bench-stats';
import { measureMemory } from './pipeline-memory';
import { measureSweeper } from './pipeline-sweeper';
import { benchDefinitions, benchEvents } from './pipeline-workload';
import { runStandalone } from './bench-main';

const root = path.resolve(__dirname, '..', '..');
const logger = pino({ level: 'silent' });

/** One figure of the benchmark. */
export interface PipelineBenchRow {
  bench: 'pipeline';
  case: string;
  value: number;
  unit: string;
  goal: string;
  meetsGoal: boolean | null;
  detail: string;
}

interface Settings {
  brokers: string;
  registryUrl: string;
  redisUrl: string;
  users: number;
  segments: number;
  events: number;
  latencySeconds: number;
  memoryUsers: number;
  sweepRate: number;
  sweepSeconds: number;
  log: (line: string) => void;
}

function settingsFrom(env: NodeJS.ProcessEnv, log: (line: string) => void): Settings {
  const number = (name: string, fallback: number) => Number(env[name] ?? fallback);
  return {
    brokers: env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    registryUrl: env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
    redisUrl: env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6380',
    users: number('BENCH_USERS', 100_000),
    segments: number('BENCH_SEGMENTS', 1_000),
    events: number('BENCH_EVENTS', 1_000_000),
    latencySeconds: number('BENCH_LATENCY_SECONDS', 20),
    memoryUsers: number('BENCH_MEMORY_USERS', 100_000),
    sweepRate: number('BENCH_SWEEP_RATE', 1_000),
    sweepSeconds: number('BENCH_SWEEP_SECONDS', 15),
    log,
  };
}

function row(
  name: string,
  value: number,
  unit: string,
  goal: string,
  meetsGoal: boolean | null,
  detail = '',
): PipelineBenchRow {
  return { bench: 'pipeline', case: name, value, unit, goal, meetsGoal, detail };
}

/** Runs every part and returns its rows. */
export async function runPipelineBench(
  log: (line: string) => void = console.log,
): Promise<PipelineBenchRow[]> {
  const settings = settingsFrom(process.env, log);
  const rows: PipelineBenchRow[] = [];
  const parts = (process.env.BENCH_PARTS ?? 'memory,throughput,sweeper').split(',');

  if (parts.includes('memory')) rows.push(...(await memoryRows(settings)));
  if (parts.includes('throughput')) rows.push(...(await throughputAndLatency(settings)));
  if (parts.includes('sweeper')) rows.push(await sweeperRow(settings));
  return rows;
}

async function memoryRows(settings: Settings): Promise<PipelineBenchRow[]> {
  settings.log(`pipeline: memory, ${settings.memoryUsers} users`);
  const memory = await measureMemory(settings.memoryUsers, 10);
  return [
    row(
      'memory per user (3 paths)',
      memory.bytesPerUser,
      'bytes',
      '<= 200',
      memory.bytesPerUser <= 200,
      `${memory.users} users`,
    ),
    row(
      'memory per membership entry',
      memory.bytesPerMembership,
      'bytes',
      '<= 64',
      memory.bytesPerMembership <= 64,
      `${memory.memberships} entries`,
    ),
  ];
}

async function sweeperRow(settings: Settings): Promise<PipelineBenchRow> {
  settings.log(
    `pipeline: sweeper, ${settings.sweepRate} crossings/s for ${settings.sweepSeconds} s`,
  );
  const sweep = await measureSweeper({
    brokers: settings.brokers,
    registryUrl: settings.registryUrl,
    redisUrl: settings.redisUrl,
    rate: settings.sweepRate,
    seconds: settings.sweepSeconds,
  });
  const detail = `${sweep.published}/${sweep.crossings} exits published, p50 ${sweep.p50Ms} ms, max ${sweep.maxMs} ms`;
  return row(
    'sweeper exit delay p99',
    sweep.p99Ms,
    'ms',
    '<= 1000',
    sweep.p99Ms <= 1_000 && sweep.published === sweep.crossings,
    detail,
  );
}

async function throughputAndLatency(settings: Settings): Promise<PipelineBenchRow[]> {
  const { log } = settings;
  const stamp = Date.now().toString(36);
  const prefix = `bench-pipeline-${stamp}:`;
  const appId = `bench-app-${stamp}`;
  const redis = createRedis({ url: settings.redisUrl, logger, name: 'bench-pipeline' });
  const store = new DefinitionStore(redis, redisKeys(prefix));
  for (const definition of benchDefinitions(settings.segments, 11, Date.now()))
    await store.create(appId, definition);

  const kafka = benchKafka(settings.brokers, 'bench-pipeline');
  const admin = kafka.admin();
  await admin.connect();
  const codec = new AvroCodec({ url: settings.registryUrl });
  const producer = createIdempotentProducer(
    createKafka({ clientId: 'bench-producer', brokers: settings.brokers, logger }),
  );
  await producer.connect();
  const writer = new EventWriter(producer, codec);
  await writer.init();

  log(`pipeline: producing ${settings.events} events over ${settings.users} users`);
  const marks = await endOffsets(admin, eventTopics);
  await produceAll(writer, appId, settings);
  const ends = await endOffsets(admin, eventTopics);
  const records = recordsBetween(marks, ends);

  log(`pipeline: baseline consumer over ${records} records`);
  const baseline = await runBaseline(admin, settings, marks, records, stamp);
  log(`pipeline: worker over ${records} records`);
  const groupId = `bench-worker-${stamp}`;
  await placeGroup(admin, groupId, marks);
  const worker = new WorkerProcess({
    groupId,
    prefix,
    workerId: `bench-${stamp}`,
    env: {
      LOG_LEVEL: 'warn',
      LEASE_TTL_MS: '10000',
      // The service's default, not the short age the tests run with.
      OUTBOX_RELAY_AGE_MS: '5000',
      KAFKA_SESSION_TIMEOUT_MS: '30000',
      SWEEP_INTERVAL_MS: process.env.BENCH_SWEEP_INTERVAL_MS ?? '250',
    },
  });
  await worker.start(120_000);
  const started = performance.now();
  const deadline = started + Number(process.env.BENCH_MAX_SECONDS ?? 900) * 1_000;
  while (!(await groupCaughtUp(admin, groupId, ends)) && performance.now() < deadline) {
    await sleep(200);
  }
  // Past the deadline the rate is what was committed so far (reported as such).
  const processed = Math.min(records, await committedSince(admin, groupId, marks));
  const workerRate = processed / ((performance.now() - started) / 1_000);
  if (processed < records) log(`worker output:\n${worker.output.join('').slice(-3_000)}`);
  const metrics = (await worker.metrics()).split('\n');
  log(
    metrics
      .filter((line) => /^(ingest_batch|redis_script|membership_changes)/.test(line))
      .join('\n'),
  );
  const ratio = workerRate / baseline;

  log(`pipeline: latency at 20% load (${Math.round(workerRate * 0.2)} events/s)`);
  const latency = await measureLatency(kafka, codec, writer, appId, workerRate * 0.2, settings);
  // BENCH_WORKER_METRICS=1 prints the worker's batch, latency and script histograms, the
  // throughput and latency phases together, to see where a slow event waited.
  if (process.env.BENCH_WORKER_METRICS) {
    const pattern =
      /^(ingest_event_to|ingest_batch_duration|redis_script|nodejs_eventloop_lag|sweeper|outbox)/;
    const lines = (await worker.metrics()).split('\n').filter((line) => pattern.test(line));
    log(lines.join('\n'));
  }
  await worker.stop();
  await producer.disconnect();
  await admin.disconnect();
  await deletePrefix(redis, prefix);
  redis.disconnect();

  const load = `load avg ${os.loadavg()[0]?.toFixed(1)}`;
  const latencyDetail =
    `${latency.samples} of ${latency.timed} timed events made a change ` +
    `(${latency.forgotten} none within 2 s), ${Math.round(latency.rate)} events/s sent`;
  return [
    row(
      'baseline fetch+decode',
      Math.round(baseline),
      'events/s',
      '',
      null,
      `${records} records, 12 partitions`,
    ),
    row(
      'worker throughput',
      Math.round(workerRate),
      'events/s',
      '>= 60% of baseline',
      ratio >= 0.6,
      `${(ratio * 100).toFixed(0)}% of baseline, ${processed}/${records} done, ${settings.users} users, ${settings.segments} segments, ${load}`,
    ),
    row('latency p50 (20% load)', latency.p50, 'ms', '<= 10', latency.p50 <= 10, latencyDetail),
    row('latency p99 (20% load)', latency.p99, 'ms', '<= 50', latency.p99 <= 50, load),
  ];
}

async function produceAll(writer: EventWriter, appId: string, settings: Settings) {
  let batch: UserEvent[] = [];
  const pending: Promise<void>[] = [];
  for (const event of benchEvents(settings.events, settings.users, 5, Date.now())) {
    batch.push(event);
    if (batch.length < 5_000) continue;
    pending.push(writer.write(appId, batch));
    batch = [];
    if (pending.length >= 4) await Promise.all(pending.splice(0));
  }
  pending.push(writer.write(appId, batch));
  await Promise.all(pending);
}

async function runBaseline(
  admin: Admin,
  settings: Settings,
  marks: Offsets,
  records: number,
  stamp: string,
) {
  const groupId = `bench-baseline-${stamp}`;
  await placeGroup(admin, groupId, marks);
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, [path.join(__dirname, 'baseline-consumer.ts')], {
    env: {
      ...process.env,
      KAFKA_BROKERS: settings.brokers,
      SCHEMA_REGISTRY_URL: settings.registryUrl,
      BASELINE_GROUP: groupId,
      BASELINE_RECORDS: String(records),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  const result = JSON.parse(output.trim().split('\n').pop() ?? '{}') as {
    records: number;
    seconds: number;
  };
  return result.records / result.seconds;
}

async function measureLatency(
  kafka: ReturnType<typeof benchKafka>,
  codec: AvroCodec,
  writer: EventWriter,
  appId: string,
  rate: number,
  settings: Settings,
) {
  const groupId = `bench-latency-${Date.now().toString(36)}`;
  const admin = kafka.admin();
  await admin.connect();
  await placeGroup(admin, groupId, await endOffsets(admin, [topics.membershipChanges]));
  await admin.disconnect();

  // Events of the throughput workload's kind, on its users: the load is the one the rate was
  // measured with. No event is sent for a user with an event in flight, so the next change of
  // that user is this event's; an event that changed nothing is forgotten after a while.
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 5 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.membershipChanges] });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const arrived = performance.now();
      const change = await codec.decode<MembershipChange>(message.value as Buffer);
      const at = change.appId === appId ? sent.get(change.userId) : undefined;
      if (at === undefined) return;
      latencies.push(arrived - at);
      sent.delete(change.userId);
    },
  });

  // An event whose change has not come within `forgetMs` is taken to have changed nothing
  // (most such events do) and its user is free again; a change that slow would be far past
  // the goal, and the count of such events is reported.
  const tickMs = 20;
  const forgetMs = 2_000;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1_000));
  const source = benchEvents(Number.MAX_SAFE_INTEGER, settings.users, 17, Date.now());
  let timed = 0;
  let forgotten = 0;
  const endAt = performance.now() + settings.latencySeconds * 1_000;
  while (performance.now() < endAt) {
    const now = performance.now();
    for (const [userId, at] of sent) {
      if (now - at <= forgetMs) continue;
      sent.delete(userId);
      forgotten += 1;
    }
    // Draws are bounded: when most users have an event in flight, the tick sends fewer.
    const events: UserEvent[] = [];
    for (let draws = 0; events.length < perTick && draws < perTick * 20; draws += 1) {
      const event = source.next().value as UserEvent;
      if (sent.has(event.userId)) continue;
      sent.set(event.userId, now);
      events.push({ ...event, eventId: `latency-${event.eventId}` });
    }
    timed += events.length;
    if (events.length > 0) await writer.write(appId, events);
    await sleep(Math.max(0, tickMs - (performance.now() - now)));
  }
  await sleep(3_000);
  await consumer.disconnect();
  return {
    timed,
    forgotten,
    rate: timed / settings.latencySeconds,
    samples: latencies.length,
    p50: Math.round(quantile(latencies, 0.5) * 10) / 10,
    p99: Math.round(quantile(latencies, 0.99) * 10) / 10,
  };
}

async function deletePrefix(redis: ReturnType<typeof createRedis>, prefix: string) {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (found.length > 0) await redis.unlink(...found);
    cursor = next;
  } while (cursor !== '0');
}

/** Prints the rows as a table. */
export function printPipelineRows(rows: PipelineBenchRow[], log = console.log): void {
  log(
    `${'case'.padEnd(30)} ${'value'.padStart(10)} ${'unit'.padEnd(9)} ${'goal'.padEnd(20)} ok   detail`,
  );
  for (const r of rows) {
    const ok = r.meetsGoal === null ? '-' : r.meetsGoal ? 'yes' : 'NO';
    log(
      `${r.case.padEnd(30)} ${String(r.value).padStart(10)} ${r.unit.padEnd(9)} ${r.goal.padEnd(20)} ${ok.padEnd(4)} ${r.detail}`,
    );
  }
}

if (require.main === module) runStandalone('pipeline', runPipelineBench, printPipelineRows);
