import { AppError, registerOpsRoutes, type ReadinessCheck } from '@audience/platform';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createCollectorMetrics, type CollectorMetrics } from './collector-metrics';
import { sortBatch, type SortedBatch } from './event-batch';
import type { CollectedEvent } from './event-validation';
import { handleError } from './http-errors';
import { WriteKeyCache, type WriteKeyCacheOptions, type WriteKeyResolver } from './write-key-cache';

/** Contract: at most 512 KiB per request. */
export const BODY_LIMIT_BYTES = 512 * 1024;

/** What the collector needs; main.ts builds the real ones, tests may build others. */
export interface CollectorDeps {
  logger: Logger;
  /** The service's Prometheus registry, served at `/metrics`. */
  registry: Registry;
  /** The collector's series; created on `registry` when absent. */
  metrics?: CollectorMetrics;
  /** The app of a write key (AppStore.appForWriteKey); cached in memory by the collector. */
  appForWriteKey: WriteKeyResolver;
  /** Resolves once Kafka acknowledged every event; throws an AppError otherwise. */
  publish: (appId: string, events: CollectedEvent[], receivedAt: number) => Promise<void>;
  /** Readiness checks of `/readyz` (kafka, redis, registry). */
  checks: Record<string, ReadinessCheck>;
  writeKeyCache?: WriteKeyCacheOptions;
  now?: () => number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The app that the request's write key belongs to, set by the auth hook. */
    appId: string;
  }
}

/**
 * The collector's HTTP server, not yet listening: `POST /v1/events` plus the ops routes.
 * Fastify's own request logging is off; each answer is logged once (4xx info, 5xx error).
 */
export async function buildCollector(deps: CollectorDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; typing it as such keeps the default instance type.
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: true,
  });
  const metrics = deps.metrics ?? createCollectorMetrics(deps.registry);
  const writeKeys = new WriteKeyCache(deps.appForWriteKey, deps.writeKeyCache);
  const now = deps.now ?? Date.now;

  acceptAnyJson(app);
  app.decorateRequest('appId', '');
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ error: 'not_found', message: 'no such route' }),
  );
  app.addHook('onResponse', async (request, reply) => observeAnswer(metrics, request, reply));

  registerOpsRoutes(app, { metrics: deps.registry, checks: deps.checks });
  app.post('/v1/events', {
    onRequest: (request) => authenticate(writeKeys, request),
    handler: async (request, reply) => {
      const receivedAt = now();
      const batch = sortBatch(request.body, receivedAt);
      await deps.publish(request.appId, batch.accepted, receivedAt);
      countEvents(metrics, batch);

      return reply.code(202).send({
        accepted: batch.accepted.length,
        rejected: batch.rejected.map(({ index, error, code }) => ({ index, error, code })),
      });
    },
  });

  return app;
}

// SDKs do not always send `Content-Type: application/json` (some send text/plain to skip a
// CORS preflight); any body is read as JSON, with the same limits and the same errors.
function acceptAnyJson(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(
    '*',
    { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES },
    app.getDefaultJsonParser('error', 'error'),
  );
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

async function authenticate(writeKeys: WriteKeyCache, request: FastifyRequest): Promise<void> {
  const writeKey = BEARER.exec(request.headers.authorization ?? '')?.[1];
  const appId = writeKey ? await lookUpApp(writeKeys, writeKey) : null;
  if (appId === null) {
    throw new AppError('unauthorized', 'send a valid write key as "Authorization: Bearer <key>"', {
      status: 401,
    });
  }

  request.appId = appId;
}

async function lookUpApp(writeKeys: WriteKeyCache, writeKey: string): Promise<string | null> {
  try {
    return await writeKeys.appFor(writeKey);
  } catch (error) {
    throw new AppError('redis_unavailable', 'write keys cannot be checked right now; retry', {
      status: 503,
      cause: error,
    });
  }
}

function countEvents(metrics: CollectorMetrics, batch: SortedBatch): void {
  for (const event of batch.accepted) metrics.eventsAccepted.inc({ type: event.type });
  for (const rejected of batch.rejected) {
    metrics.eventsRejected.inc({ type: rejected.type ?? 'unknown', reason: rejected.code });
  }
}

function observeAnswer(metrics: CollectorMetrics, request: FastifyRequest, reply: FastifyReply) {
  const status = reply.statusCode;
  const route = request.routeOptions.url ?? 'unmatched';
  metrics.requestDuration.observe(
    { route, method: request.method, status: String(status) },
    reply.elapsedTime / 1000,
  );

  // 5xx answers were logged with their cause by the error handler.
  const fields = { method: request.method, route, status, ms: Math.round(reply.elapsedTime) };
  if (status >= 400 && status < 500) request.log.info(fields, 'request refused');
  else if (status < 400) request.log.debug(fields, 'request answered');
}
