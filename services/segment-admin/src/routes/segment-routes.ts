import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { Type } from '@sinclair/typebox';
import {
  AppParams,
  DefinitionBody,
  EstimateSchema,
  HistorySchema,
  SegmentParams,
  SegmentSchema,
  errors,
} from '../http/schemas';
import type { SegmentService } from '../segments/segment-service';
import type { PreviewService } from '../preview/preview-service';
import type { CountHistory } from '../history/count-history';

export interface SegmentRouteDeps {
  segments: SegmentService;
  preview: PreviewService;
  history: CountHistory;
}

type AppRoute = { Params: { appId: string } };
type SegmentRoute = { Params: { appId: string; segmentId: string } };

// Definitions are checked by the engine, which names every problem at once with a JSON
// pointer; Fastify's own validator would stop at the first one. The schema stays on the route
// for the OpenAPI document only.
const acceptAnything: FastifySchemaCompiler<unknown> = () => (value) => ({ value });
const definitionRoute = { validatorCompiler: acceptAnything };

/** Segment CRUD, preview of a draft and the member-count history of a segment. */
export function registerSegmentRoutes(app: FastifyInstance, deps: SegmentRouteDeps): void {
  const { segments, preview, history } = deps;
  const tags = ['segments'];

  app.get<AppRoute>(
    '/v1/apps/:appId/segments',
    {
      schema: {
        tags,
        summary: "List the app's segments",
        params: AppParams,
        response: {
          200: Type.Object({ segments: Type.Array(SegmentSchema) }),
          ...errors(401, 404),
        },
      },
    },
    async (request) => ({ segments: await segments.list(request.params.appId) }),
  );

  app.post<AppRoute>(
    '/v1/apps/:appId/segments',
    {
      ...definitionRoute,
      schema: {
        tags,
        summary: 'Create a segment; its membership is built over existing users',
        params: AppParams,
        body: DefinitionBody,
        response: { 201: SegmentSchema, ...errors(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      const { appId } = request.params;
      const created = await segments.create(appId, request.body);
      return reply.code(201).send(created);
    },
  );

  app.post<AppRoute>(
    '/v1/apps/:appId/segments/preview',
    {
      ...definitionRoute,
      schema: {
        tags,
        summary: 'Estimate the audience of a draft definition without saving it',
        params: AppParams,
        body: DefinitionBody,
        response: { 200: EstimateSchema, ...errors(400, 401, 404) },
      },
    },
    async (request) => preview.estimate(request.params.appId, request.body),
  );

  app.get<SegmentRoute>(
    '/v1/apps/:appId/segments/:segmentId',
    {
      schema: {
        tags,
        summary: 'One segment',
        params: SegmentParams,
        response: { 200: SegmentSchema, ...errors(401, 404) },
      },
    },
    async (request) => {
      const { appId, segmentId } = request.params;
      return segments.get(appId, segmentId);
    },
  );

  app.put<SegmentRoute>(
    '/v1/apps/:appId/segments/:segmentId',
    {
      ...definitionRoute,
      schema: {
        tags,
        summary: 'Replace the definition: a new version, membership rebuilt behind the old one',
        params: SegmentParams,
        body: DefinitionBody,
        response: { 200: SegmentSchema, ...errors(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const { appId, segmentId } = request.params;
      return segments.update(appId, segmentId, request.body);
    },
  );

  app.delete<SegmentRoute>(
    '/v1/apps/:appId/segments/:segmentId',
    {
      schema: {
        tags,
        summary: 'Delete a segment; its membership is freed in the background',
        params: SegmentParams,
        response: { 204: Type.Null(), ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      const { appId, segmentId } = request.params;
      await segments.remove(appId, segmentId);
      return reply.code(204).send();
    },
  );

  app.get<SegmentRoute>(
    '/v1/apps/:appId/segments/:segmentId/history',
    {
      schema: {
        tags,
        summary: 'Member count sampled about once a minute over the last 24 hours',
        params: SegmentParams,
        response: { 200: HistorySchema, ...errors(401, 404) },
      },
    },
    async (request) => {
      const { appId, segmentId } = request.params;
      await segments.get(appId, segmentId);
      return { points: await history.points(appId, segmentId) };
    },
  );
}
