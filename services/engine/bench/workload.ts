// Deterministic segments and events for the engine benchmark: a seeded generator, so every
// run measures the same work.
import type { Criterion, SegmentDefinition, UserEvent } from '../src';

const DAY = 86_400_000;

/** 2026-11-30T12:00:00Z: the benchmark's "now". */
export const NOW = Date.UTC(2026, 10, 30, 12);

/** mulberry32: a small seeded PRNG, enough for workload shapes. */
export function random(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;

    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Rng = () => number;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)]!;
const LANGUAGES = ['en', 'fr', 'de', 'es', 'pt', 'it', 'nl', 'ja', 'ko', 'zh', 'ru', 'pl'];

// Pattern id spaces are wide, so most of the path patterns of 10,000 segments are distinct.
function pathCriterion(rng: Rng): Criterion {
  const operator = rng() < 0.85 ? 'visited' : 'not_visited';
  const n = int(rng, 50_000);
  switch (int(rng, 4)) {
    case 0:
      return { type: 'page_visited', operator, match: 'equals', path: `/product/${n}` };
    case 1:
      return { type: 'page_visited', operator, match: 'starts_with', path: `/category/${n}/` };
    case 2:
      return { type: 'page_visited', operator, match: 'ends_with', path: `/${n}/reviews` };
    default:
      return { type: 'page_visited', operator, match: 'contains', path: `promo-${n}-` };
  }
}

function dateOf(daysAgo: number): string {
  return new Date(NOW - daysAgo * DAY).toISOString().slice(0, 10);
}

function sessionCriterion(rng: Rng): Criterion {
  const kind = int(rng, 5);
  if (kind === 0) return { type: 'app_sessions', operator: 'before', date: dateOf(int(rng, 700)) };
  if (kind === 1) return { type: 'app_sessions', operator: 'after', date: dateOf(int(rng, 700)) };
  if (kind === 2) {
    const from = 30 + int(rng, 700);

    return { type: 'app_sessions', operator: 'between', from: dateOf(from), to: dateOf(from - 30) };
  }
  const operator = rng() < 0.8 ? 'within_last_days' : 'not_within_last_days';

  return { type: 'app_sessions', operator, days: 1 + int(rng, 365) };
}

function languageCriterion(rng: Rng): Criterion {
  const operator = rng() < 0.85 ? 'contains' : 'not_contains';

  return { type: 'device_language', operator, languages: [pick(rng, LANGUAGES)] };
}

function criterion(rng: Rng): Criterion {
  const roll = rng();
  if (roll < 0.6) return pathCriterion(rng);
  if (roll < 0.85) return sessionCriterion(rng);

  return languageCriterion(rng);
}

/** `count` definitions of mixed criteria, 1 to 3 each, mostly `match: all`. */
export function definitions(count: number, seed = 1): SegmentDefinition[] {
  const rng = random(seed);

  return Array.from({ length: count }, (_, i) => ({
    name: `segment ${i}`,
    match: rng() < 0.75 ? 'all' : 'any',
    criteria: Array.from({ length: 1 + int(rng, 3) }, () => criterion(rng)),
  }));
}

function pagePath(rng: Rng): string {
  const n = int(rng, 50_000);
  switch (int(rng, 6)) {
    case 0:
      return `/product/${n}`;
    case 1:
      return `/category/${n}/item/${int(rng, 100)}`;
    case 2:
      return `/blog/${n}/reviews`;
    case 3:
      return `/landing/promo-${n}-winter?utm=mail`;
    case 4:
      return '/cart';
    default:
      return `/search/${n}`;
  }
}

/** A user's device language: fixed per user, as a phone's setting is. */
function languageOf(userId: string): string {
  let hash = 0;
  for (let i = 0; i < userId.length; i++) hash = (hash * 31 + userId.charCodeAt(i)) >>> 0;

  return LANGUAGES[hash % LANGUAGES.length]!;
}

/**
 * Events of existing users in the last 10 minutes: 1 session for 8 page views, the SDK sending
 * the device language on each session; 1 event in 1,000 is a switch to another language.
 */
export function events(count: number, users: number, seed = 2): UserEvent[] {
  const rng = random(seed);

  return Array.from({ length: count }, (_, i): UserEvent => {
    const userId = `u-${int(rng, users)}`;
    const base = { userId, eventId: `e-${i}`, timestamp: NOW - int(rng, 600_000) };
    if (rng() < 0.001) return { ...base, type: 'app_session', language: pick(rng, LANGUAGES) };
    if (rng() < 1 / 9) return { ...base, type: 'app_session', language: languageOf(userId) };

    return { ...base, type: 'page_view', path: pagePath(rng) };
  });
}

/** When a user's last session was: mostly within a day, some a week or two months ago. */
function lastSeen(rng: Rng): number {
  const roll = rng();
  if (roll < 0.6) return NOW - 600_000 - int(rng, DAY);
  if (roll < 0.85) return NOW - DAY - int(rng, 6 * DAY);

  return NOW - 7 * DAY - int(rng, 53 * DAY);
}

/** Past sessions and page views per user, so that events meet users who already exist. */
export function history(users: number, seed = 3): UserEvent[] {
  const rng = random(seed);
  const out: UserEvent[] = [];
  for (let u = 0; u < users; u++) {
    const userId = `u-${u}`;
    const language = languageOf(userId);
    const last = lastSeen(rng);
    for (let k = 0; k < 4; k++) {
      const timestamp = k === 0 ? last : last - int(rng, 90) * DAY;
      const eventId = `h-${u}-${k}`;
      out.push({ type: 'app_session', userId, eventId, timestamp, language });
      out.push({
        type: 'page_view',
        userId,
        eventId: `${eventId}p`,
        timestamp,
        path: pagePath(rng),
      });
    }
  }

  return out;
}
