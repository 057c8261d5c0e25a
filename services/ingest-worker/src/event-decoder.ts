import { normalizeLanguage, normalizePath, type UserEvent } from '@audience/engine';
import { AvroCodec, hasCode, schemaIdOf, topics } from '@audience/platform';

/** Why a record went to the dead-letter topic (the `x-reject-reason` header). */
export type RejectReason = 'not_avro' | 'unknown_schema' | 'invalid_event';

/** A record decoded into an event of an app, or the reason it cannot be used. */
export type Decoded =
  | { ok: true; appId: string; event: UserEvent }
  | { ok: false; reason: RejectReason; message: string };

/** Allowed clock skew of event timestamps, as in the collector's contract. */
const MAX_FUTURE_MS = 5 * 60_000;
// Control characters (C0, DEL, C1) are refused in ids, as the contract says for userId.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

interface RawEvent {
  appId?: unknown;
  userId?: unknown;
  eventId?: unknown;
  timestamp?: unknown;
  path?: unknown;
  language?: unknown;
}

/**
 * Decodes the records of a chunk. Schemas are fetched once per id (and then cached by the
 * codec); an id the registry does not know dead-letters its records, while a registry that
 * does not answer throws, so the chunk is retried instead of losing good records.
 */
export async function decodeRecords(
  codec: AvroCodec,
  topic: string,
  values: (Buffer | null)[],
  now: number,
): Promise<Decoded[]> {
  const unknownIds = await loadSchemas(codec, values);

  return values.map((value) => decodeOne(codec, topic, value, unknownIds, now));
}

async function loadSchemas(codec: AvroCodec, values: (Buffer | null)[]): Promise<Set<number>> {
  const ids = new Set<number>();
  for (const value of values) {
    const id = schemaIdOrNull(value);
    if (id !== null && !codec.isLoaded(id)) ids.add(id);
  }

  const unknown = new Set<number>();
  const results = await Promise.allSettled([...ids].map((id) => codec.load([id])));
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') return;
    if (!hasCode(result.reason, 'schema_unknown')) throw result.reason;
    unknown.add([...ids][index] as number);
  });
  return unknown;
}

function schemaIdOrNull(value: Buffer | null): number | null {
  try {
    return schemaIdOf(value);
  } catch {
    return null;
  }
}

function decodeOne(
  codec: AvroCodec,
  topic: string,
  value: Buffer | null,
  unknownIds: Set<number>,
  now: number,
): Decoded {
  const id = schemaIdOrNull(value);
  if (id === null || value === null) {
    return { ok: false, reason: 'not_avro', message: 'not Avro in Confluent framing' };
  }
  if (unknownIds.has(id)) {
    return { ok: false, reason: 'unknown_schema', message: `schema id ${id} is not registered` };
  }

  let raw: RawEvent;
  try {
    raw = codec.decodeKnown<RawEvent>(value);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: 'not_avro', message };
  }
  return toEvent(topic, raw, now);
}

function invalid(message: string): Decoded {
  return { ok: false, reason: 'invalid_event', message };
}

function isId(value: unknown, max: number): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= max &&
    !CONTROL_CHARACTERS.test(value)
  );
}

/** Checks and normalises a decoded value the way the collector does for its own records. */
export function toEvent(topic: string, raw: RawEvent, now: number): Decoded {
  if (!isId(raw.appId, 256)) return invalid('appId must be 1 to 256 characters, no controls');
  if (!isId(raw.userId, 256)) return invalid('userId must be 1 to 256 characters, no controls');
  if (!isId(raw.eventId, 256)) return invalid('eventId must be 1 to 256 characters');
  const timestamp = raw.timestamp;
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
    return invalid('timestamp must be epoch milliseconds');
  }
  if (timestamp > now + MAX_FUTURE_MS) return invalid('timestamp is more than 5 minutes ahead');

  const base = { userId: raw.userId, eventId: raw.eventId, timestamp };
  const language = checkLanguage(raw.language);
  if (language === false) return invalid('language has no valid primary subtag');
  const withLanguage = language === undefined ? base : { ...base, language };

  if (topic === topics.appSessions) {
    if (raw.path !== undefined) return invalid('a page view written to the sessions topic');
    return { ok: true, appId: raw.appId, event: { type: 'app_session', ...withLanguage } };
  }
  if (typeof raw.path !== 'string' || raw.path.length === 0 || raw.path.length > 2048) {
    return invalid('path must be 1 to 2048 characters');
  }
  const path = normalizePath(raw.path);
  return { ok: true, appId: raw.appId, event: { type: 'page_view', ...withLanguage, path } };
}

/** The normalised language, undefined when absent, false when unusable. */
function checkLanguage(language: unknown): string | undefined | false {
  if (language === null || language === undefined) return undefined;
  if (typeof language !== 'string') return false;
  try {
    return normalizeLanguage(language);
  } catch {
    return false;
  }
}
