import { normalizePath } from '@audience/engine';
import fc from 'fast-check';
import { parseTimestamp, validateEvent, type EventValidation } from './event-validation';

const now = Date.parse('2026-12-01T12:00:00Z');

function session(fields: Record<string, unknown> = {}) {
  return { type: 'app_session', userId: 'u-1', timestamp: '2026-11-30T10:00:00Z', ...fields };
}

function pageView(fields: Record<string, unknown> = {}) {
  return session({ type: 'page_view', path: '/product/123?ref=mail', ...fields });
}

function codeOf(result: EventValidation): string {
  return result.ok ? 'ok' : result.problem.code;
}

describe('validateEvent', () => {
  it('accepts the contract examples and normalises language and path', () => {
    const first = validateEvent(session({ language: 'fr-FR' }), now);
    const second = validateEvent(pageView({ eventId: 'e-2' }), now);

    expect(first).toMatchObject({
      ok: true,
      event: { type: 'app_session', userId: 'u-1', timestamp: Date.parse('2026-11-30T10:00Z') },
    });
    expect(first.ok && first.event.language).toBe('FR');
    expect(second).toMatchObject({ ok: true, event: { path: '/product/123', eventId: 'e-2' } });
  });

  it('assigns a UUID v4 when eventId is missing, a new one each time', () => {
    const first = validateEvent(session(), now);
    const second = validateEvent(session({ eventId: null }), now);
    const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

    expect(first.ok && first.event.eventId).toMatch(uuidV4);
    expect(second.ok && second.event.eventId).toMatch(uuidV4);
    expect(first.ok && second.ok && first.event.eventId !== second.event.eventId).toBe(true);
  });

  it.each([
    ['a string', 'not_an_object'],
    [null, 'not_an_object'],
    [[session()], 'not_an_object'],
    [session({ type: 'purchase' }), 'invalid_type'],
    [session({ type: undefined }), 'invalid_type'],
    [session({ userId: '' }), 'invalid_user_id'],
    [session({ userId: 42 }), 'invalid_user_id'],
    [session({ userId: 'x'.repeat(257) }), 'invalid_user_id'],
    [session({ userId: 'bad\nid' }), 'invalid_user_id'],
    [session({ userId: 'bad\u0000id' }), 'invalid_user_id'],
    [session({ userId: 'c1\u0085' }), 'invalid_user_id'],
    [session({ userId: 'half\uD83D' }), 'invalid_user_id'],
    [session({ timestamp: undefined }), 'invalid_timestamp'],
    [session({ timestamp: '2026-11-30T10:00:00' }), 'invalid_timestamp'],
    [session({ timestamp: '2026-02-30T10:00:00Z' }), 'invalid_timestamp'],
    [session({ timestamp: '1796032800000' }), 'invalid_timestamp'],
    [session({ timestamp: 1.5 }), 'invalid_timestamp'],
    [session({ timestamp: -1 }), 'invalid_timestamp'],
    [session({ timestamp: now + 5 * 60_000 + 1 }), 'timestamp_in_future'],
    [session({ timestamp: '2026-12-01T12:06:00Z' }), 'timestamp_in_future'],
    [session({ eventId: 7 }), 'invalid_event_id'],
    [session({ eventId: '' }), 'invalid_event_id'],
    [session({ language: 'f' }), 'invalid_language'],
    [session({ language: 12 }), 'invalid_language'],
    [session({ language: '12-34' }), 'invalid_language'],
    [pageView({ path: undefined }), 'invalid_path'],
    [pageView({ path: '' }), 'invalid_path'],
    [pageView({ path: `/${'p'.repeat(2048)}` }), 'invalid_path'],
  ])('rejects %j with %s', (input, code) => {
    const result = validateEvent(input, now);

    expect(codeOf(result)).toBe(code);
    expect(result.ok || result.problem.error.length > 10).toBe(true);
  });

  it.each([
    [session({ userId: 'x'.repeat(256) })],
    [session({ userId: '😀'.repeat(256) })],
    [session({ userId: 'élodie:42 / ☃' })],
    [session({ timestamp: now + 5 * 60_000 })],
    [session({ timestamp: 0 })],
    [session({ language: 'en_US' })],
    [pageView({ path: 'p'.repeat(2048) })],
    [pageView({ path: '?only=query' })],
    [session({ path: 42, extra: { nested: true } })],
  ])('accepts the edge case %#', (input) => {
    expect(codeOf(validateEvent(input, now))).toBe('ok');
  });

  it('ignores path on app_session and keeps no language when none was sent', () => {
    const result = validateEvent(session({ path: '/x' }), now);

    expect(result.ok && result.event).toEqual({
      type: 'app_session',
      userId: 'u-1',
      eventId: expect.any(String),
      timestamp: Date.parse('2026-11-30T10:00:00Z'),
    });
  });
});

describe('parseTimestamp', () => {
  it.each([
    ['2026-11-30T10:00:00Z', Date.UTC(2026, 10, 30, 10)],
    ['2026-11-30T10:00Z', Date.UTC(2026, 10, 30, 10)],
    ['2026-11-30T12:00:00+02:00', Date.UTC(2026, 10, 30, 10)],
    ['2026-11-30T05:30:00.250-0500', Date.UTC(2026, 10, 30, 10, 30, 0, 250)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    [1796032800000, 1796032800000],
  ])('reads %j', (input, expected) => {
    expect(parseTimestamp(input)).toBe(expected);
  });

  it.each([
    '2025-02-29T00:00:00Z',
    '2026-11-30 10:00:00Z',
    '2026-11-30T24:00:00Z',
    '2026-11-30T10:60:00Z',
    '2026-11-30',
    'yesterday',
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
  ])('refuses %j', (input) => {
    expect(parseTimestamp(input)).toBeNull();
  });
});

describe('validateEvent on any JSON', () => {
  it('never throws, and what it accepts is normalised and within the limits', () => {
    const field = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.jsonValue());
    const event = fc.record(
      {
        type: fc.oneof(fc.constantFrom('app_session', 'page_view'), field),
        userId: field,
        timestamp: fc.oneof(fc.integer({ min: 0, max: now + 600_000 }), fc.string(), field),
        eventId: field,
        language: fc.oneof(fc.constantFrom('en', 'fr-FR', 'es_MX', 'x'), field),
        path: fc.oneof(fc.webPath(), fc.string(), field),
      },
      { requiredKeys: [] },
    );

    fc.assert(
      fc.property(fc.oneof(event, fc.jsonValue()), (input) => {
        const result = validateEvent(input, now);
        if (!result.ok) return;

        const accepted = result.event;
        expect(accepted.timestamp).toBeLessThanOrEqual(now + 5 * 60_000);
        expect([...accepted.userId].length).toBeGreaterThan(0);
        expect(accepted.language ?? 'EN').toMatch(/^[A-Z]{2,8}$/);
        if (accepted.type === 'page_view') {
          expect(accepted.path).toBe(normalizePath(accepted.path ?? ''));
          expect(accepted.path?.startsWith('/')).toBe(true);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
