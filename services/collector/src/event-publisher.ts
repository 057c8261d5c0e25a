import { AppError, topics } from '@audience/platform';
import type { Message, TopicMessages } from 'kafkajs';
import type { Logger } from 'pino';
import type { CollectedEvent } from './event-validation';
import { ProducerLane, type BatchProducer } from './producer-lane';

export { kafkaUnavailable, type BatchProducer } from './producer-lane';

/** Serialises one record in the Confluent wire format (magic byte, schema id, Avro body). */
export type RecordEncoder = (record: Record<string, unknown>) => Buffer;

/**
 * The encoder of a topic's values: async because the schema id is looked up in the registry
 * the first time. The publisher keeps each topic's encoder once it has it.
 */
export type EncoderLookup = (topic: string) => Promise<RecordEncoder>;

export interface EventPublisherOptions {
  /**
   * Makes an idempotent producer (acks from all in-sync replicas). Called once per producer
   * at start, and again after a produce call failed on a connected producer.
   */
  createProducer: () => BatchProducer;
  encoderFor: EncoderLookup;
  logger: Logger;
  /** Longest wait for Kafka's acknowledgement before the request is answered 503. */
  deadlineMs?: number;
  /** Idempotent producers run side by side, each with its own group commit (default 1). */
  producers?: number;
  /** Called with the duration (s) and outcome of every produce call. */
  onProduce?: (seconds: number, outcome: 'ok' | 'error') => void;
}

/**
 * Writes accepted events to Kafka and resolves once every one of them is acknowledged by all
 * in-sync replicas.
 *
 * It runs a small pool of idempotent producers ({@link ProducerLane}), each sending one call
 * at a time with everything that queued up behind its previous call (group commit). A request
 * goes whole to the least loaded lane, so its events are in one produce call: it is answered
 * 503 with nothing accepted when that call fails before reaching Kafka, exactly as with one
 * producer. Two requests of one user may go to different lanes and reach Kafka in either
 * order; the worker's state merge is order-independent, so that changes nothing.
 */
export class EventPublisher {
  private readonly lanes: ProducerLane[];
  private readonly encoders = new Map<string, RecordEncoder>();
  private next = 0;

  constructor(private readonly options: EventPublisherOptions) {
    const logger = options.logger.child({ component: 'publisher' });
    const count = Math.max(1, options.producers ?? 1);
    this.lanes = Array.from({ length: count }, (_, lane) => {
      const laneLogger = count > 1 ? logger.child({ lane }) : logger;
      return new ProducerLane({
        createProducer: options.createProducer,
        logger: laneLogger,
        deadlineMs: options.deadlineMs ?? 5_000,
        onProduce: options.onProduce,
      });
    });
  }

  /**
   * Encodes and writes the events of one request for `appId`.
   * @throws AppError `kafka_unavailable` (503) when Kafka did not acknowledge in time, and
   *   `registry_unavailable` (503) when a schema could not be fetched or registered.
   */
  async publish(appId: string, events: CollectedEvent[], receivedAt: number): Promise<void> {
    if (events.length === 0) return;

    await this.loadEncoders(events);
    const messages = this.encodeAll(appId, events, receivedAt);
    await this.pickLane().send(messages);
  }

  /** Connects every producer; a failure is retried by the next produce. */
  async ensureConnected(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.ensureConnected()));
  }

  /** Disconnects the producers; for shutdown, once the HTTP server has stopped. */
  async close(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.close()));
  }

  // An idle lane first, else the one with the shortest queue; ties go round the pool, so
  // a burst spreads over all lanes instead of piling on the first.
  private pickLane(): ProducerLane {
    const count = this.lanes.length;
    let best = this.lanes[this.next % count] as ProducerLane;
    for (let step = 1; step < count && best.load > 0; step += 1) {
      const lane = this.lanes[(this.next + step) % count] as ProducerLane;
      if (lane.load < best.load) best = lane;
    }
    this.next = (this.next + 1) % count;
    return best;
  }

  // Only the first requests of a topic wait for the registry; later ones encode synchronously.
  private async loadEncoders(events: CollectedEvent[]): Promise<void> {
    if (this.encoders.size === 2) return;

    const wanted = new Set(events.map(topicOf));
    for (const topic of wanted) {
      if (this.encoders.has(topic)) continue;
      try {
        this.encoders.set(topic, await this.options.encoderFor(topic));
      } catch (error) {
        throw registryUnavailable(error);
      }
    }
  }

  private encodeAll(appId: string, events: CollectedEvent[], receivedAt: number) {
    try {
      return encodeWith(this.encoders, appId, events, receivedAt);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw registryUnavailable(error);
    }
  }
}

/**
 * The Kafka messages of one request, synchronously, with encoders already fetched: each event
 * as its topic's Avro record, keyed `appId:userId` so that every event of a user lands on
 * one partition.
 */
export function encodeWith(
  encoders: ReadonlyMap<string, RecordEncoder>,
  appId: string,
  events: CollectedEvent[],
  receivedAt: number,
): TopicMessages[] {
  const sessions: Message[] = [];
  const pageViews: Message[] = [];
  for (const event of events) {
    const topic = topicOf(event);
    const encode = encoders.get(topic);
    if (!encode) throw new Error(`no encoder for topic ${topic}`);

    const message = {
      key: `${appId}:${event.userId}`,
      value: encode(toRecord(appId, event, receivedAt)),
    };
    (topic === topics.appSessions ? sessions : pageViews).push(message);
  }

  const out: TopicMessages[] = [];
  if (sessions.length > 0) out.push({ topic: topics.appSessions, messages: sessions });
  if (pageViews.length > 0) out.push({ topic: topics.pageViews, messages: pageViews });
  return out;
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
  const language = event.language ?? null;
  const { userId, eventId, timestamp } = event;
  // One literal per type, so that records keep one shape each for avsc's compiled writers.
  if (event.type === 'page_view') {
    return { appId, userId, eventId, timestamp, language, receivedAt, path: event.path };
  }
  return { appId, userId, eventId, timestamp, language, receivedAt };
}

function registryUnavailable(cause: unknown): AppError {
  return new AppError('registry_unavailable', 'the schema registry could not be reached', {
    status: 503,
    cause,
  });
}
