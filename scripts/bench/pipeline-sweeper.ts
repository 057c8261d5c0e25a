import { DAY_MS, type UserEvent } from '@audience/engine';
import {
  AppSegments,
  AvroCodec,
  DefinitionStore,
  UserUpdater,
  affectedSegments,
  createRedis,
  redisKeys,
  topics,
  type MembershipChange,
} from '@audience/platform';
import pino from 'pino';
import { WorkerProcess } from '../../test/pipeline/support/worker-process';
import { benchKafka, endOffsets, eventTopics, placeGroup } from './bench-kafka';
import { quantile, sleep } from './bench-stats';

const logger = pino({ level: 'silent' });

export interface SweeperOptions {
  brokers: string;
  registryUrl: string;
  redisUrl: string;
  /** Users crossing per second. */
  rate: number;
  seconds: number;
}

export interface SweeperResult {
  crossings: number;
  published: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Users whose last session leaves a 1-day window at `rate` per second for `seconds`: the time
 * from each boundary to its EXITED change arriving on the change topic (so applying it in
 * Redis and publishing it are both inside the figure). One worker process does the sweeping.
 */
export async function measureSweeper(options: SweeperOptions): Promise<SweeperResult> {
  const stamp = Date.now().toString(36);
  const prefix = `bench-sweeper-${stamp}:`;
  const appId = `bench-sweeper-app-${stamp}`;
  const redis = createRedis({ url: options.redisUrl, logger, name: 'bench-sweeper' });
  const keys = redisKeys(prefix);
  const store = new DefinitionStore(redis, keys);
  const segment = await store.create(appId, {
    name: 'active today',
    match: 'all',
    criteria: [{ type: 'app_sessions', operator: 'within_last_days', days: 1 }],
  });

  const kafka = benchKafka(options.brokers, 'bench-sweeper');
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `bench-sweeper-${stamp}`;
  await placeGroup(admin, groupId, await endOffsets(admin, eventTopics));
  const changesGroup = `bench-sweeper-changes-${stamp}`;
  await placeGroup(admin, changesGroup, await endOffsets(admin, [topics.membershipChanges]));
  await admin.disconnect();

  const arrivals: { at: number; arrived: number }[] = [];
  const codec = new AvroCodec({ url: options.registryUrl });
  const consumer = kafka.consumer({ groupId: changesGroup, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.membershipChanges] });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const arrived = Date.now();
      const change = await codec.decode<MembershipChange>(message.value as Buffer);
      if (change.appId === appId && change.change === 'EXITED') {
        arrivals.push({ at: Number(change.at), arrived });
      }
    },
  });

  const worker = new WorkerProcess({
    groupId,
    prefix,
    workerId: `bench-sweeper-${stamp}`,
    env: { LEASE_TTL_MS: '10000', LOG_LEVEL: 'warn' },
  });
  await worker.start();
  try {
    const crossings = options.rate * options.seconds;
    const firstBoundary = Date.now() + 10_000;
    await writeUsers(redis, prefix, appId, segment, crossings, firstBoundary, options.rate);
    const lastBoundary = firstBoundary + options.seconds * 1_000;
    while (arrivals.length < crossings && Date.now() < lastBoundary + 15_000) await sleep(200);

    const delays = arrivals.map(({ at, arrived }) => arrived - at);
    return {
      crossings,
      published: arrivals.length,
      p50Ms: quantile(delays, 0.5),
      p99Ms: quantile(delays, 0.99),
      maxMs: quantile(delays, 1),
    };
  } finally {
    await worker.stop();
    await consumer.disconnect();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  }
}

async function writeUsers(
  redis: ReturnType<typeof createRedis>,
  prefix: string,
  appId: string,
  segment: Parameters<AppSegments['put']>[1],
  count: number,
  firstBoundary: number,
  rate: number,
): Promise<void> {
  const segments = new AppSegments();
  segments.put(segment!.id, segment);
  const updater = new UserUpdater(redis, redisKeys(prefix), logger);
  for (let start = 0; start < count; start += 2_000) {
    const batch = new Map<string, UserEvent[]>();
    for (let index = start; index < Math.min(count, start + 2_000); index += 1) {
      const userId = `crossing-${index}`;
      const timestamp = firstBoundary + Math.floor((index * 1_000) / rate) - DAY_MS;
      batch.set(userId, [{ type: 'app_session', userId, eventId: userId, timestamp }]);
    }
    const now = Date.now();
    await updater.update(appId, batch, affectedSegments(segments, now), now);
  }
  if (Date.now() > firstBoundary)
    throw new Error('users were not written before the first boundary');
}

async function deletePrefix(redis: ReturnType<typeof createRedis>, prefix: string) {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (found.length > 0) await redis.unlink(...found);
    cursor = next;
  } while (cursor !== '0');
}
