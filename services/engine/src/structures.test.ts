// The index structures against brute force, on random patterns over a tiny alphabet (so that
// overlaps, shared prefixes and patterns inside patterns are common).
import fc from 'fast-check';
import { ContainsAutomaton } from './aho-corasick';
import { PathTrie } from './path-trie';
import { IntervalIndex, RangeIndex } from './range-index';

const word = fc.string({ unit: fc.constantFrom('a', 'b', '/'), minLength: 1, maxLength: 5 });
const RUNS = { numRuns: 2_000 };

type Owned = Array<[string, string]>;

function expected(entries: Owned, holds: (pattern: string) => boolean): Set<string> {
  return new Set(entries.filter(([pattern]) => holds(pattern)).map(([, owner]) => owner));
}

/** Random (pattern, owner) pairs; some are removed again before the lookup. */
const arbEntries = fc.tuple(
  fc.array(fc.tuple(word, fc.constantFrom('s1', 's2', 's3', 's4')), { maxLength: 8 }),
  fc.array(fc.nat(7), { maxLength: 3 }),
  word,
);

function live(entries: Owned, removed: number[]): Owned {
  const gone = new Set(removed.map((i) => entries[i]).filter((entry) => entry !== undefined));

  // A removal drops the owner of that one pattern, whatever other entries repeat it.
  return entries.filter(([p, o]) => ![...gone].some(([gp, go]) => gp === p && go === o));
}

describe('index structures', () => {
  it.each([
    ['prefix trie', () => new PathTrie(false), (text: string, p: string) => text.startsWith(p)],
    ['suffix trie', () => new PathTrie(true), (text: string, p: string) => text.endsWith(p)],
    ['automaton', () => new ContainsAutomaton(), (text: string, p: string) => text.includes(p)],
  ])('%s finds exactly the matching patterns', (_name, create, holds) => {
    fc.assert(
      fc.property(arbEntries, ([entries, removed, text]) => {
        const structure = create();
        entries.forEach(([pattern, owner]) => structure.add(pattern, owner));
        const kept = live(entries, removed);
        removed.forEach((i) => entries[i] && structure.remove(entries[i][0], entries[i][1]));
        const found = new Set<string>();
        structure.collect(text, found);
        expect(found).toEqual(expected(kept, (pattern) => holds(text, pattern)));
      }),
      RUNS,
    );
  });

  it('automaton reports patterns that end inside others (he, she, hers)', () => {
    const automaton = new ContainsAutomaton();
    ['he', 'she', 'his', 'hers'].forEach((pattern) => automaton.add(pattern, pattern));
    const found = new Set<string>();
    automaton.collect('ushers', found);
    expect(found).toEqual(new Set(['she', 'he', 'hers']));
  });

  it('range index returns owners with a key in the range', () => {
    const arbKeys = fc.array(
      fc.tuple(fc.integer({ min: -5, max: 5 }), fc.constantFrom('a', 'b', 'c')),
    );
    fc.assert(
      fc.property(arbKeys, fc.integer({ min: -6, max: 6 }), fc.nat(4), (keys, low, width) => {
        const index = new RangeIndex();
        keys.forEach(([key, owner]) => index.add(owner, key));
        index.removeOwner('c');
        const found = new Set<string>();
        index.collect(low, low + width, found);
        const want = keys.filter(([k, o]) => o !== 'c' && k >= low && k <= low + width);
        expect(found).toEqual(new Set(want.map(([, owner]) => owner)));
      }),
      RUNS,
    );
  });

  it('interval index returns the intervals containing a day', () => {
    const interval = fc.tuple(
      fc.integer({ min: 0, max: 20 }),
      fc.nat(6),
      fc.constantFrom('a', 'b', 'c', 'd'),
    );
    fc.assert(
      fc.property(fc.array(interval), fc.integer({ min: -1, max: 27 }), (intervals, day) => {
        const index = new IntervalIndex();
        intervals.forEach(([from, length, owner]) => index.add(owner, from, from + length));
        index.removeOwner('d');
        const found = new Set<string>();
        index.collect(day, found);
        const want = intervals.filter(([f, l, o]) => o !== 'd' && f <= day && day <= f + l);
        expect(found).toEqual(new Set(want.map(([, , owner]) => owner)));
      }),
      RUNS,
    );
  });
});
