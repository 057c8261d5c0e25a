import http from 'node:http';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { applyEvents, emptyState, encodeState, type UserEvent } from '@audience/engine';
import { BUCKET_COUNT, bucketOf, createRedis, redisKeys } from '@audience/platform';
import { buildAdmin, loadAdminConfig } from '@audience/segment-admin';
import pino from 'pino';
import { runStandalone } from './bench-main';

/** One measured case of the admin benchmark. */
export interface AdminBenchRow {
  bench: 'admin';
  case: string;
  /** Users, members or previews the case went through. */
  items: number;
  perSecond: number | null;
  p95Ms: number | null;
  seconds: number;
  meetsGoal: boolean | null;
  /**
   * CPU time per item of this process (which runs the backfill jobs) and of the Redis server
   * (all its clients), in microseconds: steadier than the rate on a shared machine.
   */
  cpuMicros?: { process: number; redis: number };
}

export interface AdminBenchOptions {
  /** Users stored before the segment is created (the issue asks for 1,000,000). */
  users?: number;
  previews?: number;
  /** Only the baseline and backfill cases (export and preview skipped), for iterating. */
  backfillOnly?: boolean;
  /** The stack's own Redis, never the system one on 6379. */
  redisUrl?: string;
  log?: (line: string) => void;
}

export const adminGoals = {
  backfillUsersPerSecond: 100_000,
  exportPerSecond: 500_000,
  previewP95Ms: 1_000,
};

const TOKEN = 'bench-admin-token-0123456789';
const logger = pino({ level: 'silent' });

/** Backfill rate, membership export and preview latency, each beside a raw-Redis baseline. */
export async function runAdminBench(options: AdminBenchOptions = {}): Promise<AdminBenchRow[]> {
  const users = options.users ?? Number(process.env.ADMIN_BENCH_USERS ?? 1_000_000);
  const log = options.log ?? ((line: string) => console.log(line));
  const backfillOnly = options.backfillOnly ?? process.env.ADMIN_BENCH_ONLY === 'backfill';
  const prefix = `bench-admin-${randomBytes(3).toString('hex')}:`;
  const config = loadAdminConfig({
    ...process.env,
    REDIS_URL: options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6380',
    ADMIN_TOKEN: TOKEN,
    ADMIN_PORT: '0',
    REDIS_KEY_PREFIX: prefix,
    LOG_LEVEL: 'silent',
  });
  const redis = createRedis({ url: config.REDIS_URL, logger, name: 'bench-admin' });
  const keys = redisKeys(prefix);
  const admin = await buildAdmin({
    config,
    logger,
    // Replaced versions are freed at once, so "no job left" marks the end of an edit.
    backfill: { retainOldVersionMs: 0 },
  });
  const url = await admin.listen();
  const call = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  try {
    const appId = (await call('POST', '/v1/apps', { name: 'Bench' })).body.id as string;
    log(`seeding ${users} users`);
    await seedUsers(redis, keys, appId, users);
    const rows: AdminBenchRow[] = [];

    const readStart = performance.now();
    const read = await readAllRecords(redis, keys, appId);
    rows.push(rateRow('baseline: pipelined HGETALL of every bucket', read, readStart, null));

    const everyone = {
      name: 'Everyone',
      match: 'all',
      criteria: [{ type: 'device_language', operator: 'not_contains', languages: ['ZZ'] }],
    };
    let cpu = await cpuMeter(redis);
    const built = await timeBuild(call, appId, everyone);
    const segmentId = built.segmentId;
    rows.push(
      buildRow(
        'backfill, every user enters (all published)',
        users,
        built.seconds,
        await cpu(users),
      ),
    );
    const english = {
      name: 'English',
      match: 'all',
      criteria: [{ type: 'device_language', operator: 'contains', languages: ['EN'] }],
    };
    cpu = await cpuMeter(redis);
    const builtEnglish = await timeBuild(call, appId, english);
    rows.push(
      buildRow(
        'backfill, a quarter enters (published)',
        users,
        builtEnglish.seconds,
        await cpu(users),
      ),
    );
    // An edit that keeps every member: the rebuild publishes nothing per user and the switch
    // finds no difference, so this is the evaluate + compare-and-set rate without Kafka.
    cpu = await cpuMeter(redis);
    const editStart = performance.now();
    const everyoneAgain = {
      ...everyone,
      criteria: [{ ...everyone.criteria[0], languages: ['YY'] }],
    };
    await call('PUT', `/v1/apps/${appId}/segments/${segmentId}`, everyoneAgain);
    while ((await admin.backfill.pendingJobs()) > 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const editSeconds = (performance.now() - editStart) / 1000;
    rows.push(
      buildRow(
        'backfill of an edit, no difference to publish',
        users,
        editSeconds,
        await cpu(users),
      ),
    );
    if (backfillOnly) return rows;

    const listStart = performance.now();
    const listed = await call('GET', `/v1/apps/${appId}/segments`);
    const counted = (listed.body.segments as { memberCount: number }[]).map((s) => s.memberCount);
    if (counted[0] !== users) throw new Error(`memberCount ${counted[0]} is not ${users}`);
    rows.push(latencyRow('list segments with memberCount', 1, listStart));

    const scanStart = performance.now();
    const scanned = await readAllMembers(redis, keys, appId, segmentId);
    rows.push(rateRow('baseline: pipelined ZRANGE of every bucket', scanned, scanStart, null));

    const exportStart = performance.now();
    let exported = 0;
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const route = `/v1/apps/${appId}/segments/${segmentId}/members?limit=10000${query}`;
      const page: { members: string[]; nextCursor: string | null } = await getJson(url + route);
      exported += page.members.length;
      cursor = page.nextCursor;
    } while (cursor);
    if (exported !== users) throw new Error(`export gave ${exported} members, not ${users}`);
    const exportRow = rateRow('export via API, limit=10000', exported, exportStart, null);
    exportRow.meetsGoal = (exportRow.perSecond ?? 0) >= adminGoals.exportPerSecond;
    rows.push(exportRow);

    const draft = {
      name: 'Draft',
      match: 'all',
      criteria: [
        { type: 'device_language', operator: 'contains', languages: ['EN'] },
        { type: 'page_visited', operator: 'visited', match: 'starts_with', path: '/cart' },
      ],
    };
    const times: number[] = [];
    await call('POST', `/v1/apps/${appId}/segments/preview`, draft); // warm-up, not timed
    const previewStart = performance.now();
    for (let index = 0; index < (options.previews ?? 20); index += 1) {
      const started = performance.now();
      const answer = await call('POST', `/v1/apps/${appId}/segments/preview`, draft);
      if (answer.status !== 200) throw new Error(`preview answered ${answer.status}`);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const p95 = times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)] ?? 0;
    rows.push({
      bench: 'admin',
      case: `preview over ${users} users (sampled)`,
      items: times.length,
      perSecond: null,
      p95Ms: Math.round(p95),
      seconds: round((performance.now() - previewStart) / 1000),
      meetsGoal: p95 <= adminGoals.previewP95Ms,
    });

    return rows;
  } finally {
    await admin.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/**
 * GET and parse JSON with node:http on a kept-alive socket: a lean client, as an exporting
 * system would use, so the export figure measures the API rather than fetch's web streams.
 */
function getJson<T>(url: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    http
      .get(url, { agent, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          if (response.statusCode !== 200) reject(new Error(`GET answered ${response.statusCode}`));
          else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
        });
      })
      .on('error', reject);
  });
}

/** Buckets per pipelined round trip of the baselines. */
const BASELINE_BUCKETS = 32;

/** Baseline: every user record, HGETALL of 32 buckets per round trip. */
async function readAllRecords(
  redis: ReturnType<typeof createRedis>,
  keys: ReturnType<typeof redisKeys>,
  appId: string,
): Promise<number> {
  let read = 0;
  for (let first = 0; first < BUCKET_COUNT; first += BASELINE_BUCKETS) {
    const pipeline = redis.pipeline();
    for (let bucket = first; bucket < first + BASELINE_BUCKETS; bucket += 1) {
      pipeline.call('HGETALL', keys.users(appId, bucket));
    }
    for (const [error, flat] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      read += (flat as string[]).length / 2;
    }
  }
  return read;
}

/** Baseline: every member, ZRANGE of 32 buckets per round trip. */
async function readAllMembers(
  redis: ReturnType<typeof createRedis>,
  keys: ReturnType<typeof redisKeys>,
  appId: string,
  segmentId: string,
): Promise<number> {
  let read = 0;
  for (let first = 0; first < BUCKET_COUNT; first += BASELINE_BUCKETS) {
    const pipeline = redis.pipeline();
    for (let bucket = first; bucket < first + BASELINE_BUCKETS; bucket += 1) {
      pipeline.zrange(keys.members(appId, segmentId, 2, bucket), 0, -1);
    }
    for (const [error, members] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      read += (members as string[]).length;
    }
  }
  return read;
}

type Call = (
  method: string,
  route: string,
  body?: unknown,
) => Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Creates a segment and waits until it is ready; seconds. */
async function timeBuild(
  call: Call,
  appId: string,
  definition: unknown,
): Promise<{ segmentId: string; seconds: number }> {
  const started = performance.now();
  const created = await call('POST', `/v1/apps/${appId}/segments`, definition);
  const segmentId = created.body.id as string;
  for (;;) {
    const segment = (await call('GET', `/v1/apps/${appId}/segments/${segmentId}`)).body;
    if (segment.status === 'ready') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { segmentId, seconds: (performance.now() - started) / 1000 };
}

/** Starts measuring CPU time; the returned function gives microseconds per item since then. */
async function cpuMeter(
  redis: ReturnType<typeof createRedis>,
): Promise<(items: number) => Promise<{ process: number; redis: number }>> {
  const redisSeconds = async () => {
    const info = await redis.info('cpu');
    const field = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
    return field('used_cpu_user') + field('used_cpu_sys');
  };
  const processStart = process.cpuUsage();
  const redisStart = await redisSeconds();

  return async (items) => {
    const used = process.cpuUsage(processStart);
    const redisUsed = (await redisSeconds()) - redisStart;
    return {
      process: round((used.user + used.system) / items),
      redis: round((redisUsed * 1e6) / items),
    };
  };
}

function buildRow(
  name: string,
  users: number,
  seconds: number,
  cpuMicros: AdminBenchRow['cpuMicros'],
): AdminBenchRow {
  const perSecond = Math.round(users / seconds);
  return {
    cpuMicros,
    bench: 'admin',
    case: name,
    items: users,
    perSecond,
    p95Ms: null,
    seconds: round(seconds),
    meetsGoal: perSecond >= adminGoals.backfillUsersPerSecond,
  };
}

function latencyRow(name: string, items: number, start: number): AdminBenchRow {
  const ms = performance.now() - start;
  return {
    bench: 'admin',
    case: name,
    items,
    perSecond: null,
    p95Ms: Math.round(ms),
    seconds: round(ms / 1000),
    meetsGoal: null,
  };
}

/** Stores `count` users with one session, a language and two page views each. */
async function seedUsers(
  redis: ReturnType<typeof createRedis>,
  keys: ReturnType<typeof redisKeys>,
  appId: string,
  count: number,
): Promise<void> {
  const now = Date.now();
  const languages = ['en', 'fr', 'de', 'es'];
  for (let start = 0; start < count; start += 10_000) {
    const pipeline = redis.pipeline();
    for (let index = start; index < Math.min(start + 10_000, count); index += 1) {
      const userId = `user-${index}`;
      const events: UserEvent[] = [
        {
          type: 'app_session',
          userId,
          eventId: `s${index}`,
          timestamp: now - (index % 30) * 86_400_000,
          language: languages[index % 4] as string,
        },
        {
          type: 'page_view',
          userId,
          eventId: `p${index}`,
          timestamp: now,
          path: index % 3 === 0 ? '/cart' : '/home',
        },
        {
          type: 'page_view',
          userId,
          eventId: `q${index}`,
          timestamp: now,
          path: `/product/${index % 100}`,
        },
      ];
      const state = encodeState(applyEvents(emptyState(), events).state);
      pipeline.hset(keys.users(appId, bucketOf(appId, userId)), userId, state);
    }
    await pipeline.exec();
  }
}

async function deleteKeys(redis: ReturnType<typeof createRedis>, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
    cursor = next;
    if (found.length > 0) await redis.unlink(...found);
  } while (cursor !== '0');
}

function rateRow(name: string, items: number, start: number, goal: boolean | null): AdminBenchRow {
  const seconds = (performance.now() - start) / 1000;
  return {
    bench: 'admin',
    case: name,
    items,
    perSecond: Math.round(items / seconds),
    p95Ms: null,
    seconds: round(seconds),
    meetsGoal: goal,
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Prints the rows as a table. */
export function printAdminRows(rows: AdminBenchRow[], log = console.log): void {
  log(
    'case                                           items      per s   p95 ms  seconds  goal' +
      '    cpu us/item: process, redis',
  );
  for (const row of rows) {
    const goal = row.meetsGoal === null ? '-' : row.meetsGoal ? 'met' : 'MISSED';
    const cpu = row.cpuMicros ? `${row.cpuMicros.process}, ${row.cpuMicros.redis}` : '';
    log(
      [
        row.case.padEnd(46),
        String(row.items).padStart(8),
        String(row.perSecond ?? '-').padStart(10),
        String(row.p95Ms ?? '-').padStart(8),
        String(row.seconds).padStart(8),
        ` ${goal}`.padEnd(7),
        cpu.padStart(14),
      ]
        .join(' ')
        .trimEnd(),
    );
  }
  const load = os.loadavg().map((value) => value.toFixed(1));
  log(`machine: ${os.cpus().length} cpus, load average ${load.join(' ')}`);
  log(
    `goals: backfill >= ${adminGoals.backfillUsersPerSecond} users/s, export >= ` +
      `${adminGoals.exportPerSecond} members/s, preview p95 <= ${adminGoals.previewP95Ms} ms`,
  );
}

if (require.main === module) runStandalone('admin', runAdminBench, printAdminRows);
