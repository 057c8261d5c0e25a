import {
  removeFromOutbox,
  topics,
  valueSubject,
  type AvroCodec,
  type OutboxChange,
  type RedisKeys,
  type ScriptedRedis,
  type SendingProducer,
} from '@audience/platform';
import type { Logger } from 'pino';

/**
 * Changes per produce request. One request carries one record batch per partition, and the
 * broker refuses a batch over `message.max.bytes` (1 MB by default): a busy chunk can record
 * hundreds of thousands of changes, so they go out in slices.
 */
const CHANGES_PER_SEND = 5_000;

/**
 * Publishes membership changes to `segment-membership-changes` (Avro MembershipChange, keyed
 * `appId:userId`, acks from all in-sync replicas), then removes them from their outbox. When
 * the publish fails the changes stay in the outbox and the relay publishes them later, so a
 * failure here never loses a change and never blocks the partition.
 */
export class ChangePublisher {
  /** Outbox entries this process is publishing now; the relay leaves them alone. */
  private readonly inFlight = new Set<string>();
  /** Removals from the outbox of changes already published. */
  private readonly clearing = new Set<Promise<void>>();

  constructor(
    private readonly producer: SendingProducer,
    private readonly codec: AvroCodec,
    private readonly redis: ScriptedRedis,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
  ) {}

  /**
   * Publishes; returns false (after logging) when the publish failed, leaving the changes in
   * the outbox for the relay. Published changes are removed from the outbox in the background:
   * they are out, and the caller (a batch, whose offsets wait for it) need not wait for one
   * more round trip. Until that removal is done they count as in flight, so the relay of this
   * process never publishes them a second time, however long a busy batch takes. A crash
   * before the removal leaves them to the relay, and consumers drop the repeat by sequence.
   */
  async publish(changes: OutboxChange[]): Promise<boolean> {
    if (changes.length === 0) return true;

    const flights = changes.map(flightKey);
    for (const flight of flights) this.inFlight.add(flight);
    const land = () => {
      for (const flight of flights) this.inFlight.delete(flight);
    };

    try {
      await this.send(changes);
    } catch (error) {
      land();
      this.logger.warn(
        { err: error, changes: changes.length },
        'change publish failed, left in the outbox for the relay',
      );
      return false;
    }

    const clearing: Promise<void> = removeFromOutbox(this.redis, this.keys, changes)
      .catch((error: unknown) => {
        this.logger.warn({ err: error }, 'published changes not removed from the outbox');
      })
      .finally(() => {
        land();
        this.clearing.delete(clearing);
      });
    this.clearing.add(clearing);
    return true;
  }

  /** True while `change` is being published by this process, or removed from its outbox. */
  isInFlight(change: OutboxChange): boolean {
    return this.inFlight.has(flightKey(change));
  }

  /** Waits until the outbox removals still running are done (for shutdown and tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.clearing]);
  }

  private async send(changes: OutboxChange[]): Promise<void> {
    const writer = await this.codec.writerFor(valueSubject(topics.membershipChanges));
    const messages = changes.map((change) => ({
      key: `${change.appId}:${change.userId}`,
      value: this.codec.encodeWith(writer, {
        appId: change.appId,
        segmentId: change.segmentId,
        segmentVersion: change.segmentVersion,
        userId: change.userId,
        change: change.change,
        at: change.at,
        sequence: change.sequence,
      }),
    }));
    for (let start = 0; start < messages.length; start += CHANGES_PER_SEND) {
      await this.producer.send({
        topic: topics.membershipChanges,
        acks: -1,
        messages: messages.slice(start, start + CHANGES_PER_SEND),
      });
    }
  }
}

/** An outbox entry's identity: sequences are unique within an (app, bucket). */
function flightKey(change: OutboxChange): string {
  return `${change.appId}\n${change.bucket}\n${change.sequence}`;
}
