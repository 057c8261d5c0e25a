import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppStore } from '@audience/platform';
import { AppSchema, CreatedAppSchema, errors } from '../http/schemas';

/** `POST /v1/apps` and `GET /v1/apps`: register apps and list them without write keys. */
export function registerAppRoutes(app: FastifyInstance, apps: AppStore): void {
  app.post(
    '/v1/apps',
    {
      schema: {
        tags: ['apps'],
        summary: 'Register an app; the answer carries its write key, shown only once',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 201: CreatedAppSchema, ...errors(400, 401) },
      },
    },
    async (request, reply) => {
      const { name } = request.body as { name: string };
      const created = await apps.createApp(name);
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/v1/apps',
    {
      schema: {
        tags: ['apps'],
        summary: 'List apps, oldest first',
        response: { 200: Type.Object({ apps: Type.Array(AppSchema) }), ...errors(401) },
      },
    },
    async () => ({ apps: await apps.listApps() }),
  );
}
