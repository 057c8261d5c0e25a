import { compileSegment } from './compile';
import type { SegmentDefinition } from './definition';

const definition: SegmentDefinition = {
  name: 'n',
  match: 'any',
  criteria: [
    { type: 'device_language', operator: 'not_contains', languages: ['fr-FR', 'es_MX'] },
    { type: 'page_visited', operator: 'visited', match: 'equals', path: 'cart/?x' },
    { type: 'page_visited', operator: 'visited', match: 'starts_with', path: 'shop/' },
    { type: 'page_visited', operator: 'visited', match: 'ends_with', path: 'done/' },
    { type: 'page_visited', operator: 'visited', match: 'contains', path: 'a?b' },
    { type: 'app_sessions', operator: 'between', from: '1970-01-02', to: '1970-01-03' },
  ],
};

describe('compileSegment', () => {
  it('normalises languages, equals and starts_with paths, and turns dates into days', () => {
    const compiled = compileSegment('s', 3, definition);
    expect(compiled).toMatchObject({ id: 's', version: 3, matchAll: false, definition });
    expect(compiled.criteria).toEqual([
      { kind: 'language', negate: true, codes: new Set(['FR', 'ES']) },
      { kind: 'path', negate: false, match: 'equals', pattern: '/cart' },
      { kind: 'path', negate: false, match: 'starts_with', pattern: '/shop' },
      { kind: 'path', negate: false, match: 'ends_with', pattern: 'done/' },
      { kind: 'path', negate: false, match: 'contains', pattern: 'a?b' },
      { kind: 'between', from: 1, to: 2 },
    ]);
  });

  it('refuses an invalid definition with every problem in details', () => {
    const bad = { ...definition, criteria: [{ type: 'app_sessions', operator: 'x' }] };
    expect(() => compileSegment('s', 1, bad as unknown as SegmentDefinition)).toThrow(
      expect.objectContaining({
        code: 'invalid_definition',
        details: [{ path: '/criteria/0/operator', message: expect.any(String) }],
      }),
    );
  });
});
