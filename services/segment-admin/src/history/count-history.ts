import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DefinitionStore, MembershipReader } from '@audience/platform';
import type { AdminKeys } from '../store/admin-keys';

/** How far back the history reaches. */
export const HISTORY_SPAN_MS = 24 * 3600 * 1000;

export interface HistoryPoint {
  at: string;
  memberCount: number;
}

/**
 * Member counts over the last 24 hours: every `intervalMs`, one process (whichever takes the
 * tick first, so several admin replicas do not sample twice) counts every segment and adds a
 * point to the segment's zset, dropping points older than a day. The cost is one pipeline of
 * 1,024 HGETALLs per app per interval (the per-bucket count hashes), whatever its segments.
 */
export class CountHistory {
  private timer: NodeJS.Timeout | undefined;
  private readonly log: Logger;

  constructor(
    private readonly redis: Redis,
    private readonly keys: AdminKeys,
    private readonly store: DefinitionStore,
    private readonly reader: MembershipReader,
    logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {
    this.log = logger.child({ component: 'count-history' });
  }

  /** The points of one segment, oldest first. */
  async points(appId: string, segmentId: string): Promise<HistoryPoint[]> {
    const since = this.clock() - HISTORY_SPAN_MS;
    const entries = await this.redis.zrangebyscore(
      this.keys.history(appId, segmentId),
      since,
      '+inf',
    );

    return entries.map((entry) => {
      const [at, count] = entry.split(':');
      return { at: new Date(Number(at)).toISOString(), memberCount: Number(count) };
    });
  }

  /** Samples every segment now (also called by the timer). */
  async sample(): Promise<number> {
    const now = this.clock();
    let sampled = 0;
    for (const appId of await this.store.listApps()) {
      const segments = await this.store.list(appId);
      const refs = segments.map((s) => ({ segmentId: s.id, version: s.servingVersion }));
      const counts = await this.reader.counts(appId, refs);
      for (const [index, segment] of segments.entries()) {
        const count = counts[index] ?? 0;
        const key = this.keys.history(appId, segment.id);
        await this.redis
          .multi()
          .zadd(key, now, `${now}:${count}`)
          .zremrangebyscore(key, '-inf', now - HISTORY_SPAN_MS)
          .pexpire(key, HISTORY_SPAN_MS)
          .exec();
        sampled += 1;
      }
    }
    return sampled;
  }

  /** Samples every `intervalMs` from now on. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.tick(intervalMs).catch((error) => this.log.warn({ err: error }, 'sample failed'));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async tick(intervalMs: number): Promise<void> {
    const taken = await this.redis.set(this.keys.historyTick(), '1', 'PX', intervalMs - 100, 'NX');
    if (taken === 'OK') await this.sample();
  }
}
