import { dayOf } from './dates';
import { EngineError } from './errors';
import type { UserEvent } from './event';
import { normalizeLanguage, normalizePath } from './normalize';

/**
 * At most this many distinct paths are kept per user: the lexicographically smallest ones.
 * Keeping "the N smallest of everything ever seen" is a pure function of the set of events, so
 * merging stays idempotent and order-independent (a recency rule would not be). 100 paths of
 * typical length keep a heavy user's state near 3 KB in Redis.
 */
export const MAX_PATHS_PER_USER = 100;

/** The user's language: last writer wins on (timestamp, eventId). */
export interface LanguageRegister {
  code: string;
  timestamp: number;
  eventId: string;
}

/** Everything membership depends on, merged from a user's events. */
export interface UserState {
  language: LanguageRegister | null;
  firstSession: number | null;
  lastSession: number | null;
  /** Sorted distinct UTC day numbers (floor(ts / 86_400_000)) with a session. */
  sessionDays: number[];
  /** Sorted distinct normalised paths, at most MAX_PATHS_PER_USER. */
  paths: string[];
}

/** First and last session of a state, for the matcher's range queries. */
export interface SessionSpan {
  first: number;
  last: number;
}

/** What applying events changed: the matcher's input. */
export interface StateChange {
  /** The state was empty before. */
  isNewUser: boolean;
  /** The language register changed value (code). */
  language: boolean;
  /** firstSession, lastSession or sessionDays changed. */
  sessions: boolean;
  /** Normalised paths that were added. */
  newPaths: string[];
  /**
   * Paths dropped by the MAX_PATHS_PER_USER bound because smaller ones arrived. Optional so
   * that hand-built changes stay valid; applyEvents always fills it.
   */
  removedPaths?: string[];
  /** Language code before and after; lets the matcher look at two codes only. */
  languageCodes?: { before: string | null; after: string | null };
  /** Session span before and after, and the days that are new; narrows session criteria. */
  sessionDetail?: { before: SessionSpan | null; after: SessionSpan | null; newDays: number[] };
}

/** The state of a user who has no event yet. */
export function emptyState(): UserState {
  return { language: null, firstSession: null, lastSession: null, sessionDays: [], paths: [] };
}

/** True for a user that does not exist yet (no event merged). */
export function isEmptyState(state: UserState): boolean {
  return (
    state.language === null &&
    state.firstSession === null &&
    state.sessionDays.length === 0 &&
    state.paths.length === 0
  );
}

/** True when `candidate` wins over `current` as the language register. */
export function languageWins(candidate: LanguageRegister, current: LanguageRegister | null) {
  if (current === null) return true;
  if (candidate.timestamp !== current.timestamp) return candidate.timestamp > current.timestamp;

  // Plain UTF-16 string comparison, the same everywhere in the system.
  return candidate.eventId > current.eventId;
}

function checkEvent(event: UserEvent): void {
  const fail = (message: string) => {
    throw new EngineError('invalid_event', message, { eventId: event.eventId });
  };
  if (!Number.isSafeInteger(event.timestamp)) fail('timestamp must be whole epoch milliseconds');
  if (typeof event.eventId !== 'string') fail('eventId must be a string');
  if (event.type === 'page_view' && typeof event.path !== 'string') fail('path is required');
  if (event.type !== 'page_view' && event.type !== 'app_session') {
    fail('type must be app_session or page_view');
  }
}

function mergeLanguage(state: UserState, event: UserEvent): void {
  if (event.language === undefined) return;

  const register = {
    code: normalizeLanguage(event.language),
    timestamp: event.timestamp,
    eventId: event.eventId,
  };
  if (languageWins(register, state.language)) state.language = register;
}

function mergeSession(state: UserState, days: Set<number>, timestamp: number): void {
  if (state.firstSession === null || timestamp < state.firstSession) {
    state.firstSession = timestamp;
  }
  if (state.lastSession === null || timestamp > state.lastSession) {
    state.lastSession = timestamp;
  }
  days.add(dayOf(timestamp));
}

function boundPaths(paths: Set<string>): string[] {
  const sorted = [...paths].sort();

  return sorted.length > MAX_PATHS_PER_USER ? sorted.slice(0, MAX_PATHS_PER_USER) : sorted;
}

function span(state: UserState): SessionSpan | null {
  if (state.firstSession === null || state.lastSession === null) return null;

  return { first: state.firstSession, last: state.lastSession };
}

function describeChange(before: UserState, after: UserState, eventCount: number): StateChange {
  const oldPaths = new Set(before.paths);
  const newPathSet = new Set(after.paths);
  const oldDays = new Set(before.sessionDays);
  const newDays = after.sessionDays.filter((day) => !oldDays.has(day));
  const sessions =
    newDays.length > 0 ||
    before.firstSession !== after.firstSession ||
    before.lastSession !== after.lastSession;
  const beforeCode = before.language?.code ?? null;
  const afterCode = after.language?.code ?? null;

  return {
    isNewUser: isEmptyState(before) && eventCount > 0,
    language: beforeCode !== afterCode,
    sessions,
    newPaths: after.paths.filter((path) => !oldPaths.has(path)),
    removedPaths: before.paths.filter((path) => !newPathSet.has(path)),
    languageCodes: { before: beforeCode, after: afterCode },
    sessionDetail: { before: span(before), after: span(after), newDays },
  };
}

/**
 * Merges events into a state: min/max session time, the set of session days, the bounded set
 * of paths and the language register. Idempotent and order-independent. A bad event throws
 * (`invalid_event`, `invalid_language`); the given state is never modified.
 */
export function applyEvents(
  state: UserState,
  events: UserEvent[],
): { state: UserState; change: StateChange } {
  events.forEach(checkEvent);
  const next: UserState = { ...state, sessionDays: [], paths: [] };
  const days = new Set(state.sessionDays);
  const paths = new Set(state.paths);
  for (const event of events) {
    mergeLanguage(next, event);
    if (event.type === 'app_session') mergeSession(next, days, event.timestamp);
    else paths.add(normalizePath(event.path));
  }
  next.sessionDays = [...days].sort((a, b) => a - b);
  next.paths = boundPaths(paths);

  return { state: next, change: describeChange(state, next, events.length) };
}
