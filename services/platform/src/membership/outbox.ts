import type { RedisKeys } from '../redis/keys';
import type { ScriptedRedis } from '../redis/scripts';
import { parseOutboxEntry, type OutboxChange } from './membership-change';

/**
 * Removes published changes from their outboxes (one ZREM per bucket, pipelined). A change
 * removed twice, or never written, is a no-op.
 */
export async function removeFromOutbox(
  redis: ScriptedRedis,
  keys: RedisKeys,
  changes: OutboxChange[],
): Promise<void> {
  if (changes.length === 0) return;

  const byKey = new Map<string, string[]>();
  for (const change of changes) {
    const key = keys.outbox(change.appId, change.bucket);
    const entries = byKey.get(key) ?? [];
    entries.push(change.entry);
    byKey.set(key, entries);
  }

  const pipeline = redis.pipeline();
  for (const [key, entries] of byKey) pipeline.zrem(key, ...entries);
  await pipeline.exec();
}

/**
 * Changes written to a bucket's outbox at or before `writtenBefore` (ms) and still there:
 * left by a worker that crashed between its Redis write and its publish, or whose publish
 * failed. Oldest first, at most `limit`.
 */
export async function readStaleOutbox(
  redis: ScriptedRedis,
  keys: RedisKeys,
  appId: string,
  bucket: number,
  writtenBefore: number,
  limit = 1_000,
): Promise<OutboxChange[]> {
  const key = keys.outbox(appId, bucket);
  const entries = await redis.zrangebyscore(key, '-inf', writtenBefore, 'LIMIT', 0, limit);

  return entries.map((entry) => parseOutboxEntry(appId, bucket, entry));
}
