import { dayOf } from './dates';
import { EngineError } from './errors';
import type { LanguageRegister, UserState } from './state';

// Compact text encoding of a user state for Redis, version 1:
//
//   1|<sessions>|<language>|<paths>
//   sessions: empty, or first,last-first[,dayDelta...]   (base36; day deltas between
//             consecutive session days, the first day being the day of `first`)
//   language: empty, or CODE,timestamp-last,<eventId>    (timestamp relative to the last
//             session, or to 0 without one)
//   eventId:  ~ and 25 base36 digits for a lowercase UUID, else <length>:<raw>
//   paths:    <length>:<raw> repeated, raw text with no escaping
//
// Lengths are base36 counts of UTF-16 code units, so any path or eventId round-trips exactly.

const VERSION = '1';
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NUMBER_SHAPE = /^-?[0-9a-z]+$/;
const UUID_DIGITS = 25;

function invalid(reason: string): never {
  throw new EngineError('invalid_state', `stored user state is unreadable: ${reason}`);
}

const b36 = (value: number) => value.toString(36);

function raw(text: string): string {
  return `${b36(text.length)}:${text}`;
}

function encodeEventId(eventId: string): string {
  if (!UUID_SHAPE.test(eventId)) return raw(eventId);
  const digits = BigInt(`0x${eventId.replace(/-/g, '')}`).toString(36);

  return `~${digits.padStart(UUID_DIGITS, '0')}`;
}

function encodeSessions(state: UserState): string {
  const { firstSession: first, lastSession: last, sessionDays: days } = state;
  if (first === null || last === null) return '';
  if (days[0] !== dayOf(first) || days[days.length - 1] !== dayOf(last)) {
    invalid('session days do not match first and last session');
  }
  const parts = [b36(first), b36(last - first)];
  for (let i = 1; i < days.length; i++) parts.push(b36(days[i]! - days[i - 1]!));

  return parts.join(',');
}

function encodeLanguage(language: LanguageRegister | null, reference: number): string {
  if (language === null) return '';

  const offset = b36(language.timestamp - reference);

  return `${language.code},${offset},${encodeEventId(language.eventId)}`;
}

/** Compact string encoding for Redis: about 90 bytes for a user with 3 short paths. */
export function encodeState(state: UserState): string {
  const sessions = encodeSessions(state);
  const language = encodeLanguage(state.language, state.lastSession ?? 0);
  const paths = state.paths.map(raw).join('');

  return `${VERSION}|${sessions}|${language}|${paths}`;
}

/** Reads the encoding left to right; every field is checked, never guessed. */
class Reader {
  private at = 0;

  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.at >= this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.at);
  }

  until(stop: string): string {
    const end = this.text.indexOf(stop, this.at);
    if (end < 0) invalid(`missing "${stop}"`);
    const value = this.text.slice(this.at, end);
    this.at = end + 1;

    return value;
  }

  take(count: number): string {
    if (this.at + count > this.text.length) invalid('truncated');
    const value = this.text.slice(this.at, this.at + count);
    this.at += count;

    return value;
  }

  expect(char: string): void {
    if (this.take(1) !== char) invalid(`expected "${char}"`);
  }

  raw(): string {
    return this.take(parseNumber(this.until(':')));
  }
}

function parseNumber(token: string): number {
  const value = NUMBER_SHAPE.test(token) ? parseInt(token, 36) : NaN;
  if (!Number.isSafeInteger(value)) invalid(`bad number "${token.slice(0, 20)}"`);

  return value;
}

function decodeSessions(token: string, state: UserState): void {
  if (token === '') return;
  const [first, span, ...deltas] = token.split(',').map(parseNumber);
  if (first === undefined || span === undefined || span < 0) invalid('bad sessions');
  const days = [dayOf(first)];
  for (const delta of deltas) {
    if (delta <= 0) invalid('session days out of order');
    days.push(days[days.length - 1]! + delta);
  }
  if (days[days.length - 1] !== dayOf(first + span)) invalid('last session day mismatch');
  Object.assign(state, { firstSession: first, lastSession: first + span, sessionDays: days });
}

function decodeEventId(reader: Reader): string {
  if (reader.peek() !== '~') return reader.raw();
  reader.take(1);
  let value = 0n;
  for (const char of reader.take(UUID_DIGITS)) {
    const digit = parseInt(char, 36);
    if (Number.isNaN(digit)) invalid('bad event id');
    value = value * 36n + BigInt(digit);
  }
  const hex = value.toString(16).padStart(32, '0');
  if (hex.length !== 32) invalid('bad event id');

  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20),
  ].join('-');
}

function decodeLanguage(reader: Reader, reference: number): LanguageRegister | null {
  if (reader.peek() === '|') {
    reader.take(1);

    return null;
  }
  const code = reader.until(',');
  if (!/^[A-Z]{2,8}$/.test(code)) invalid('bad language code');
  const timestamp = reference + parseNumber(reader.until(','));
  const eventId = decodeEventId(reader);
  reader.expect('|');

  return { code, timestamp, eventId };
}

function decodePaths(reader: Reader): string[] {
  const paths: string[] = [];
  while (!reader.done) {
    const path = reader.raw();
    const previous = paths[paths.length - 1];
    if (previous !== undefined && previous >= path) invalid('paths out of order');
    paths.push(path);
  }

  return paths;
}

/**
 * The inverse of {@link encodeState}.
 * @throws EngineError `invalid_state` for any text encodeState cannot have produced.
 */
export function decodeState(encoded: string): UserState {
  const reader = new Reader(encoded);
  if (reader.until('|') !== VERSION) invalid('unknown format version');
  const state: UserState = {
    language: null,
    firstSession: null,
    lastSession: null,
    sessionDays: [],
    paths: [],
  };
  decodeSessions(reader.until('|'), state);
  state.language = decodeLanguage(reader, state.lastSession ?? 0);
  state.paths = decodePaths(reader);

  return state;
}
