import { topics, type SendingProducer } from '@audience/platform';
import type { KafkaMessage } from 'kafkajs';
import type { RejectReason } from './event-decoder';

/** A record that cannot be used, with where it came from and why. */
export interface Rejected {
  message: KafkaMessage;
  topic: string;
  partition: number;
  reason: RejectReason;
  error: string;
}

/**
 * Writes rejected records to `events-dlq` as received (same key and value), with headers
 * naming the reason code, a readable error, and the original topic, partition and offset, so
 * an operator can inspect and replay them.
 */
export async function sendToDeadLetters(producer: SendingProducer, rejected: Rejected[]) {
  if (rejected.length === 0) return;

  const messages = rejected.map(({ message, topic, partition, reason, error }) => ({
    key: message.key,
    value: message.value,
    headers: {
      'x-reject-reason': reason,
      'x-reject-error': error.slice(0, 1_000),
      'x-original-topic': topic,
      'x-original-partition': String(partition),
      'x-original-offset': message.offset,
      'x-original-timestamp': message.timestamp,
    },
  }));
  await producer.send({ topic: topics.deadLetters, acks: -1, messages });
}
