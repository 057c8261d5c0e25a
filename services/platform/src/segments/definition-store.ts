import { randomBytes } from 'node:crypto';
import { validateDefinition, type SegmentDefinition } from '@audience/engine';
import type { Redis } from 'ioredis';
import { AppError } from '../errors';
import type { RedisKeys } from '../redis/keys';
import type { ScriptedRedis } from '../redis/scripts';
import {
  parseNotice,
  type DefinitionNotice,
  type PendingSwitch,
  type StoredSegment,
} from './stored-segment';

/** Attempts at a write that keeps losing compare-and-set races before giving up. */
const MAX_WRITE_ATTEMPTS = 5;

type Change = (current: StoredSegment) => StoredSegment;

/** What save-segment.lua answered: the revision of the write, or a lost race. */
type SaveResult = number | 'conflict';

/**
 * Segment definitions per app, in Redis. Every write is a compare-and-set (save-segment.lua)
 * that also bumps the definitions revision and publishes a {@link DefinitionNotice}, so each
 * worker updates its matcher index within a moment; {@link DefinitionStore.subscribe} delivers
 * those notices.
 */
export class DefinitionStore {
  constructor(
    private readonly redis: ScriptedRedis,
    private readonly keys: RedisKeys,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The definitions revision: the number of definition writes so far, any app (0: none). */
  async revision(): Promise<number> {
    return Number((await this.redis.get(this.keys.definitionRevision())) ?? 0);
  }

  /** Ids of the apps that have at least one segment (or had one). */
  async listApps(): Promise<string[]> {
    return this.redis.smembers(this.keys.segmentApps());
  }

  /** Every segment of an app, in no particular order. */
  async list(appId: string): Promise<StoredSegment[]> {
    const values = await this.redis.hvals(this.keys.definitions(appId));

    return values.map((value) => JSON.parse(value) as StoredSegment);
  }

  /** One segment, or null when the app has no such segment. */
  async get(appId: string, segmentId: string): Promise<StoredSegment | null> {
    const value = await this.redis.hget(this.keys.definitions(appId), segmentId);

    return value === null ? null : (JSON.parse(value) as StoredSegment);
  }

  /**
   * Creates a segment at version 1, status `building`. Throws `invalid_segment` (400) for an
   * invalid definition and `segment_name_taken` (409) when the app has a segment of that name.
   */
  async create(appId: string, input: unknown): Promise<StoredSegment> {
    const definition = checkDefinition(input);
    const now = new Date(this.clock()).toISOString();
    const segment: StoredSegment = {
      id: randomBytes(6).toString('base64url'),
      appId,
      version: 1,
      definition,
      status: 'building',
      servingVersion: 1,
      liveVersions: [{ version: 1, definition }],
      createdAt: now,
      updatedAt: now,
    };
    await this.save(null, segment);

    return segment;
  }

  /**
   * Adds a version with a new definition, status `building`; readers keep the serving version
   * until {@link markReady}. Throws `segment_not_found` (404), `invalid_segment`,
   * `segment_name_taken`.
   */
  async update(appId: string, segmentId: string, input: unknown): Promise<StoredSegment> {
    const definition = checkDefinition(input);

    return this.change(appId, segmentId, (current) => ({
      ...current,
      version: current.version + 1,
      definition,
      status: 'building',
      liveVersions: [...current.liveVersions, { version: current.version + 1, definition }],
    }));
  }

  /**
   * Records that `version`'s membership is complete: it becomes the serving version and older
   * versions stop being maintained. Returns the segment and the retired versions, whose
   * membership the caller deletes. A version that is no longer the latest is left alone.
   *
   * When an edit replaces a serving version, the same write records a {@link PendingSwitch}
   * (see {@link markAnnounced}, {@link finishSwitch}). Throws `switch_pending` (409) while the
   * switch to another version is unfinished: that one must complete first, so the differences
   * are announced in order.
   */
  async markReady(
    appId: string,
    segmentId: string,
    version: number,
  ): Promise<{ segment: StoredSegment; retired: number[] }> {
    let retired: number[] = [];
    const segment = await this.change(appId, segmentId, (current) => {
      if (current.version !== version) return current;
      if (current.pendingSwitch && current.pendingSwitch.toVersion !== version) {
        throw switchPending(segmentId, current.pendingSwitch);
      }
      retired = current.liveVersions.map((live) => live.version).filter((v) => v !== version);
      const next: StoredSegment = {
        ...current,
        status: 'ready',
        servingVersion: version,
        liveVersions: current.liveVersions.filter((live) => live.version === version),
      };
      if (current.servingVersion !== version) {
        const fromVersion = current.servingVersion;
        next.pendingSwitch = { fromVersion, toVersion: version, retired, announced: false };
      }
      return next;
    });

    return { segment, retired };
  }

  /** Notes that the differences of the pending switch to `toVersion` are published. */
  async markAnnounced(appId: string, segmentId: string, toVersion: number): Promise<void> {
    await this.change(appId, segmentId, (current) => {
      const pending = current.pendingSwitch;
      if (pending?.toVersion !== toVersion || pending.announced) return current;
      return { ...current, pendingSwitch: { ...pending, announced: true } };
    });
  }

  /** Removes the pending switch to `toVersion` once its retired versions are handed over. */
  async finishSwitch(appId: string, segmentId: string, toVersion: number): Promise<void> {
    await this.change(appId, segmentId, (current) => {
      if (current.pendingSwitch?.toVersion !== toVersion) return current;
      const next = { ...current };
      delete next.pendingSwitch;
      return next;
    });
  }

  /** Deletes a segment and returns it (its live versions' membership is the caller's to drop). */
  async delete(appId: string, segmentId: string): Promise<StoredSegment> {
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt += 1) {
      const current = await this.get(appId, segmentId);
      if (current === null) throw notFound(segmentId);
      const result = await this.runSave(appId, segmentId, current, null);
      if (result !== 'conflict') return current;
    }
    throw tooBusy(segmentId);
  }

  /**
   * Calls `onNotice` for every definition write, from a dedicated connection (a subscribed
   * connection can run no other command). `onReconnect` runs each time that connection comes
   * back, since notices sent meanwhile are lost. Returns a function that closes it.
   */
  async subscribe(
    onNotice: (notice: DefinitionNotice) => void,
    onReconnect: () => void = () => undefined,
  ): Promise<() => Promise<void>> {
    const subscriber: Redis = this.redis.duplicate();
    const channel = this.keys.definitionChannel();
    let connectedBefore = false;
    subscriber.on('ready', () => {
      if (connectedBefore) onReconnect();
      connectedBefore = true;
    });
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, message: string) => {
      const notice = parseNotice(message);
      if (notice) onNotice(notice);
    });
    await subscriber.subscribe(channel);

    return async () => {
      await subscriber.quit().catch(() => subscriber.disconnect());
    };
  }

  private async change(appId: string, segmentId: string, apply: Change): Promise<StoredSegment> {
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt += 1) {
      const current = await this.get(appId, segmentId);
      if (current === null) throw notFound(segmentId);
      const next = apply(current);
      if (next === current) return current;

      next.updatedAt = new Date(this.clock()).toISOString();
      const result = await this.runSave(appId, segmentId, current, next);
      if (result !== 'conflict') return next;
    }
    throw tooBusy(segmentId);
  }

  private async save(current: StoredSegment | null, next: StoredSegment): Promise<void> {
    const result = await this.runSave(next.appId, next.id, current, next);
    if (result === 'conflict') throw tooBusy(next.id);
  }

  /**
   * One save-segment.lua call (the script builds and publishes the notice); throws
   * `segment_name_taken`, returns the write's revision or "conflict".
   */
  private async runSave(
    appId: string,
    segmentId: string,
    current: StoredSegment | null,
    next: StoredSegment | null,
  ): Promise<SaveResult> {
    const result = await this.redis.saveSegment(
      4,
      this.keys.definitions(appId),
      this.keys.segmentNames(appId),
      this.keys.segmentApps(),
      this.keys.definitionRevision(),
      appId,
      segmentId,
      current ? JSON.stringify(current) : '',
      next ? JSON.stringify(next) : '',
      next?.definition.name ?? '',
      current?.definition.name ?? '',
      this.keys.definitionChannel(),
    );
    if (result === 'name_taken') {
      throw new AppError('segment_name_taken', 'another segment of this app has that name', {
        status: 409,
      });
    }

    return result === 'conflict' ? 'conflict' : Number(result);
  }
}

function checkDefinition(input: unknown): SegmentDefinition {
  const result = validateDefinition(input);
  if (!result.ok) {
    throw new AppError('invalid_segment', 'the segment definition is invalid', {
      status: 400,
      details: result.problems,
    });
  }

  return result.definition;
}

function notFound(segmentId: string): AppError {
  return new AppError('segment_not_found', `segment ${segmentId} does not exist`, {
    status: 404,
  });
}

function switchPending(segmentId: string, pending: PendingSwitch): AppError {
  const { fromVersion, toVersion } = pending;
  const message = `segment ${segmentId} is still switching from version ${fromVersion} to ${toVersion}, retry once it is done`;
  return new AppError('switch_pending', message, { status: 409 });
}

function tooBusy(segmentId: string): AppError {
  return new AppError('segment_write_conflict', `segment ${segmentId} is being changed, retry`, {
    status: 409,
  });
}
