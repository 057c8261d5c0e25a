import { toEvent } from './event-decoder';

const now = Date.UTC(2026, 5, 1);
const session = { appId: 'a', userId: 'u', eventId: 'e', timestamp: now - 1_000 };

describe('toEvent', () => {
  it('normalises a page view like the collector', () => {
    expect(
      toEvent('page-views', { ...session, path: 'cart/?x=1', language: 'fr-FR' }, now),
    ).toEqual({
      ok: true,
      appId: 'a',
      event: {
        type: 'page_view',
        userId: 'u',
        eventId: 'e',
        timestamp: now - 1_000,
        path: '/cart',
        language: 'FR',
      },
    });
  });

  it.each([
    ['an empty userId', { ...session, userId: '' }],
    ['a control character in userId', { ...session, userId: 'a\u0007b' }],
    ['a timestamp far in the future', { ...session, timestamp: now + 600_000 }],
    ['a language with no subtag', { ...session, language: '12' }],
    ['a page view on the sessions topic', { ...session, path: '/x' }],
  ])('rejects %s as invalid_event', (_name, raw) => {
    expect(toEvent('app-sessions', raw, now)).toEqual(
      expect.objectContaining({ ok: false, reason: 'invalid_event' }),
    );
  });

  it('rejects a page view without a path', () => {
    expect(toEvent('page-views', session, now)).toEqual(
      expect.objectContaining({ ok: false, reason: 'invalid_event' }),
    );
  });
});
