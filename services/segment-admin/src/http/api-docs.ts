import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

/**
 * The OpenAPI document, generated from the route schemas (which are the engine's TypeBox
 * schemas), served as an interactive page at `/docs` and as JSON at `/docs/json`. Must be
 * registered before the routes it describes.
 */
export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'segment-admin',
        description: 'Apps, segments and live membership. See docs/api.md and docs/errors.md.',
        version: '1',
      },
      components: {
        securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ adminToken: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
