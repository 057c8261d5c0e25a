import { ContainsAutomaton } from './aho-corasick';
import type { CompiledCriterion, CompiledSegment } from './compile';
import { DAY_MS, dayOf } from './dates';
import { evaluate } from './evaluate';
import { PathTrie } from './path-trie';
import { IntervalIndex, RangeIndex } from './range-index';
import { emptyState, type StateChange } from './state';

const EMPTY = emptyState();

function addTo<K>(map: Map<K, Set<string>>, key: K, owner: string): void {
  const set = map.get(key);
  if (set) set.add(owner);
  else map.set(key, new Set([owner]));
}

function removeFrom<K>(map: Map<K, Set<string>>, key: K, owner: string): void {
  const set = map.get(key);
  set?.delete(owner);
  if (set?.size === 0) map.delete(key);
}

function addAll(from: Iterable<string> | undefined, into: Set<string>): void {
  if (from) for (const owner of from) into.add(owner);
}

/**
 * All live segments of an app, indexed per criterion kind so that the segments an event can
 * affect are found without looking at the others. Segments with `not_` operators sit in the
 * same structures as their positive twins: a path, language or session that flips one flips
 * the other. Adding, replacing or removing a segment touches only its own entries.
 */
export class MatcherIndex {
  private readonly byId = new Map<string, CompiledSegment>();
  private readonly emptyMatches = new Set<string>();
  private readonly languages = new Map<string, Set<string>>();
  private readonly languageSegments = new Set<string>();
  private readonly sessionSegments = new Set<string>();
  private readonly windowSegmentIds = new Set<string>();
  private readonly windows = new Map<number, Set<string>>();
  private readonly windowRange = new RangeIndex();
  private readonly before = new RangeIndex();
  private readonly after = new RangeIndex();
  private readonly between = new IntervalIndex();
  private readonly equals = new Map<string, Set<string>>();
  private readonly prefixes = new PathTrie(false);
  private readonly suffixes = new PathTrie(true);
  private readonly contains = new ContainsAutomaton();

  /** Number of live segments. */
  get size(): number {
    return this.byId.size;
  }

  get(segmentId: string): CompiledSegment | undefined {
    return this.byId.get(segmentId);
  }

  segments(): IterableIterator<CompiledSegment> {
    return this.byId.values();
  }

  /** Adds a segment or replaces the one with the same id. */
  upsert(segment: CompiledSegment): void {
    this.remove(segment.id);
    this.byId.set(segment.id, segment);
    for (const criterion of segment.criteria) this.indexCriterion(segment.id, criterion, true);
    // The empty state has no session, so its membership does not depend on `now`.
    if (evaluate(EMPTY, segment, 0)) this.emptyMatches.add(segment.id);
  }

  remove(segmentId: string): void {
    const segment = this.byId.get(segmentId);
    if (!segment) return;

    for (const criterion of segment.criteria) this.indexCriterion(segmentId, criterion, false);
    this.windowRange.removeOwner(segmentId);
    this.before.removeOwner(segmentId);
    this.after.removeOwner(segmentId);
    this.between.removeOwner(segmentId);
    for (const set of [this.emptyMatches, this.languageSegments, this.sessionSegments]) {
      set.delete(segmentId);
    }
    this.windowSegmentIds.delete(segmentId);
    this.byId.delete(segmentId);
  }

  private indexCriterion(id: string, criterion: CompiledCriterion, adding: boolean): void {
    switch (criterion.kind) {
      case 'language':
        if (adding) this.languageSegments.add(id);
        for (const code of criterion.codes) {
          if (adding) addTo(this.languages, code, id);
          else removeFrom(this.languages, code, id);
        }
        return;
      case 'path':
        this.indexPath(id, criterion.match, criterion.pattern, adding);
        return;
      default:
        if (adding) this.indexSession(id, criterion);
        else if (criterion.kind === 'window') removeFrom(this.windows, criterion.days, id);
    }
  }

  // The range structures drop a segment by owner (see remove), so only adding is handled here.
  private indexSession(id: string, criterion: CompiledCriterion): void {
    this.sessionSegments.add(id);
    if (criterion.kind === 'before') this.before.add(id, criterion.day);
    if (criterion.kind === 'after') this.after.add(id, criterion.day);
    if (criterion.kind === 'between') this.between.add(id, criterion.from, criterion.to);
    if (criterion.kind === 'window') {
      this.windowSegmentIds.add(id);
      this.windowRange.add(id, criterion.days);
      addTo(this.windows, criterion.days, id);
    }
  }

  private indexPath(id: string, match: string, pattern: string, adding: boolean): void {
    if (match === 'equals') {
      if (adding) addTo(this.equals, pattern, id);
      else removeFrom(this.equals, pattern, id);
      return;
    }
    const structure =
      match === 'starts_with'
        ? this.prefixes
        : match === 'ends_with'
          ? this.suffixes
          : this.contains;
    if (adding) structure.add(pattern, id);
    else structure.remove(pattern, id);
  }

  /**
   * Ids of every segment whose membership may have changed because of `change`. Never misses.
   * With `now`, session windows are narrowed to the lengths whose boundary the new last
   * session crossed; without it every window segment is returned when the last session moved.
   */
  affected(change: StateChange, now?: number): Set<string> {
    const found = new Set<string>();
    if (change.isNewUser) addAll(this.emptyMatches, found);
    if (change.language) this.languageAffected(change, found);
    if (change.sessions) this.sessionAffected(change, now, found);
    for (const path of change.newPaths) this.pathAffected(path, found);
    if (change.removedPaths) for (const path of change.removedPaths) this.pathAffected(path, found);

    return found;
  }

  private languageAffected(change: StateChange, found: Set<string>): void {
    const codes = change.languageCodes;
    if (!codes) return addAll(this.languageSegments, found);

    if (codes.before !== null) addAll(this.languages.get(codes.before), found);
    if (codes.after !== null) addAll(this.languages.get(codes.after), found);
  }

  private sessionAffected(change: StateChange, now: number | undefined, found: Set<string>) {
    const detail = change.sessionDetail;
    if (!detail?.after) return addAll(this.sessionSegments, found);

    const { before, after } = detail;
    // before D holds while the first session day < D: it flips for D in (newFirst, oldFirst].
    const oldFirst = before ? dayOf(before.first) : Infinity;
    this.before.collect(dayOf(after.first) + 1, oldFirst, found);
    // after D holds once the last session day > D: it flips for D in [oldLast, newLast).
    const oldLast = before ? dayOf(before.last) : -Infinity;
    this.after.collect(oldLast, dayOf(after.last) - 1, found);
    for (const day of detail.newDays) this.between.collect(day, found);
    if (before?.last !== after.last)
      this.windowAffected(before?.last ?? null, after.last, now, found);
  }

  // within N holds while last > now - N days, i.e. for N > (now - last) / day. A later last
  // session flips the lengths N with (now - newLast) / day < N <= (now - oldLast) / day.
  private windowAffected(
    oldLast: number | null,
    newLast: number,
    now: number | undefined,
    found: Set<string>,
  ): void {
    if (now === undefined) return addAll(this.windowSegmentIds, found);

    const low = Math.floor((now - newLast) / DAY_MS) + 1;
    const high = oldLast === null ? Infinity : Math.floor((now - oldLast) / DAY_MS);
    this.windowRange.collect(low, high, found);
  }

  private pathAffected(path: string, found: Set<string>): void {
    addAll(this.equals.get(path), found);
    this.prefixes.collect(path, found);
    this.suffixes.collect(path, found);
    this.contains.collect(path, found);
  }

  /** Segments with a within_last_days / not_within_last_days criterion of exactly `days`. */
  windowSegments(days: number): CompiledSegment[] {
    const ids = this.windows.get(days);

    return ids ? [...ids].map((id) => this.byId.get(id)!) : [];
  }

  /** Distinct window lengths (days) in use, for the time sweeper. */
  windowLengths(): number[] {
    return [...this.windows.keys()].sort((a, b) => a - b);
  }
}
