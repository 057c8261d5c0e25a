import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import {
  MemberParams,
  MembersPageSchema,
  MembersQuery,
  SegmentParams,
  UserParams,
  errors,
} from '../http/schemas';
import type { MembershipService } from '../segments/membership-service';

type SegmentRoute = { Params: { appId: string; segmentId: string } };
type PageRoute = SegmentRoute & { Querystring: { limit: number; cursor?: string } };
type MemberRoute = { Params: { appId: string; segmentId: string; userId: string } };
type UserRoute = { Params: { appId: string; userId: string } };

/** Quotes a CSV field only when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Membership reads: paging, CSV export, one user, and the segments of a user. */
export function registerMembershipRoutes(app: FastifyInstance, members: MembershipService): void {
  const tags = ['membership'];

  app.get<PageRoute>(
    '/v1/apps/:appId/segments/:segmentId/members',
    {
      schema: {
        tags,
        summary: 'Page through the members; every steady member comes exactly once',
        params: SegmentParams,
        querystring: MembersQuery,
        response: { 200: MembersPageSchema, ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { appId, segmentId } = request.params;
      const { limit, cursor } = request.query;
      // Serialized from Redis's bytes (membersPageJson), not by the schema serializer: a page
      // of 10,000 ids then costs no string per id; the schema still documents the answer.
      const body = await members.pageJson(appId, segmentId, limit, cursor);
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );

  app.get<SegmentRoute>(
    '/v1/apps/:appId/segments/:segmentId/members.csv',
    {
      schema: {
        tags,
        summary: 'Every member as CSV (header userId), streamed page by page',
        params: SegmentParams,
        produces: ['text/csv'],
        response: { 200: Type.String(), ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      const { appId, segmentId } = request.params;
      const pages = await members.pages(appId, segmentId);
      const lines = async function* () {
        yield 'userId\n';
        for await (const page of pages) {
          if (page.length > 0) yield `${page.map(csvField).join('\n')}\n`;
        }
      };

      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${segmentId}.csv"`)
        .send(Readable.from(lines()));
    },
  );

  app.get<MemberRoute>(
    '/v1/apps/:appId/segments/:segmentId/members/:userId',
    {
      schema: {
        tags,
        summary: 'Whether one user is a member',
        params: MemberParams,
        response: { 200: Type.Object({ member: Type.Boolean() }), ...errors(401, 404) },
      },
    },
    async (request) => {
      const { appId, segmentId, userId } = request.params;
      return { member: await members.isMember(appId, segmentId, userId) };
    },
  );

  app.get<UserRoute>(
    '/v1/apps/:appId/users/:userId/segments',
    {
      schema: {
        tags,
        summary: 'Ids of the segments the user belongs to',
        params: UserParams,
        response: {
          200: Type.Object({ segments: Type.Array(Type.String()) }),
          ...errors(401, 404),
        },
      },
    },
    async (request) => {
      const { appId, userId } = request.params;
      return { segments: await members.segmentsOfUser(appId, userId) };
    },
  );
}
