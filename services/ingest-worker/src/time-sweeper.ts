import { DAY_MS, type UserEvent } from '@audience/engine';
import {
  execPipeline,
  scriptedPipeline,
  type AppSegments,
  type LiveSegment,
  type RedisKeys,
  type ScriptedRedis,
  type SegmentCatalog,
  type SegmentPicker,
  type UserUpdater,
} from '@audience/platform';
import type { Logger } from 'pino';
import type { BucketLeases } from './bucket-leases';
import type { ChangePublisher } from './change-publisher';
import type { WorkerMetrics } from './worker-metrics';

/** Users read per (bucket, window) and tick; more wait for the next tick. */
const CROSSINGS_PER_QUERY = 1_000;

/** Window lengths (days) each crossing user crossed in this tick. */
type Crossings = Map<string, Set<number>>;

/**
 * What a full query of one bucket learnt: nobody in it crosses a boundary before `due`, as
 * long as the window lengths (`shape`) and the bucket's session write counter stay the same.
 */
interface BucketHint {
  shape: string;
  writes: string | null;
  due: number;
}

/** One bucket's query: its next watermark, and its next boundary (null: not all were read). */
interface BucketScan {
  next: number;
  due: number | null;
}

export interface TimeSweeperDeps {
  redis: ScriptedRedis;
  keys: RedisKeys;
  catalog: SegmentCatalog;
  leases: BucketLeases;
  updater: UserUpdater;
  publisher: ChangePublisher;
  metrics: WorkerMetrics;
  logger: Logger;
  clock?: () => number;
}

/**
 * Moves users across session windows when time passes, without events. For each app and
 * owned bucket it keeps a watermark (the last tick); a tick reads, from the bucket's
 * last-session index, only users whose `lastSession + N days` fell in (watermark, now] for a
 * window length N in use, re-evaluates those users' N-day segments with the same
 * compare-and-set script as the event path, and advances the watermark. The cost follows the
 * number of users crossing, not the number of users: a bucket whose next boundary is known
 * and whose last sessions nobody moved since (its session write counter) is skipped.
 */
export class TimeSweeper {
  private readonly clock: () => number;
  /** Per app and bucket: when a query is next needed (see {@link BucketHint}). */
  private readonly hints = new Map<string, Map<number, BucketHint>>();

  constructor(private readonly deps: TimeSweeperDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  /** One pass over every app with window segments, on the buckets this worker leases. */
  async tick(): Promise<void> {
    const now = this.clock();
    const buckets = this.deps.leases.owned();
    this.deps.metrics.sweeperLeases.set(buckets.length);
    if (buckets.length === 0) return;

    for (const appId of this.deps.catalog.appIds()) {
      const segments = this.deps.catalog.app(appId);
      const lengths = segments?.index.windowLengths() ?? [];
      if (segments && lengths.length > 0) {
        await this.sweepApp(appId, segments, buckets, lengths, now);
      }
    }
  }

  private async sweepApp(
    appId: string,
    segments: AppSegments,
    owned: number[],
    lengths: number[],
    now: number,
  ): Promise<void> {
    const { redis, keys } = this.deps;
    // The write counters are read before the queries below, so a session written after this
    // read moves the counter past the one a hint keeps, and the next tick queries again.
    const writes = (await execPipeline(
      owned.reduce((p, bucket) => p.get(keys.sessionWrites(appId, bucket)), redis.pipeline()),
    )) as (string | null)[];
    const counters = new Map(owned.map((bucket, index) => [bucket, writes[index] ?? null]));
    const hints = this.hintsOf(appId);
    const shape = lengths.join(',');
    const buckets = owned.filter((bucket) => {
      const hint = hints.get(bucket);
      return (
        !hint || hint.shape !== shape || hint.writes !== counters.get(bucket) || now >= hint.due
      );
    });
    this.deps.metrics.sweeperSkipped.inc(owned.length - buckets.length);
    if (buckets.length === 0) return;

    const crossings: Crossings = new Map();
    const found = await this.findCrossings(appId, buckets, lengths, now, crossings);
    if (crossings.size > 0) await this.applyCrossings(appId, segments, crossings, now);

    const pipeline = redis.pipeline();
    buckets.forEach((bucket, index) => {
      const { next, due } = found[index] ?? { next: now, due: null };
      pipeline.set(keys.sweep(appId, bucket), next);
      if (due === null) hints.delete(bucket);
      else hints.set(bucket, { shape, writes: counters.get(bucket) ?? null, due });
    });
    await execPipeline(pipeline);
  }

  private hintsOf(appId: string): Map<number, BucketHint> {
    let hints = this.hints.get(appId);
    if (!hints) {
      hints = new Map();
      this.hints.set(appId, hints);
    }
    return hints;
  }

  /**
   * Fills `crossings`; returns each bucket's next watermark and, when every user due was
   * read, its next boundary (the earliest `lastSession + N days` after `now`). One script
   * call per bucket reads its watermark and queries every window length (find-crossings.lua).
   */
  private async findCrossings(
    appId: string,
    buckets: number[],
    lengths: number[],
    now: number,
    crossings: Crossings,
  ): Promise<BucketScan[]> {
    const { redis, keys } = this.deps;
    const pipeline = scriptedPipeline(redis);
    const lengthsMs = lengths.map((days) => days * DAY_MS);
    for (const bucket of buckets) {
      const bucketKeys = [keys.lastSession(appId, bucket), keys.sweep(appId, bucket)];
      pipeline.findCrossings(2, ...bucketKeys, now, CROSSINGS_PER_QUERY, ...lengthsMs);
    }
    const replies = (await execPipeline(pipeline)) as (string | string[])[][];

    return replies.map((reply) => {
      const from = Number(reply[0]);
      let next = now;
      let due: number | null = Infinity;
      lengths.forEach((days, position) => {
        const crossed = (reply[1 + 2 * position] ?? []) as string[];
        const first = (reply[2 + 2 * position] ?? []) as string[];
        if (first.length === 2 && due !== null)
          due = Math.min(due, Number(first[1]) + days * DAY_MS);
        for (let at = 0; at < crossed.length; at += 2) addCrossing(crossings, crossed[at], days);
        if (crossed.length / 2 < CROSSINGS_PER_QUERY) return;
        // More users crossed than one query reads: resume just before the last one read.
        due = null;
        const resume = Number(crossed[crossed.length - 1]) + days * DAY_MS - 1;
        if (resume > from) next = Math.min(next, resume);
      });
      return { next, due };
    });
  }

  private async applyCrossings(
    appId: string,
    segments: AppSegments,
    crossings: Crossings,
    now: number,
  ): Promise<void> {
    const { updater, publisher, metrics } = this.deps;
    const events = new Map<string, UserEvent[]>();
    for (const userId of crossings.keys()) events.set(userId, []);

    const changes = await updater.update(appId, events, windowPicker(segments, crossings), now);
    metrics.sweeperCrossings.inc(crossings.size);
    for (const change of changes) {
      metrics.membershipChanges.inc({ change: change.change, source: 'sweeper' });
    }
    await publisher.publish(changes);
    this.deps.logger.debug({ appId, users: crossings.size, changes: changes.length }, 'swept');
  }
}

function addCrossing(crossings: Crossings, userId: string | undefined, days: number): void {
  if (userId === undefined) return;
  const lengths = crossings.get(userId) ?? new Set<number>();
  lengths.add(days);
  crossings.set(userId, lengths);
}

/** The N-day window segments of the lengths each user crossed, reported at the boundary. */
function windowPicker(segments: AppSegments, crossings: Crossings): SegmentPicker {
  return function* pick({ userId, after }) {
    const last = after.lastSession;
    if (last === null) return;
    for (const days of crossings.get(userId) ?? []) {
      for (const compiled of segments.index.windowSegments(days)) {
        const live: LiveSegment | undefined = segments.get(compiled.id);
        if (live) yield { live, at: last + days * DAY_MS, onlyIfChanged: false };
      }
    }
  };
}
