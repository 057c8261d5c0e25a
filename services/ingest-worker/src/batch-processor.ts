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

const noSegments = new AppSegments();

/**
 * Turns one chunk of records of a partition into state, membership and published changes:
 * decode, dead-letter what cannot be used, group by app and user, update every user with one
 * compare-and-set script call per bucket, then publish the recorded changes. Offsets may be
 * committed once it resolves.
 */
export class BatchProcessor {
  private readonly clock: () => number;

  constructor(private readonly deps: BatchProcessorDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  /**
   * Processes one chunk. `heartbeat` is called between the steps, so a slow chunk (a Redis
   * outage, a huge fan-out of changes) does not make the consumer group drop this member.
   */
  async process(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    heartbeat: () => Promise<void> = async () => undefined,
  ): Promise<void> {
    const started = performance.now();
    const now = this.clock();
    const { metrics } = this.deps;
    const values = messages.map((message) => message.value);
    const decoded = await decodeRecords(this.deps.codec, topic, values, now);

    const byApp: EventsByApp = new Map();
    const rejected: Rejected[] = [];
    decoded.forEach((result, index) => {
      const message = messages[index] as KafkaMessage;
      if (result.ok) addEvent(byApp, result.appId, result.event);
      else rejected.push({ message, topic, partition, ...pickReason(result) });
    });
    await sendToDeadLetters(this.deps.producer, rejected);
    for (const { reason } of rejected) metrics.eventsRejected.inc({ topic, reason });

    await heartbeat();
    const changes = await this.updateApps(byApp, now);
    this.observeLatency(messages, decoded.length - rejected.length, topic, decoded);
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

  private observeLatency(
    messages: KafkaMessage[],
    accepted: number,
    topic: string,
    decoded: { ok: boolean }[],
  ): void {
    const { metrics } = this.deps;
    metrics.eventsConsumed.inc({ topic }, accepted);
    const written = Date.now();
    messages.forEach((message, index) => {
      if (!decoded[index]?.ok) return;
      metrics.eventToMembership.observe((written - Number(message.timestamp)) / 1_000);
    });
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
