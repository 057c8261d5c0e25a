/**
 * ISO 639-1 two-letter language codes. The contract compares languages by primary subtag, so
 * these are all the picker offers; display names come from the browser's Intl data rather than
 * a bundled table.
 */
const ISO_639_1 = (
  'aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy ' +
  'da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht ' +
  'hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky ' +
  'la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny ' +
  'oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss ' +
  'st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo ' +
  'za zh zu'
).split(' ');

export interface Language {
  /** Upper-case code, as the dashboard sends it (`FR`). */
  code: string;
  /** English display name (`French`), or the code when the browser has no name for it. */
  name: string;
}

function displayNames(): (code: string) => string {
  try {
    const names = new Intl.DisplayNames(['en'], { type: 'language' });

    return (code) => names.of(code) ?? code.toUpperCase();
  } catch {
    return (code) => code.toUpperCase();
  }
}

/** Every language the picker offers, sorted by English name. */
export const LANGUAGES: readonly Language[] = (() => {
  const nameOf = displayNames();

  return ISO_639_1.map((code) => ({ code: code.toUpperCase(), name: nameOf(code) })).sort((a, b) =>
    a.name.localeCompare(b.name),
  );
})();

/** Offered before any search, so the usual picks need neither typing nor a long list. */
const COMMON_CODES = ['EN', 'ES', 'FR', 'DE', 'PT', 'IT', 'AR', 'ZH', 'JA', 'RU', 'HI', 'KO'];

export const COMMON_LANGUAGES: readonly Language[] = COMMON_CODES.map(
  (code) => LANGUAGES.find((language) => language.code === code) ?? { code, name: code },
);

/** The primary subtag of a code, upper-cased: `fr-FR`, `FR` and `fr` are all `FR`. */
export function primaryLanguage(code: string): string {
  return (code.split(/[-_]/)[0] ?? '').toUpperCase();
}

/** Languages whose code or name contains the query, ignoring case. */
export function searchLanguages(query: string, languages = LANGUAGES): Language[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [...languages];

  const exact = languages.filter((l) => l.code.toLowerCase() === needle);
  const rest = languages.filter(
    (l) => l.code.toLowerCase() !== needle && l.name.toLowerCase().includes(needle),
  );

  return [...exact, ...rest];
}
