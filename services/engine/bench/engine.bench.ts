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

/** What the worker would feed the matcher: each event applied to its user's current state. */
function samples(): { existing: Sample[]; fresh: Sample[] } {
  const states = new Map<string, UserState>();
  for (const [userId, list] of byUser(history(USERS))) {
    states.set(userId, applyEvents(emptyState(), list).state);
  }
  const existing = events(20_000, USERS).map((event) => {
    const result = applyEvents(states.get(event.userId)!, [event]);
    states.set(event.userId, result.state);

    return result;
  });
  const fresh = events(500, 500, 9).map((event) => applyEvents(emptyState(), [event]));

  return { existing, fresh };
}

/** Runs `pass` until 300 ms have gone by; returns nanoseconds per item. */
function timePerItem(items: number, pass: () => number): { ns: number; checksum: number } {
  let checksum = pass();
  let rounds = 0;
  const start = performance.now();
  while (performance.now() - start < 300) {
    checksum += pass();
    rounds++;
  }

  return { ns: ((performance.now() - start) * 1e6) / (rounds * items), checksum };
}

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

function measureSize(size: number, data: { existing: Sample[]; fresh: Sample[] }) {
  const segments = compileAll(size);
  const index = build(segments, data.existing[0]!);
  const existing = timePerItem(data.existing.length, indexedPass(index, data.existing));
  const fresh = timePerItem(data.fresh.length, indexedPass(index, data.fresh));
  const naiveSet = data.existing.slice(0, Math.max(200, 2_000_000 / size));
  const naive = timePerItem(naiveSet.length, naivePass(segments, naiveSet));
  const indexed = (1 - NEW_USER_SHARE) * existing.ns + NEW_USER_SHARE * fresh.ns;

  return {
    segments: size,
    naiveNsPerEvent: Math.round(naive.ns),
    indexedNsPerEvent: Math.round(indexed),
    existingUserNs: Math.round(existing.ns),
    newUserNs: Math.round(fresh.ns),
    speedup: Math.round((naive.ns / indexed) * 10) / 10,
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

function measureBuild(warm: Sample) {
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  const segments = compileAll(10_000);
  const compiled = performance.now();
  const index = build(segments, warm);
  const built = performance.now();
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
    compileMs: Math.round(compiled - start),
    indexMs: Math.round(built - compiled),
    totalMs: Math.round(built - start),
    heapMb: Math.round(heapMb * 10) / 10,
    containsRebuildMs: Math.round((performance.now() - rebuildStart) * 100) / 100,
  };
}

function report(rows: ReturnType<typeof measureSize>[], buildRow: ReturnType<typeof measureBuild>) {
  console.table(rows);
  console.table([buildRow]);
  const small = rows[0]!;
  const large = rows[rows.length - 1]!;
  const goals = [
    ['indexed >= 100x faster than naive at 10,000', `${large.speedup}x`, large.speedup >= 100],
    [
      'indexed at 10,000 <= 2x its cost at 10',
      `${(large.indexedNsPerEvent / small.indexedNsPerEvent).toFixed(2)}x`,
      large.indexedNsPerEvent <= 2 * small.indexedNsPerEvent,
    ],
    ['build of 10,000 segments < 1 s', `${buildRow.totalMs} ms`, buildRow.totalMs < 1000],
    ['heap of 10,000 segments < 50 MB', `${buildRow.heapMb} MB`, buildRow.heapMb < 50],
    [
      '>= 5,000 distinct path patterns',
      String(buildRow.distinctPathPatterns),
      buildRow.distinctPathPatterns >= 5000,
    ],
  ].map(([goal, measured, met]) => ({ goal, measured, met: met ? 'yes' : 'NO' }));
  console.table(goals);

  return goals;
}

function main(): void {
  const data = samples();
  const rows = SIZES.map((size) => measureSize(size, data));
  const buildRow = measureBuild(data.existing[0]!);
  const goals = report(rows, buildRow);
  const out = resolve(__dirname, '../../../bench-results');
  mkdirSync(out, { recursive: true });
  const result = {
    at: new Date().toISOString(),
    newUserShare: NEW_USER_SHARE,
    rows,
    build: buildRow,
    goals,
  };
  writeFileSync(resolve(out, 'engine.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(`written ${resolve(out, 'engine.json')}`);
}

main();
