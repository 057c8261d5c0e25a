import { DAY_MS } from './dates';
import type { CompiledCriterion, CompiledSegment } from './compile';
import type { PathMatch } from './definition';
import type { UserState } from './state';

/** True when a sorted array of days holds one in [from, to]. */
function hasDayBetween(days: number[], from: number, to: number): boolean {
  let low = 0;
  let high = days.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (days[middle]! < from) low = middle + 1;
    else high = middle;
  }

  return low < days.length && days[low]! <= to;
}

/** `within_last_days N`: a session later than now minus N x 24 h (exactly N x 24 h is out). */
export function isWithinWindow(state: UserState, days: number, now: number): boolean {
  return state.lastSession !== null && state.lastSession > now - days * DAY_MS;
}

/** True when a normalised path satisfies a pattern under one match type. */
export function pathMatches(path: string, match: PathMatch, pattern: string): boolean {
  switch (match) {
    case 'equals':
      return path === pattern;
    case 'contains':
      return path.includes(pattern);
    case 'starts_with':
      return path.startsWith(pattern);
    case 'ends_with':
      return path.endsWith(pattern);
  }
}

// Plain loops rather than some()/every() with closures: this runs for every affected segment
// of every event.
function anyPath(state: UserState, match: PathMatch, pattern: string): boolean {
  const paths = state.paths;
  if (match === 'equals') return hasPath(paths, pattern);
  for (let i = 0; i < paths.length; i++) {
    if (pathMatches(paths[i]!, match, pattern)) return true;
  }

  return false;
}

function hasPath(paths: string[], path: string): boolean {
  let low = 0;
  let high = paths.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (paths[middle]! < path) low = middle + 1;
    else high = middle;
  }

  return paths[low] === path;
}

/** One criterion against a state at `now`, per the contract's "What a criterion means". */
export function evaluateCriterion(
  state: UserState,
  criterion: CompiledCriterion,
  now: number,
): boolean {
  const days = state.sessionDays;
  switch (criterion.kind) {
    case 'language': {
      const code = state.language?.code;

      return (code !== undefined && criterion.codes.has(code)) !== criterion.negate;
    }
    case 'before':
      return days.length > 0 && days[0]! < criterion.day;
    case 'after':
      return days.length > 0 && days[days.length - 1]! > criterion.day;
    case 'between':
      return hasDayBetween(days, criterion.from, criterion.to);
    case 'window':
      return isWithinWindow(state, criterion.days, now) !== criterion.negate;
    case 'path':
      return anyPath(state, criterion.match, criterion.pattern) !== criterion.negate;
  }
}

/** Membership of a user in a segment at `now`: ALL or ANY of its criteria. */
export function evaluate(state: UserState, segment: CompiledSegment, now: number): boolean {
  const criteria = segment.criteria;
  const all = segment.matchAll;
  for (let i = 0; i < criteria.length; i++) {
    // ALL stops at the first miss, ANY at the first hit.
    if (evaluateCriterion(state, criteria[i]!, now) !== all) return !all;
  }

  return all;
}
