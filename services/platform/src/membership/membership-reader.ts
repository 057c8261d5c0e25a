import { AppError } from '../errors';
import { BUCKET_COUNT, bucketOf, type RedisKeys } from '../redis/keys';
import { execPipeline } from '../redis/pipeline';
import type { ScriptedRedis } from '../redis/scripts';

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

/** Buckets read per round trip while paging: small segments need few round trips. */
const BUCKETS_PER_READ = 64;

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

  /** Up to `limit` members after `cursor` (from the start when absent). */
  async page(
    appId: string,
    segment: SegmentVersionRef,
    limit: number,
    cursor?: string,
  ): Promise<MembersPage> {
    let position = decodeCursor(cursor);
    const members: string[] = [];

    while (members.length < limit && position.bucket < BUCKET_COUNT) {
      const wanted = limit - members.length;
      const slices = await this.readSlices(appId, segment, position, wanted);
      for (const [offset, slice] of slices.entries()) {
        const bucket = position.bucket + offset;
        const taken = slice.slice(0, limit - members.length);
        members.push(...taken);
        if (members.length >= limit) {
          const after = taken.at(-1) ?? position.after;
          return { members, nextCursor: encodeCursor({ bucket, after }) };
        }
      }
      position = { bucket: position.bucket + slices.length, after: null };
    }

    return { members, nextCursor: null };
  }

  private async readSlices(
    appId: string,
    segment: SegmentVersionRef,
    position: CursorPosition,
    wanted: number,
  ): Promise<string[][]> {
    const last = Math.min(position.bucket + BUCKETS_PER_READ, BUCKET_COUNT);
    const pipeline = this.redis.pipeline();
    for (let bucket = position.bucket; bucket < last; bucket += 1) {
      const key = this.keys.members(appId, segment.segmentId, segment.version, bucket);
      const from = bucket === position.bucket && position.after !== null;
      pipeline.zrangebylex(key, from ? `(${position.after}` : '-', '+', 'LIMIT', 0, wanted);
    }
    return (await execPipeline(pipeline)) as string[][];
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

  /** Members of a segment version: the sum of its buckets' sizes (one pipelined round trip). */
  async count(appId: string, segment: SegmentVersionRef): Promise<number> {
    const pipeline = this.redis.pipeline();
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket += 1) {
      pipeline.zcard(this.keys.members(appId, segment.segmentId, segment.version, bucket));
    }
    const sizes = (await execPipeline(pipeline)) as number[];

    return sizes.reduce((sum, size) => sum + size, 0);
  }

  /** Deletes every bucket of a segment version (after a delete, or once a rebuild replaced it). */
  async deleteVersion(appId: string, segment: SegmentVersionRef): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket += 1) {
      pipeline.unlink(this.keys.members(appId, segment.segmentId, segment.version, bucket));
    }
    await execPipeline(pipeline);
  }
}
