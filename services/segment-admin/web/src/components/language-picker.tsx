import { useDeferredValue, useMemo, useState } from 'react';
import {
  COMMON_LANGUAGES,
  LANGUAGES,
  primaryLanguage,
  searchLanguages,
  type Language,
} from '../lib/languages';

/** The contract accepts at most 50 languages in one criterion. */
const MAX_LANGUAGES = 50;

interface LanguagePickerProps {
  id: string;
  selected: string[];
  onChange: (languages: string[]) => void;
  describedBy?: string;
  invalid?: boolean;
}

/**
 * Several ISO 639-1 languages picked from a searchable list. A filtered list of checkboxes is
 * used rather than a custom combobox: every browser and screen reader already knows how to
 * operate it, and it needs no focus management. Before a search only the common languages are
 * listed, so tabbing past the list does not mean 183 stops.
 */
export function LanguagePicker({
  id,
  selected,
  onChange,
  describedBy,
  invalid,
}: LanguagePickerProps) {
  const [query, setQuery] = useState('');
  const [showAll, setShowAll] = useState(false);
  const deferredQuery = useDeferredValue(query);
  const matches = useMemo(() => listed(deferredQuery, showAll), [deferredQuery, showAll]);
  const chosen = new Set(selected.map(primaryLanguage));
  const full = selected.length >= MAX_LANGUAGES;

  const toggle = (code: string, on: boolean) => {
    const rest = selected.filter((value) => primaryLanguage(value) !== code);
    onChange(on ? [...rest, code] : rest);
  };

  return (
    <div className="language-picker" data-testid="language-picker">
      <SelectedLanguages selected={selected} onRemove={(code) => toggle(code, false)} />
      <input
        id={id}
        type="search"
        placeholder="Search languages, e.g. French or FR"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        aria-controls={`${id}-list`}
        aria-describedby={describedBy}
        aria-invalid={invalid ? true : undefined}
        autoComplete="off"
      />
      <ul id={`${id}-list`} className="language-list" aria-label="Language options">
        {matches.map((language) => (
          <li key={language.code}>
            <label>
              <input
                type="checkbox"
                checked={chosen.has(language.code)}
                disabled={full && !chosen.has(language.code)}
                onChange={(event) => toggle(language.code, event.target.checked)}
              />
              {language.name} ({language.code})
            </label>
          </li>
        ))}
        {matches.length === 0 && <li className="muted">No language matches “{query}”.</li>}
      </ul>
      {!query.trim() && (
        <button
          type="button"
          className="button small subtle"
          aria-controls={`${id}-list`}
          aria-expanded={showAll}
          onClick={() => setShowAll((all) => !all)}
        >
          {showAll ? 'Show common languages only' : `Show all ${LANGUAGES.length} languages`}
        </button>
      )}
    </div>
  );
}

function listed(query: string, showAll: boolean): readonly Language[] {
  if (query.trim()) return searchLanguages(query);

  return showAll ? LANGUAGES : COMMON_LANGUAGES;
}

interface SelectedLanguagesProps {
  selected: string[];
  onRemove: (code: string) => void;
}

function SelectedLanguages({ selected, onRemove }: SelectedLanguagesProps) {
  if (selected.length === 0) return <p className="muted">No language selected yet.</p>;

  const names = new Map(LANGUAGES.map((language) => [language.code, language.name]));

  return (
    <ul className="chips" aria-label="Selected languages">
      {selected.map((value) => {
        const code = primaryLanguage(value);

        return (
          <li key={value} className="chip">
            <span title={names.get(code)}>{value.toUpperCase()}</span>
            <button
              type="button"
              onClick={() => onRemove(code)}
              aria-label={`Remove ${names.get(code) ?? value} (${value.toUpperCase()})`}
            >
              ×
            </button>
          </li>
        );
      })}
    </ul>
  );
}
