import { topics } from '@audience/platform';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { stack } from './collector-harness';

export interface ReadRecord {
  topic: string;
  key: string;
  value: Buffer;
}

type Offsets = Map<string, { partition: number; offset: string }[]>;

/**
 * Reads what lands on the event topics after {@link TopicReader.mark}: the end offsets are
 * noted first and committed for a group of its own before its consumer starts, so the
 * consumer begins exactly there (no seek racing the group join) and records written by other
 * tests and benchmarks before the mark are never read.
 */
export class TopicReader {
  private readonly kafka = new Kafka({
    clientId: 'collector-test-reader',
    brokers: stack.brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  private offsets: Offsets = new Map();
  private consumer: Consumer | undefined;
  // Keyed by topic, partition and offset: a rebalance may deliver a record twice.
  private readonly records = new Map<string, ReadRecord>();

  /** Notes the end offsets of the event topics; call before posting. */
  async mark(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    for (const topic of [topics.appSessions, topics.pageViews]) {
      const ends = await admin.fetchTopicOffsets(topic);
      this.offsets.set(
        topic,
        ends.map(({ partition, offset }) => ({ partition, offset })),
      );
    }
    await admin.disconnect();
  }

  /** Waits until `count` records whose key starts with `keyPrefix` were read. */
  async read(keyPrefix: string, count: number, timeoutMs = 20_000): Promise<ReadRecord[]> {
    await this.start();
    const deadline = Date.now() + timeoutMs;
    const matching = () =>
      [...this.records.values()].filter((record) => record.key.startsWith(keyPrefix));
    while (matching().length < count && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    return matching();
  }

  async close(): Promise<void> {
    await this.consumer?.disconnect();
  }

  private async start(): Promise<void> {
    if (this.consumer) return;

    const groupId = `collector-test-${process.pid}-${Date.now()}`;
    const admin = this.kafka.admin();
    await admin.connect();
    for (const [topic, partitions] of this.offsets) {
      await admin.setOffsets({ groupId, topic, partitions });
    }
    await admin.disconnect();

    this.consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.offsets.keys()] });
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        if (!message.key || !message.value) return;
        const record = { topic, key: message.key.toString(), value: message.value };
        this.records.set(`${topic}:${partition}:${message.offset}`, record);
      },
    });
  }
}
