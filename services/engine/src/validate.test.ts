import { SegmentDefinitionSchema } from './definition';
import { validateDefinition } from './validate';

const example = {
  name: 'Cart Abandoners - English',
  match: 'all',
  criteria: [
    { type: 'device_language', operator: 'contains', languages: ['EN'] },
    { type: 'page_visited', operator: 'visited', match: 'starts_with', path: '/cart' },
    { type: 'page_visited', operator: 'not_visited', match: 'equals', path: '/checkout/done' },
    { type: 'app_sessions', operator: 'between', from: '2024-02-29', to: '2024-02-29' },
    { type: 'app_sessions', operator: 'within_last_days', days: 3650 },
  ],
};

function problems(input: unknown) {
  const result = validateDefinition(input);
  if (result.ok) throw new Error('expected the definition to be rejected');

  return result.problems;
}

function withCriterion(criterion: unknown) {
  return { name: 'n', match: 'any', criteria: [criterion] };
}

describe('validateDefinition', () => {
  it('accepts the contract example and returns it', () => {
    expect(validateDefinition(example)).toEqual({ ok: true, definition: example });
  });

  it('reports every problem at once, each with a JSON pointer', () => {
    const input = {
      name: '',
      match: 'some',
      extra: 1,
      criteria: [
        { type: 'app_sessions', operator: 'within_last_days', days: 0 },
        { type: 'page_visited', operator: 'visited', match: 'like', path: '' },
        { type: 'nope' },
      ],
    };
    expect(problems(input)).toEqual([
      { path: '/extra', message: 'extra is not a known field; remove it' },
      { path: '/name', message: 'name must be 1 to 200 characters' },
      { path: '/match', message: 'match must be all or any' },
      { path: '/criteria/0/days', message: 'days must be a whole number from 1 to 3650' },
      {
        path: '/criteria/1/match',
        message: 'match must be one of equals, contains, starts_with, ends_with',
      },
      { path: '/criteria/1/path', message: 'path must be 1 to 2048 characters' },
      {
        path: '/criteria/2/type',
        message: 'type must be one of device_language, app_sessions, page_visited',
      },
    ]);
  });

  it.each([
    [{ type: 'app_sessions', operator: 'within_last_days', days: 1.5 }, '/criteria/0/days'],
    [{ type: 'app_sessions', operator: 'within_last_days', days: 3651 }, '/criteria/0/days'],
    [{ type: 'app_sessions', operator: 'within_last_days', days: '7' }, '/criteria/0/days'],
    [{ type: 'app_sessions', operator: 'before', date: '2025-02-29' }, '/criteria/0/date'],
    [{ type: 'app_sessions', operator: 'after', date: '2025-13-01' }, '/criteria/0/date'],
    [{ type: 'app_sessions', operator: 'after', date: '2025-1-01' }, '/criteria/0/date'],
    [
      { type: 'app_sessions', operator: 'between', from: '2025-02-02', to: '2025-02-01' },
      '/criteria/0/to',
    ],
    [{ type: 'app_sessions', operator: 'between', from: '2025-02-02' }, '/criteria/0/to'],
    [{ type: 'app_sessions', operator: 'during', days: 3 }, '/criteria/0/operator'],
    [{ type: 'app_sessions', operator: 'before', date: '2025-01-01', days: 3 }, '/criteria/0/days'],
    [{ type: 'device_language', operator: 'contains', languages: [] }, '/criteria/0/languages'],
    [
      { type: 'device_language', operator: 'contains', languages: ['e'] },
      '/criteria/0/languages/0',
    ],
    [
      { type: 'page_visited', operator: 'visited', match: 'equals', path: 'p'.repeat(2049) },
      '/criteria/0/path',
    ],
    ['not an object', '/criteria/0'],
  ])('rejects %j at %s', (criterion, path) => {
    expect(problems(withCriterion(criterion)).map((problem) => problem.path)).toEqual([path]);
  });

  it('enforces the counts of the contract', () => {
    const fifty = Array.from({ length: 50 }, () => 'en');
    const language = { type: 'device_language', operator: 'contains', languages: fifty };
    expect(validateDefinition(withCriterion(language)).ok).toBe(true);
    language.languages = [...fifty, 'fr'];
    expect(problems(withCriterion(language))[0]?.path).toBe('/criteria/0/languages');

    const criteria = Array.from({ length: 21 }, () => example.criteria[0]);
    expect(problems({ name: 'n', match: 'all', criteria })[0]?.path).toBe('/criteria');
    expect(problems({ name: 'n', match: 'all', criteria: [] })[0]?.path).toBe('/criteria');
    expect(problems({ ...example, name: 'n'.repeat(201) })[0]?.path).toBe('/name');
  });

  it('names missing fields and rejects what is not an object', () => {
    expect(problems({})).toEqual([
      { path: '/name', message: 'name is required' },
      { path: '/match', message: 'match is required' },
      { path: '/criteria', message: 'criteria is required' },
    ]);
    expect(problems([1])).toEqual([{ path: '', message: 'a definition must be a JSON object' }]);
  });

  it('exposes the schema as plain JSON Schema', () => {
    const schema = JSON.parse(JSON.stringify(SegmentDefinitionSchema));
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.criteria.items.anyOf).toHaveLength(5);
  });
});
