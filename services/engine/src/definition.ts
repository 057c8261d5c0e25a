import { Type, type Static, type TSchema } from '@sinclair/typebox';

// TypeBox is the single source of a definition's shape: it gives the TypeScript types below,
// runtime validation (validate.ts) and plain JSON Schema that Fastify and OpenAPI use as is.
// `errorMessage` is our own keyword: the text a dashboard shows next to a field that fails.

const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
const LANGUAGE_PATTERN = '^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$';

/** Limits from the contract. */
export const LIMITS = {
  nameLength: 200,
  criteria: 20,
  languages: 50,
  pathLength: 2048,
  maxDays: 3650,
} as const;

const strict = { additionalProperties: false } as const;

const day = (field: string) =>
  Type.String({
    pattern: DATE_PATTERN,
    description: 'A UTC calendar day, YYYY-MM-DD',
    errorMessage: `${field} must be a date written YYYY-MM-DD`,
  });

export const LanguageCriterionSchema = Type.Object(
  {
    type: Type.Literal('device_language'),
    operator: Type.Union([Type.Literal('contains'), Type.Literal('not_contains')]),
    languages: Type.Array(
      Type.String({
        pattern: LANGUAGE_PATTERN,
        errorMessage: 'each language must be a code such as EN, fr or es-MX',
      }),
      {
        minItems: 1,
        maxItems: LIMITS.languages,
        errorMessage: `languages must list 1 to ${LIMITS.languages} language codes`,
      },
    ),
  },
  strict,
);

export const SessionDateCriterionSchema = Type.Object(
  {
    type: Type.Literal('app_sessions'),
    operator: Type.Union([Type.Literal('before'), Type.Literal('after')]),
    date: day('date'),
  },
  strict,
);

export const SessionBetweenCriterionSchema = Type.Object(
  {
    type: Type.Literal('app_sessions'),
    operator: Type.Literal('between'),
    from: day('from'),
    to: day('to'),
  },
  strict,
);

export const SessionWindowCriterionSchema = Type.Object(
  {
    type: Type.Literal('app_sessions'),
    operator: Type.Union([Type.Literal('within_last_days'), Type.Literal('not_within_last_days')]),
    days: Type.Integer({
      minimum: 1,
      maximum: LIMITS.maxDays,
      errorMessage: `days must be a whole number from 1 to ${LIMITS.maxDays}`,
    }),
  },
  strict,
);

export const PageCriterionSchema = Type.Object(
  {
    type: Type.Literal('page_visited'),
    operator: Type.Union([Type.Literal('visited'), Type.Literal('not_visited')]),
    match: Type.Union(
      [
        Type.Literal('equals'),
        Type.Literal('contains'),
        Type.Literal('starts_with'),
        Type.Literal('ends_with'),
      ],
      { errorMessage: 'match must be one of equals, contains, starts_with, ends_with' },
    ),
    path: Type.String({
      minLength: 1,
      maxLength: LIMITS.pathLength,
      errorMessage: `path must be 1 to ${LIMITS.pathLength} characters`,
    }),
  },
  strict,
);

export const CriterionSchema = Type.Union([
  LanguageCriterionSchema,
  SessionDateCriterionSchema,
  SessionBetweenCriterionSchema,
  SessionWindowCriterionSchema,
  PageCriterionSchema,
]);

/** TypeBox schema of a definition (also serves as JSON Schema for Fastify/OpenAPI). */
export const SegmentDefinitionSchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: LIMITS.nameLength,
      errorMessage: `name must be 1 to ${LIMITS.nameLength} characters`,
    }),
    match: Type.Union([Type.Literal('all'), Type.Literal('any')], {
      errorMessage: 'match must be all or any',
    }),
    criteria: Type.Array(CriterionSchema, {
      minItems: 1,
      maxItems: LIMITS.criteria,
      errorMessage: `criteria must hold 1 to ${LIMITS.criteria} criteria`,
    }),
  },
  strict,
) satisfies TSchema;

export type MatchLogic = 'all' | 'any';
export type PathMatch = 'equals' | 'contains' | 'starts_with' | 'ends_with';
export type LanguageCriterion = Static<typeof LanguageCriterionSchema>;
export type SessionDateCriterion = Static<typeof SessionDateCriterionSchema>;
export type SessionBetweenCriterion = Static<typeof SessionBetweenCriterionSchema>;
export type SessionWindowCriterion = Static<typeof SessionWindowCriterionSchema>;
export type PageCriterion = Static<typeof PageCriterionSchema>;
export type Criterion = Static<typeof CriterionSchema>;

/** A segment definition as the admin API receives it. */
export interface SegmentDefinition {
  name: string;
  match: MatchLogic;
  criteria: Criterion[];
}
