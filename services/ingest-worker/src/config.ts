import { hostname } from 'node:os';
import { Type, type Static } from '@sinclair/typebox';
import { commonEnv, loadConfig, portEnv } from '@audience/platform';

const workerEnv = Type.Object({
  ...commonEnv,
  WORKER_PORT: portEnv(4300),
  /** Kafka consumer group shared by every worker process. */
  WORKER_GROUP_ID: Type.String({ default: 'ingest-worker', minLength: 1 }),
  /** This process's id in the group and on sweeper leases; unique per process. */
  WORKER_ID: Type.String({ default: `${hostname()}-${process.pid}`, minLength: 1 }),
  /**
   * Partitions of one worker handed over at the same time; their chunks are processed
   * together in one pass (one script pipeline, one publish), so the default takes every
   * partition of the two event topics.
   */
  WORKER_PARTITIONS_CONCURRENTLY: Type.Integer({ default: 24, minimum: 1, maximum: 64 }),
  /**
   * Offsets are committed at most this often (ms); a chunk's offset is resolved only once its
   * state, membership and changes are written, so a crash redoes at most this much, which the
   * state merge absorbs. Committing after every chunk put a round trip in every batch.
   */
  WORKER_COMMIT_INTERVAL_MS: Type.Integer({ default: 200, minimum: 0, maximum: 60_000 }),
  /**
   * Records of a partition taken into one pass, between two offset resolutions and
   * heartbeats; a pass holds at most this many per partition handed over.
   */
  WORKER_CHUNK_SIZE: Type.Integer({ default: 2_500, minimum: 1, maximum: 100_000 }),
  /** Time sweeper period (ms); exits are applied at most this late (plus the work). */
  SWEEP_INTERVAL_MS: Type.Integer({ default: 250, minimum: 10, maximum: 60_000 }),
  /** An outbox entry this old (ms) is relayed: its worker crashed or failed to publish. */
  OUTBOX_RELAY_AGE_MS: Type.Integer({ default: 5_000, minimum: 100, maximum: 600_000 }),
  /** Bucket leases live this long (ms) without renewal; renewed every third of it. */
  LEASE_TTL_MS: Type.Integer({ default: 10_000, minimum: 1_000, maximum: 600_000 }),
  /** Full reload period of segment definitions (ms), a safety net behind the notices. */
  DEFINITIONS_RELOAD_MS: Type.Integer({ default: 30_000, minimum: 1_000, maximum: 3_600_000 }),
  /** Kafka consumer session timeout (ms): a worker silent this long leaves the group. */
  KAFKA_SESSION_TIMEOUT_MS: Type.Integer({ default: 30_000, minimum: 6_000, maximum: 300_000 }),
});

export type WorkerConfig = Static<typeof workerEnv>;

/** Reads and checks the worker's environment once, at start. */
export function loadWorkerConfig(env: NodeJS.ProcessEnv): WorkerConfig {
  return loadConfig(workerEnv, env);
}
