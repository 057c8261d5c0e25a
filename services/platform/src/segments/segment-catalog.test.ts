import type { SegmentDefinition } from '@audience/engine';
import pino from 'pino';
import { SegmentCatalog, type CatalogSource } from './segment-catalog';
import type { AdoptionSink } from './adoption-reporter';
import { parseNotice, type DefinitionNotice, type StoredSegment } from './stored-segment';

const silent = pino({ level: 'silent' });

function definition(language: string): SegmentDefinition {
  return {
    name: `Speaks ${language}`,
    match: 'all',
    criteria: [{ type: 'device_language', operator: 'contains', languages: [language] }],
  };
}

function stored(id: string, version: number, language: string): StoredSegment {
  const def = definition(language);
  return {
    id,
    appId: 'app',
    version,
    definition: def,
    status: 'ready',
    servingVersion: version,
    liveVersions: [{ version, definition: def }],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

/** A definition store in memory whose notices the test delivers (or loses) by hand. */
class FakeSource implements CatalogSource {
  readonly segments = new Map<string, StoredSegment>();
  revisionNow = 0;
  reads = 0;
  private listener: ((notice: DefinitionNotice) => void) | undefined;

  /** Writes like save-segment.lua: bumps the revision; returns the notice it would publish. */
  write(segment: StoredSegment | null, id = segment?.id ?? ''): DefinitionNotice {
    if (segment) this.segments.set(id, segment);
    else this.segments.delete(id);
    this.revisionNow += 1;
    return { appId: 'app', segmentId: id, revision: this.revisionNow };
  }

  deliver(notice: DefinitionNotice): void {
    this.listener?.(notice);
  }

  async revision(): Promise<number> {
    return this.revisionNow;
  }

  async listApps(): Promise<string[]> {
    return ['app'];
  }

  async list(): Promise<StoredSegment[]> {
    this.reads += 1;
    return [...this.segments.values()];
  }

  async get(_appId: string, segmentId: string): Promise<StoredSegment | null> {
    return this.segments.get(segmentId) ?? null;
  }

  async subscribe(onNotice: (notice: DefinitionNotice) => void): Promise<() => Promise<void>> {
    this.listener = onNotice;
    return async () => {
      this.listener = undefined;
    };
  }
}

/** Acknowledgements written, in order. */
class FakeAcks implements AdoptionSink {
  readonly written: number[] = [];
  withdrawn = false;

  async acknowledge(_readerId: string, revision: number): Promise<void> {
    this.written.push(revision);
  }

  async withdraw(): Promise<void> {
    this.withdrawn = true;
  }
}

async function settle(): Promise<void> {
  for (let round = 0; round < 20; round += 1) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
}

function languagesOf(catalog: SegmentCatalog, segmentId: string): string[] {
  const live = [...(catalog.app('app')?.all() ?? [])].filter((s) => s.segmentId === segmentId);
  return live.flatMap((segment) =>
    segment.compiled.definition.criteria.flatMap((criterion) =>
      criterion.type === 'device_language' ? criterion.languages : [],
    ),
  );
}

describe('SegmentCatalog', () => {
  let source: FakeSource;
  let acks: FakeAcks;
  let catalog: SegmentCatalog;

  beforeEach(async () => {
    source = new FakeSource();
    acks = new FakeAcks();
    source.write(stored('s1', 1, 'EN'));
    catalog = new SegmentCatalog(source, silent, {
      reloadIntervalMs: 3_600_000,
      adoption: { acks, readerId: 'reader', ttlMs: 3_600_000 },
    });
    await catalog.start();
    await settle();
  });

  afterEach(async () => {
    await catalog.stop();
  });

  it('enrols with nothing adopted before loading, then acknowledges what it loaded', () => {
    expect(acks.written[0]).toBe(0);
    expect(catalog.revision).toBe(1);
    expect(acks.written.at(-1)).toBe(1);
    expect(languagesOf(catalog, 's1')).toEqual(['EN']);
  });

  it('applies notices in order and acknowledges each revision', async () => {
    source.deliver(source.write(stored('s1', 2, 'FR')));
    source.deliver(source.write(null, 's1'));
    await settle();

    expect(catalog.revision).toBe(3);
    expect(languagesOf(catalog, 's1')).toEqual([]);
    expect(acks.written.at(-1)).toBe(3);
  });

  it('reloads everything when a notice was missed', async () => {
    source.write(stored('s2', 1, 'DE'));
    const readsBefore = source.reads;
    source.deliver(source.write(stored('s1', 2, 'FR')));
    await settle();

    expect(source.reads).toBe(readsBefore + 1);
    expect(catalog.revision).toBe(3);
    expect(languagesOf(catalog, 's2')).toEqual(['DE']);
    expect(languagesOf(catalog, 's1')).toEqual(['FR']);
  });

  it('catches up when the last notice was lost and no later one came', async () => {
    source.write(stored('s1', 2, 'FR'));
    await catalog.catchUp();

    expect(catalog.revision).toBe(2);
    expect(languagesOf(catalog, 's1')).toEqual(['FR']);
  });

  it('acknowledges a revision only once the work begun before it has ended', async () => {
    let finish: () => void = () => undefined;
    const work = catalog.use(() => new Promise<void>((resolve) => (finish = resolve)));
    source.deliver(source.write(stored('s1', 2, 'FR')));
    await settle();

    expect(catalog.revision).toBe(2);
    expect(catalog.adopted()).toBe(1);
    expect(acks.written.at(-1)).toBe(1);

    const later = catalog.use(async () => catalog.adopted());
    expect(await later).toBe(1);
    finish();
    await work;
    await settle();
    expect(catalog.adopted()).toBe(2);
    expect(acks.written.at(-1)).toBe(2);
  });

  it('withdraws its reader when stopped', async () => {
    await catalog.stop();
    expect(acks.withdrawn).toBe(true);
  });
});

describe('parseNotice', () => {
  it('reads the revision, and accepts notices without one', () => {
    expect(parseNotice('{"appId":"a","segmentId":"s","revision":7}')).toEqual({
      appId: 'a',
      segmentId: 's',
      revision: 7,
    });
    expect(parseNotice('{"appId":"a","segmentId":"s"}')).toEqual({ appId: 'a', segmentId: 's' });
    expect(parseNotice('not json')).toBeNull();
  });
});
