import { randomBytes } from 'node:crypto';
import type { UserEvent } from '@audience/engine';
import {
  AppSegments,
  DefinitionAcks,
  DefinitionStore,
  SegmentCatalog,
  UserUpdater,
  affectedSegments,
  createRedis,
  redisKeys,
  type RedisKeys,
  type ScriptedRedis,
} from '@audience/platform';
import { buildAdmin, loadAdminConfig, type Admin, type AdminDeps } from '@audience/segment-admin';
import type { BackfillOptions } from '../../services/segment-admin/src/backfill/backfill';
import pino from 'pino';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
export const silent = pino({ level: 'silent' });

/** A segment-admin in this process against the real stack, under its own key prefix. */
export interface AdminHarness {
  admin: Admin;
  /** Base URL of the listening server (port 0: a free one). */
  url: string;
  prefix: string;
  redis: ScriptedRedis;
  keys: RedisKeys;
  close(): Promise<void>;
}

/**
 * Starts segment-admin with a fresh key prefix; settings come from the jest global setup.
 * `deps` adds to what buildAdmin gets (a wrapped change sink, for instance).
 */
export async function startAdmin(
  name: string,
  backfill: Partial<BackfillOptions> = {},
  env: Record<string, string> = {},
  deps: Pick<AdminDeps, 'wrapChangeSink'> = {},
): Promise<AdminHarness> {
  const prefix = `t-${name}-${randomBytes(4).toString('hex')}:`;
  const config = loadAdminConfig({
    ...process.env,
    ADMIN_TOKEN,
    ADMIN_PORT: '0',
    REDIS_KEY_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    BACKFILL_CONCURRENCY: '2',
    BACKFILL_CHUNK_BUCKETS: '128',
    ...env,
  });
  const admin = await buildAdmin({
    ...deps,
    config,
    logger: silent,
    backfill: { retainOldVersionMs: 60_000, ...backfill },
  });
  const redis = createRedis({ url: config.REDIS_URL, logger: silent, name: 'test-admin' });
  const url = await admin.listen();

  return {
    admin,
    url,
    prefix,
    redis,
    keys: redisKeys(prefix),
    close: async () => {
      await admin.close();
      await deleteKeys(redis, prefix);
      await redis.quit();
    },
  };
}

/** Deletes every key under `prefix` (the test's own; the server is the project's). */
export async function deleteKeys(redis: ScriptedRedis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (found.length > 0) await redis.unlink(...found);
  } while (cursor !== '0');
}

/** Keys under `prefix` whose name contains `part`. */
export async function keysContaining(
  redis: ScriptedRedis,
  prefix: string,
  part: string,
): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*${part}*`, 'COUNT', 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found;
}

/**
 * Applies events exactly as the ingest worker does after decoding (UserUpdater, the matcher of
 * a live SegmentCatalog, the compare-and-set script), without Kafka in between. Like a worker,
 * it acknowledges the definitions revisions it adopted, so the backfill waits for it.
 */
export class EventApplier {
  private readonly updater: UserUpdater;
  readonly catalog: SegmentCatalog;

  constructor(
    private readonly harness: AdminHarness,
    private readonly appId: string,
  ) {
    const { redis, keys } = harness;
    this.updater = new UserUpdater(redis, keys, silent);
    this.catalog = new SegmentCatalog(new DefinitionStore(redis, keys), silent, {
      reloadIntervalMs: 5_000,
      adoption: {
        acks: new DefinitionAcks(redis, keys),
        readerId: `event-applier-${randomBytes(3).toString('hex')}`,
        ttlMs: 5_000,
      },
    });
  }

  start(): Promise<void> {
    return this.catalog.start();
  }

  stop(): Promise<void> {
    return this.catalog.stop();
  }

  async apply(events: UserEvent[], now: number): Promise<void> {
    const byUser = new Map<string, UserEvent[]>();
    for (const event of events) {
      const list = byUser.get(event.userId) ?? [];
      list.push(event);
      byUser.set(event.userId, list);
    }
    await this.catalog.use(async () => {
      const segments = this.catalog.app(this.appId) ?? new AppSegments();
      await this.updater.update(this.appId, byUser, affectedSegments(segments, now), now);
    });
  }
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A response as the tests read it. */
export interface Answer {
  statusCode: number;
  headers: Headers;
  body: string;
}

/** One HTTP call to the harness over a real socket. */
export async function request(
  harness: AdminHarness,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = auth,
): Promise<Answer> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const response = await fetch(`${harness.url}${path}`, init);

  return { statusCode: response.status, headers: response.headers, body: await response.text() };
}
