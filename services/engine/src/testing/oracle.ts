// The test oracle: a deliberately naive reimplementation of the contract's "What a criterion
// means", computed from the raw list of a user's events and `now`. It shares no code with the
// engine (only its types), so a misreading of the contract would have to be made twice, in
// two different ways, to go unnoticed. Test code only: not exported from the package index.
import type { Criterion, SegmentDefinition } from '../definition';
import type { UserEvent } from '../event';

export * from './arbitraries';

/** The engine's path bound, restated: a user keeps the 100 smallest distinct paths. */
export const ORACLE_MAX_PATHS = 100;

const DAY = 24 * 60 * 60 * 1000;

function primarySubtag(code: string): string {
  return code.split(/[-_]/)[0]!.toUpperCase();
}

function cleanPath(raw: string): string {
  let path = raw.replace(/[?#][\s\S]*$/, '');
  if (path[0] !== '/') path = '/' + path;
  path = path.replace(/\/+$/, '');

  return path === '' ? '/' : path;
}

function midnight(date: string): number {
  return Date.parse(`${date}T00:00:00.000Z`);
}

/** The user's language code: the latest event carrying one, ties to the larger eventId. */
export function oracleLanguage(events: UserEvent[]): string | null {
  let best: UserEvent | null = null;
  for (const event of events) {
    if (event.language === undefined) continue;
    const later =
      best === null ||
      event.timestamp > best.timestamp ||
      (event.timestamp === best.timestamp && event.eventId > best.eventId);
    if (later) best = event;
  }

  return best === null ? null : primarySubtag(best.language!);
}

/** The paths the user is considered to have visited, after the documented bound. */
export function oraclePaths(events: UserEvent[]): string[] {
  const all: string[] = [];
  for (const event of events) {
    if (event.type === 'page_view' && !all.includes(cleanPath(event.path))) {
      all.push(cleanPath(event.path));
    }
  }
  all.sort();

  return all.slice(0, ORACLE_MAX_PATHS);
}

function sessionTimes(events: UserEvent[]): number[] {
  return events.filter((event) => event.type === 'app_session').map((event) => event.timestamp);
}

function pathHolds(paths: string[], match: string, path: string): boolean {
  const wanted = match === 'equals' || match === 'starts_with' ? cleanPath(path) : path;

  return paths.some((visited) => {
    if (match === 'equals') return visited === wanted;
    if (match === 'starts_with') return visited.slice(0, wanted.length) === wanted;
    if (match === 'ends_with')
      return (
        visited.length >= wanted.length && visited.slice(visited.length - wanted.length) === wanted
      );

    return visited.indexOf(wanted) !== -1;
  });
}

function criterionHolds(events: UserEvent[], criterion: Criterion, now: number): boolean {
  const sessions = sessionTimes(events);
  switch (criterion.operator) {
    case 'contains':
    case 'not_contains': {
      const language = oracleLanguage(events);
      const listed = criterion.languages.map(primarySubtag).some((code) => code === language);

      return criterion.operator === 'contains' ? listed : !listed;
    }
    case 'before':
      return sessions.some((time) => time < midnight(criterion.date));
    case 'after':
      return sessions.some((time) => time >= midnight(criterion.date) + DAY);
    case 'between':
      return sessions.some(
        (time) => time >= midnight(criterion.from) && time < midnight(criterion.to) + DAY,
      );
    case 'within_last_days':
      return sessions.some((time) => time > now - criterion.days * DAY);
    case 'not_within_last_days':
      return !sessions.some((time) => time > now - criterion.days * DAY);
    case 'visited':
      return pathHolds(oraclePaths(events), criterion.match, criterion.path);
    case 'not_visited':
      return !pathHolds(oraclePaths(events), criterion.match, criterion.path);
  }
}

/**
 * Membership of a user in a segment, from the raw events (in any order, duplicates allowed)
 * and `now`. A user with no events gets what the contract's rules give for "nothing known";
 * whether such a user exists at all is the caller's business.
 */
export function oracleMember(
  events: UserEvent[],
  definition: SegmentDefinition,
  now: number,
): boolean {
  const results = definition.criteria.map((criterion) => criterionHolds(events, criterion, now));

  return definition.match === 'all' ? results.every(Boolean) : results.some(Boolean);
}
