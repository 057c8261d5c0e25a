import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

/** Where the dashboard's build lands (`npm run build` in services/segment-admin/web). */
export const DEFAULT_DASHBOARD_DIR = path.resolve(__dirname, '../../web/dist');

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>segment-admin</title></head>
<body><h1>Dashboard not built</h1>
<p>The API is up: see <a href="/docs">/docs</a>. To serve the dashboard here, build it with
<code>npm run build --prefix services/segment-admin/web</code> and restart.</p></body></html>
`;

/**
 * Serves the built dashboard at `/`, with unknown non-API paths answered by its index.html so
 * client-side routes survive a reload. When the build is missing, `/` says so plainly.
 */
export async function registerDashboard(app: FastifyInstance, directory: string): Promise<void> {
  const index = path.join(directory, 'index.html');
  if (!existsSync(index)) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(NOT_BUILT),
    );
    return;
  }

  await app.register(fastifyStatic, { root: directory, prefix: '/', wildcard: false });
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const url = request.url;
    const isApi = url.startsWith('/v1/') || url.startsWith('/docs');
    if (isApi || path.extname(url.split('?')[0] ?? '') !== '') {
      return reply.code(404).send({ error: 'not_found', message: `no route GET ${url}` });
    }
    return reply.sendFile('index.html');
  });
}
