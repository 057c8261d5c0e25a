import { randomUUID } from 'node:crypto';
import { normalizeLanguage, normalizePath } from '@audience/engine';

/** The two event types of the contract. */
export type EventType = 'app_session' | 'page_view';

/** An event that passed validation, normalised, ready to be written to Kafka. */
export interface CollectedEvent {
  type: EventType;
  userId: string;
  eventId: string;
  /** Epoch milliseconds. */
  timestamp: number;
  /** Upper-case primary subtag (`FR`), absent when the event carried none. */
  language?: string;
  /** Normalised path; present exactly on `page_view`. */
  path?: string;
}

/** Why an event was rejected: `code` is stable (metrics, SDKs), `error` is for people. */
export interface EventProblem {
  code: EventRejectionCode;
  error: string;
}

export type EventRejectionCode =
  | 'not_an_object'
  | 'invalid_type'
  | 'invalid_user_id'
  | 'invalid_timestamp'
  | 'timestamp_in_future'
  | 'invalid_event_id'
  | 'invalid_language'
  | 'invalid_path';

export type EventValidation =
  { ok: true; event: CollectedEvent } | { ok: false; problem: EventProblem };

/** Limits from the contract, and the bounds the contract leaves to the collector. */
export const eventLimits = {
  maxUserIdLength: 256,
  maxPathLength: 2048,
  /** A timestamp later than now plus this is rejected (contract: 5 minutes). */
  maxFutureMs: 5 * 60_000,
  /** Not in the contract: an SDK's own ids (UUIDs, ULIDs) are far shorter. */
  maxEventIdLength: 128,
  /** Not in the contract: BCP 47 tags in practice stay under 35 characters. */
  maxLanguageLength: 64,
} as const;

// C0 and C1 control characters (DEL included), and lone surrogates: with the `u` flag a valid
// pair reads as one code point, so \p{Cs} only matches halves that cannot be encoded.
const FORBIDDEN_IN_USER_ID = /[\p{Cc}\p{Cs}]/u;

// ISO-8601 date and time with a zone (Z or an offset); seconds and fractions optional. A
// local time without zone is refused: it would mean a different instant on each phone.
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Checks one raw event against the contract and normalises it: timestamp to epoch ms,
 * language to its primary subtag, path by the contract's rules, and a UUID v4 as `eventId`
 * when the SDK sent none. Fields the contract does not name are ignored, so newer SDKs can
 * send more without being refused. The first problem found is reported.
 */
export function validateEvent(raw: unknown, now: number): EventValidation {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return reject('not_an_object', 'event must be a JSON object');
  }

  const input = raw as Record<string, unknown>;
  const type = input.type;
  if (type !== 'app_session' && type !== 'page_view') {
    return reject('invalid_type', 'type must be "app_session" or "page_view"');
  }

  return checkFields(type, input, now);
}

function checkFields(type: EventType, input: Record<string, unknown>, now: number) {
  const userId = checkUserId(input.userId);
  if (typeof userId !== 'string') return userId;

  const timestamp = checkTimestamp(input.timestamp, now);
  if (typeof timestamp !== 'number') return timestamp;

  const eventId = checkEventId(input.eventId);
  if (typeof eventId !== 'string') return eventId;

  const event: CollectedEvent = { type, userId, eventId, timestamp };
  const language = checkLanguage(input.language);
  if (typeof language === 'object') return language;
  if (language !== undefined) event.language = language;

  if (type === 'page_view') {
    const path = checkPath(input.path);
    if (typeof path !== 'string') return path;
    event.path = path;
  }

  return { ok: true, event } as const;
}

function checkUserId(value: unknown): string | EventValidation {
  const limit = eventLimits.maxUserIdLength;
  if (typeof value !== 'string' || !hasLength(value, 1, limit)) {
    return reject('invalid_user_id', `userId must be a string of 1 to ${limit} characters`);
  }
  if (FORBIDDEN_IN_USER_ID.test(value)) {
    return reject(
      'invalid_user_id',
      'userId must not contain control characters or broken Unicode',
    );
  }

  return value;
}

/** Parses a contract timestamp: ISO-8601 with zone, or epoch milliseconds as a number. */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? value : null;
  }
  if (typeof value !== 'string' || value.length > 40) return null;

  const parts = ISO_INSTANT.exec(value);
  if (!parts || !isCalendarDate(parts)) return null;

  const millis = Date.parse(value);
  return Number.isNaN(millis) || millis < 0 ? null : millis;
}

function checkTimestamp(value: unknown, now: number): number | EventValidation {
  const millis = parseTimestamp(value);
  if (millis === null) {
    return reject(
      'invalid_timestamp',
      'timestamp must be ISO-8601 with a zone (2026-11-30T10:00:00Z) or epoch milliseconds',
    );
  }
  if (millis > now + eventLimits.maxFutureMs) {
    return reject('timestamp_in_future', 'timestamp is more than 5 minutes in the future');
  }

  return millis;
}

function checkEventId(value: unknown): string | EventValidation {
  if (value === undefined || value === null) return randomUUID();

  const limit = eventLimits.maxEventIdLength;
  if (typeof value !== 'string' || !hasLength(value, 1, limit)) {
    return reject('invalid_event_id', `eventId must be a string of 1 to ${limit} characters`);
  }

  return value;
}

function checkLanguage(value: unknown): string | undefined | EventValidation {
  if (value === undefined || value === null) return undefined;

  const invalid = reject('invalid_language', 'language must be a code such as EN, fr or es-MX');
  if (typeof value !== 'string' || value.length > eventLimits.maxLanguageLength) return invalid;

  try {
    return normalizeLanguage(value);
  } catch {
    // normalizeLanguage throws only `invalid_language`; its message quotes the value, which we
    // keep out of the answer so an SDK never sees its own garbage echoed back.
    return invalid;
  }
}

function checkPath(value: unknown): string | EventValidation {
  const limit = eventLimits.maxPathLength;
  if (typeof value !== 'string' || !hasLength(value, 1, limit)) {
    return reject('invalid_path', `page_view needs a path of 1 to ${limit} characters`);
  }

  return normalizePath(value);
}

// Lengths count characters (code points), as the contract says, not UTF-16 units.
function hasLength(value: string, min: number, max: number): boolean {
  if (value.length < min) return false;
  if (value.length <= max) return true;

  return value.length <= max * 2 && [...value].length <= max;
}

// Date.parse rolls 2026-02-30 over into March; the contract wants a real date.
function isCalendarDate(parts: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number) as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!));

  return (
    date.getUTCMonth() === month! - 1 &&
    date.getUTCDate() === day &&
    hour! <= 23 &&
    minute! <= 59 &&
    // A missing seconds part parses as NaN, which is fine.
    !(second! > 59)
  );
}

function reject(code: EventRejectionCode, error: string): EventValidation {
  return { ok: false, problem: { code, error } };
}
