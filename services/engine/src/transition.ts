import type { CompiledSegment } from './compile';
import { DAY_MS } from './dates';
import { evaluate } from './evaluate';
import type { UserState } from './state';

/**
 * Earliest instant t > now at which evaluate() changes with no new event, or null.
 *
 * Only session windows move with time: `within_last_days N` holds while
 * now < lastSession + N x 24 h and stops holding at that instant. Each window criterion thus
 * flips at most once after `now`; the segment's value can only change at one of those
 * instants, so the first of them at which the whole segment (ALL or ANY) differs is exact.
 */
export function nextTransition(
  state: UserState,
  segment: CompiledSegment,
  now: number,
): number | null {
  const last = state.lastSession;
  if (last === null) return null;

  const boundaries = new Set<number>();
  for (const criterion of segment.criteria) {
    if (criterion.kind !== 'window') continue;
    const boundary = last + criterion.days * DAY_MS;
    if (boundary > now) boundaries.add(boundary);
  }
  if (boundaries.size === 0) return null;

  const current = evaluate(state, segment, now);
  const ordered = [...boundaries].sort((a, b) => a - b);

  return ordered.find((instant) => evaluate(state, segment, instant) !== current) ?? null;
}
