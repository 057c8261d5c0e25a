import type { Redis } from 'ioredis';
import { execPipeline } from '../redis/pipeline';
import type { RedisKeys } from '../redis/keys';

/**
 * A reader whose last acknowledgement is older than this leaves the index of readers. Its
 * acknowledgement key expired long before (readers refresh it every third of its ttl); this
 * only stops the index from growing with the ids of readers that ended without withdrawing.
 */
const FORGET_READER_MS = 60 * 60_000;

/**
 * Acknowledgements of definitions revisions. Every reader of definitions (each worker's
 * catalog, anything else that evaluates segments from one) says which revision it has fully
 * adopted, in a key that expires unless refreshed, so a reader that died stops counting once
 * its ttl passes. Whoever changes definitions reads {@link live} to learn when every reader
 * alive follows a change.
 */
export class DefinitionAcks {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Records that `readerId` has adopted every definition write up to `revision`, for `ttlMs`.
   * The key and the reader's place in the index are written in one transaction, so a reader
   * in the index always has its key until the key expires.
   */
  async acknowledge(readerId: string, revision: number, ttlMs: number): Promise<void> {
    const now = this.clock();
    const readers = this.keys.definitionAdopters();
    await execPipeline(
      this.redis
        .multi()
        .set(this.keys.definitionAdoption(readerId), String(revision), 'PX', ttlMs)
        .zadd(readers, now, readerId)
        .zremrangebyscore(readers, '-inf', now - FORGET_READER_MS),
    );
  }

  /** Removes a reader that stops: nobody waits for it any more. */
  async withdraw(readerId: string): Promise<void> {
    await execPipeline(
      this.redis
        .multi()
        .del(this.keys.definitionAdoption(readerId))
        .zrem(this.keys.definitionAdopters(), readerId),
    );
  }

  /** The revision each reader alive has adopted, by reader id. */
  async live(): Promise<Map<string, number>> {
    const readers = await this.redis.zrange(this.keys.definitionAdopters(), 0, -1);
    const adopted = new Map<string, number>();
    if (readers.length === 0) return adopted;

    const values = await this.redis.mget(
      readers.map((readerId) => this.keys.definitionAdoption(readerId)),
    );
    readers.forEach((readerId, index) => {
      const value = values[index];
      if (value !== null && value !== undefined) adopted.set(readerId, Number(value));
    });
    return adopted;
  }
}
