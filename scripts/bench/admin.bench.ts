import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { applyEvents, emptyState, encodeState, type UserEvent } from '@audience/engine';
import { BUCKET_COUNT, bucketOf, createRedis, redisKeys } from '@audience/platform';
import { buildAdmin, loadAdminConfig } from '@audience/segment-admin';
import pino from 'pino';

const root = path.resolve(__dirname, '..', '..');

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
}

export interface AdminBenchOptions {
  /** Users stored before the segment is created (the issue asks for 1,000,000). */
  users?: number;
  previews?: number;
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
  const admin = await buildAdmin({ config, logger, backfill: { settleMs: 200 } });
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
    let read = 0;
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket += 1) {
      let cursor = '0';
      do {
        const [next, flat] = await redis.hscan(keys.users(appId, bucket), cursor, 'COUNT', 1000);
        cursor = next;
        read += flat.length / 2;
      } while (cursor !== '0');
    }
    rows.push(rateRow('baseline: HSCAN every user record', read, readStart, null));

    const everyone = {
      name: 'Everyone',
      match: 'all',
      criteria: [{ type: 'device_language', operator: 'not_contains', languages: ['ZZ'] }],
    };
    const buildStart = performance.now();
    const created = await call('POST', `/v1/apps/${appId}/segments`, everyone);
    const segmentId = created.body.id as string;
    for (;;) {
      const segment = (await call('GET', `/v1/apps/${appId}/segments/${segmentId}`)).body;
      if (segment.status === 'ready') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const build = rateRow('backfill (evaluate, CAS write, publish)', users, buildStart, null);
    build.seconds = round(build.seconds - 0.2); // the settle wait before the first chunk
    build.perSecond = Math.round(users / build.seconds);
    build.meetsGoal = build.perSecond >= adminGoals.backfillUsersPerSecond;
    rows.push(build);

    const scanStart = performance.now();
    let scanned = 0;
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket += 1) {
      let cursor = '0';
      do {
        const key = keys.members(appId, segmentId, 1, bucket);
        const [next, flat] = await redis.zscan(key, cursor, 'COUNT', 10_000);
        cursor = next;
        scanned += flat.length / 2;
      } while (cursor !== '0');
    }
    rows.push(rateRow('baseline: raw ZSCAN of the membership', scanned, scanStart, null));

    const exportStart = performance.now();
    let exported = 0;
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page: { body: { members: string[]; nextCursor: string | null } } = await call(
        'GET',
        `/v1/apps/${appId}/segments/${segmentId}/members?limit=10000${query}`,
      );
      exported += page.body.members.length;
      cursor = page.body.nextCursor;
    } while (cursor);
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
  log('case                                       items      per s   p95 ms  seconds  goal');
  for (const row of rows) {
    const goal = row.meetsGoal === null ? '-' : row.meetsGoal ? 'met' : 'MISSED';
    log(
      [
        row.case.padEnd(42),
        String(row.items).padStart(8),
        String(row.perSecond ?? '-').padStart(10),
        String(row.p95Ms ?? '-').padStart(8),
        String(row.seconds).padStart(8),
        ` ${goal}`,
      ].join(' '),
    );
  }
  log(
    `goals: backfill >= ${adminGoals.backfillUsersPerSecond} users/s, export >= ` +
      `${adminGoals.exportPerSecond} members/s, preview p95 <= ${adminGoals.previewP95Ms} ms`,
  );
}

if (require.main === module) {
  runAdminBench().then(
    (rows) => {
      printAdminRows(rows);
      const out = path.join(root, 'bench-results', 'admin.json');
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), rows }, null, 2)}\n`);
      console.log(`written ${path.relative(root, out)}`);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
