import type { ErrorDetail } from '../api/types';

/**
 * Field keys the form can show an error beside: `name`, `match`, `criteria` (the list as a
 * whole), `criteria.0` (one criterion as a whole) and `criteria.0.days` (one of its fields).
 * `form` collects what no field owns.
 */
export type FieldErrors = Record<string, string[]>;

/** Criterion fields as the API names them, mapped to the form control that edits each. */
const CRITERION_FIELDS = new Set([
  'type',
  'operator',
  'languages',
  'date',
  'from',
  'to',
  'days',
  'match',
  'path',
]);

function unescapePointer(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The field key for one JSON pointer such as `/criteria/0/languages/2`. */
export function fieldKeyOf(pointer: string): string {
  const tokens = pointer.split('/').slice(1).map(unescapePointer);
  const [head, index, field] = tokens;

  if (head === 'name' || head === 'match') return head;
  if (head !== 'criteria') return 'form';
  if (index === undefined || !/^\d+$/.test(index)) return 'criteria';
  if (field === undefined || !CRITERION_FIELDS.has(field)) return `criteria.${index}`;

  return `criteria.${index}.${field}`;
}

/** Groups the API's error details by the form field each concerns. */
export function fieldErrorsFrom(details: ErrorDetail[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const detail of details) {
    const key = fieldKeyOf(detail.path);
    (errors[key] ??= []).push(detail.message);
  }

  return errors;
}

/** Removes the errors of one field (and, for a criterion, of its fields) once it is edited. */
export function clearFieldErrors(errors: FieldErrors, key: string): FieldErrors {
  const next: FieldErrors = {};
  for (const [field, messages] of Object.entries(errors)) {
    if (field !== key && !field.startsWith(`${key}.`)) next[field] = messages;
  }

  return next;
}

/** Keeps criterion errors beside the right criterion after one above it is removed. */
export function shiftCriterionErrors(errors: FieldErrors, removed: number): FieldErrors {
  const next: FieldErrors = {};
  for (const [field, messages] of Object.entries(errors)) {
    const match = /^criteria\.(\d+)(\..*)?$/.exec(field);
    const index = match ? Number(match[1]) : -1;
    if (index === removed) continue;

    const key = index > removed ? `criteria.${index - 1}${match?.[2] ?? ''}` : field;
    next[key] = messages;
  }

  return next;
}
