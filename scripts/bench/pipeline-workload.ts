import { DAY_MS, type SegmentDefinition, type UserEvent } from '@audience/engine';
import fc from 'fast-check';
import { arbDefinition } from '../../services/engine/src/testing/oracle';

/** A small deterministic PRNG (mulberry32): the same seed gives the same workload. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const LANGUAGES = ['en', 'en-US', 'fr-FR', 'de', 'es-MX', 'pt_BR', 'it', 'ja'];
const PATH_WORDS = ['home', 'cart', 'product', 'checkout', 'search', 'account', 'help', 'a'];

/** `segments` random definitions of every criterion type (the engine's generators). */
export function benchDefinitions(segments: number, seed: number): SegmentDefinition[] {
  return fc
    .sample(arbDefinition(3), { seed, numRuns: segments })
    .map((definition, index) => ({ ...definition, name: `bench segment ${index}` }));
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
