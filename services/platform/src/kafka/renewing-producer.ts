import type { Producer, ProducerBatch, ProducerRecord, RecordMetadata } from 'kafkajs';
import type { Logger } from 'pino';

/** The part of a kafkajs producer that the services' publishers use. */
export type SendingProducer = Pick<Producer, 'connect' | 'disconnect' | 'send' | 'sendBatch'>;

interface Generation {
  producer: SendingProducer;
  connecting: Promise<void> | undefined;
}

/**
 * An idempotent producer that is replaced by a new one after any send that fails once
 * connected.
 *
 * Why: the broker recognises a retried batch by its producer id and sequence numbers alone.
 * When kafkajs gives up on a request the broker did write (the answer was lost in a broker
 * restart, the retries ran out), it winds its sequence back; the next send, carrying other
 * records, then reuses those sequence numbers, and the broker either acknowledges it as a
 * duplicate without writing it (records lost behind a success) or refuses every later send
 * as out of order. A new producer gets a new producer id from the broker and starts its
 * sequences afresh, so what the caller sends again after a failure is written, at worst
 * twice, which the consumers of every topic here absorb.
 *
 * A failed connect is not a reason to replace: nothing was sent. Sends still running on a
 * replaced producer end when it is disconnected, and their callers see the failure.
 */
export class RenewingProducer implements SendingProducer {
  private current: Generation;
  private closed = false;

  constructor(
    private readonly create: () => SendingProducer,
    private readonly logger: Logger,
    private readonly onRenew: () => void = () => undefined,
  ) {
    this.current = { producer: create(), connecting: undefined };
  }

  /** Connects the current producer; sends connect it too when needed. */
  connect(): Promise<void> {
    return this.connected(this.current);
  }

  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    return this.run((producer) => producer.send(record));
  }

  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    return this.run((producer) => producer.sendBatch(batch));
  }

  /** Disconnects the current producer; no replacement happens after this. */
  async disconnect(): Promise<void> {
    this.closed = true;
    await this.current.producer.disconnect();
  }

  private async run(call: (producer: SendingProducer) => Promise<RecordMetadata[]>) {
    const generation = this.current;
    await this.connected(generation);

    try {
      return await call(generation.producer);
    } catch (error) {
      if (generation === this.current && !this.closed) this.renew(error);
      throw error;
    }
  }

  private connected(generation: Generation): Promise<void> {
    if (generation.connecting) return generation.connecting;

    const connecting = generation.producer.connect().catch((error: unknown) => {
      // The next send tries again.
      generation.connecting = undefined;
      throw error;
    });
    generation.connecting = connecting;
    return connecting;
  }

  private renew(cause: unknown): void {
    const old = this.current;
    this.current = { producer: this.create(), connecting: undefined };
    this.onRenew();
    this.logger.warn({ err: cause }, 'send failed, replacing the producer');

    void old.producer.disconnect().catch((error: unknown) => {
      this.logger.debug({ err: error }, 'replaced producer did not disconnect cleanly');
    });
  }
}
