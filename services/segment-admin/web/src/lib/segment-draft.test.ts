import type { SegmentDefinition } from '../api/types';
import {
  definitionFromDraft,
  draftFromDefinition,
  emptyCriterion,
  emptyDraft,
  isEstimable,
} from './segment-draft';

const example: SegmentDefinition = {
  name: 'Mixed',
  match: 'any',
  criteria: [
    { type: 'device_language', operator: 'not_contains', languages: ['EN', 'fr-FR'] },
    { type: 'app_sessions', operator: 'before', date: '2026-11-01' },
    { type: 'app_sessions', operator: 'between', from: '2026-10-01', to: '2026-10-31' },
    { type: 'app_sessions', operator: 'not_within_last_days', days: 7 },
    { type: 'page_visited', operator: 'visited', match: 'ends_with', path: '/done' },
  ],
};

test('a stored definition survives a round trip through the form', () => {
  expect(definitionFromDraft(draftFromDefinition(example))).toEqual(example);
});

test('sends only the fields of the chosen type', () => {
  const criterion = { ...emptyCriterion(), type: 'app_sessions' as const, date: '2026-01-01' };
  const definition = definitionFromDraft({ name: ' A ', match: 'all', criteria: [criterion] });

  expect(definition).toEqual({
    name: 'A',
    match: 'all',
    criteria: [{ type: 'app_sessions', operator: 'within_last_days', days: 7 }],
  });
});

test('leaves a days value that is not a whole number for the API to reject', () => {
  const criterion = { ...emptyCriterion(), type: 'app_sessions' as const, days: '2.5' };
  const [sent] = definitionFromDraft({ name: 'x', match: 'all', criteria: [criterion] }).criteria;

  expect(sent).toEqual({ type: 'app_sessions', operator: 'within_last_days', days: '2.5' });
});

test('asks for an estimate only when every criterion is filled in', () => {
  const draft = emptyDraft();
  expect(isEstimable(draft)).toBe(false);

  const page = { ...emptyCriterion(), type: 'page_visited' as const, path: '/cart' };
  expect(isEstimable({ ...draft, criteria: [page] })).toBe(true);
  expect(isEstimable({ ...draft, criteria: [page, emptyCriterion()] })).toBe(false);
});
