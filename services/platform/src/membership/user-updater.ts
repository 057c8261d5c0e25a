import {
  applyEvents,
  decodeState,
  emptyState,
  encodeState,
  evaluate,
  type StateChange,
  type UserEvent,
  type UserState,
} from '@audience/engine';
import type { Logger } from 'pino';
import { AppError } from '../errors';
import { bucketOf, type RedisKeys } from '../redis/keys';
import { execPipeline } from '../redis/pipeline';
import type { ScriptedRedis } from '../redis/scripts';
import type { AppSegments, LiveSegment } from '../segments/segment-catalog';
import type { OutboxChange } from './membership-change';
import {
  applyBuckets,
  type BucketWrites,
  type MembershipTarget,
  type UserWrite,
} from './membership-writer';

/** A compare-and-set lost this many times in a row means something is badly wrong. */
const MAX_ATTEMPTS = 20;

/** The user's state before and after this update's events, and what changed. */
export interface UserUpdate {
  userId: string;
  before: UserState;
  after: UserState;
  change: StateChange;
}

/** One segment version to evaluate for a user, as a {@link SegmentPicker} names it. */
export interface PickedSegment {
  live: LiveSegment;
  /** When a change happens (ms): now, or the boundary instant a window crossed. */
  at: number;
  /**
   * True when the stored membership already answers for the state before the events, so a
   * version whose answer the events did not change needs no write. The event path sets it;
   * the sweeper does not, since the stored answer is exactly what time made stale.
   */
  onlyIfChanged: boolean;
}

/**
 * Decides which segment versions to evaluate for one user (always at the update's `now`).
 * The event path asks the matcher; the sweeper names the window segments that crossed.
 */
export type SegmentPicker = (update: UserUpdate) => Iterable<PickedSegment>;

/**
 * The event path's picker: the segments the matcher says the change may affect. The stored
 * membership of a known user is the answer for the state before the events (written with
 * that state, by the same compare-and-set), except where a window boundary passed since,
 * which the sweeper applies, or a version is still being built, which its backfill reads
 * from the stored state: so only answers the events changed are written.
 */
export function affectedSegments(segments: AppSegments, now: number): SegmentPicker {
  return function* pick({ change }) {
    for (const id of segments.index.affected(change, now)) {
      const live = segments.get(id);
      if (live) yield { live, at: now, onlyIfChanged: true };
    }
  };
}

export interface UpdateStats {
  users: number;
  conflicts: number;
}

/**
 * Merges events into users' records and brings their membership up to date, with optimistic
 * concurrency: records are read (one HMGET per bucket), merged and evaluated in memory, then
 * written by apply-users.lua only where the record is still the one read. Users that lost a
 * race (another worker, the sweeper, a backfill wrote them meanwhile) are read and evaluated
 * again. Idempotent: events already merged change no record and no membership.
 */
export class UserUpdater {
  constructor(
    private readonly redis: ScriptedRedis,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
    private readonly onScript: (seconds: number) => void = () => undefined,
  ) {}

  /**
   * Applies `events` (by userId; an empty list re-evaluates only) to the users of one app and
   * returns the membership changes recorded in the outbox.
   */
  async update(
    appId: string,
    events: Map<string, UserEvent[]>,
    pick: SegmentPicker,
    now: number,
    stats: UpdateStats = { users: 0, conflicts: 0 },
  ): Promise<OutboxChange[]> {
    const changes: OutboxChange[] = [];
    let pending = [...events.keys()];

    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > MAX_ATTEMPTS) {
        throw new AppError('update_contended', `users of app ${appId} kept changing`, {
          details: { users: pending.length },
        });
      }
      const records = await this.readRecords(appId, pending);
      const writes = this.plan(appId, pending, records, events, pick, now);
      const started = performance.now();
      const results = await applyBuckets(this.redis, this.keys, writes, now);
      this.onScript((performance.now() - started) / 1_000);

      pending = results.flatMap((result) => result.conflicts);
      for (const result of results) changes.push(...result.changes);
      stats.users += attempt === 1 ? events.size : 0;
      stats.conflicts += pending.length;
    }

    return changes;
  }

  /** Reads the records of `userIds` (one HMGET per bucket, pipelined); "" for a new user. */
  async readRecords(appId: string, userIds: string[]): Promise<Map<string, string>> {
    const byBucket = groupByBucket(appId, userIds);
    const pipeline = this.redis.pipeline();
    for (const [bucket, ids] of byBucket) pipeline.hmget(this.keys.users(appId, bucket), ...ids);
    const replies = (await execPipeline(pipeline)) as (string | null)[][];

    const records = new Map<string, string>();
    [...byBucket.values()].forEach((ids, index) => {
      const values = replies[index] ?? [];
      ids.forEach((id, position) => records.set(id, values[position] ?? ''));
    });
    return records;
  }

  private plan(
    appId: string,
    userIds: string[],
    records: Map<string, string>,
    events: Map<string, UserEvent[]>,
    pick: SegmentPicker,
    now: number,
  ): BucketWrites[] {
    const byBucket = new Map<number, BucketWrites>();
    for (const userId of userIds) {
      const expected = records.get(userId) ?? '';
      const userEvents = events.get(userId) ?? [];
      const write = this.planUser(appId, userId, expected, userEvents, pick, now);
      if (!write) continue;

      const bucket = bucketOf(appId, userId);
      let writes = byBucket.get(bucket);
      if (!writes) {
        writes = { appId, bucket, users: [] };
        byBucket.set(bucket, writes);
      }
      writes.users.push(write);
    }

    return [...byBucket.values()];
  }

  private planUser(
    appId: string,
    userId: string,
    expected: string,
    userEvents: UserEvent[],
    pick: SegmentPicker,
    now: number,
  ): UserWrite | null {
    const decoded = this.decode(appId, userId, expected);
    const before = decoded ?? emptyState();
    const { state: after, change } = applyEvents(before, userEvents);
    // Compared as encoded text, not by `change`: the language register may move (a later
    // event with the same code) without the change reporting it, and that must be stored.
    const record = userEvents.length > 0 ? encodeState(after) : expected;
    const targets = new Map<LiveSegment, MembershipTarget>();
    for (const { live, at, onlyIfChanged } of pick({ userId, before, after, change })) {
      const member = evaluate(after, live.compiled, now);
      // A user that did not exist is in no segment yet: only entries need writing. A known
      // user's stored answer is the one for `before` (unless its record was unreadable).
      const unchanged = change.isNewUser
        ? !member
        : onlyIfChanged && decoded !== null && member === evaluate(before, live.compiled, now);
      if (unchanged) continue;
      const { segmentId, version, publish } = live;
      const seen = targets.get(live);
      targets.set(live, { segmentId, version, member, at: Math.max(at, seen?.at ?? at), publish });
    }
    if (record === expected && targets.size === 0) return null;

    const lastSession = after.lastSession !== before.lastSession ? after.lastSession : null;
    return { userId, expected, record, lastSession, targets: [...targets.values()] };
  }

  /** The stored state; null for a record this version cannot read. */
  private decode(appId: string, userId: string, record: string): UserState | null {
    if (record === '') return emptyState();
    try {
      return decodeState(record);
    } catch (error) {
      // A record this version cannot read is rebuilt from the events that follow; losing
      // the old state is better than stopping the partition forever.
      this.logger.error({ err: error, appId, userId }, 'user record unreadable, starting over');
      return null;
    }
  }
}

function groupByBucket(appId: string, userIds: string[]): Map<number, string[]> {
  const byBucket = new Map<number, string[]>();
  for (const userId of userIds) {
    const bucket = bucketOf(appId, userId);
    const ids = byBucket.get(bucket);
    if (ids) ids.push(userId);
    else byBucket.set(bucket, [userId]);
  }
  return byBucket;
}
