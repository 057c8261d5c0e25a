import type { Criterion, PathMatch, SegmentDefinition } from '../api/types';

const PAGE_PHRASES: Record<PathMatch, string> = {
  equals: 'the page',
  contains: 'a page containing',
  starts_with: 'a page starting with',
  ends_with: 'a page ending with',
};

function listOf(codes: string[], conjunction: 'or' | 'nor'): string {
  if (codes.length <= 1) return codes.join('');

  return `${codes.slice(0, -1).join(', ')} ${conjunction} ${codes[codes.length - 1]}`;
}

function languageSummary(operator: 'contains' | 'not_contains', languages: string[]): string {
  const codes = languages.map((code) => code.toUpperCase());
  if (operator === 'contains') return `Language is ${listOf(codes, 'or')}`;

  return codes.length === 1
    ? `Language is not ${codes[0]}`
    : `Language is neither ${listOf(codes, 'nor')}`;
}

/** One criterion as a short English phrase, e.g. "Visited a page starting with /cart". */
export function describeCriterion(criterion: Criterion): string {
  switch (criterion.type) {
    case 'device_language':
      return languageSummary(criterion.operator, criterion.languages);
    case 'page_visited': {
      const verb = criterion.operator === 'visited' ? 'Visited' : 'Did not visit';

      return `${verb} ${PAGE_PHRASES[criterion.match]} ${criterion.path}`;
    }
    case 'app_sessions':
      switch (criterion.operator) {
        case 'before':
          return `Had a session before ${criterion.date}`;
        case 'after':
          return `Had a session after ${criterion.date}`;
        case 'between':
          return `Had a session between ${criterion.from} and ${criterion.to}`;
        case 'within_last_days':
          return `Active in the last ${plural(criterion.days, 'day')}`;
        case 'not_within_last_days':
          return `Inactive for ${plural(criterion.days, 'day')}`;
      }
  }
  return 'Unknown criterion';
}

function plural(count: number, noun: string): string {
  return count === 1 ? `1 ${noun}` : `${count} ${noun}s`;
}

/**
 * All criteria of a definition joined by " · ", as on the Segments page. The match logic is
 * shown next to it, so the separator stays neutral.
 */
export function summarizeCriteria(definition: Pick<SegmentDefinition, 'criteria'>): string {
  return definition.criteria.map(describeCriterion).join(' · ');
}

/** "ALL" or "ANY" with the description's wording. */
export function describeMatch(match: SegmentDefinition['match']): string {
  return match === 'all' ? 'ALL (must have)' : 'ANY (may have)';
}
