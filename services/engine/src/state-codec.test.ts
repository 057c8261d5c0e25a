import fc from 'fast-check';
import { applyEvents, emptyState, type UserState } from './state';
import { decodeState, encodeState } from './state-codec';
import { arbUserEvents } from './testing/oracle';

const T = Date.UTC(2026, 10, 30, 10);

function typicalUser(): UserState {
  return applyEvents(emptyState(), [
    {
      type: 'app_session',
      userId: 'u-1',
      eventId: '0193a8a2-5b1c-7abc-8def-0123456789ab',
      timestamp: T,
      language: 'en-US',
    },
    { type: 'app_session', userId: 'u-1', eventId: 'b', timestamp: T - 3 * 86_400_000 },
    { type: 'page_view', userId: 'u-1', eventId: 'c', timestamp: T, path: '/product/123' },
    { type: 'page_view', userId: 'u-1', eventId: 'd', timestamp: T, path: '/cart' },
    { type: 'page_view', userId: 'u-1', eventId: 'e', timestamp: T, path: '/checkout/done' },
  ]).state;
}

/** States the engine never produces from real events: odd ids and paths, far-off times. */
const arbOddState: fc.Arbitrary<UserState> = fc
  .tuple(
    fc.option(
      fc.record({
        code: fc.stringMatching(/^[A-Z]{2,8}$/),
        timestamp: fc.integer({ min: -1e15, max: 1e15 }),
        eventId: fc.oneof(fc.string({ unit: 'binary' }), fc.uuid()),
      }),
      { nil: null },
    ),
    fc.option(
      fc.tuple(
        fc.integer({ min: -1e14, max: 1e14 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 4000 }), { maxLength: 20 }),
      ),
      { nil: null },
    ),
    fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 30 }), { maxLength: 5 }),
  )
  .map(([language, sessions, paths]): UserState => {
    const state: UserState = { ...emptyState(), language, paths: paths.sort() };
    if (sessions) {
      const [first, offsets] = sessions;
      const times = [first, ...offsets.map((days) => first + days * 86_400_000 + 7)];
      state.firstSession = Math.min(...times);
      state.lastSession = Math.max(...times);
      const days = new Set(times.map((time) => Math.floor(time / 86_400_000)));
      state.sessionDays = [...days].sort((a, b) => a - b);
    }

    return state;
  });

describe('state codec', () => {
  it('keeps a typical user with 3 paths under 100 bytes', () => {
    const encoded = encodeState(typicalUser());
    expect(new TextEncoder().encode(encoded).length).toBeLessThanOrEqual(100);
    expect(decodeState(encoded)).toEqual(typicalUser());
  });

  it('round-trips every state exactly', () => {
    const arbState = fc.oneof(
      arbUserEvents({ maxLength: 10 }).map((events) => applyEvents(emptyState(), events).state),
      arbOddState,
    );
    fc.assert(
      fc.property(arbState, (state) => {
        return JSON.stringify(decodeState(encodeState(state))) === JSON.stringify(state);
      }),
      { numRuns: 10_000 },
    );
  });

  it.each(['', '2|||', '1|', '1|zz|||', '1||EN,0,5:ab|', '1|||3:/a', '1|||2:/b2:/a', '1|a,1,0||'])(
    'rejects %j with code invalid_state',
    (text) => {
      expect(() => decodeState(text)).toThrow(expect.objectContaining({ code: 'invalid_state' }));
    },
  );
});
