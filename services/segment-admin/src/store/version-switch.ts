import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  BUCKET_COUNT,
  execPipeline,
  parseOutboxEntry,
  type OutboxChange,
  type RedisKeys,
  type ScriptedRedis,
} from '@audience/platform';

// Read from src/ also when running from dist/, as the platform does for its scripts.
const source = readFileSync(
  path.resolve(__dirname, '..', '..', 'src', 'store', 'lua', 'announce-switch.lua'),
  'utf8',
);

type SwitchRedis = ScriptedRedis & {
  announceSwitch(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<string[]>;
};

function withScript(redis: ScriptedRedis): SwitchRedis {
  const scripted = redis as SwitchRedis;
  if (!('announceSwitch' in scripted)) redis.defineCommand('announceSwitch', { lua: source });
  return scripted;
}

/** Buckets per pipelined round trip of the diff. */
const BUCKETS_PER_ROUND = 64;

/**
 * After a rebuilt version became the serving one, records in every bucket's outbox the
 * ENTERED and EXITED changes between the old and the new membership (announce-switch.lua), and
 * returns them for publishing. The old version must not be freed before this ran.
 *
 * Safe to run again after a failure: a bucket already announced records nothing new and
 * returns its entries still waiting in the outbox, so a retry publishes what the failed
 * attempt did not, with the same sequences. The per-bucket markers this leaves are deleted
 * with the old version ({@link freeSwitchMarkers}).
 */
export async function announceSwitch(
  redis: ScriptedRedis,
  keys: RedisKeys,
  target: { appId: string; segmentId: string; oldVersion: number; newVersion: number },
  now: number,
): Promise<OutboxChange[]> {
  const scripted = withScript(redis);
  const { appId, segmentId, oldVersion, newVersion } = target;
  const label = `${segmentId}\t${newVersion}`;
  const changes: OutboxChange[] = [];

  for (let first = 0; first < BUCKET_COUNT; first += BUCKETS_PER_ROUND) {
    const pipeline = scripted.pipeline() as unknown as {
      announceSwitch(...args: (string | number)[]): void;
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    const last = Math.min(first + BUCKETS_PER_ROUND, BUCKET_COUNT);
    for (let bucket = first; bucket < last; bucket += 1) {
      pipeline.announceSwitch(
        5,
        keys.members(appId, segmentId, oldVersion, bucket),
        keys.members(appId, segmentId, newVersion, bucket),
        keys.outbox(appId, bucket),
        keys.sequence(appId, bucket),
        keys.switched(appId, segmentId, newVersion, bucket),
        now,
        label,
        now,
      );
    }
    const replies = (await pipeline.exec()) ?? [];
    replies.forEach(([error, entries], offset) => {
      if (error) throw error;
      for (const entry of entries as string[]) {
        changes.push(parseOutboxEntry(appId, first + offset, entry));
      }
    });
  }

  return changes;
}

/** Deletes the per-bucket markers of the switches to `versions` of a segment. */
export async function freeSwitchMarkers(
  redis: ScriptedRedis,
  keys: RedisKeys,
  target: { appId: string; segmentId: string; versions: number[] },
): Promise<void> {
  const { appId, segmentId, versions } = target;
  for (const version of versions) {
    const pipeline = redis.pipeline();
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket += 1) {
      pipeline.unlink(keys.switched(appId, segmentId, version, bucket));
    }
    await execPipeline(pipeline);
  }
}
