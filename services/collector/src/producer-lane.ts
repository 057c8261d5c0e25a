import { AppError } from '@audience/platform';
import type { Message, Producer, TopicMessages } from 'kafkajs';
import type { Logger } from 'pino';

/** The part of a kafkajs producer the publisher uses. */
export type BatchProducer = Pick<Producer, 'connect' | 'sendBatch' | 'disconnect'>;

/** What a lane needs from its publisher. */
export interface LaneOptions {
  /** Makes an idempotent producer; called at start and after every replacement. */
  createProducer: () => BatchProducer;
  logger: Logger;
  /** Longest wait for Kafka's acknowledgement before a request is answered 503. */
  deadlineMs: number;
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
 * One idempotent producer with its own group commit: requests that arrive while its produce
 * call is in flight are gathered and all sent in its next call. kafkajs keeps one request in
 * flight per broker connection for this producer (`maxInFlightRequests: 1`, which keeps its
 * sequence numbers safe), so a lane never has two calls running; the publisher runs several
 * lanes to keep several calls in flight.
 *
 * When a produce call fails after the producer had connected, the producer is replaced by a
 * new one: kafkajs may have given up on a request that the broker did write, and its sequence
 * numbers would then be out of step with the broker's, failing every later call. A new
 * producer gets a new producer id and starts its sequences afresh. A call still running when
 * a request of its group reaches the deadline is abandoned the same way, so a hung connection
 * holds the queue up for one deadline, not for all of kafkajs's request timeouts and retries.
 */
export class ProducerLane {
  private readonly queue: PendingBatch[] = [];
  private sending = false;
  private producer: BatchProducer;
  private connecting: Promise<void> | undefined;
  private connected = false;
  /** Bumped on every producer replacement; a call of an older generation is abandoned. */
  private generation = 0;
  /** Counts produce calls, so that only the latest one moves the queue on. */
  private calls = 0;
  private readonly logger: Logger;

  constructor(private readonly options: LaneOptions) {
    this.logger = options.logger;
    this.producer = options.createProducer();
  }

  /** Requests waiting for the next call, plus one when a call is running: the lane's load. */
  get load(): number {
    return this.queue.length + (this.sending ? 1 : 0);
  }

  /**
   * Writes the messages of one request; resolves once Kafka acknowledged all of them.
   * @throws AppError `kafka_unavailable` (503) when Kafka did not acknowledge in time.
   */
  async send(messages: TopicMessages[]): Promise<void> {
    await this.awaitWithDeadline(this.enqueue(messages));
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
      timer = setTimeout(() => resolve('late'), this.options.deadlineMs);
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

    const ms = this.options.deadlineMs;
    return kafkaUnavailable(new Error(`no acknowledgement within ${ms} ms`));
  }

  private pump(): void {
    if (this.sending || this.queue.length === 0) return;

    const generation = this.generation;
    const group = this.queue.splice(0, this.queue.length);
    for (const pending of group) {
      pending.taken = true;
      pending.generation = generation;
    }
    this.sending = true;

    const call = ++this.calls;
    void this.sendGroup(group, generation).finally(() => {
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
        timeout: this.options.deadlineMs,
        topicMessages: mergeByTopic(group),
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
    const cause = new Error(`produce call still running after ${this.options.deadlineMs} ms`);
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

  /** Disconnects the producer; for shutdown, once no request waits on it any more. */
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

/** The messages of a group, one entry per topic, in the order the requests came. */
function mergeByTopic(group: PendingBatch[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const pending of group) {
    for (const { topic, messages } of pending.messages) {
      const merged = byTopic.get(topic);
      if (!merged) byTopic.set(topic, messages.slice());
      else for (const message of messages) merged.push(message);
    }
  }

  const topicMessages: TopicMessages[] = [];
  for (const [topic, messages] of byTopic) topicMessages.push({ topic, messages });
  return topicMessages;
}

/** The 503 answer of a request whose events Kafka did not acknowledge. */
export function kafkaUnavailable(cause: unknown): AppError {
  return new AppError('kafka_unavailable', 'Kafka did not acknowledge the events; retry', {
    status: 503,
    cause,
  });
}
