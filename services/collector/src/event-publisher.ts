import { AppError, topics } from '@audience/platform';
import type { Message, Producer, TopicMessages } from 'kafkajs';
import type { Logger } from 'pino';
import type { CollectedEvent } from './event-validation';

/** Serialises one record in the Confluent wire format (magic byte, schema id, Avro body). */
export type RecordEncoder = (record: Record<string, unknown>) => Buffer;

/**
 * The encoder of a topic's values: async because the schema id is looked up in the registry
 * the first time; the implementation caches it, so later calls cost nothing.
 */
export type EncoderLookup = (topic: string) => Promise<RecordEncoder>;

/** The part of a kafkajs producer the publisher uses. */
export type BatchProducer = Pick<Producer, 'connect' | 'sendBatch' | 'disconnect'>;

export interface EventPublisherOptions {
  /**
   * Makes an idempotent producer (acks from all in-sync replicas). Called at start, and again
   * after a produce call failed on a connected producer (see {@link EventPublisher}).
   */
  createProducer: () => BatchProducer;
  encoderFor: EncoderLookup;
  logger: Logger;
  /** Longest wait for Kafka's acknowledgement before the request is answered 503. */
  deadlineMs?: number;
  /** Called with the duration (s) and outcome of every produce call. */
  onProduce?: (seconds: number, outcome: 'ok' | 'error') => void;
}

interface PendingBatch {
  messages: TopicMessages[];
  taken: boolean;
  /** The producer generation whose call took the batch. */
  generation: number;
  done: Promise<void>;
  settle: (error?: unknown) => void;
}

/**
 * Writes accepted events to Kafka and resolves once every one of them is acknowledged by all
 * in-sync replicas. Requests that arrive while a produce call is in flight are gathered and
 * sent together in the next call (group commit): the idempotent producer sends one request per
 * broker at a time anyway, and one larger call costs far less than many small ones.
 *
 * When a produce call fails after the producer had connected, the producer is replaced by a
 * new one: kafkajs may have given up on a request that the broker did write, and its sequence
 * numbers would then be out of step with the broker's, failing every later call. A new
 * producer gets a new producer id and starts its sequences afresh. A call still running when
 * a request of its group reaches the deadline is abandoned the same way, so a hung connection
 * holds the queue up for one deadline, not for all of kafkajs's request timeouts and retries.
 */
export class EventPublisher {
  private readonly queue: PendingBatch[] = [];
  private sending = false;
  private producer: BatchProducer;
  private connecting: Promise<void> | undefined;
  private connected = false;
  /** Bumped on every producer replacement; a call of an older generation is abandoned. */
  private generation = 0;
  /** Counts produce calls, so that only the latest one moves the queue on. */
  private calls = 0;
  private readonly deadlineMs: number;
  private readonly logger: Logger;

  constructor(private readonly options: EventPublisherOptions) {
    this.deadlineMs = options.deadlineMs ?? 5_000;
    this.logger = options.logger.child({ component: 'publisher' });
    this.producer = options.createProducer();
  }

  /**
   * Encodes and writes the events of one request for `appId`.
   * @throws AppError `kafka_unavailable` (503) when Kafka did not acknowledge in time, and
   *   `registry_unavailable` (503) when a schema could not be fetched or registered.
   */
  async publish(appId: string, events: CollectedEvent[], receivedAt: number): Promise<void> {
    if (events.length === 0) return;

    const messages = await this.encodeAll(appId, events, receivedAt);
    const pending = this.enqueue(messages);
    await this.awaitWithDeadline(pending);
  }

  private async encodeAll(appId: string, events: CollectedEvent[], receivedAt: number) {
    try {
      return await encodeEvents(this.options.encoderFor, appId, events, receivedAt);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('registry_unavailable', 'the schema registry could not be reached', {
        status: 503,
        cause: error,
      });
    }
  }

  private enqueue(messages: TopicMessages[]): PendingBatch {
    let settle: PendingBatch['settle'] = () => undefined;
    const done = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    const pending: PendingBatch = { messages, taken: false, generation: -1, done, settle };
    this.queue.push(pending);
    this.pump();

    return pending;
  }

  private async awaitWithDeadline(pending: PendingBatch): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.deadlineMs);
    });

    try {
      const outcome = await Promise.race([pending.done.then(() => 'sent' as const), deadline]);
      if (outcome === 'late') throw this.giveUp(pending);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw kafkaUnavailable(error);
    } finally {
      clearTimeout(timer);
    }
  }

  // A batch not yet handed to Kafka is withdrawn, so a 503 really means "nothing accepted".
  // One already in a produce call cannot be withdrawn: if that call succeeds after all, the
  // SDK's retry writes the events once more, which the idempotent state merge absorbs.
  private giveUp(pending: PendingBatch): AppError {
    pending.done.catch(() => undefined);
    if (!pending.taken) this.queue.splice(this.queue.indexOf(pending), 1);
    else if (this.sending && pending.generation === this.generation) this.abandonCall();

    return kafkaUnavailable(new Error(`no acknowledgement within ${this.deadlineMs} ms`));
  }

  private pump(): void {
    if (this.sending || this.queue.length === 0) return;

    const generation = this.generation;
    const group = this.queue.splice(0, this.queue.length);
    for (const pending of group) Object.assign(pending, { taken: true, generation });
    this.sending = true;

    const call = ++this.calls;
    this.sendGroup(group, generation).finally(() => {
      // An abandoned call's successor already moved the queue on; only the current call may.
      if (call !== this.calls) return;
      this.sending = false;
      this.pump();
    });
  }

  private async sendGroup(group: PendingBatch[], generation: number): Promise<void> {
    const started = process.hrtime.bigint();
    const producer = this.producer;
    try {
      await this.ensureConnected();
      await producer.sendBatch({
        acks: -1,
        timeout: this.deadlineMs,
        topicMessages: mergeByTopic(group.flatMap((pending) => pending.messages)),
      });
      this.observe(started, 'ok');
      for (const pending of group) pending.settle();
    } catch (error) {
      this.observe(started, 'error');
      // Each request is answered 503 and logged by the HTTP layer; no log line here.
      for (const pending of group) pending.settle(error ?? new Error('produce failed'));
      if (this.connected && generation === this.generation) await this.replaceProducer(error);
    }
  }

  private abandonCall(): void {
    const cause = new Error(`produce call still running after ${this.deadlineMs} ms`);
    this.sending = false;
    this.calls += 1;
    void this.replaceProducer(cause);
    this.pump();
  }

  /** Connects the producer once; after a failure the next produce tries again. */
  ensureConnected(): Promise<void> {
    if (this.connecting) return this.connecting;

    // The callbacks check that no replacement happened meanwhile, so the outcome of an old
    // producer's connect never changes the state of its successor.
    const connecting: Promise<void> = this.producer.connect().then(
      () => {
        if (this.connecting === connecting) this.connected = true;
      },
      (error: unknown) => {
        if (this.connecting === connecting) this.connecting = undefined;
        throw error;
      },
    );
    this.connecting = connecting;

    return connecting;
  }

  /** Disconnects the producer; for shutdown, once the HTTP server has stopped. */
  async close(): Promise<void> {
    await this.producer.disconnect();
  }

  private async replaceProducer(cause: unknown): Promise<void> {
    this.logger.warn({ err: cause }, 'produce failed, replacing the producer');
    const old = this.producer;
    this.generation += 1;
    this.producer = this.options.createProducer();
    this.connecting = undefined;
    this.connected = false;

    await old.disconnect().catch((error: unknown) => {
      this.logger.debug({ err: error }, 'old producer did not disconnect cleanly');
    });
  }

  private observe(started: bigint, outcome: 'ok' | 'error'): void {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.options.onProduce?.(seconds, outcome);
  }
}

/**
 * The Kafka messages of one request: each event as its topic's Avro record, keyed
 * `appId:userId` so that every event of a user lands on one partition, in order.
 */
export async function encodeEvents(
  encoderFor: EncoderLookup,
  appId: string,
  events: CollectedEvent[],
  receivedAt: number,
): Promise<TopicMessages[]> {
  const byTopic = new Map<string, CollectedEvent[]>();
  for (const event of events) {
    const topic = topicOf(event);
    const list = byTopic.get(topic);
    if (list) list.push(event);
    else byTopic.set(topic, [event]);
  }

  const encoded = [...byTopic].map(async ([topic, list]) => {
    const encode = await encoderFor(topic);
    const messages = list.map((event) => ({
      key: `${appId}:${event.userId}`,
      value: encode(toRecord(appId, event, receivedAt)),
    }));
    return { topic, messages };
  });

  return Promise.all(encoded);
}

function topicOf(event: CollectedEvent): string {
  return event.type === 'app_session' ? topics.appSessions : topics.pageViews;
}

/** The Avro record (`AppSession` or `PageView`) of an accepted event. */
export function toRecord(
  appId: string,
  event: CollectedEvent,
  receivedAt: number,
): Record<string, unknown> {
  const common = {
    appId,
    userId: event.userId,
    eventId: event.eventId,
    timestamp: event.timestamp,
    language: event.language ?? null,
    receivedAt,
  };

  return event.type === 'page_view' ? { ...common, path: event.path } : common;
}

function mergeByTopic(messages: TopicMessages[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const { topic, messages: list } of messages) {
    const merged = byTopic.get(topic);
    if (merged) merged.push(...list);
    else byTopic.set(topic, [...list]);
  }

  return [...byTopic].map(([topic, list]) => ({ topic, messages: list }));
}

function kafkaUnavailable(cause: unknown): AppError {
  return new AppError('kafka_unavailable', 'Kafka did not acknowledge the events; retry', {
    status: 503,
    cause,
  });
}
