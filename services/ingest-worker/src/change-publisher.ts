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

  constructor(
    private readonly producer: SendingProducer,
    private readonly codec: AvroCodec,
    private readonly redis: ScriptedRedis,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
  ) {}

  /**
   * Publishes and clears; returns false (after logging) when the publish failed. Until it
   * settles, its changes count as in flight, so the relay of this process does not publish
   * them a second time when a busy batch takes longer than the relay's age threshold.
   */
  async publish(changes: OutboxChange[]): Promise<boolean> {
    if (changes.length === 0) return true;

    const flights = changes.map(flightKey);
    for (const flight of flights) this.inFlight.add(flight);
    try {
      return await this.publishAndClear(changes);
    } finally {
      for (const flight of flights) this.inFlight.delete(flight);
    }
  }

  /** True while `change` is being published by this process. */
  isInFlight(change: OutboxChange): boolean {
    return this.inFlight.has(flightKey(change));
  }

  private async publishAndClear(changes: OutboxChange[]): Promise<boolean> {
    try {
      await this.send(changes);
    } catch (error) {
      this.logger.warn(
        { err: error, changes: changes.length },
        'change publish failed, left in the outbox for the relay',
      );
      return false;
    }
    await removeFromOutbox(this.redis, this.keys, changes);
    return true;
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
