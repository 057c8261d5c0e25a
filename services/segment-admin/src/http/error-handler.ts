import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '@audience/platform';

/** The body of every error answer: a stable code, a hint for humans, and details when useful. */
export interface ErrorBody {
  error: string;
  message?: string;
  details?: unknown;
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: { missingProperty?: string; additionalProperty?: string };
}

/** Turns Fastify's schema errors into `{ path, message }` pairs with JSON pointers. */
function requestProblems(error: FastifyError): { path: string; message: string }[] {
  const issues = (error.validation ?? []) as ValidationIssue[];
  const context = error.validationContext ?? 'body';

  return issues.map((issue) => {
    const extra = issue.params?.missingProperty ?? issue.params?.additionalProperty;
    const path = `/${context}${issue.instancePath ?? ''}${extra ? `/${extra}` : ''}`;
    return { path, message: issue.message ?? 'is invalid' };
  });
}

/**
 * One place maps failures to answers: an {@link AppError} keeps its code and status; a request
 * that fails its schema is `invalid_request`; any other 4xx from Fastify keeps its status under a
 * generic code; everything else is a logged `internal_error` with no detail leaked.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      if (error.status >= 500) request.log.error({ err: error }, 'request failed');
      const body: ErrorBody = { error: error.code, message: error.message };
      if (error.details !== undefined) body.details = error.details;
      return reply.code(error.status).send(body);
    }

    if (error.validation) {
      const details = requestProblems(error);
      return reply.code(400).send({ error: 'invalid_request', message: error.message, details });
    }

    const status = error.statusCode ?? 500;
    if (status < 500) {
      const code = status === 413 ? 'payload_too_large' : 'bad_request';
      return reply.code(status).send({ error: code, message: error.message });
    }

    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal_error', message: 'unexpected server error' });
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send({ error: 'not_found', message: `no route ${request.method} ${request.url}` });
  });
}
