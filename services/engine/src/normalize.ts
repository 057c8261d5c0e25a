import { EngineError } from './errors';

// Primary subtag of 2 to 8 letters, then optional subtags; `_` is accepted because Android
// and Java locales (`en_US`) use it.
const LANGUAGE_SHAPE = /^([A-Za-z]{2,8})(?:[-_][A-Za-z0-9]{1,8})*$/;

/**
 * A language code reduced to its upper-case primary subtag: `fr-FR`, `FR` and `fr` are `FR`.
 * @throws EngineError `invalid_language` when the value has no 2 to 8 letter primary subtag.
 */
export function normalizeLanguage(code: string): string {
  const parts = LANGUAGE_SHAPE.exec(code);
  if (!parts?.[1]) {
    throw new EngineError(
      'invalid_language',
      `"${code.slice(0, 40)}" is not a language code such as EN, fr or es-MX`,
    );
  }

  return parts[1].toUpperCase();
}

/** True when `code` would be accepted by {@link normalizeLanguage}. */
export function isLanguageCode(code: string): boolean {
  return LANGUAGE_SHAPE.test(code);
}

/**
 * A page path as the contract stores it: query and fragment removed, a leading `/` added when
 * missing, trailing `/` removed except from `/` itself. Every trailing slash goes (not only the
 * last one) so that normalising twice gives the same path as normalising once.
 */
export function normalizePath(path: string): string {
  let end = path.length;
  const query = path.indexOf('?');
  const fragment = path.indexOf('#');
  if (query >= 0) end = query;
  if (fragment >= 0 && fragment < end) end = fragment;

  let result = path.slice(0, end);
  if (!result.startsWith('/')) result = `/${result}`;
  while (result.length > 1 && result.endsWith('/')) result = result.slice(0, -1);

  return result;
}
