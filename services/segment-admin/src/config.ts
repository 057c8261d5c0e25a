import { Type, type Static } from '@sinclair/typebox';
import { commonEnv, loadConfig, portEnv } from '@audience/platform';

/** Environment of segment-admin: the common connections plus its own port, token and jobs. */
export const adminEnv = Type.Object({
  ...commonEnv,
  ADMIN_PORT: portEnv(4200),
  ADMIN_HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  /** Bearer token of the admin API; 16 characters at least so it cannot be guessed by hand. */
  ADMIN_TOKEN: Type.String({ minLength: 16 }),
  /** Runs the BullMQ backfill worker in this process; turn off to run it elsewhere. */
  BACKFILL_WORKER: Type.Boolean({ default: true }),
  /** Backfill jobs one process runs at the same time. */
  BACKFILL_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 2 }),
  /** Virtual buckets per backfill job: smaller chunks retry cheaper and report progress finer. */
  BACKFILL_CHUNK_BUCKETS: Type.Integer({ minimum: 1, maximum: 16384, default: 64 }),
  /**
   * Longest wait (ms) of a backfill step (build start, version switch, freeing) for every
   * worker to acknowledge the changed definitions; past it the step goes on with a warning.
   */
  DEFINITIONS_ADOPTION_TIMEOUT_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 30_000 }),
  /** Apps with at most this many users get an exact preview; larger ones a sampled estimate. */
  PREVIEW_EXACT_MAX_USERS: Type.Integer({ minimum: 0, default: 50_000 }),
  /** Users a sampled preview evaluates. */
  PREVIEW_SAMPLE_USERS: Type.Integer({ minimum: 100, default: 20_000 }),
  /** How often the member count of every segment is sampled for its 24-hour history. */
  HISTORY_INTERVAL_MS: Type.Integer({ minimum: 1_000, default: 60_000 }),
  /** Folder of the built dashboard; defaults to services/segment-admin/web/dist. */
  DASHBOARD_DIR: Type.Optional(Type.String({ minLength: 1 })),
});

export type AdminConfig = Static<typeof adminEnv>;

/** Reads and validates the environment once, at start. */
export function loadAdminConfig(env: NodeJS.ProcessEnv): AdminConfig {
  return loadConfig(adminEnv, env);
}
