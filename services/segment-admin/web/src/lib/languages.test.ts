import { COMMON_LANGUAGES, LANGUAGES, primaryLanguage, searchLanguages } from './languages';

test('offers every ISO 639-1 code once, upper-cased', () => {
  const codes = LANGUAGES.map((language) => language.code);

  expect(codes.length).toBe(183);
  expect(new Set(codes).size).toBe(codes.length);
  expect(codes.every((code) => /^[A-Z]{2}$/.test(code))).toBeTruthy();
});

test('compares by primary subtag', () => {
  expect(primaryLanguage('fr-FR')).toBe('FR');
  expect(primaryLanguage('es_MX')).toBe('ES');
});

test('finds a language by code first, then by name', () => {
  const [first] = searchLanguages('fr');
  expect(first?.code).toBe('FR');
  expect(searchLanguages('french').some((language) => language.code === 'FR')).toBeTruthy();
});

test('the common languages are real entries with names', () => {
  expect(COMMON_LANGUAGES.map((language) => language.code)).toContain('EN');
  expect(COMMON_LANGUAGES.every((language) => language.name !== language.code)).toBe(true);
});
