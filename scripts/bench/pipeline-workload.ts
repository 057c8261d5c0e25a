import { DAY_MS, type SegmentDefinition, type UserEvent } from '@audience/engine';
import type { Criterion } from '@audience/engine';
import { prng } from '../../services/engine/src/testing/prng';

const LANGUAGES = ['en', 'en-US', 'fr-FR', 'de', 'es-MX', 'pt_BR', 'it', 'ja'];
const PATH_WORDS = ['home', 'cart', 'product', 'checkout', 'search', 'account', 'help', 'a'];

/**
 * `segments` definitions of every criterion type, each selective like real ones (a language,
 * a page, a recent window, usually combined): a user of this workload is in a few percent of
 * them, not in half, so the figures measure the pipeline and not a flood of changes.
 */
export function benchDefinitions(segments: number, seed: number, now: number): SegmentDefinition[] {
  const random = prng(seed);
  const pickOf = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const language = (): Criterion => ({
    type: 'device_language',
    operator: 'contains',
    languages: [pickOf(LANGUAGES)],
  });
  const page = (match: 'equals' | 'starts_with' | 'ends_with' | 'contains'): Criterion => ({
    type: 'page_visited',
    operator: 'visited',
    match,
    path: `/${pickOf(PATH_WORDS)}/${Math.floor(random() * 50)}`,
  });
  const days = () => 1 + Math.floor(random() * 20);
  const date = () => new Date(now - days() * DAY_MS).toISOString().slice(0, 10);
  const shapes: (() => Pick<SegmentDefinition, 'match' | 'criteria'>)[] = [
    () => ({ match: 'all', criteria: [language()] }),
    () => ({ match: 'all', criteria: [page('equals')] }),
    () => ({ match: 'all', criteria: [page('starts_with'), language()] }),
    () => ({
      match: 'all',
      criteria: [{ type: 'app_sessions', operator: 'within_last_days', days: days() }, language()],
    }),
    () => ({
      match: 'all',
      criteria: [
        { type: 'app_sessions', operator: 'not_within_last_days', days: days() },
        page('ends_with'),
      ],
    }),
    () => ({
      match: 'all',
      criteria: [{ type: 'app_sessions', operator: 'after', date: date() }, page('contains')],
    }),
    () => ({
      match: 'all',
      criteria: [
        language(),
        { type: 'page_visited', operator: 'not_visited', match: 'starts_with', path: '/checkout' },
      ],
    }),
    () => ({ match: 'any', criteria: [page('equals'), page('equals')] }),
  ];
  return Array.from({ length: segments }, (_, index) => ({
    name: `bench segment ${index}`,
    ...(shapes[index % shapes.length] as () => Pick<SegmentDefinition, 'match' | 'criteria'>)(),
  }));
}

/**
 * Events over `users` users: half sessions, half page views, times over the last 30 days,
 * a language on a third of them, paths from a small vocabulary with ids.
 */
export function* benchEvents(
  count: number,
  users: number,
  seed: number,
  now: number,
): Generator<UserEvent> {
  const random = prng(seed);
  for (let index = 0; index < count; index += 1) {
    const userId = `u-${Math.floor(random() * users)}`;
    const eventId = `b-${seed}-${index}`;
    const timestamp = now - Math.floor(random() * 30 * DAY_MS);
    const language =
      random() < 0.33 ? LANGUAGES[Math.floor(random() * LANGUAGES.length)] : undefined;
    const base = { userId, eventId, timestamp, ...(language ? { language } : {}) };
    if (random() < 0.5) {
      yield { type: 'app_session', ...base };
    } else {
      const word = PATH_WORDS[Math.floor(random() * PATH_WORDS.length)];
      const path = `/${word}/${Math.floor(random() * 50)}`;
      yield { type: 'page_view', ...base, path };
    }
  }
}
