import { topics, type SegmentCatalog } from '@audience/platform';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { BatchProcessor } from './batch-processor';
import type { WorkerMetrics } from './worker-metrics';

export interface EventConsumerOptions {
  groupId: string;
  partitionsConcurrently: number;
  chunkSize: number;
  sessionTimeoutMs: number;
  /** Resolved offsets are committed at most this often (ms); 0 commits after every chunk. */
  commitIntervalMs: number;
}

/**
 * The worker's Kafka side: a consumer group on the two event topics. Each batch is processed
 * in chunks; after each chunk its last offset is resolved, offsets are committed when the
 * commit interval has passed, and a heartbeat is sent, so a long batch neither loses the group
 * nor redoes much after a crash.
 * Offsets are committed only for chunks whose state, membership and changes are written.
 * Each chunk runs as one use of the segment catalog, so the worker acknowledges a definitions
 * revision only once no chunk that began with an older catalog is still running.
 */
export class EventConsumer {
  private readonly consumer: Consumer;
  private joined = false;

  constructor(
    kafka: Kafka,
    private readonly processor: BatchProcessor,
    private readonly catalog: Pick<SegmentCatalog, 'use'>,
    private readonly metrics: WorkerMetrics,
    private readonly logger: Logger,
    private readonly options: EventConsumerOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: 3_000,
      retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 5_000 },
    });
    const { GROUP_JOIN, CRASH } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      const { memberId, memberAssignment } = payload;
      this.logger.info({ memberId, assignment: memberAssignment }, 'joined group');
    });
    this.consumer.on(CRASH, ({ payload }) => {
      this.joined = false;
      this.logger.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
    });
  }

  /** True once the consumer has joined its group. */
  get ready(): boolean {
    return this.joined;
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [topics.appSessions, topics.pageViews],
      fromBeginning: true,
    });
    await this.consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConcurrently,
      eachBatchAutoResolve: false,
      // Only written chunks are resolved; committing them on a short timer keeps the commit
      // round trip out of most batches, and what a crash redoes is merged idempotently.
      ...(this.options.commitIntervalMs > 0
        ? { autoCommitInterval: this.options.commitIntervalMs }
        : { autoCommitThreshold: 1 }),
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /** Stops fetching, lets the batch in progress finish its current chunk, leaves the group. */
  async stop(): Promise<void> {
    this.joined = false;
    await this.consumer.disconnect();
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, uncommittedOffsets } =
      payload;
    const { chunkSize } = this.options;
    let lastOffset: string | undefined;

    for (let start = 0; start < batch.messages.length; start += chunkSize) {
      if (!payload.isRunning() || payload.isStale()) break;
      const chunk = batch.messages.slice(start, start + chunkSize);
      await this.catalog.use(() =>
        this.processor.process(batch.topic, batch.partition, chunk, heartbeat),
      );

      lastOffset = chunk[chunk.length - 1]?.offset ?? lastOffset;
      if (lastOffset !== undefined) resolveOffset(lastOffset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
    // Stopping: what is written is committed now, not at the next interval that never comes.
    if (!payload.isRunning()) await commitOffsetsIfNecessary(uncommittedOffsets());

    if (lastOffset !== undefined) {
      const lag = Math.max(0, Number(batch.highWatermark) - Number(lastOffset) - 1);
      const labels = { topic: batch.topic, partition: String(batch.partition) };
      this.metrics.consumerLag.set(labels, lag);
    }
  }
}
