import { AppError } from '@audience/platform';
import { validateEvent, type CollectedEvent, type EventRejectionCode } from './event-validation';

/** Contract: at most 500 events per request. */
export const MAX_EVENTS_PER_REQUEST = 500;

/** One rejected event of a batch, as the 202 answer lists it. */
export interface RejectedEvent {
  index: number;
  code: EventRejectionCode;
  error: string;
  /** The event's `type` when it was a known one, for metrics; not sent to the client. */
  type?: string;
}

export interface SortedBatch {
  accepted: CollectedEvent[];
  rejected: RejectedEvent[];
}

/**
 * Splits a request body into the events to write and the events refused, each with its index
 * in the request. A body that is not `{"events": [...]}` is refused whole (`invalid_body`,
 * 400); more than {@link MAX_EVENTS_PER_REQUEST} events is refused whole as too large
 * (`too_many_events`, 413), like a body over the byte limit, so the SDK knows to split it.
 */
export function sortBatch(body: unknown, now: number): SortedBatch {
  const events = readEvents(body);
  const batch: SortedBatch = { accepted: [], rejected: [] };

  events.forEach((raw, index) => {
    const result = validateEvent(raw, now);
    if (result.ok) {
      batch.accepted.push(result.event);
      return;
    }
    batch.rejected.push({ index, ...result.problem, type: knownType(raw) });
  });

  return batch;
}

function readEvents(body: unknown): unknown[] {
  const events = (body as { events?: unknown } | null)?.events;
  if (typeof body !== 'object' || Array.isArray(body) || !Array.isArray(events)) {
    throw new AppError('invalid_body', 'body must be a JSON object with an "events" array', {
      status: 400,
    });
  }
  if (events.length > MAX_EVENTS_PER_REQUEST) {
    throw new AppError(
      'too_many_events',
      `a request carries at most ${MAX_EVENTS_PER_REQUEST} events; split the batch`,
      { status: 413 },
    );
  }

  return events;
}

function knownType(raw: unknown): string | undefined {
  const type = (raw as { type?: unknown } | null)?.type;
  return type === 'app_session' || type === 'page_view' ? type : undefined;
}
