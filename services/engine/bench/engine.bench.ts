// npm run bench:engine: cost per event of finding and evaluating the affected segments with
// the matcher index, against a naive loop over every segment, at 10, 1,000 and 10,000 live
// segments; and build time and heap of the index for 10,000 segments. Prints a table and
// writes it to bench-results/engine.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  MatcherIndex,
  applyEvents,
  compileSegment,
  emptyState,
  evaluate,
  type CompiledSegment,
  type StateChange,
  type UserEvent,
  type UserState,
} from '../src';
import { NOW, definitions, events, history } from './workload';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SIZES = [10, 1_000, 10_000];
const USERS = 5_000;
const NEW_USER_SHARE = 0.01;

interface Sample {
  state: UserState;
  change: StateChange;
}

function byUser(list: UserEvent[]): Map<string, UserEvent[]> {
  const map = new Map<string, UserEvent[]>();
  for (const event of list) map.set(event.userId, [...(map.get(event.userId) ?? []), event]);

  return map;
}

interface Samples {
  existing: Sample[];
  pageViews: Sample[];
  sessions: Sample[];
  languageSwitches: Sample[];
  fresh: Sample[];
}

/** What the worker would feed the matcher: each event applied to its user's current state. */
function samples(): Samples {
  const states = new Map<string, UserState>();
  for (const [userId, list] of byUser(history(USERS))) {
    states.set(userId, applyEvents(emptyState(), list).state);
  }
  const existing = events(20_000, USERS).map((event) => {
    const result = applyEvents(states.get(event.userId)!, [event]);
    states.set(event.userId, result.state);

    return result;
  });
  const fresh = events(100, 100, 9).map((event) => applyEvents(emptyState(), [event]));
  const sessions = existing.filter(({ change }) => change.sessions && !change.language);

  return {
    existing,
    pageViews: existing.filter(({ change }) => !change.sessions && !change.language),
    sessions,
    languageSwitches: existing.filter(({ change }) => change.language),
    fresh,
  };
}

/** Milliseconds per call of `pass`, repeating it for at least 20 ms. */
function timeOnce(pass: () => number): number {
  let passes = 0;
  const start = performance.now();
  while (performance.now() - start < 20) {
    sink += pass();
    passes++;
  }

  return (performance.now() - start) / passes;
}

// Results feed this sum so that no pass can be optimised away.
let sink = 0;

function indexedPass(index: MatcherIndex, list: Sample[]): () => number {
  return () => {
    let members = 0;
    for (const { state, change } of list) {
      for (const id of index.affected(change, NOW)) {
        if (evaluate(state, index.get(id)!, NOW)) members++;
      }
    }

    return members;
  };
}

function naivePass(segments: CompiledSegment[], list: Sample[]): () => number {
  return () => {
    let members = 0;
    for (const { state } of list) {
      for (const segment of segments) if (evaluate(state, segment, NOW)) members++;
    }

    return members;
  };
}

function averageAffected(index: MatcherIndex, list: Sample[]): number {
  const total = list.reduce((sum, { change }) => sum + index.affected(change, NOW).size, 0);

  return total / list.length;
}

function compileAll(count: number): CompiledSegment[] {
  return definitions(count).map((definition, i) => compileSegment(`s${i}`, 1, definition));
}

function build(segments: CompiledSegment[], warm: Sample): MatcherIndex {
  const index = new MatcherIndex();
  for (const segment of segments) index.upsert(segment);
  // The contains automaton and the range arrays are built lazily: count them in.
  index.affected(warm.change, NOW);

  return index;
}

interface Measured {
  size: number;
  index: MatcherIndex;
  passes: Record<string, { items: number; pass: () => number }>;
  /** Best milliseconds per pass so far, by pass name. */
  best: Record<string, number>;
}

const GROUPS = ['existing', 'pageViews', 'sessions', 'languageSwitches', 'fresh'] as const;

function prepare(size: number, data: Samples): Measured {
  const segments = compileAll(size);
  const index = build(segments, data.existing[0]!);
  const naiveSet = data.existing.slice(0, Math.max(30, 300_000 / size));
  const passes: Measured['passes'] = {
    naive: { items: naiveSet.length, pass: naivePass(segments, naiveSet) },
  };
  for (const group of GROUPS) {
    passes[group] = { items: data[group].length, pass: indexedPass(index, data[group]) };
  }

  return { size, index, passes, best: {} };
}

/**
 * Every size and kind of event is timed once per round, interleaved, and the best of 9 rounds
 * is kept: on a shared machine the minimum is the estimate least disturbed by other work, and
 * interleaving gives 10 and 10,000 segments the same conditions.
 */
function measureAll(data: Samples): Measured[] {
  const all = SIZES.map((size) => prepare(size, data));
  for (let round = 0; round < 9; round++) {
    for (const measured of all) {
      for (const [name, { pass }] of Object.entries(measured.passes)) {
        const ms = timeOnce(pass);
        measured.best[name] = Math.min(measured.best[name] ?? Infinity, ms);
      }
    }
  }

  return all;
}

function rowOf(measured: Measured, data: Samples) {
  const ns = (name: string) => (measured.best[name]! * 1e6) / measured.passes[name]!.items;
  const indexed = (1 - NEW_USER_SHARE) * ns('existing') + NEW_USER_SHARE * ns('fresh');
  const { index } = measured;

  return {
    segments: measured.size,
    naiveNsPerEvent: Math.round(ns('naive')),
    indexedNsPerEvent: Math.round(indexed),
    existingUserNs: Math.round(ns('existing')),
    pageViewNs: Math.round(ns('pageViews')),
    sessionNs: Math.round(ns('sessions')),
    languageSwitchNs: Math.round(ns('languageSwitches')),
    newUserNs: Math.round(ns('fresh')),
    speedup: Math.round((ns('naive') / indexed) * 10) / 10,
    affectedPerEvent: Math.round(averageAffected(index, data.existing) * 100) / 100,
    affectedPerNewUser: Math.round(averageAffected(index, data.fresh) * 10) / 10,
  };
}

function distinctPatterns(segments: CompiledSegment[]): number {
  const patterns = new Set<string>();
  for (const segment of segments) {
    for (const criterion of segment.criteria) {
      if (criterion.kind === 'path') patterns.add(`${criterion.match}:${criterion.pattern}`);
    }
  }

  return patterns.size;
}

/** Compile and index time of 10,000 segments, the best of 3 runs. */
function buildTimes(warm: Sample): { compileMs: number; indexMs: number } {
  let best = { compileMs: Infinity, indexMs: Infinity };
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    const segments = compileAll(10_000);
    const compiled = performance.now();
    build(segments, warm);
    const indexMs = performance.now() - compiled;
    if (compiled - start + indexMs < best.compileMs + best.indexMs) {
      best = { compileMs: compiled - start, indexMs };
    }
  }

  return best;
}

function measureBuild(warm: Sample) {
  const times = buildTimes(warm);
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const segments = compileAll(10_000);
  const index = build(segments, warm);
  gc();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  const extra = compileSegment('extra', 1, {
    name: 'extra',
    match: 'all',
    criteria: [{ type: 'page_visited', operator: 'visited', match: 'contains', path: 'new-' }],
  });
  index.upsert(extra);
  const rebuildStart = performance.now();
  index.affected({ ...warm.change, newPaths: ['/x'] }, NOW);

  return {
    segments: index.size,
    distinctPathPatterns: distinctPatterns(segments),
    compileMs: Math.round(times.compileMs),
    indexMs: Math.round(times.indexMs),
    totalMs: Math.round(times.compileMs + times.indexMs),
    heapMb: Math.round(heapMb * 10) / 10,
    containsRebuildMs: Math.round((performance.now() - rebuildStart) * 100) / 100,
  };
}

type Row = ReturnType<typeof rowOf>;

function ratio(large: number, small: number): string {
  return `${(large / small).toFixed(2)}x`;
}

function goalsOf(small: Row, large: Row, built: ReturnType<typeof measureBuild>) {
  const rows: Array<[string, string, boolean | null]> = [
    ['indexed >= 100x faster than naive at 10,000', `${large.speedup}x`, large.speedup >= 100],
    [
      'indexed at 10,000 <= 2x its cost at 10 (mix)',
      ratio(large.indexedNsPerEvent, small.indexedNsPerEvent),
      large.indexedNsPerEvent <= 2 * small.indexedNsPerEvent,
    ],
    ['  same, existing users only', ratio(large.existingUserNs, small.existingUserNs), null],
    ['  same, page views only', ratio(large.pageViewNs, small.pageViewNs), null],
    ['build of 10,000 segments < 1 s', `${built.totalMs} ms`, built.totalMs < 1000],
    ['heap of 10,000 segments < 50 MB', `${built.heapMb} MB`, built.heapMb < 50],
    [
      '>= 5,000 distinct path patterns',
      String(built.distinctPathPatterns),
      built.distinctPathPatterns >= 5000,
    ],
  ];

  return rows.map(([goal, measured, met]) => ({
    goal,
    measured,
    met: met === null ? '(info)' : met ? 'yes' : 'NO',
  }));
}

function report(rows: Row[], built: ReturnType<typeof measureBuild>) {
  console.table(rows);
  console.table([built]);
  const goals = goalsOf(rows[0]!, rows[rows.length - 1]!, built);
  console.table(goals);

  return goals;
}

function main(): void {
  const data = samples();
  const rows = measureAll(data).map((measured) => rowOf(measured, data));
  const buildRow = measureBuild(data.existing[0]!);
  const goals = report(rows, buildRow);
  const out = resolve(__dirname, '../../../bench-results');
  mkdirSync(out, { recursive: true });
  const mix = {
    pageViews: data.pageViews.length,
    sessions: data.sessions.length,
    languageSwitches: data.languageSwitches.length,
    newUserShare: NEW_USER_SHARE,
  };
  console.log('events of existing users by kind, and the share of new users:', mix);
  const result = {
    at: new Date().toISOString(),
    mix,
    rows,
    build: buildRow,
    goals,
  };
  writeFileSync(resolve(out, 'engine.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(`written ${resolve(out, 'engine.json')} (checksum ${sink})`);
}

main();
