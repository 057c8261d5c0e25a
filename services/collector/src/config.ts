import { commonEnv, loadConfig, portEnv } from '@audience/platform';
import { Type, type Static } from '@sinclair/typebox';

/** The collector's environment: the common connections plus its own port and limits. */
export const collectorEnv = Type.Object({
  ...commonEnv,
  COLLECTOR_PORT: portEnv(4100),
  COLLECTOR_HOST: Type.String({ default: '0.0.0.0', minLength: 1 }),
  /** Longest wait for Kafka's acknowledgement before answering 503 (the SDK then retries). */
  COLLECTOR_KAFKA_DEADLINE_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5_000 }),
  /** Idempotent producers side by side, each with one produce call in flight at a time. */
  COLLECTOR_KAFKA_PRODUCERS: Type.Integer({ minimum: 1, maximum: 16, default: 3 }),
});

export type CollectorConfig = Static<typeof collectorEnv>;

/** Reads and checks the collector's configuration once, at start. */
export function loadCollectorConfig(env: NodeJS.ProcessEnv): CollectorConfig {
  return loadConfig(collectorEnv, env);
}
