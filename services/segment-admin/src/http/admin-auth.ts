import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '@audience/platform';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * A check of `Authorization: Bearer <token>` against the admin token. Both sides are hashed
 * first so that `timingSafeEqual` compares equal lengths and the time taken says nothing about
 * the token, not even its length.
 */
export function createTokenCheck(adminToken: string): (header: string | undefined) => boolean {
  const expected = digest(adminToken);

  return (header) => {
    const match = /^Bearer (.+)$/.exec(header ?? '');
    const given = digest(match?.[1] ?? '');
    return timingSafeEqual(given, expected) && match !== null;
  };
}

/**
 * Refuses every request under `/v1/` without the admin token, before its body is read, so an
 * unauthenticated call changes nothing. Ops routes, the docs and the dashboard stay open.
 */
export function registerAdminAuth(app: FastifyInstance, adminToken: string): void {
  const isValid = createTokenCheck(adminToken);

  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (!request.url.startsWith('/v1/')) return;
    if (isValid(request.headers.authorization)) return;

    throw new AppError('unauthorized', 'send Authorization: Bearer <admin token>', {
      status: 401,
    });
  });
}
