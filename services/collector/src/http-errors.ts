import { AppError } from '@audience/platform';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** The body of every error answer: a stable `error` code, and a sentence for people. */
export interface ErrorBody {
  error: string;
  message: string;
}

/** Fastify's own body errors, mapped to the collector's codes. */
const fastifyCodes: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'payload_too_large',
    message: 'a request body holds at most 512 KiB; split the batch',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'invalid_json',
    message: 'the body is not valid JSON',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'invalid_json',
    message: 'the body is empty; send {"events": [...]}',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    message: 'send the body as application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'invalid_content_length',
    message: 'Content-Length does not match the body',
  },
};

/** Turns any error into the collector's answer: `{error, message}` with the right status. */
export function toErrorAnswer(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof AppError) {
    return { status: error.status, body: { error: error.code, message: error.message } };
  }

  const fastifyError = error as Partial<FastifyError>;
  const known = fastifyError.code ? fastifyCodes[fastifyError.code] : undefined;
  if (known) return { status: known.status, body: { error: known.code, message: known.message } };

  // JSON.parse failures from the catch-all parser carry no Fastify code.
  if (error instanceof SyntaxError) {
    return { status: 400, body: { error: 'invalid_json', message: 'the body is not valid JSON' } };
  }

  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return { status, body: { error: 'bad_request', message: 'the request was malformed' } };
  }

  return { status: 500, body: { error: 'internal_error', message: 'unexpected error; retry' } };
}

/** Fastify error handler: 5xx are logged at error level here, once, with their cause. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const answer = toErrorAnswer(error);
  if (answer.status >= 500) {
    request.log.error({ err: error, code: answer.body.error }, 'request failed');
  }

  return reply.code(answer.status).send(answer.body);
}
