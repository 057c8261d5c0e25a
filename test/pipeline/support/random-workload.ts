import { DAY_MS, type SegmentDefinition, type UserEvent } from '@audience/engine';
import fc from 'fast-check';
import {
  BASE_TIME,
  LANGUAGE_SAMPLES,
  arbDefinition,
  arbRawPath,
} from '../../../services/engine/src/testing/oracle';
import { prng } from '../../../services/engine/src/testing/prng';

const HOUR_MS = 3_600_000;

export interface Workload {
  definitions: SegmentDefinition[];
  events: UserEvent[];
}

export interface WorkloadOptions {
  seed: number;
  users: number;
  events: number;
  segments: number;
  /** The time the events are produced at; recent sessions sit whole hours before it. */
  now: number;
}

/**
 * Random definitions (the engine's generators) and events over a few hundred users. Session
 * times are either around the generators' base day (date criteria) or a whole number of days
 * plus 1 to 22 hours before `now` (window criteria), so no window boundary falls within the
 * next hour and the expected membership does not move while a test runs. About one event in
 * twenty is an exact repeat of an earlier one, as a redelivery would be.
 */
export function randomWorkload(options: WorkloadOptions): Workload {
  const random = prng(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const definitions = fc
    .sample(arbDefinition(3), { seed: options.seed, numRuns: options.segments })
    .map((definition, index) => ({ ...definition, name: `segment ${index}` }));
  const paths = fc
    .sample(arbRawPath(), { seed: options.seed, numRuns: 200 })
    .filter((path) => path.length > 0);

  const events: UserEvent[] = [];
  for (let index = 0; index < options.events; index += 1) {
    if (events.length > 0 && random() < 0.05) {
      events.push(pick(events));
      continue;
    }
    const userId = `u-${Math.floor(random() * options.users)}`;
    const eventId = `e-${options.seed}-${index}`;
    const timestamp =
      random() < 0.5
        ? BASE_TIME + Math.floor((random() * 16 - 8) * DAY_MS)
        : options.now -
          Math.floor(random() * 12) * DAY_MS -
          (1 + Math.floor(random() * 22)) * HOUR_MS;
    const language = random() < 0.4 ? pick(LANGUAGE_SAMPLES) : undefined;
    const base = { userId, eventId, timestamp, ...(language ? { language } : {}) };
    events.push(
      random() < 0.5
        ? { type: 'app_session', ...base }
        : { type: 'page_view', ...base, path: pick(paths) },
    );
  }
  return { definitions, events };
}
