import { MatcherIndex, compileSegment, type CompiledSegment } from '@audience/engine';
import type { Logger } from 'pino';
import { AdoptionReporter, type AdoptionSink } from './adoption-reporter';
import type { DefinitionStore } from './definition-store';
import type { DefinitionNotice, StoredSegment } from './stored-segment';

/** One live version of a segment, compiled, as the matcher index holds it. */
export interface LiveSegment {
  segmentId: string;
  version: number;
  /** True for the serving version: its membership changes are published. */
  publish: boolean;
  compiled: CompiledSegment;
}

/** The live segments of one app and their matcher index (keyed `<segmentId>@<version>`). */
export class AppSegments {
  readonly index = new MatcherIndex();
  private readonly live = new Map<string, LiveSegment>();
  private readonly keysOf = new Map<string, string[]>();

  /** The live version behind a matcher id. */
  get(matcherId: string): LiveSegment | undefined {
    return this.live.get(matcherId);
  }

  /** Every live version of every segment. */
  all(): IterableIterator<LiveSegment> {
    return this.live.values();
  }

  /** Replaces what the index holds for `segment.id` (or drops it when `segment` is null). */
  put(segmentId: string, segment: StoredSegment | null): void {
    for (const key of this.keysOf.get(segmentId) ?? []) {
      this.index.remove(key);
      this.live.delete(key);
    }
    this.keysOf.delete(segmentId);
    if (segment === null) return;

    const keys: string[] = [];
    for (const { version, definition } of segment.liveVersions) {
      const key = `${segmentId}@${version}`;
      const compiled = compileSegment(key, version, definition);
      const publish = version === segment.servingVersion;
      this.index.upsert(compiled);
      this.live.set(key, { segmentId, version, publish, compiled });
      keys.push(key);
    }
    this.keysOf.set(segmentId, keys);
  }

  get size(): number {
    return this.live.size;
  }
}

/** What the catalog reads from the definition store. */
export type CatalogSource = Pick<
  DefinitionStore,
  'listApps' | 'list' | 'get' | 'revision' | 'subscribe'
>;

export interface SegmentCatalogOptions {
  /** Full reload period (ms): a safety net for notices missed while disconnected. */
  reloadIntervalMs?: number;
  /**
   * Publishes, as `readerId`, which definitions revision this catalog and its users have fully
   * adopted (see {@link SegmentCatalog.adopted}), so whoever changes definitions can wait for
   * it. Every process that evaluates segments from a catalog should.
   */
  adoption?: { acks: AdoptionSink; readerId: string; ttlMs: number };
}

/**
 * Every app's live segments, kept current at runtime: a notice from the definition store
 * reloads one segment (within milliseconds of the write), and a periodic full reload repairs
 * anything missed while the notice connection was down.
 *
 * The catalog knows which definitions revision it holds: every write up to
 * {@link revision} is in it. Notices carry their revision; they are applied one at a time in
 * arrival order, and a notice that skips a revision (one was lost) triggers a full reload.
 * Work that evaluates segments runs through {@link use}, so the catalog also knows the oldest
 * revision still in use.
 */
export class SegmentCatalog {
  private apps = new Map<string, AppSegments>();
  private held = 0;
  /** Notices and reloads, one after the other, so an older read never replaces a newer one. */
  private updates: Promise<void> = Promise.resolve();
  /** Work in progress, counted by the revision the catalog held when it began. */
  private readonly inUse = new Map<number, number>();
  private readonly reporter: AdoptionReporter | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    private readonly store: CatalogSource,
    private readonly logger: Logger,
    private readonly options: SegmentCatalogOptions = {},
  ) {
    const { adoption } = options;
    if (adoption) this.reporter = new AdoptionReporter(adoption.acks, this, logger, adoption);
  }

  /**
   * Loads every app, then follows notices. A reporting catalog first enrols its reader with
   * nothing adopted, so a definition written while it loads is waited for.
   */
  async start(): Promise<void> {
    await this.reporter?.enrol();
    this.unsubscribe = await this.store.subscribe(
      (notice) => this.onNotice(notice),
      () => this.reloadQuietly(),
    );
    await this.reload();
    const period = this.options.reloadIntervalMs ?? 30_000;
    this.timer = setInterval(() => this.reloadQuietly(), period);
    this.timer.unref();
    this.reporter?.start();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.unsubscribe?.();
    await this.reporter?.stop();
  }

  /** The live segments of an app, or undefined when it has none. */
  app(appId: string): AppSegments | undefined {
    return this.apps.get(appId);
  }

  /** Ids of the apps that have live segments. */
  appIds(): string[] {
    return [...this.apps.keys()];
  }

  /** The definitions revision the catalog holds: every write up to it is in it. */
  get revision(): number {
    return this.held;
  }

  /**
   * The revision this catalog has fully adopted: the one it holds, or less while work that
   * began with an older catalog is still running.
   */
  adopted(): number {
    let oldest = this.held;
    for (const revision of this.inUse.keys()) oldest = Math.min(oldest, revision);
    return oldest;
  }

  /**
   * Runs `work`, which evaluates segments from this catalog (a batch, a sweeper tick), and
   * counts it as using the revision held now until it ends.
   */
  async use<T>(work: () => Promise<T>): Promise<T> {
    const revision = this.held;
    this.inUse.set(revision, (this.inUse.get(revision) ?? 0) + 1);
    try {
      return await work();
    } finally {
      const left = (this.inUse.get(revision) ?? 1) - 1;
      if (left > 0) this.inUse.set(revision, left);
      else this.inUse.delete(revision);
      this.reporter?.changed();
    }
  }

  /** Reads every app's segments and swaps them in (after any update under way). */
  reload(): Promise<void> {
    return this.enqueue(() => this.loadAll());
  }

  /**
   * Reloads everything when the store is past what the catalog holds once the updates under
   * way are applied: a notice was lost and no later one revealed the gap.
   */
  async catchUp(): Promise<void> {
    const stored = await this.store.revision();
    if (stored <= this.held) return;
    await this.enqueue(async () => {
      if (stored > this.held) await this.loadAll();
    });
  }

  private enqueue(update: () => Promise<void>): Promise<void> {
    const run = this.updates.then(update);
    this.updates = run.catch(() => undefined);
    return run;
  }

  private async loadAll(): Promise<void> {
    // Read first: every write up to this revision is visible to the reads that follow.
    const revision = await this.store.revision();
    const next = new Map<string, AppSegments>();
    for (const appId of await this.store.listApps()) {
      const segments = new AppSegments();
      for (const segment of await this.store.list(appId)) segments.put(segment.id, segment);
      next.set(appId, segments);
    }
    this.apps = next;
    this.advance(revision);
    this.logger.debug({ apps: next.size, revision }, 'segment catalog reloaded');
  }

  private reloadQuietly(): void {
    this.reload().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'segment catalog reload failed, keeping the last one'),
    );
  }

  private onNotice(notice: DefinitionNotice): void {
    this.enqueue(() => this.applyNotice(notice)).catch((error: unknown) => {
      const { appId, segmentId } = notice;
      this.logger.warn({ err: error, appId, segmentId }, 'segment reload failed');
    });
  }

  private async applyNotice({ appId, segmentId, revision }: DefinitionNotice): Promise<void> {
    if (revision !== undefined && revision <= this.held) return;
    if (revision === undefined || revision > this.held + 1) {
      this.logger.info({ revision, held: this.held }, 'definition notices missed, reloading');
      await this.loadAll();
      return;
    }

    const segment = await this.store.get(appId, segmentId);
    let app = this.apps.get(appId);
    if (!app) {
      app = new AppSegments();
      this.apps.set(appId, app);
    }
    app.put(segmentId, segment);
    this.advance(revision);
    this.logger.info({ appId, segmentId, version: segment?.version, revision }, 'segment updated');
  }

  private advance(revision: number): void {
    this.held = Math.max(this.held, revision);
    this.reporter?.changed();
  }
}
