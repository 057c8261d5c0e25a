// fast-check generators for definitions and events, shared by the engine's property tests and
// the integration tests in test/. Values are drawn from small vocabularies around one base
// day so that collisions (same path, same day, exactly N x 24 h) happen often.
import fc from 'fast-check';
import type { Criterion, SegmentDefinition } from '../definition';
import type { PageViewEvent, SessionEvent, UserEvent } from '../event';

const DAY = 86_400_000;

/** 2026-01-10T00:00:00Z: the middle of every generated time. */
export const BASE_TIME = Date.UTC(2026, 0, 10);

/** Languages as SDKs send them, several spellings of the same primary subtag. */
export const LANGUAGE_SAMPLES = ['en', 'EN', 'en-US', 'fr', 'fr-FR', 'de', 'es-MX', 'pt_BR'];

const PATH_WORDS = ['', 'a', 'b', 'cart', 'ca', 'A', 'art'];
const PATTERN_SAMPLES = ['/', '/a', '/cart', 'a', 'rt', '/b', 'art/', 'cart/', 'A', 'a/b', '?x'];

/** An instant within 8 days of BASE_TIME, often exactly at or next to midnight. */
export const arbTimestamp = (): fc.Arbitrary<number> =>
  fc
    .tuple(
      fc.integer({ min: -8, max: 8 }),
      fc.oneof(fc.constantFrom(0, 1, DAY - 1, DAY / 2), fc.integer({ min: 0, max: DAY - 1 })),
    )
    .map(([day, offset]) => BASE_TIME + day * DAY + offset);

/** A `now` in the same range as the event times, so windows open and close. */
export const arbNow = arbTimestamp;

/** A raw page path: optional leading or trailing slashes, query and fragment. */
export const arbRawPath = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.boolean(),
      fc.array(fc.constantFrom(...PATH_WORDS), { minLength: 0, maxLength: 3 }),
      fc.constantFrom('', '/', '?q=1', '#top', '/?a/b'),
    )
    .map(([lead, words, tail]) => (lead ? '/' : '') + words.join('/') + tail);

const arbDate = (): fc.Arbitrary<string> =>
  fc
    .integer({ min: -9, max: 9 })
    .map((day) => new Date(BASE_TIME + day * DAY).toISOString().slice(0, 10));

/** One valid criterion of any type and operator. */
export const arbCriterion = (): fc.Arbitrary<Criterion> =>
  fc.oneof(
    fc.record({
      type: fc.constant('device_language' as const),
      operator: fc.constantFrom('contains' as const, 'not_contains' as const),
      languages: fc.array(fc.constantFrom(...LANGUAGE_SAMPLES), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({
      type: fc.constant('app_sessions' as const),
      operator: fc.constantFrom('before' as const, 'after' as const),
      date: arbDate(),
    }),
    fc.tuple(arbDate(), arbDate()).map(([a, b]) => ({
      type: 'app_sessions' as const,
      operator: 'between' as const,
      from: a < b ? a : b,
      to: a < b ? b : a,
    })),
    fc.record({
      type: fc.constant('app_sessions' as const),
      operator: fc.constantFrom('within_last_days' as const, 'not_within_last_days' as const),
      days: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.constant(3650)),
    }),
    fc.record({
      type: fc.constant('page_visited' as const),
      operator: fc.constantFrom('visited' as const, 'not_visited' as const),
      match: fc.constantFrom(
        'equals' as const,
        'contains' as const,
        'starts_with' as const,
        'ends_with' as const,
      ),
      path: fc.oneof(
        fc.constantFrom(...PATTERN_SAMPLES),
        arbRawPath().filter((p) => p !== ''),
      ),
    }),
  );

/** A valid segment definition with 1 to `maxCriteria` criteria. */
export const arbDefinition = (maxCriteria = 4): fc.Arbitrary<SegmentDefinition> =>
  fc.record({
    name: fc.constant('generated'),
    match: fc.constantFrom('all' as const, 'any' as const),
    criteria: fc.array(arbCriterion(), { minLength: 1, maxLength: maxCriteria }),
  });

const arbLanguage = () => fc.option(fc.constantFrom(...LANGUAGE_SAMPLES), { nil: undefined });

const arbEventBody = () =>
  fc.oneof(
    fc.record({ type: fc.constant('app_session' as const) }),
    fc.record({ type: fc.constant('page_view' as const), path: arbRawPath() }),
  );

/** Options of {@link arbUserEvents}. */
export interface UserEventsOptions {
  userId?: string;
  maxLength?: number;
  /** Prefix of every eventId, to keep ids distinct across lists that are merged later. */
  idPrefix?: string;
}

/**
 * Events of one user, each with a distinct eventId (so a language tie on timestamp is always
 * decided by the ids, whose order is random too).
 */
export const arbUserEvents = (options: UserEventsOptions = {}): fc.Arbitrary<UserEvent[]> => {
  const { userId = 'u-1', maxLength = 8, idPrefix = '' } = options;
  const row = fc.tuple(arbEventBody(), arbTimestamp(), arbLanguage(), fc.nat(99));

  return fc.array(row, { maxLength }).map((rows) =>
    rows.map(([body, timestamp, language, seed], index): UserEvent => {
      const eventId = `${idPrefix}${seed}-${index}`;
      const event = { ...body, userId, eventId, timestamp };
      if (language !== undefined) Object.assign(event, { language });

      return event as SessionEvent | PageViewEvent;
    }),
  );
};
