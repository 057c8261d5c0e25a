import { validateDefinition, type SegmentDefinition } from '@audience/engine';
import {
  AppError,
  hasCode,
  type AppStore,
  type DefinitionStore,
  type MembershipReader,
  type StoredSegment,
} from '@audience/platform';
import type { Backfill } from '../backfill/backfill';
import type { BuildProgress } from '../store/build-progress';

/** A segment as the API shows it (CONTRACT.md, plus `progress`). */
export interface SegmentView extends SegmentDefinition {
  id: string;
  version: number;
  status: 'building' | 'ready';
  /** Percent of the latest version's build; 100 when ready. */
  progress: number;
  /** Members of the serving version. */
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface SegmentServiceDeps {
  apps: AppStore;
  store: DefinitionStore;
  reader: MembershipReader;
  progress: BuildProgress;
  backfill: Backfill;
}

/**
 * Segment definitions of an app, with their builds: creating or editing enqueues a backfill,
 * deleting removes the definition at once and frees membership in the background.
 */
export class SegmentService {
  constructor(private readonly deps: SegmentServiceDeps) {}

  /** @throws AppError `app_not_found` (404). */
  async requireApp(appId: string): Promise<void> {
    if ((await this.deps.apps.getApp(appId)) !== null) return;
    throw new AppError('app_not_found', `app ${appId} does not exist`, { status: 404 });
  }

  /** Checks a draft definition for an existing app; names every problem at once. */
  async checkDraft(appId: string, input: unknown): Promise<SegmentDefinition> {
    await this.requireApp(appId);
    const result = validateDefinition(input);
    if (result.ok) return result.definition;

    throw new AppError('invalid_segment', 'the segment definition is invalid', {
      status: 400,
      details: result.problems,
    });
  }

  /** The app's stored segments, oldest first. */
  async listStored(appId: string): Promise<StoredSegment[]> {
    await this.requireApp(appId);
    const stored = await this.deps.store.list(appId);

    return stored.sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
    );
  }

  /** Every segment of the app; the member counts of all of them come from one pipeline. */
  async list(appId: string): Promise<SegmentView[]> {
    const stored = await this.listStored(appId);
    const refs = stored.map((s) => ({ segmentId: s.id, version: s.servingVersion }));
    const counts = await this.deps.reader.counts(appId, refs);
    return Promise.all(stored.map((segment, index) => this.view(segment, counts[index])));
  }

  /** The serving version of a segment, for membership reads. */
  async find(appId: string, segmentId: string): Promise<StoredSegment> {
    await this.requireApp(appId);
    const stored = await this.deps.store.get(appId, segmentId);
    if (stored !== null) return stored;

    throw new AppError('segment_not_found', `app ${appId} has no segment ${segmentId}`, {
      status: 404,
    });
  }

  async get(appId: string, segmentId: string): Promise<SegmentView> {
    return this.view(await this.find(appId, segmentId));
  }

  async create(appId: string, input: unknown): Promise<SegmentView> {
    await this.checkDraft(appId, input);
    const stored = await withNameDetails(() => this.deps.store.create(appId, input));
    await this.deps.backfill.build(appId, stored.id, stored.version);

    return this.view(stored);
  }

  async update(appId: string, segmentId: string, input: unknown): Promise<SegmentView> {
    await this.find(appId, segmentId);
    await this.checkDraft(appId, input);
    const stored = await withNameDetails(() => this.deps.store.update(appId, segmentId, input));
    await this.deps.backfill.build(appId, segmentId, stored.version);

    return this.view(stored);
  }

  /**
   * Deletes the definition at once; the membership of every version is freed by a job once
   * the workers acknowledge the delete, including versions an unfinished switch retired.
   */
  async remove(appId: string, segmentId: string): Promise<void> {
    await this.find(appId, segmentId);
    const deleted = await this.deps.store.delete(appId, segmentId);
    const versions = deleted.liveVersions.map((live) => live.version);
    versions.push(...(deleted.pendingSwitch?.retired ?? []));
    const options = { delayMs: 0, deleted: true };
    await this.deps.backfill.free(appId, segmentId, versions, options);
  }

  private async view(stored: StoredSegment, knownCount?: number): Promise<SegmentView> {
    const { id, appId, version, status } = stored;
    const ref = { segmentId: id, version: stored.servingVersion };
    const [memberCount, progress] = await Promise.all([
      knownCount ?? this.deps.reader.count(appId, ref),
      status === 'ready' ? 100 : this.deps.progress.percent(appId, id, version),
    ]);

    return {
      id,
      ...stored.definition,
      version,
      status,
      progress,
      memberCount,
      createdAt: stored.createdAt,
      updatedAt: stored.updatedAt,
    };
  }
}

/** The store's name conflict, with the field it is about, as the API documents it. */
async function withNameDetails<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!hasCode(error, 'segment_name_taken')) throw error;
    throw new AppError('segment_name_taken', 'another segment of this app has that name', {
      status: 409,
      cause: error,
      details: [{ path: '/name', message: 'another segment of this app has that name' }],
    });
  }
}
