import { parseCalendarDay } from './dates';
import type { Criterion, PathMatch, SegmentDefinition } from './definition';
import { EngineError } from './errors';
import { normalizeLanguage, normalizePath } from './normalize';
import { validateDefinition } from './validate';

/** A criterion in the form the evaluator and the matcher index use. Days are UTC day numbers. */
export type CompiledCriterion =
  | { kind: 'language'; negate: boolean; codes: Set<string> }
  | { kind: 'before'; day: number }
  | { kind: 'after'; day: number }
  | { kind: 'between'; from: number; to: number }
  | { kind: 'window'; negate: boolean; days: number }
  | { kind: 'path'; negate: boolean; match: PathMatch; pattern: string };

/** A definition ready for evaluation: languages and paths normalised, dates turned into days. */
export interface CompiledSegment {
  id: string;
  version: number;
  definition: SegmentDefinition;
  /** `match: all`. */
  matchAll: boolean;
  criteria: CompiledCriterion[];
}

function day(text: string): number {
  const value = parseCalendarDay(text);
  if (value === null) throw new EngineError('invalid_definition', `${text} is not a date`);

  return value;
}

// The contract normalises the criterion path for equals and starts_with only: `contains` and
// `ends_with` compare the text as written.
function pathPattern(match: PathMatch, path: string): string {
  return match === 'equals' || match === 'starts_with' ? normalizePath(path) : path;
}

function compileCriterion(criterion: Criterion): CompiledCriterion {
  switch (criterion.operator) {
    case 'contains':
    case 'not_contains':
      return {
        kind: 'language',
        negate: criterion.operator === 'not_contains',
        codes: new Set(criterion.languages.map(normalizeLanguage)),
      };
    case 'before':
    case 'after':
      return { kind: criterion.operator, day: day(criterion.date) };
    case 'between':
      return { kind: 'between', from: day(criterion.from), to: day(criterion.to) };
    case 'within_last_days':
    case 'not_within_last_days':
      return {
        kind: 'window',
        negate: criterion.operator === 'not_within_last_days',
        days: criterion.days,
      };
    case 'visited':
    case 'not_visited':
      return {
        kind: 'path',
        negate: criterion.operator === 'not_visited',
        match: criterion.match,
        pattern: pathPattern(criterion.match, criterion.path),
      };
  }
}

/**
 * Turns a definition into a {@link CompiledSegment}.
 * @throws EngineError `invalid_definition` (details: the validation problems) when invalid.
 */
export function compileSegment(
  id: string,
  version: number,
  definition: SegmentDefinition,
): CompiledSegment {
  const checked = validateDefinition(definition);
  if (!checked.ok) {
    throw new EngineError('invalid_definition', 'segment definition is invalid', checked.problems);
  }

  return {
    id,
    version,
    definition,
    matchAll: definition.match === 'all',
    criteria: definition.criteria.map(compileCriterion),
  };
}
