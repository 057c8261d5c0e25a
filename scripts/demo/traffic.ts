/**
 * Simulated mobile SDK traffic for the demo: a population of users with a language, a habit
 * (how often they open the app) and a taste for some pages, sending app sessions and page views
 * through the collector like real phones would. Deterministic for a given seed, so a demo looks
 * the same on every machine.
 */

import { prng } from '../../services/engine/src/testing/prng';

const DAY_MS = 86_400_000;

/** Deterministic random numbers: the same seed gives the same demo on every machine. */
export const seededRandom = prng;

const LANGUAGES = [
  ['en-US', 40],
  ['en-GB', 10],
  ['fr-FR', 15],
  ['es-ES', 10],
  ['es-MX', 5],
  ['de-DE', 10],
  ['pt-BR', 5],
  ['it-IT', 5],
] as const;

const PAGES = ['/', '/shop', '/cart', '/summer-sale', '/checkout', '/checkout/done', '/account'];

/** One event as the collector takes it. */
export interface DemoEvent {
  type: 'app_session' | 'page_view';
  userId: string;
  timestamp: number;
  language?: string;
  path?: string;
}

interface DemoUser {
  userId: string;
  language: string;
  /** Mean days between two sessions; large values make the "inactive" users of the demo. */
  daysBetweenSessions: number;
  buysOften: boolean;
}

function pickWeighted(random: () => number): string {
  const total = LANGUAGES.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [language, weight] of LANGUAGES) {
    roll -= weight;
    if (roll < 0) return language;
  }
  return LANGUAGES[0][0];
}

/** The demo's users: `count` of them, with ids `demo-user-0` onwards. */
export function createUsers(count: number, random: () => number): DemoUser[] {
  return Array.from({ length: count }, (_, index) => ({
    userId: `demo-user-${index}`,
    language: pickWeighted(random),
    daysBetweenSessions: random() < 0.3 ? 10 + random() * 20 : 0.5 + random() * 4,
    buysOften: random() < 0.35,
  }));
}

/** One visit: a session, then a few page views that may end in a purchase. */
export function visit(user: DemoUser, at: number, random: () => number): DemoEvent[] {
  const events: DemoEvent[] = [
    { type: 'app_session', userId: user.userId, timestamp: at, language: user.language },
  ];
  const views = 1 + Math.floor(random() * 4);
  for (let step = 1; step <= views; step += 1) {
    events.push({
      type: 'page_view',
      userId: user.userId,
      timestamp: at + step * 20_000,
      path: pickPage(user, random),
    });
  }
  return events;
}

function pickPage(user: DemoUser, random: () => number): string {
  const roll = random();
  if (roll < 0.25) return `/product/${1 + Math.floor(random() * 200)}`;
  if (roll < 0.35 && user.buysOften) return '/checkout/done';
  return PAGES[Math.floor(random() * PAGES.length)] ?? '/';
}

/** Past visits of every user over the last `days` days, following each user's habit. */
export function history(users: DemoUser[], now: number, days: number, random: () => number) {
  const events: DemoEvent[] = [];
  for (const user of users) {
    let at = now - random() * user.daysBetweenSessions * DAY_MS;
    while (at > now - days * DAY_MS) {
      events.push(...visit(user, Math.floor(at), random));
      at -= (0.5 + random()) * user.daysBetweenSessions * DAY_MS;
    }
  }
  return events.filter((event) => event.timestamp <= now);
}
