import { AvroCodec, topics, valueSubject, type AvroWriter } from '@audience/platform';
import type { UserEvent } from '@audience/engine';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';

export type Offsets = Map<string, Map<number, bigint>>;

export const eventTopics = [topics.appSessions, topics.pageViews];

/** A silent kafkajs client for benchmark plumbing. */
export function benchKafka(brokers: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

/** End offsets of `names` now. */
export async function endOffsets(admin: Admin, names: string[]): Promise<Offsets> {
  const result: Offsets = new Map();
  for (const topic of names) {
    const ends = await admin.fetchTopicOffsets(topic);
    result.set(topic, new Map(ends.map(({ partition, high }) => [partition, BigInt(high)])));
  }
  return result;
}

/** Records between two offset snapshots. */
export function recordsBetween(from: Offsets, to: Offsets): number {
  let total = 0n;
  for (const [topic, partitions] of to) {
    for (const [partition, end] of partitions)
      total += end - (from.get(topic)?.get(partition) ?? 0n);
  }
  return Number(total);
}

/** Commits `offsets` for a group that is not running, so it starts exactly there. */
export async function placeGroup(admin: Admin, groupId: string, offsets: Offsets): Promise<void> {
  for (const [topic, partitions] of offsets) {
    const list = [...partitions].map(([partition, offset]) => ({
      partition,
      offset: offset.toString(),
    }));
    await admin.setOffsets({ groupId, topic, partitions: list });
  }
}

/** Records the group has committed past `marks`. */
export async function committedSince(admin: Admin, groupId: string, marks: Offsets) {
  const committed = await admin.fetchOffsets({ groupId, topics: [...marks.keys()] });
  let total = 0n;
  for (const { topic, partitions } of committed) {
    for (const { partition, offset } of partitions) {
      const mark = marks.get(topic)?.get(partition) ?? 0n;
      if (BigInt(offset) > mark) total += BigInt(offset) - mark;
    }
  }
  return Number(total);
}

/** True when the group's committed offsets reached `ends` on every partition. */
export async function groupCaughtUp(admin: Admin, groupId: string, ends: Offsets) {
  const committed = await admin.fetchOffsets({ groupId, topics: [...ends.keys()] });
  return committed.every(({ topic, partitions }) =>
    partitions.every(({ partition, offset }) => {
      const end = ends.get(topic)?.get(partition) ?? 0n;
      return BigInt(offset) >= end;
    }),
  );
}

/** Encodes events as the collector would and writes them, `chunk` records per request. */
export class EventWriter {
  private writers: Map<string, AvroWriter> = new Map();

  constructor(
    private readonly producer: Producer,
    private readonly codec: AvroCodec,
  ) {}

  async init(): Promise<void> {
    for (const topic of eventTopics) {
      this.writers.set(topic, await this.codec.writerFor(valueSubject(topic)));
    }
  }

  async write(appId: string, events: UserEvent[]): Promise<void> {
    const byTopic = new Map<string, { key: string; value: Buffer }[]>();
    for (const event of events) {
      const topic = event.type === 'app_session' ? topics.appSessions : topics.pageViews;
      const value = this.codec.encodeWith(this.writers.get(topic)!, {
        appId,
        userId: event.userId,
        eventId: event.eventId,
        timestamp: event.timestamp,
        language: event.language ?? null,
        receivedAt: null,
        ...(event.type === 'page_view' ? { path: event.path } : {}),
      });
      const list = byTopic.get(topic) ?? [];
      list.push({ key: `${appId}:${event.userId}`, value });
      byTopic.set(topic, list);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }
}
