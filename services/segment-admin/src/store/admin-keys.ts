/**
 * Redis keys that only segment-admin writes, beside the pipeline's key map
 * (`@audience/platform` redis/keys.ts) and under the same prefix. They sit here, not there,
 * so the admin service could be built while that module was being written; moving them into
 * it later changes no name.
 *
 * | key                                              | type   | holds                         |
 * | ------------------------------------------------ | ------ | ----------------------------- |
 * | `{segments}:build:<app>:<segment>:<version>`     | set    | buckets the backfill finished |
 * | `{segments}:history:<app>:<segment>`             | zset   | `<ms>:<count>` scored by ms   |
 * | `{segments}:history-tick`                        | string | holder of the current sample  |
 * | `{segments}:retired:<app>:<segment>:<version>`   | string | set while a replaced version  |
 * |                                                  |        | is still readable (expires)   |
 * | `{backfill}:...`                                 | BullMQ | the backfill queue            |
 *
 * The `{segments}` hash tag keeps them in the slot of the definitions they describe.
 */
export interface AdminKeys {
  build(appId: string, segmentId: string, version: number): string;
  history(appId: string, segmentId: string): string;
  historyTick(): string;
  retired(appId: string, segmentId: string, version: number): string;
  /** BullMQ's key prefix: one hash tag, so every queue key lands in one slot on a cluster. */
  queuePrefix(): string;
}

/** The admin key names under `prefix` (the configured `REDIS_KEY_PREFIX`). */
export function adminKeys(prefix: string): AdminKeys {
  const segments = `${prefix}{segments}`;

  return {
    build: (appId, segmentId, version) => `${segments}:build:${appId}:${segmentId}:${version}`,
    history: (appId, segmentId) => `${segments}:history:${appId}:${segmentId}`,
    historyTick: () => `${segments}:history-tick`,
    retired: (appId, segmentId, version) => `${segments}:retired:${appId}:${segmentId}:${version}`,
    queuePrefix: () => `${prefix}{backfill}`,
  };
}
