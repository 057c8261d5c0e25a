import { Type, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { parseCalendarDay } from './dates';
import {
  LIMITS,
  LanguageCriterionSchema,
  PageCriterionSchema,
  SegmentDefinitionSchema,
  SessionBetweenCriterionSchema,
  SessionDateCriterionSchema,
  SessionWindowCriterionSchema,
  type SegmentDefinition,
} from './definition';

/** One thing wrong with a definition: where (a JSON pointer) and what to do about it. */
export interface ValidationProblem {
  /** JSON pointer into the submitted definition, e.g. `/criteria/0/days`. */
  path: string;
  /** A sentence a dashboard can show next to the field. */
  message: string;
}

export type ValidationResult =
  { ok: true; definition: SegmentDefinition } | { ok: false; problems: ValidationProblem[] };

// The top level is checked with `criteria` as an array of anything, and each criterion then
// against the one member schema its type and operator select: a union's own errors only say
// "expected union value", which tells a dashboard user nothing.
const TopLevel = TypeCompiler.Compile(
  Type.Object(
    {
      ...SegmentDefinitionSchema.properties,
      criteria: Type.Array(Type.Unknown(), {
        minItems: 1,
        maxItems: LIMITS.criteria,
        errorMessage: SegmentDefinitionSchema.properties.criteria.errorMessage,
      }),
    },
    { additionalProperties: false },
  ),
);

type OperatorTable = Record<string, TypeCheck<TSchema>>;

function table(schema: TSchema, operators: string[]): OperatorTable {
  const check = TypeCompiler.Compile(schema);

  return Object.fromEntries(operators.map((operator) => [operator, check]));
}

const CRITERIA: Record<string, OperatorTable> = {
  device_language: table(LanguageCriterionSchema, ['contains', 'not_contains']),
  app_sessions: {
    ...table(SessionDateCriterionSchema, ['before', 'after']),
    ...table(SessionBetweenCriterionSchema, ['between']),
    ...table(SessionWindowCriterionSchema, ['within_last_days', 'not_within_last_days']),
  },
  page_visited: table(PageCriterionSchema, ['visited', 'not_visited']),
};

function fieldName(pointer: string): string {
  const last = pointer.slice(pointer.lastIndexOf('/') + 1);

  return last.replace(/~1/g, '/').replace(/~0/g, '~');
}

function messageFor(error: ValueError): string {
  const field = fieldName(error.path);
  if (error.type === ValueErrorType.ObjectRequiredProperty) return `${field} is required`;
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    return `${field} is not a known field; remove it`;
  }
  const custom = (error.schema as { errorMessage?: unknown }).errorMessage;
  if (typeof custom === 'string') return custom;
  if (/^\d+$/.test(field)) return `item ${field} is invalid: ${error.message.toLowerCase()}`;

  return `${field}: ${error.message.toLowerCase()}`;
}

function collect(check: TypeCheck<TSchema>, value: unknown, prefix: string) {
  const problems: ValidationProblem[] = [];
  // Check() is generated code and fast; Errors() walks the value again, only when needed.
  if (check.Check(value)) return problems;
  for (const error of check.Errors(value)) {
    problems.push({ path: prefix + error.path, message: messageFor(error) });
  }

  return problems;
}

function dateProblems(criterion: Record<string, unknown>, at: string): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const days: Record<string, number> = {};
  for (const field of ['date', 'from', 'to']) {
    const value = criterion[field];
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) continue;

    const day = parseCalendarDay(value);
    if (day === null) {
      problems.push({ path: `${at}/${field}`, message: `${field} is not a real calendar date` });
    } else days[field] = day;
  }
  if (days.from !== undefined && days.to !== undefined && days.from > days.to) {
    problems.push({ path: `${at}/to`, message: 'to must be the same day as from or later' });
  }

  return problems;
}

function criterionProblems(criterion: unknown, at: string): ValidationProblem[] {
  if (typeof criterion !== 'object' || criterion === null || Array.isArray(criterion)) {
    return [{ path: at, message: 'each criterion must be an object' }];
  }
  const record = criterion as Record<string, unknown>;
  const operators = CRITERIA[String(record.type)];
  if (typeof record.type !== 'string' || !operators) {
    const known = Object.keys(CRITERIA).join(', ');

    return [{ path: `${at}/type`, message: `type must be one of ${known}` }];
  }
  const check = operators[String(record.operator)];
  if (typeof record.operator !== 'string' || !check) {
    const known = Object.keys(operators).join(', ');

    return [{ path: `${at}/operator`, message: `operator must be one of ${known}` }];
  }

  return [...collect(check, criterion, at), ...dateProblems(record, at)];
}

function firstPerPath(problems: ValidationProblem[]): ValidationProblem[] {
  const seen = new Set<string>();

  return problems.filter((problem) => {
    if (seen.has(problem.path)) return false;
    seen.add(problem.path);

    return true;
  });
}

/**
 * Checks a submitted definition against the contract's limits and reports every problem at
 * once. Unknown fields are rejected. Uniqueness of the name within an app is not checked here
 * (it needs the app's other segments; the admin service does it).
 */
export function validateDefinition(input: unknown): ValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, problems: [{ path: '', message: 'a definition must be a JSON object' }] };
  }
  const problems = collect(TopLevel, input, '');
  const criteria = (input as { criteria?: unknown }).criteria;
  if (Array.isArray(criteria)) {
    criteria.forEach((criterion, index) => {
      problems.push(...criterionProblems(criterion, `/criteria/${index}`));
    });
  }
  if (problems.length > 0) return { ok: false, problems: firstPerPath(problems) };

  return { ok: true, definition: input as SegmentDefinition };
}
