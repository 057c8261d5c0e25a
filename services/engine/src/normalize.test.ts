import { EngineError } from './errors';
import { normalizeLanguage, normalizePath } from './normalize';

describe('normalizePath', () => {
  it.each([
    ['/product/123?ref=mail', '/product/123'],
    ['/product/123#reviews', '/product/123'],
    ['/a#frag?not-a-query', '/a'],
    ['/a?q=1#frag', '/a'],
    ['product/123', '/product/123'],
    ['/cart/', '/cart'],
    ['/cart//', '/cart'],
    ['/', '/'],
    ['//', '/'],
    ['', '/'],
    ['?only=query', '/'],
    ['/Cart', '/Cart'],
    ['/a b/ü', '/a b/ü'],
  ])('%j becomes %j', (raw, expected) => {
    expect(normalizePath(raw)).toBe(expected);
    expect(normalizePath(normalizePath(raw))).toBe(expected);
  });

  it('keeps a 2048-character path whole', () => {
    const long = '/' + 'p'.repeat(2047);
    expect(normalizePath(long)).toBe(long);
  });
});

describe('normalizeLanguage', () => {
  it.each([
    ['fr-FR', 'FR'],
    ['FR', 'FR'],
    ['fr', 'FR'],
    ['es-MX', 'ES'],
    ['pt_BR', 'PT'],
    ['zh-Hant-TW', 'ZH'],
    ['gsw', 'GSW'],
  ])('%s becomes %s', (code, expected) => {
    expect(normalizeLanguage(code)).toBe(expected);
  });

  it.each(['', 'e', '12', 'fr-', 'english-language-tag-that-is-long!', 'f1'])(
    'rejects %j with code invalid_language',
    (code) => {
      expect(() => normalizeLanguage(code)).toThrow(EngineError);
      expect(() => normalizeLanguage(code)).toThrow(
        expect.objectContaining({ code: 'invalid_language' }),
      );
    },
  );
});
