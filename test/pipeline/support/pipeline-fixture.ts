import type { SegmentDefinition, UserEvent } from '@audience/engine';
import { oracleMember } from '../../../services/engine/src/testing/oracle';
import {
  AvroCodec,
  DefinitionStore,
  MembershipReader,
  createIdempotentProducer,
  createKafka,
  createRedis,
  redisKeys,
  topics,
  valueSubject,
  type MembershipChange,
  type RedisKeys,
  type ScriptedRedis,
  type StoredSegment,
} from '@audience/platform';
import type { Consumer, Producer } from 'kafkajs';
import pino from 'pino';
import { stack, startGroupAtEnd, testKafka, uniqueName } from './stack-env';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** Membership by segment id: the set of member userIds. */
export type Membership = Map<string, Set<string>>;

/** Where the fixture's Kafka and Redis are: the shared stack's unless a test runs its own. */
export interface PipelineFixtureOptions {
  brokers?: string;
  redisUrl?: string;
}

/**
 * What a pipeline test needs around the worker processes: its own key prefix and consumer
 * group, a definition store, a membership reader, an Avro event producer and a reader of the
 * change topic that starts at the current end.
 */
export class PipelineFixture {
  readonly prefix = `${uniqueName('test-pipeline')}:`;
  readonly groupId = uniqueName('pipeline-group');
  readonly redis: ScriptedRedis;
  readonly keys: RedisKeys;
  readonly store: DefinitionStore;
  readonly reader: MembershipReader;
  readonly codec = new AvroCodec({ url: stack.registryUrl });
  readonly changes: MembershipChange[] = [];
  private readonly producer: Producer;
  private readonly brokers: string;
  private changeConsumer: Consumer | undefined;

  constructor(options: PipelineFixtureOptions = {}) {
    this.brokers = options.brokers ?? stack.brokers;
    const url = options.redisUrl ?? stack.redisUrl;
    this.redis = createRedis({ url, logger, name: 'pipeline-test' });
    this.keys = redisKeys(this.prefix);
    this.store = new DefinitionStore(this.redis, this.keys);
    this.reader = new MembershipReader(this.redis, this.keys);
    const kafka = createKafka({ clientId: 'pipeline-test', brokers: this.brokers, logger });
    this.producer = createIdempotentProducer(kafka);
  }

  /** Connects, points the worker group at the topic ends and starts reading changes. */
  async start(): Promise<void> {
    await this.producer.connect();
    await startGroupAtEnd(this.groupId, [topics.appSessions, topics.pageViews], this.brokers);
    const changeGroup = uniqueName('pipeline-changes');
    await startGroupAtEnd(changeGroup, [topics.membershipChanges], this.brokers);
    // Retries without end: a test that stops its own broker wants the reader back afterwards.
    this.changeConsumer = testKafka('pipeline-test-changes', this.brokers).consumer({
      groupId: changeGroup,
      maxWaitTimeInMs: 50,
      retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 2_000 },
    });
    await this.changeConsumer.connect();
    await this.changeConsumer.subscribe({ topics: [topics.membershipChanges] });
    await this.changeConsumer.run({
      eachMessage: async ({ message }) => {
        if (!message.value) return;
        this.changes.push(await this.codec.decode<MembershipChange>(message.value));
      },
    });
  }

  /**
   * Disconnects and deletes the fixture's keys. `keepKeys` skips the deletion and drops the
   * Redis connection at once, for a private Redis that is thrown away anyway (and may be
   * down when a test failed).
   */
  async close(options: { keepKeys?: boolean } = {}): Promise<void> {
    await this.changeConsumer?.disconnect();
    await this.producer.disconnect();
    if (options.keepKeys) {
      this.redis.disconnect();
      return;
    }
    await deleteByPrefix(this.redis, this.prefix);
    await this.redis.quit();
  }

  /** Creates segments and returns them. */
  async createSegments(appId: string, definitions: SegmentDefinition[]) {
    const created: StoredSegment[] = [];
    for (const definition of definitions) created.push(await this.store.create(appId, definition));
    return created;
  }

  /** Writes events straight to the event topics, Avro-encoded, keyed appId:userId. */
  async produce(appId: string, events: UserEvent[], chunk = 500): Promise<void> {
    const sessions = await this.codec.writerFor(valueSubject(topics.appSessions));
    const views = await this.codec.writerFor(valueSubject(topics.pageViews));
    for (let start = 0; start < events.length; start += chunk) {
      const slice = events.slice(start, start + chunk);
      const byTopic = new Map<string, { key: string; value: Buffer }[]>();
      for (const event of slice) {
        const topic = event.type === 'app_session' ? topics.appSessions : topics.pageViews;
        const writer = event.type === 'app_session' ? sessions : views;
        const value = this.codec.encodeWith(writer, toAvro(appId, event));
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

  /** Raw records (poison tests). */
  async produceRaw(topic: string, key: string, value: Buffer): Promise<void> {
    await this.producer.send({ topic, acks: -1, messages: [{ key, value }] });
  }

  /** The stored membership of the serving version of each segment, read page by page. */
  async storedMembership(appId: string, segments: StoredSegment[]): Promise<Membership> {
    const result: Membership = new Map();
    for (const segment of segments) {
      const members = new Set<string>();
      let cursor: string | undefined;
      do {
        const ref = { segmentId: segment.id, version: segment.servingVersion };
        const page = await this.reader.page(appId, ref, 997, cursor);
        page.members.forEach((member) => members.add(member));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      result.set(segment.id, members);
    }
    return result;
  }

  /** Number of users whose state is stored for the app (sums every bucket's users hash). */
  async storedUserCount(appId: string): Promise<number> {
    const pipeline = this.redis.pipeline();
    for (let bucket = 0; bucket < 1024; bucket += 1) pipeline.hlen(this.keys.users(appId, bucket));
    const replies = (await pipeline.exec()) ?? [];
    return replies.reduce((sum, [, count]) => sum + Number(count), 0);
  }
}

/** The membership the oracle predicts from the raw events, at `now`. */
export function oracleMembership(
  events: UserEvent[],
  segments: StoredSegment[],
  now: number,
): Membership {
  const byUser = new Map<string, UserEvent[]>();
  for (const event of events) {
    const list = byUser.get(event.userId) ?? [];
    list.push(event);
    byUser.set(event.userId, list);
  }
  const result: Membership = new Map();
  for (const segment of segments) {
    const members = new Set<string>();
    for (const [userId, userEvents] of byUser) {
      if (oracleMember(userEvents, segment.definition, now)) members.add(userId);
    }
    result.set(segment.id, members);
  }
  return result;
}

/** Differences between two memberships, as readable lines (empty when equal). */
export function membershipDiff(expected: Membership, actual: Membership): string[] {
  const lines: string[] = [];
  for (const [segmentId, members] of expected) {
    const stored = actual.get(segmentId) ?? new Set<string>();
    const missing = [...members].filter((user) => !stored.has(user));
    const extra = [...stored].filter((user) => !members.has(user));
    if (missing.length > 0) lines.push(`${segmentId} missing ${missing.slice(0, 5).join(',')}`);
    if (extra.length > 0) lines.push(`${segmentId} extra ${extra.slice(0, 5).join(',')}`);
  }
  return lines;
}

function toAvro(appId: string, event: UserEvent) {
  const common = {
    appId,
    userId: event.userId,
    eventId: event.eventId,
    timestamp: event.timestamp,
    language: event.language ?? null,
    receivedAt: null,
  };
  return event.type === 'page_view' ? { ...common, path: event.path } : common;
}

async function deleteByPrefix(redis: ScriptedRedis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}
