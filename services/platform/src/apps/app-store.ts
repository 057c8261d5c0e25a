import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError } from '../errors';
import { appKeys, type AppKeys } from '../redis/keys';

/** An app as listed: never carries its write key. */
export interface App {
  id: string;
  name: string;
  /** ISO-8601 instant of creation. */
  createdAt: string;
}

/** The answer to {@link AppStore.createApp}: the only time the write key is ever shown. */
export interface CreatedApp extends App {
  writeKey: string;
}

/** Longest app name, as for segment names. */
export const MAX_APP_NAME_LENGTH = 200;

/**
 * Apps and their write keys in Redis. A write key is 192 random bits; only its SHA-256 hash
 * is stored, so a copy of the database does not let anyone send events. A plain hash is
 * enough (no salt, no slow KDF) because the key is random, not a password a person chose.
 */
export class AppStore {
  private readonly keys: AppKeys;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
  ) {
    this.keys = appKeys(keyPrefix);
  }

  /**
   * Creates an app with a fresh write key.
   * @throws AppError `invalid_app_name` (400) when the name is empty or too long.
   */
  async createApp(name: string): Promise<CreatedApp> {
    const trimmed = checkAppName(name);
    const app: App = { id: newAppId(), name: trimmed, createdAt: new Date().toISOString() };
    const writeKey = newWriteKey();

    await this.redis
      .multi()
      .hset(this.keys.app(app.id), app)
      .zadd(this.keys.index, Date.parse(app.createdAt), app.id)
      .set(this.keys.writeKey(hashWriteKey(writeKey)), app.id)
      .exec()
      .then(throwOnTransactionError);

    return { ...app, writeKey };
  }

  /** Every app, oldest first, without write keys. */
  async listApps(): Promise<App[]> {
    const ids = await this.redis.zrange(this.keys.index, 0, -1);
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.app(id));
    const results = (await pipeline.exec().then(throwOnTransactionError)) ?? [];

    return results.map(([, fields]) => toApp(fields)).filter((app) => app !== null);
  }

  /** One app, or null when there is none with this id. */
  async getApp(appId: string): Promise<App | null> {
    return toApp(await this.redis.hgetall(this.keys.app(appId)));
  }

  /** The id of the app owning `writeKey`, or null when the key is unknown. */
  async appForWriteKey(writeKey: string): Promise<string | null> {
    if (writeKey.length === 0 || writeKey.length > 256) return null;

    return this.redis.get(this.keys.writeKey(hashWriteKey(writeKey)));
  }
}

/** SHA-256 of a write key, hex: the only form in which a write key is stored. */
export function hashWriteKey(writeKey: string): string {
  return createHash('sha256').update(writeKey).digest('hex');
}

function checkAppName(name: unknown): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed.length === 0 || trimmed.length > MAX_APP_NAME_LENGTH) {
    throw new AppError(
      'invalid_app_name',
      `app name must be 1 to ${MAX_APP_NAME_LENGTH} characters`,
      { status: 400 },
    );
  }

  return trimmed;
}

// App ids go into Kafka keys as `appId:userId`, so they must never contain `:`; base64url
// has no `:`. 72 bits make a collision between apps practically impossible.
function newAppId(): string {
  return `app_${randomBytes(9).toString('base64url')}`;
}

function newWriteKey(): string {
  return `wk_${randomBytes(24).toString('base64url')}`;
}

function toApp(fields: Record<string, string> | unknown): App | null {
  const record = fields as Partial<Record<keyof App, string>>;
  if (!record?.id || record.name === undefined || !record.createdAt) return null;

  return { id: record.id, name: record.name, createdAt: record.createdAt };
}

function throwOnTransactionError<T extends [Error | null, unknown][] | null>(results: T): T {
  const failed = results?.find(([error]) => error !== null);
  if (failed?.[0]) {
    throw new AppError('redis_command_failed', 'a Redis command failed', {
      status: 503,
      cause: failed[0],
    });
  }

  return results;
}
