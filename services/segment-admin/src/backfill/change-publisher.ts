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

/** Publishes membership changes found outside the worker (backfill, version switch). */
export type ChangeSink = (changes: OutboxChange[]) => Promise<void>;

/**
 * Records per produce call: large, so per-request costs are shared, but bounded so each
 * partition's batch stays under the broker's 1 MB default (12 partitions, ~100 bytes a record)
 * and kafkajs's grouping by partition, quadratic in records per partition, stays cheap.
 */
const RECORDS_PER_SEND = 10_000;

/**
 * A sink that publishes on `segment-membership-changes` (Avro, keyed `appId:userId`), then
 * removes the changes from their outboxes, as the worker does. A crash in between leaves them
 * in the outbox for the worker's relay: at least once, never lost.
 */
export function kafkaChangeSink(
  producer: SendingProducer,
  codec: AvroCodec,
  redis: ScriptedRedis,
  keys: RedisKeys,
): ChangeSink {
  const subject = valueSubject(topics.membershipChanges);

  return async (changes) => {
    if (changes.length === 0) return;
    const writer = await codec.writerFor(subject);

    for (let start = 0; start < changes.length; start += RECORDS_PER_SEND) {
      const slice = changes.slice(start, start + RECORDS_PER_SEND);
      const messages = slice.map((change) => ({
        // A Buffer, so the partitioner and kafkajs's encoder share one UTF-8 encoding.
        key: Buffer.from(`${change.appId}:${change.userId}`),
        value: codec.encodeWith(writer, {
          appId: change.appId,
          segmentId: change.segmentId,
          segmentVersion: change.segmentVersion,
          userId: change.userId,
          change: change.change,
          at: change.at,
          sequence: change.sequence,
        }),
      }));
      await producer.send({ topic: topics.membershipChanges, acks: -1, messages });
      await removeFromOutbox(redis, keys, slice);
    }
  };
}
