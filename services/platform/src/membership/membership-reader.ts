import { AppError } from '../errors';
import { BUCKET_COUNT, bucketOf, countField, type RedisKeys } from '../redis/keys';
import { execPipeline } from '../redis/pipeline';
import type { ScriptedRedis } from '../redis/scripts';
import type { ChainableCommander } from 'ioredis';

/** One version of a segment, as membership is stored per version. */
export interface SegmentVersionRef {
  segmentId: string;
  version: number;
}

export interface MembersPage {
  members: string[];
  /** Opaque; null when the walk is over. */
  nextCursor: string | null;
}

/** Where a walk stopped: the bucket, and the last userId returned from it. */
interface CursorPosition {
  bucket: number;
  after: string | null;
}

/** Buckets of a page's first round trip, before it knows how full buckets are. */
const FIRST_READ_BUCKETS = 8;
/** Most buckets of one round trip: empty buckets cost little, so small segments take few. */
const MAX_READ_BUCKETS = 256;

/**
 * Buckets to read next for `wanted` more members, from the members per whole bucket seen so
 * far in this page (a tenth more than the estimate, plus one, so one more round trip is rare
 * and the overread stays about one bucket).
 */
function bucketsToRead(wanted: number, wholeBuckets: number, wholeMembers: number): number {
  if (wholeBuckets === 0) return FIRST_READ_BUCKETS;
  if (wholeMembers === 0) return MAX_READ_BUCKETS;
  const estimate = Math.ceil((wanted * wholeBuckets * 1.1) / wholeMembers) + 1;
  return Math.min(MAX_READ_BUCKETS, Math.max(1, estimate));
}

/** The cursor is base64url JSON `[bucket, lastUserId]`; clients treat it as opaque. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.bucket, position.after])).toString('base64url');
}

/** Reads a cursor; throws `invalid_cursor` (400) for anything this module did not write. */
export function decodeCursor(cursor: string | undefined): CursorPosition {
  if (cursor === undefined || cursor === '') return { bucket: 0, after: null };
  try {
    const [bucket, after] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const validBucket = Number.isInteger(bucket) && bucket >= 0 && bucket < BUCKET_COUNT;
    if (validBucket && (after === null || typeof after === 'string')) return { bucket, after };
  } catch {
    // Falls through to the error below: a cursor that is not ours.
  }
  throw new AppError('invalid_cursor', 'cursor is not one returned by this API', {
    status: 400,
  });
}

/** Queues one bucket's read of up to `limit` members from `min` on a pipeline. */
type SliceReader = (pipeline: ChainableCommander, key: string, min: string, limit: number) => void;

const textSlices: SliceReader = (pipeline, key, min, limit) => {
  pipeline.zrangebylex(key, min, '+', 'LIMIT', 0, limit);
};

const bufferSlices: SliceReader = (pipeline, key, min, limit) => {
  pipeline.zrangebylexBuffer(key, min, '+', 'LIMIT', 0, limit);
};

/**
 * Reads segment membership. Each bucket's slice is a zset with every score 0, read in userId
 * order with ZRANGEBYLEX, so a walk resumes exactly after the last userId it returned: every
 * user who is a member for the whole walk comes exactly once (users entering or leaving
 * during the walk may or may not appear).
 */
export class MembershipReader {
  constructor(
    private readonly redis: ScriptedRedis,
    private readonly keys: RedisKeys,
  ) {}

  /**
   * Up to `limit` members after `cursor` (from the start when absent). Each round trip reads,
   * pipelined, as many buckets as the rest of the page probably needs, judged from the
   * buckets already read, so a large page costs about two round trips and reads about one
   * bucket more than it returns.
   */
  async page(
    appId: string,
    segment: SegmentVersionRef,
    limit: number,
    cursor?: string,
  ): Promise<MembersPage> {
    return this.walk<string>(appId, segment, limit, cursor, textSlices);
  }

  /**
   * {@link page} with the members as the bytes Redis sent (UTF-8), for callers that write them
   * straight into a response without making a string of each.
   */
  async pageBuffers(
    appId: string,
    segment: SegmentVersionRef,
    limit: number,
    cursor?: string,
  ): Promise<{ members: Buffer[]; nextCursor: string | null }> {
    return this.walk<Buffer>(appId, segment, limit, cursor, bufferSlices);
  }

  private async walk<T extends string | Buffer>(
    appId: string,
    segment: SegmentVersionRef,
    limit: number,
    cursor: string | undefined,
    read: SliceReader,
  ): Promise<{ members: T[]; nextCursor: string | null }> {
    let position = decodeCursor(cursor);
    const members: T[] = [];
    let wholeBuckets = 0;
    let wholeMembers = 0;

    while (members.length < limit && position.bucket < BUCKET_COUNT) {
      const wanted = limit - members.length;
      const span = bucketsToRead(wanted, wholeBuckets, wholeMembers);
      const last = Math.min(position.bucket + span, BUCKET_COUNT);
      const pipeline = this.redis.pipeline();
      for (let bucket = position.bucket; bucket < last; bucket += 1) {
        const key = this.keys.members(appId, segment.segmentId, segment.version, bucket);
        const from = bucket === position.bucket && position.after !== null;
        read(pipeline, key, from ? `(${position.after}` : '-', wanted);
      }
      const slices = (await execPipeline(pipeline)) as T[][];
      for (const [offset, slice] of slices.entries()) {
        const bucket = position.bucket + offset;
        if (offset > 0 || position.after === null) {
          wholeBuckets += 1;
          wholeMembers += slice.length;
        }
        const room = limit - members.length;
        const taken = slice.length <= room ? slice : slice.slice(0, room);
        for (const member of taken) members.push(member);
        if (members.length >= limit) {
          const lastTaken = taken.at(-1);
          const after = lastTaken === undefined ? position.after : lastTaken.toString();
          const done = taken.length === slice.length && slice.length < wanted;
          return { members, nextCursor: this.nextCursor(bucket, after, done) };
        }
      }
      position = { bucket: last, after: null };
    }

    return { members, nextCursor: null };
  }

  /**
   * The cursor after a full page that ended in `bucket`. When that bucket is known to be
   * exhausted, the walk resumes at the next one (or ends after the last).
   */
  private nextCursor(bucket: number, after: string | null, bucketDone: boolean): string | null {
    if (!bucketDone) return encodeCursor({ bucket, after });
    if (bucket + 1 >= BUCKET_COUNT) return null;
    return encodeCursor({ bucket: bucket + 1, after: null });
  }

  /** True when the user is a member of this version of the segment. */
  async isMember(appId: string, segment: SegmentVersionRef, userId: string): Promise<boolean> {
    const bucket = bucketOf(appId, userId);
    const key = this.keys.members(appId, segment.segmentId, segment.version, bucket);

    return (await this.redis.zscore(key, userId)) !== null;
  }

  /** The ids of the given segments the user is a member of (one pipelined round trip). */
  async segmentsOfUser(
    appId: string,
    userId: string,
    segments: SegmentVersionRef[],
  ): Promise<string[]> {
    const bucket = bucketOf(appId, userId);
    const pipeline = this.redis.pipeline();
    for (const { segmentId, version } of segments) {
      pipeline.zscore(this.keys.members(appId, segmentId, version, bucket), userId);
    }
    const scores = (await execPipeline(pipeline)) as (string | null)[];

    return segments.filter((_, index) => scores[index] !== null).map((s) => s.segmentId);
  }

  /**
   * Members of a segment version: the sum of its buckets' count fields, which apply-users.lua
   * keeps beside the zsets (one pipelined round trip of 1,024 HGETs).
   */
  async count(appId: string, segment: SegmentVersionRef): Promise<number> {
    const field = countField(segment.segmentId, segment.version);
    const pipeline = this.redis.pipeline();
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket += 1) {
      pipeline.hget(this.keys.counts(appId, bucket), field);
    }
    const counts = (await execPipeline(pipeline)) as (string | null)[];

    return counts.reduce((sum, count) => sum + Number(count ?? 0), 0);
  }

  /**
   * Members of many segment versions of one app at once (one pipelined round trip of 1,024
   * HGETALLs), in the order of `segments`.
   */
  async counts(appId: string, segments: SegmentVersionRef[]): Promise<number[]> {
    const pipeline = this.redis.pipeline();
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket += 1) {
      pipeline.hgetall(this.keys.counts(appId, bucket));
    }
    const hashes = (await execPipeline(pipeline)) as Record<string, string>[];
    const totals = new Map<string, number>();
    for (const hash of hashes) {
      for (const [field, count] of Object.entries(hash)) {
        totals.set(field, (totals.get(field) ?? 0) + Number(count));
      }
    }

    return segments.map((ref) => totals.get(countField(ref.segmentId, ref.version)) ?? 0);
  }

  /**
   * Deletes every bucket of a segment version and its count fields (after a delete, or once a
   * rebuild replaced it).
   */
  async deleteVersion(appId: string, segment: SegmentVersionRef): Promise<void> {
    const field = countField(segment.segmentId, segment.version);
    const pipeline = this.redis.pipeline();
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket += 1) {
      pipeline.unlink(this.keys.members(appId, segment.segmentId, segment.version, bucket));
      pipeline.hdel(this.keys.counts(appId, bucket), field);
    }
    await execPipeline(pipeline);
  }
}
