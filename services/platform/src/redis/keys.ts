/**
 * Every Redis key name of the pipeline, in one place. docs/keyspace.md explains the layout;
 * this module is the only code that builds these names.
 *
 * Per-user data is spread over {@link BUCKET_COUNT} virtual buckets. A user's bucket is a hash
 * of `appId:userId`, and every key holding that user's data carries the bucket as its hash tag
 * `{<bucket>}`, so one Lua call reads and writes one slot on Redis Cluster, and a large
 * segment is spread over every node.
 *
 * | key                                          | type   | holds                              |
 * | -------------------------------------------- | ------ | ---------------------------------- |
 * | `{b}:users:<app>`                            | hash   | userId -> encoded user state       |
 * | `{b}:last-session:<app>`                     | zset   | userId scored by last session (ms) |
 * | `{b}:members:<app>:<segment>:<version>`      | zset   | userId, score 0 (read by lex)      |
 * | `{b}:outbox:<app>`                           | zset   | change entry scored by write time  |
 * | `{b}:sequence:<app>`                         | string | last change sequence of the bucket |
 * | `{b}:sweep:<app>`                            | string | sweep watermark (ms)               |
 * | `{b}:session-writes:<app>`                   | string | calls that moved a last session    |
 * | `{b}:counts:<app>`                           | hash   | `<segment>:<version>` -> members   |
 * | `{b}:lease`                                  | string | id of the worker sweeping bucket b |
 * | `{b}:switched:<app>:<segment>:<version>`     | string | when the switch to version was     |
 * |                                              |        | announced in bucket b (ms)         |
 * | `{segments}:apps`                            | set    | app ids that have segments         |
 * | `{segments}:definitions:<app>`               | hash   | segmentId -> stored segment JSON   |
 * | `{segments}:names:<app>`                     | hash   | segment name -> segmentId          |
 * | `{segments}:revision`                        | string | definitions revision (write count) |
 * | `{segments}:adopted:<reader>`                | string | revision a reader adopted (expires)|
 * | `{segments}:adopters`                        | zset   | reader ids by last acknowledgement |
 * | `{sweep}:workers`                            | zset   | worker id scored by last heartbeat |
 *
 * Every name starts with the configured `REDIS_KEY_PREFIX`.
 */

/**
 * Number of virtual buckets. Fixed forever for a deployment: changing it moves every user.
 * 1,024 keeps a bucket's slice of a segment under Redis's default listpack limit of 128
 * entries up to about 130,000 members, and spreads over up to 1,024 cluster nodes.
 */
export const BUCKET_COUNT = 1024;

/**
 * FNV-1a (32 bits) over the UTF-16 code units of `appId:userId`, modulo {@link BUCKET_COUNT}.
 * Cheap, stable, and good enough to spread user ids evenly.
 */
export function bucketOf(appId: string, userId: string): number {
  let hash = 0x811c9dc5;
  const text = `${appId}:${userId}`;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }

  return (hash >>> 0) % BUCKET_COUNT;
}

/** Every bucket number, 0 to BUCKET_COUNT - 1. */
export function allBuckets(): number[] {
  return Array.from({ length: BUCKET_COUNT }, (_, bucket) => bucket);
}

/** The field of a segment version in the `counts` hash of a bucket. */
export function countField(segmentId: string, version: number): string {
  return `${segmentId}:${version}`;
}

/** Key names under one prefix. Build once with {@link redisKeys} and pass around. */
export interface RedisKeys {
  readonly prefix: string;
  users(appId: string, bucket: number): string;
  lastSession(appId: string, bucket: number): string;
  members(appId: string, segmentId: string, version: number, bucket: number): string;
  outbox(appId: string, bucket: number): string;
  sequence(appId: string, bucket: number): string;
  sweep(appId: string, bucket: number): string;
  /**
   * Counts apply-users calls that moved a last session in (app, bucket): the sweeper skips a
   * bucket whose next window boundary it knows, only while this counter has not moved.
   */
  sessionWrites(appId: string, bucket: number): string;
  /**
   * Members per segment version in (app, bucket), field {@link countField}; kept by the
   * scripts that change membership zsets, in the same atomic call, so a segment's size is
   * 1,024 HGETs instead of 1,024 ZCARDs, and an app's sizes are 1,024 HGETALLs.
   */
  counts(appId: string, bucket: number): string;
  lease(bucket: number): string;
  /**
   * Set by the version switch once it recorded, in bucket b, the differences between a
   * segment's old version and `version` (the new one), so a retried switch never records them
   * twice. Holds the time of that announcement (ms), the score of its outbox entries.
   */
  switched(appId: string, segmentId: string, version: number, bucket: number): string;
  segmentApps(): string;
  definitions(appId: string): string;
  segmentNames(appId: string): string;
  sweepWorkers(): string;
  /**
   * The definitions revision: how many definition writes there have been, bumped by
   * save-segment.lua in the same step as each write, whatever the app.
   */
  definitionRevision(): string;
  /**
   * The revision one reader of definitions (a worker, anything that evaluates segments from a
   * catalog) has fully adopted. Expires when the reader stops refreshing it.
   */
  definitionAdoption(readerId: string): string;
  /** Ids of the readers that acknowledge revisions, scored by their last acknowledgement. */
  definitionAdopters(): string;
  /** Pub/sub channel on which every definition write is announced. */
  definitionChannel(): string;
}

/** The key names under `prefix` (the configured `REDIS_KEY_PREFIX`). */
export function redisKeys(prefix: string): RedisKeys {
  const tagged = (bucket: number) => `${prefix}{${bucket}}`;

  return {
    prefix,
    users: (appId, bucket) => `${tagged(bucket)}:users:${appId}`,
    lastSession: (appId, bucket) => `${tagged(bucket)}:last-session:${appId}`,
    members: (appId, segmentId, version, bucket) =>
      `${tagged(bucket)}:members:${appId}:${segmentId}:${version}`,
    outbox: (appId, bucket) => `${tagged(bucket)}:outbox:${appId}`,
    sequence: (appId, bucket) => `${tagged(bucket)}:sequence:${appId}`,
    sweep: (appId, bucket) => `${tagged(bucket)}:sweep:${appId}`,
    sessionWrites: (appId, bucket) => `${tagged(bucket)}:session-writes:${appId}`,
    counts: (appId, bucket) => `${tagged(bucket)}:counts:${appId}`,
    lease: (bucket) => `${tagged(bucket)}:lease`,
    switched: (appId, segmentId, version, bucket) =>
      `${tagged(bucket)}:switched:${appId}:${segmentId}:${version}`,
    segmentApps: () => `${prefix}{segments}:apps`,
    definitions: (appId) => `${prefix}{segments}:definitions:${appId}`,
    segmentNames: (appId) => `${prefix}{segments}:names:${appId}`,
    sweepWorkers: () => `${prefix}{sweep}:workers`,
    definitionRevision: () => `${prefix}{segments}:revision`,
    definitionAdoption: (readerId) => `${prefix}{segments}:adopted:${readerId}`,
    definitionAdopters: () => `${prefix}{segments}:adopters`,
    definitionChannel: () => `${prefix}segments:changed`,
  };
}

// ---------------------------------------------------------------------------------------------
// Apps and write keys (owned by the collector's engineer; AppStore in apps/app-store.ts).
//
// Every app key shares the hash tag `{apps}`, so one MULTI creates an app and its write key on
// Redis Cluster too; apps are few and rarely written, so one slot is no hot spot.
//
// | key                                  | type   | holds                                  |
// | ------------------------------------ | ------ | -------------------------------------- |
// | `{apps}:index`                       | zset   | app ids, scored by creation time (ms)  |
// | `{apps}:app:<appId>`                 | hash   | `id`, `name`, `createdAt` (ISO-8601)   |
// | `{apps}:write-key:<sha256 hex>`      | string | the app id owning the write key        |
// ---------------------------------------------------------------------------------------------

/** Key names of apps and write keys under one prefix. */
export interface AppKeys {
  index: string;
  app(appId: string): string;
  writeKey(writeKeyHash: string): string;
}

/** The app key names under `prefix` (the configured `REDIS_KEY_PREFIX`). */
export function appKeys(prefix: string): AppKeys {
  const base = `${prefix}{apps}`;

  return {
    index: `${base}:index`,
    app: (appId) => `${base}:app:${appId}`,
    writeKey: (writeKeyHash) => `${base}:write-key:${writeKeyHash}`,
  };
}
