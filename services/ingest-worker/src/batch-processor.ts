import type { UserEvent } from '@audience/engine';
import {
  AppSegments,
  affectedSegments,
  type AvroCodec,
  type OutboxChange,
  type SegmentCatalog,
  type SendingProducer,
  type UserUpdater,
} from '@audience/platform';
import type { KafkaMessage } from 'kafkajs';
import type { ChangePublisher } from './change-publisher';
import { sendToDeadLetters, type Rejected } from './dead-letters';
import { decodeRecords } from './event-decoder';
import type { WorkerMetrics } from './worker-metrics';

export interface BatchProcessorDeps {
  codec: AvroCodec;
  updater: UserUpdater;
  catalog: SegmentCatalog;
  publisher: ChangePublisher;
  producer: SendingProducer;
  metrics: WorkerMetrics;
  clock?: () => number;
}

type EventsByApp = Map<string, Map<string, UserEvent[]>>;

/** One partition's chunk, waiting for the next pass. */
interface Chunk {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
  heartbeat: () => Promise<void>;
  done: (error?: unknown) => void;
}

const noSegments = new AppSegments();

/**
 * Turns chunks of records into state, membership and published changes: decode, dead-letter
 * what cannot be used, group by app and user, update every user with one compare-and-set
 * script call per bucket, then publish the recorded changes. A chunk's offsets may be
 * committed once its `process` call resolves.
 *
 * The chunks that the consumer hands over at the same time (one per partition of a fetch)
 * are processed together in one pass: one script pipeline and one publish for all of them
 * instead of one per partition. Under a steady trickle of events, where each partition's
 * chunk holds a record or two, this keeps the round trips per event, and so the latency, low.
 * A user's events all come from that user's partitions, and merging events is
 * order-independent, so processing partitions together changes no result. A failed pass
 * fails every chunk in it, and the consumer retries them.
 */
export class BatchProcessor {
  private readonly clock: () => number;
  private waiting: Chunk[] = [];

  constructor(private readonly deps: BatchProcessorDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  /**
   * Processes one chunk of a partition, together with the chunks handed over alongside it.
   * `heartbeat` is called between the steps, so a slow pass (a Redis outage, a huge fan-out of
   * changes) does not make the consumer group drop this member.
   */
  process(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    heartbeat: () => Promise<void> = async () => undefined,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error?: unknown) => (error === undefined ? resolve() : reject(error));
      this.waiting.push({ topic, partition, messages, heartbeat, done });
      // The other partitions of the same fetch arrive before the next turn of the event loop.
      if (this.waiting.length === 1) setImmediate(() => void this.runPass());
    });
  }

  private async runPass(): Promise<void> {
    const chunks = this.waiting;
    this.waiting = [];
    try {
      await this.pass(chunks);
      for (const chunk of chunks) chunk.done();
    } catch (error) {
      for (const chunk of chunks) chunk.done(error ?? new Error('batch pass failed'));
    }
  }

  private async pass(chunks: Chunk[]): Promise<void> {
    const started = performance.now();
    const now = this.clock();
    const { metrics } = this.deps;
    // Every chunk's heartbeat is the same group member's: one call keeps it in the group.
    const heartbeat = (chunks[0] as Chunk).heartbeat;

    const byApp: EventsByApp = new Map();
    const rejected: Rejected[] = [];
    const decodedChunks = await Promise.all(
      chunks.map(async ({ topic, partition, messages }) => {
        const values = messages.map((message) => message.value);
        const decoded = await decodeRecords(this.deps.codec, topic, values, now);
        decoded.forEach((result, index) => {
          const message = messages[index] as KafkaMessage;
          if (result.ok) addEvent(byApp, result.appId, result.event);
          else rejected.push({ message, topic, partition, ...pickReason(result) });
        });
        return decoded;
      }),
    );
    await sendToDeadLetters(this.deps.producer, rejected);
    for (const { topic, reason } of rejected) metrics.eventsRejected.inc({ topic, reason });

    await heartbeat();
    const changes = await this.updateApps(byApp, now);
    chunks.forEach(({ topic, messages }, index) => {
      this.observeLatency(messages, topic, decodedChunks[index] ?? []);
    });
    await heartbeat();
    await this.deps.publisher.publish(changes);
    for (const change of changes) {
      metrics.membershipChanges.inc({ change: change.change, source: 'event' });
    }
    metrics.batchDuration.observe((performance.now() - started) / 1_000);
  }

  private async updateApps(byApp: EventsByApp, now: number): Promise<OutboxChange[]> {
    const perApp = await Promise.all(
      [...byApp].map(([appId, users]) => {
        const segments = this.deps.catalog.app(appId) ?? noSegments;
        const stats = { users: 0, conflicts: 0 };
        const pick = affectedSegments(segments, now);
        return this.deps.updater.update(appId, users, pick, now, stats).finally(() => {
          this.deps.metrics.casConflicts.inc(stats.conflicts);
        });
      }),
    );
    return perApp.flat();
  }

  private observeLatency(messages: KafkaMessage[], topic: string, decoded: { ok: boolean }[]) {
    const { metrics } = this.deps;
    const written = Date.now();
    let accepted = 0;
    messages.forEach((message, index) => {
      if (!decoded[index]?.ok) return;
      accepted += 1;
      metrics.eventToMembership.observe((written - Number(message.timestamp)) / 1_000);
    });
    metrics.eventsConsumed.inc({ topic }, accepted);
  }
}

function addEvent(byApp: EventsByApp, appId: string, event: UserEvent): void {
  let users = byApp.get(appId);
  if (!users) {
    users = new Map();
    byApp.set(appId, users);
  }
  const events = users.get(event.userId);
  if (events) events.push(event);
  else users.set(event.userId, [event]);
}

function pickReason(result: { reason: Rejected['reason']; message: string }) {
  return { reason: result.reason, error: result.message };
}
