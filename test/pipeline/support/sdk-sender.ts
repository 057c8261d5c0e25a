import type { UserEvent } from '@audience/engine';
import { postEvents } from '../../collector/collector-harness';

/** An event as an SDK posts it to the collector. */
export function eventJson(event: UserEvent): Record<string, unknown> {
  const { type, userId, eventId, timestamp, language } = event;
  const path = event.type === 'page_view' ? { path: event.path } : {};
  return { type, userId, eventId, timestamp, ...(language ? { language } : {}), ...path };
}

/** One answer the collector gave, with the time it arrived. */
export interface SentAnswer {
  status: number;
  error?: unknown;
  at: number;
}

/**
 * Posts batches to the collector one after the other as a mobile SDK does: a batch answered
 * 503 is posted again, whole, after `retryMs`, until it is answered 202. Every answer is kept,
 * so a test can tell what the collector said while Kafka was down.
 */
export class SdkSender {
  readonly answers: SentAnswer[] = [];
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly writeKey: string,
    private readonly options: { pauseMs: number; retryMs: number },
  ) {}

  /** Batches answered 202 so far. */
  get accepted(): number {
    return this.answers.filter((answer) => answer.status === 202).length;
  }

  /** Answers 503 so far. */
  get refused(): number {
    return this.answers.filter((answer) => answer.status === 503).length;
  }

  /**
   * Sends every batch until it is accepted; rejects on any answer other than 202 or 503, or
   * on a 202 that did not accept every event.
   */
  async send(batches: UserEvent[][]): Promise<void> {
    for (const batch of batches) {
      if (this.stopped) return;
      await this.sendUntilAccepted(batch.map(eventJson));
      await sleep(this.options.pauseMs);
    }
  }

  /** Ends {@link send} after the request in flight (a failed test's cleanup). */
  stop(): void {
    this.stopped = true;
  }

  private async sendUntilAccepted(events: Record<string, unknown>[]): Promise<void> {
    while (!this.stopped) {
      const { status, body } = await postEvents(this.url, this.writeKey, { events });
      this.answers.push({ status, error: body.error, at: Date.now() });
      if (status === 202) {
        if (body.accepted === events.length) return;
        throw new Error(`batch only partly accepted: ${JSON.stringify(body)}`);
      }
      if (status !== 503) throw new Error(`unexpected answer ${status}: ${JSON.stringify(body)}`);
      await sleep(this.options.retryMs);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
