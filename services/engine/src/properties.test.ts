// The properties of issue 3 and the worker's write rule, each with 10,000 runs over small
// generated inputs.
import fc from 'fast-check';
import { compileSegment, type CompiledSegment } from './compile';
import { DAY_MS } from './dates';
import type { SegmentDefinition } from './definition';
import { evaluate } from './evaluate';
import type { UserEvent } from './event';
import { MatcherIndex } from './matcher-index';
import { applyEvents, emptyState, isEmptyState, type UserState } from './state';
import { arbDefinition, arbNow, arbUserEvents, oracleMember } from './testing/oracle';
import { nextTransition } from './transition';

const RUNS = { numRuns: 10_000 };

function stateOf(events: UserEvent[], start: UserState = emptyState()): UserState {
  return applyEvents(start, events).state;
}

function compile(definition: SegmentDefinition, index = 0): CompiledSegment {
  return compileSegment(`s${index}`, 1, definition);
}

function sameState(a: UserState, b: UserState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Events reordered, split into batches and partly delivered twice. */
const arbRedelivery = arbUserEvents({ maxLength: 10 }).chain((events) =>
  fc.tuple(
    fc.constant(events),
    fc.shuffledSubarray(events, { minLength: events.length }),
    fc.subarray(events),
    fc.integer({ min: 1, max: 4 }),
  ),
);

describe('engine properties', () => {
  it('gives the same state for events in any order, any number of times', () => {
    fc.assert(
      fc.property(arbRedelivery, ([events, shuffled, again, batch]) => {
        const once = stateOf(events);
        const stream = [...shuffled, ...again];
        let state = emptyState();
        for (let i = 0; i < stream.length; i += batch) {
          state = stateOf(stream.slice(i, i + batch), state);
        }
        // Plain comparisons: jest matchers in a 10,000-run loop cost more than the engine.
        return sameState(state, once) && sameState(stateOf(events, once), once);
      }),
      RUNS,
    );
  });

  it('evaluates the state from events exactly as the oracle does from the raw events', () => {
    fc.assert(
      fc.property(arbDefinition(), arbUserEvents(), arbNow(), (definition, events, now) => {
        const member = evaluate(stateOf(events), compile(definition), now);

        return member === oracleMember(events, definition, now);
      }),
      RUNS,
    );
  });

  it('never misses a segment whose membership an event flips', () => {
    const arbCase = fc.tuple(
      fc.array(arbDefinition(3), { minLength: 1, maxLength: 6 }),
      arbUserEvents({ maxLength: 6, idPrefix: 'old' }),
      arbUserEvents({ maxLength: 3, idPrefix: 'new' }),
      arbNow(),
      fc.boolean(),
    );
    fc.assert(
      fc.property(arbCase, ([definitions, earlier, later, now, withNow]) => {
        const index = new MatcherIndex();
        definitions.forEach((definition, i) => index.upsert(compile(definition, i)));
        const before = stateOf(earlier);
        const { state: after, change } = applyEvents(before, later);
        const affected = withNow ? index.affected(change, now) : index.affected(change);

        return [...index.segments()].every((segment) => {
          // A user with no event does not exist, so is a member of nothing.
          const was = !isEmptyState(before) && evaluate(before, segment, now);
          const is = !isEmptyState(after) && evaluate(after, segment, now);

          return was === is || affected.has(segment.id);
        });
      }),
      RUNS,
    );
  });

  it('keeps the oracle membership when a batch writes only the answers it changed', () => {
    // The worker's write rule: a new user gets the affected segments it is a member of; a
    // known user only the affected segments whose answer differs from the state before.
    const arbCase = fc.tuple(
      fc.array(arbDefinition(3), { minLength: 1, maxLength: 6 }),
      arbUserEvents({ maxLength: 10 }),
      fc.integer({ min: 1, max: 4 }),
      arbNow(),
    );
    fc.assert(
      fc.property(arbCase, ([definitions, events, batch, now]) => {
        const index = new MatcherIndex();
        definitions.forEach((definition, i) => index.upsert(compile(definition, i)));
        const stored = new Set<string>();
        let state = emptyState();
        for (let i = 0; i < events.length; i += batch) {
          const { state: after, change } = applyEvents(state, events.slice(i, i + batch));
          for (const id of index.affected(change, now)) {
            const segment = index.get(id) as CompiledSegment;
            const member = evaluate(after, segment, now);
            if (change.isNewUser ? !member : member === evaluate(state, segment, now)) continue;
            if (member) stored.add(id);
            else stored.delete(id);
          }
          state = after;
        }

        return definitions.every(
          (definition, i) =>
            stored.has(`s${i}`) === (events.length > 0 && oracleMember(events, definition, now)),
        );
      }),
      RUNS,
    );
  });

  it('finds the exact next instant at which membership changes with no new event', () => {
    fc.assert(
      fc.property(arbDefinition(), arbUserEvents(), arbNow(), (definition, events, now) => {
        const segment = compile(definition);
        const state = stateOf(events);
        const current = evaluate(state, segment, now);
        const next = nextTransition(state, segment, now);
        if (next === null) return evaluate(state, segment, now + 3651 * DAY_MS) === current;

        // No earlier flip either: the only candidate instants are window boundaries.
        const earlier = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 3650]
          .map((days) => state.lastSession! + days * DAY_MS)
          .filter((instant) => instant > now && instant < next);

        return (
          next > now &&
          evaluate(state, segment, next - 1) === current &&
          evaluate(state, segment, next) !== current &&
          earlier.every((instant) => evaluate(state, segment, instant) === current)
        );
      }),
      RUNS,
    );
  });
});
