import { clearFieldErrors, fieldErrorsFrom, fieldKeyOf, shiftCriterionErrors } from './error-paths';

test('maps JSON pointers to the form field they concern', () => {
  expect(fieldKeyOf('/name')).toBe('name');
  expect(fieldKeyOf('/criteria/0/days')).toBe('criteria.0.days');
  expect(fieldKeyOf('/criteria/3/languages/2')).toBe('criteria.3.languages');
  expect(fieldKeyOf('/criteria/1')).toBe('criteria.1');
  expect(fieldKeyOf('/criteria/1/unknownField')).toBe('criteria.1');
  expect(fieldKeyOf('/criteria')).toBe('criteria');
  expect(fieldKeyOf('')).toBe('form');
  expect(fieldKeyOf('/somethingElse')).toBe('form');
});

test('groups several messages for one field', () => {
  const errors = fieldErrorsFrom([
    { path: '/criteria/0/from', message: 'must not be after to' },
    { path: '/criteria/0/from', message: 'must be a date' },
    { path: '/name', message: 'required' },
  ]);

  expect(errors).toEqual({
    'criteria.0.from': ['must not be after to', 'must be a date'],
    name: ['required'],
  });
});

test('clears a criterion with all its fields, and nothing else', () => {
  const errors = { 'criteria.1': ['a'], 'criteria.1.days': ['b'], 'criteria.10.days': ['c'] };

  expect(clearFieldErrors(errors, 'criteria.1')).toEqual({ 'criteria.10.days': ['c'] });
});

test('moves errors of later criteria up when one is removed', () => {
  const errors = {
    name: ['n'],
    'criteria.0.path': ['p'],
    'criteria.1': ['x'],
    'criteria.2.days': ['d'],
  };

  expect(shiftCriterionErrors(errors, 1)).toEqual({
    name: ['n'],
    'criteria.0.path': ['p'],
    'criteria.1.days': ['d'],
  });
});
