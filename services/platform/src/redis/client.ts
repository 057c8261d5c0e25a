import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { defineScripts, type ScriptedRedis } from './scripts';

export interface RedisClientOptions {
  url: string;
  logger: Logger;
  /** Name shown by CLIENT LIST, e.g. `ingest-worker:main`. */
  name: string;
  /** Extra ioredis options (tests shorten timeouts). */
  options?: RedisOptions;
}

/**
 * An ioredis client with the platform's scripts defined. It reconnects forever with a capped
 * backoff and queues commands meanwhile, so a Redis restart shows up as latency and retried
 * work, not as a crash; each reconnect is logged once at warn.
 */
export function createRedis({ url, logger, name, options }: RedisClientOptions): ScriptedRedis {
  const log = logger.child({ component: 'redis', connection: name });
  const redis = new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    enableAutoPipelining: false,
    retryStrategy: (attempt) => Math.min(50 * attempt, 1_000),
    ...options,
  });
  redis.on('error', (error: Error) => log.debug({ err: error }, 'redis error'));
  redis.on('reconnecting', () => log.warn('redis reconnecting'));
  redis.on('ready', () => log.info('redis ready'));

  return defineScripts(redis);
}
