import {
  AppError,
  type MembersPage,
  type MembershipReader,
  type SegmentVersionRef,
} from '@audience/platform';
import type { Redis } from 'ioredis';
import type { AdminKeys } from '../store/admin-keys';
import { membersPageJson } from '../http/members-json';
import type { SegmentService } from './segment-service';

/** Members per page of the CSV export: the API's largest page. */
const EXPORT_PAGE = 10_000;

/**
 * Membership reads for the API. A walk is pinned to the version that served when it began
 * (the version is part of the cursor), so a walk across an edit reads the old membership to
 * its end instead of mixing two; the old version stays readable for a while after the switch
 * and a cursor outliving it is refused with `cursor_expired`.
 */
export class MembershipService {
  constructor(
    private readonly redis: Redis,
    private readonly adminKeys: AdminKeys,
    private readonly segments: SegmentService,
    private readonly reader: MembershipReader,
  ) {}

  async page(
    appId: string,
    segmentId: string,
    limit: number,
    cursor?: string,
  ): Promise<MembersPage> {
    const { version, inner } = decodeCursor(cursor);
    const ref = await this.versionToRead(appId, segmentId, version);
    const page = await this.reader.page(appId, ref, limit, inner);
    const nextCursor = page.nextCursor === null ? null : `v${ref.version}.${page.nextCursor}`;

    return { members: page.members, nextCursor };
  }

  /** {@link page} as the JSON the API answers, written from the bytes Redis sent. */
  async pageJson(
    appId: string,
    segmentId: string,
    limit: number,
    cursor?: string,
  ): Promise<Buffer> {
    const { version, inner } = decodeCursor(cursor);
    const ref = await this.versionToRead(appId, segmentId, version);
    const page = await this.reader.pageBuffers(appId, ref, limit, inner);
    const nextCursor = page.nextCursor === null ? null : `v${ref.version}.${page.nextCursor}`;

    return membersPageJson(page.members, nextCursor);
  }

  /** Every member, page by page (the CSV export); only one page is held at a time. */
  async pages(appId: string, segmentId: string): Promise<AsyncIterable<string[]>> {
    const ref = await this.versionToRead(appId, segmentId, null);
    const reader = this.reader;

    return (async function* () {
      let cursor: string | undefined;
      do {
        const page = await reader.page(appId, ref, EXPORT_PAGE, cursor);
        yield page.members;
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
    })();
  }

  async isMember(appId: string, segmentId: string, userId: string): Promise<boolean> {
    const ref = await this.versionToRead(appId, segmentId, null);
    return this.reader.isMember(appId, ref, userId);
  }

  async segmentsOfUser(appId: string, userId: string): Promise<string[]> {
    const stored = await this.segments.listStored(appId);
    const refs = stored.map((segment) => ({
      segmentId: segment.id,
      version: segment.servingVersion,
    }));
    return this.reader.segmentsOfUser(appId, userId, refs);
  }

  private async versionToRead(
    appId: string,
    segmentId: string,
    pinned: number | null,
  ): Promise<SegmentVersionRef> {
    const stored = await this.segments.find(appId, segmentId);
    if (pinned === null || pinned === stored.servingVersion) {
      return { segmentId, version: stored.servingVersion };
    }

    const retained = await this.redis.exists(this.adminKeys.retired(appId, segmentId, pinned));
    if (retained === 1) return { segmentId, version: pinned };
    throw new AppError('cursor_expired', 'the segment changed since this walk began; restart it', {
      status: 410,
    });
  }
}

function decodeCursor(cursor: string | undefined): { version: number | null; inner?: string } {
  if (cursor === undefined) return { version: null };
  const match = /^v(\d{1,9})\.(.+)$/.exec(cursor);
  if (match) return { version: Number(match[1]), inner: match[2] };

  throw new AppError('invalid_cursor', 'cursor is not one returned by this API', { status: 400 });
}
