import { MatcherIndex, compileSegment, type CompiledSegment } from '@audience/engine';
import type { Logger } from 'pino';
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

export interface SegmentCatalogOptions {
  /** Full reload period (ms): a safety net for notices missed while disconnected. */
  reloadIntervalMs?: number;
}

/**
 * Every app's live segments, kept current at runtime: a notice from the definition store
 * reloads one segment (within milliseconds of the write), and a periodic full reload repairs
 * anything missed while the notice connection was down.
 */
export class SegmentCatalog {
  private apps = new Map<string, AppSegments>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    private readonly store: DefinitionStore,
    private readonly logger: Logger,
    private readonly options: SegmentCatalogOptions = {},
  ) {}

  /** Loads every app, then follows notices. */
  async start(): Promise<void> {
    this.unsubscribe = await this.store.subscribe(
      (notice) => this.onNotice(notice),
      () => this.reloadQuietly(),
    );
    await this.reload();
    const period = this.options.reloadIntervalMs ?? 30_000;
    this.timer = setInterval(() => this.reloadQuietly(), period);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.unsubscribe?.();
  }

  /** The live segments of an app, or undefined when it has none. */
  app(appId: string): AppSegments | undefined {
    return this.apps.get(appId);
  }

  /** Ids of the apps that have live segments. */
  appIds(): string[] {
    return [...this.apps.keys()];
  }

  /** Reads every app's segments and swaps them in. */
  async reload(): Promise<void> {
    const next = new Map<string, AppSegments>();
    for (const appId of await this.store.listApps()) {
      const segments = new AppSegments();
      for (const segment of await this.store.list(appId)) segments.put(segment.id, segment);
      next.set(appId, segments);
    }
    this.apps = next;
    this.logger.debug({ apps: next.size }, 'segment catalog reloaded');
  }

  private reloadQuietly(): void {
    this.reload().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'segment catalog reload failed, keeping the last one'),
    );
  }

  private onNotice({ appId, segmentId }: DefinitionNotice): void {
    this.store.get(appId, segmentId).then(
      (segment) => {
        let app = this.apps.get(appId);
        if (!app) {
          app = new AppSegments();
          this.apps.set(appId, app);
        }
        app.put(segmentId, segment);
        this.logger.info({ appId, segmentId, version: segment?.version }, 'segment updated');
      },
      (error: unknown) =>
        this.logger.warn({ err: error, appId, segmentId }, 'segment reload failed'),
    );
  }
}
