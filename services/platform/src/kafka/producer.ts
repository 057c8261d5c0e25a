import {
  Kafka,
  logLevel,
  type ICustomPartitioner,
  type ISocketFactory,
  type LogEntry,
  type Producer,
  type RetryOptions,
} from 'kafkajs';
import type { Logger } from 'pino';
import { KeyPartitioner } from './key-partitioner';
import { RenewingProducer } from './renewing-producer';

/** Splits `KAFKA_BROKERS` (`host:port,host:port`) into the list kafkajs expects. */
export function parseBrokers(brokers: string): string[] {
  return brokers
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
}

export interface KafkaClientOptions {
  clientId: string;
  brokers: string;
  logger: Logger;
  /** Time to open a TCP connection to a broker; kept short so an outage is noticed fast. */
  connectionTimeoutMs?: number;
  /** Time a broker has to answer one request. */
  requestTimeoutMs?: number;
  /** Retry policy of connections and metadata requests. */
  retry?: RetryOptions;
  /** Opens broker connections; tests pass one that can cut the network to Kafka. */
  socketFactory?: ISocketFactory;
}

/**
 * A kafkajs client whose log lines go to pino (`component: 'kafka'`) at the matching level, so
 * broker trouble shows up in the service's own structured log.
 */
export function createKafka(options: KafkaClientOptions): Kafka {
  const logger = options.logger.child({ component: 'kafka' });

  return new Kafka({
    clientId: options.clientId,
    brokers: parseBrokers(options.brokers),
    connectionTimeout: options.connectionTimeoutMs ?? 1_000,
    requestTimeout: options.requestTimeoutMs ?? 5_000,
    retry: options.retry,
    socketFactory: options.socketFactory,
    logLevel: logLevel.INFO,
    logCreator: () => (entry) => writeKafkaLog(logger, entry),
  });
}

function writeKafkaLog(logger: Logger, { level, log }: LogEntry): void {
  // kafkajs adds its own timestamp and logger name; pino has both already.
  const fields: Record<string, unknown> = { ...log };
  delete fields.message;
  delete fields.timestamp;
  delete fields.logger;
  const message = log.message;

  if (level === logLevel.ERROR) logger.error(fields, message);
  else if (level === logLevel.WARN) logger.warn(fields, message);
  else if (level === logLevel.INFO) logger.info(fields, message);
  else logger.debug(fields, message);
}

export interface ProducerOptions {
  /**
   * Retry policy of one send. Bounded by default so a send to an unreachable cluster fails
   * within a few seconds and a caller (the collector) can answer 503 instead of hanging.
   */
  retry?: RetryOptions;
  /**
   * Where keyed records go: {@link KeyPartitioner} unless given, which places them exactly as
   * kafkajs's `DefaultPartitioner` (and the Java client) do, at a fraction of the cost.
   */
  partitioner?: ICustomPartitioner;
}

/**
 * Retries of one send: about 3 s in all before the send fails. kafkajs logs a warning that
 * limited retries may weaken the idempotent producer's guarantees: the sequence numbers stay
 * correct within one send, and a caller that gives up may see its batch written once more on
 * its own retry, which the pipeline's idempotent state merge absorbs.
 */
const boundedSendRetry: RetryOptions = {
  retries: 5,
  initialRetryTime: 100,
  maxRetryTime: 1_000,
};

/**
 * An idempotent producer: the broker drops duplicates caused by the producer's own retries,
 * and every send must use `acks: -1` (all in-sync replicas), which kafkajs enforces for
 * idempotent producers. The caller connects it and disconnects it on shutdown.
 */
export function createIdempotentProducer(kafka: Kafka, options: ProducerOptions = {}): Producer {
  return kafka.producer({
    // murmur2 on the key, as the Java client: a user's records land on the same partition
    // whichever client produced them. Named explicitly, which also silences kafkajs's notice.
    createPartitioner: options.partitioner ?? KeyPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: options.retry ?? boundedSendRetry,
  });
}

/**
 * An idempotent producer that replaces itself after a send that failed once connected, so a
 * caller that sends again after a failure is never acknowledged for records the broker took
 * as duplicates (see {@link RenewingProducer}). `onRenew` counts the replacements.
 */
export function createRenewingProducer(
  kafka: Kafka,
  logger: Logger,
  options: ProducerOptions & { onRenew?: () => void } = {},
): RenewingProducer {
  const { onRenew, ...producerOptions } = options;
  const create = () => createIdempotentProducer(kafka, producerOptions);

  return new RenewingProducer(create, logger.child({ component: 'producer' }), onRenew);
}
