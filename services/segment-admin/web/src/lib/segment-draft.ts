import type {
  Criterion,
  CriterionType,
  MatchLogic,
  PageVisitedCriterion,
  PathMatch,
  SegmentDefinition,
} from '../api/types';

export type LanguageOperator = 'contains' | 'not_contains';
export type SessionOperator =
  'before' | 'after' | 'between' | 'within_last_days' | 'not_within_last_days';
export type PageOperator = PageVisitedCriterion['operator'];

/**
 * One criterion as the form edits it. Every type's fields live side by side, so switching the
 * type back and forth keeps what was typed; only the chosen type's fields are sent.
 */
export interface CriterionDraft {
  key: string;
  type: CriterionType | '';
  languageOperator: LanguageOperator;
  languages: string[];
  sessionOperator: SessionOperator;
  date: string;
  from: string;
  to: string;
  days: string;
  pageOperator: PageOperator;
  pathMatch: PathMatch;
  path: string;
}

export interface SegmentDraft {
  name: string;
  match: MatchLogic;
  criteria: CriterionDraft[];
}

let nextKey = 0;

/** A blank criterion waiting for "Select a segment type". */
export function emptyCriterion(): CriterionDraft {
  nextKey += 1;

  return {
    key: `c${nextKey}`,
    type: '',
    languageOperator: 'contains',
    languages: [],
    sessionOperator: 'within_last_days',
    date: '',
    from: '',
    to: '',
    days: '7',
    pageOperator: 'visited',
    pathMatch: 'equals',
    path: '',
  };
}

export function emptyDraft(): SegmentDraft {
  return { name: '', match: 'all', criteria: [emptyCriterion()] };
}

/** The form's starting point when editing a stored segment. */
export function draftFromDefinition(definition: SegmentDefinition): SegmentDraft {
  return {
    name: definition.name,
    match: definition.match,
    criteria: definition.criteria.map(draftFromCriterion),
  };
}

function draftFromCriterion(criterion: Criterion): CriterionDraft {
  const draft: CriterionDraft = { ...emptyCriterion(), type: criterion.type };
  switch (criterion.type) {
    case 'device_language':
      return { ...draft, languageOperator: criterion.operator, languages: criterion.languages };
    case 'page_visited':
      return {
        ...draft,
        pageOperator: criterion.operator,
        pathMatch: criterion.match,
        path: criterion.path,
      };
    case 'app_sessions':
      return { ...draft, ...sessionFields(criterion), sessionOperator: criterion.operator };
  }
}

function sessionFields(criterion: Criterion): Partial<CriterionDraft> {
  if ('days' in criterion) return { days: String(criterion.days) };
  if ('from' in criterion) return { from: criterion.from, to: criterion.to };
  if ('date' in criterion) return { date: criterion.date };

  return {};
}

/**
 * A whole number when the text is one; otherwise the text itself, so the API names the problem
 * beside the field instead of the form guessing.
 */
function daysValue(text: string): number {
  const trimmed = text.trim();

  return (/^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed) as number;
}

function sessionCriterion(draft: CriterionDraft): Criterion {
  const operator = draft.sessionOperator;
  switch (operator) {
    case 'before':
    case 'after':
      return { type: 'app_sessions', operator, date: draft.date };
    case 'between':
      return { type: 'app_sessions', operator, from: draft.from, to: draft.to };
    case 'within_last_days':
    case 'not_within_last_days':
      return { type: 'app_sessions', operator, days: daysValue(draft.days) };
  }
}

/** The criterion the API receives. A criterion without a type is sent as is, to be reported. */
export function criterionFromDraft(draft: CriterionDraft): Criterion {
  switch (draft.type) {
    case 'device_language':
      return {
        type: 'device_language',
        operator: draft.languageOperator,
        languages: draft.languages,
      };
    case 'page_visited':
      return {
        type: 'page_visited',
        operator: draft.pageOperator,
        match: draft.pathMatch,
        path: draft.path.trim(),
      };
    case 'app_sessions':
      return sessionCriterion(draft);
    case '':
      return { type: '' } as unknown as Criterion;
  }
}

export function definitionFromDraft(draft: SegmentDraft): SegmentDefinition {
  return {
    name: draft.name.trim(),
    match: draft.match,
    criteria: draft.criteria.map(criterionFromDraft),
  };
}

/** True when every criterion has a type and its value fields are filled in. */
export function isEstimable(draft: SegmentDraft): boolean {
  return draft.criteria.length > 0 && draft.criteria.every(isCriterionFilled);
}

function isCriterionFilled(draft: CriterionDraft): boolean {
  switch (draft.type) {
    case 'device_language':
      return draft.languages.length > 0;
    case 'page_visited':
      return draft.path.trim() !== '';
    case 'app_sessions':
      return sessionFilled(draft);
    case '':
      return false;
  }
}

function sessionFilled(draft: CriterionDraft): boolean {
  switch (draft.sessionOperator) {
    case 'before':
    case 'after':
      return draft.date !== '';
    case 'between':
      return draft.from !== '' && draft.to !== '';
    default:
      return draft.days.trim() !== '';
  }
}
