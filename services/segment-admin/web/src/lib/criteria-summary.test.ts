import { describeCriterion, summarizeCriteria } from './criteria-summary';

test('summarizes the cart abandoners example in the words of the Segments page', () => {
  const summary = summarizeCriteria({
    criteria: [
      { type: 'device_language', operator: 'contains', languages: ['fr'] },
      { type: 'page_visited', operator: 'visited', match: 'starts_with', path: '/cart' },
    ],
  });

  expect(summary).toBe('Language is FR · Visited a page starting with /cart');
});

test('names several languages and negations readably', () => {
  const many = { type: 'device_language', operator: 'contains', languages: ['EN', 'ES', 'FR'] };
  const none = { type: 'device_language', operator: 'not_contains', languages: ['EN', 'es'] };

  expect(describeCriterion(many as never)).toBe('Language is EN, ES or FR');
  expect(describeCriterion(none as never)).toBe('Language is neither EN nor ES');
});

test('describes every app session operator', () => {
  const phrases = [
    describeCriterion({ type: 'app_sessions', operator: 'before', date: '2026-11-01' }),
    describeCriterion({
      type: 'app_sessions',
      operator: 'between',
      from: '2026-11-01',
      to: '2026-11-30',
    }),
    describeCriterion({ type: 'app_sessions', operator: 'within_last_days', days: 1 }),
    describeCriterion({ type: 'app_sessions', operator: 'not_within_last_days', days: 7 }),
  ];

  expect(phrases).toEqual([
    'Had a session before 2026-11-01',
    'Had a session between 2026-11-01 and 2026-11-30',
    'Active in the last 1 day',
    'Inactive for 7 days',
  ]);
});

test('says "did not visit" for not_visited pages', () => {
  const criterion = {
    type: 'page_visited',
    operator: 'not_visited',
    match: 'equals',
    path: '/checkout/done',
  } as const;

  expect(describeCriterion(criterion)).toBe('Did not visit the page /checkout/done');
});
