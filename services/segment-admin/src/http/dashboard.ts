import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

/** Where the dashboard's build lands (`npm run build` in services/segment-admin/web). */
export const DEFAULT_DASHBOARD_DIR = path.resolve(__dirname, '../../web/dist');

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>segment-admin</title></head>
<body><h1>Dashboard not built</h1>
<p>The API is up: see <a href="/docs">/docs</a>. To serve the dashboard here, build it with
<code>npm run build --prefix services/segment-admin/web</code> and reload this page.</p></body></html>
`;

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The request path inside `directory`, or undefined when it would leave it. */
function fileInside(directory: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const file = path.join(directory, decoded);
  const inside = file === directory || file.startsWith(directory + path.sep);

  return inside && !decoded.includes('\0') ? file : undefined;
}

function notFound(reply: FastifyReply, url: string): FastifyReply {
  return reply.code(404).send({ error: 'not_found', message: `no route GET ${url}` });
}

/**
 * Serves the dashboard build at `/`, with unknown non-API paths answered by its index.html so
 * client-side routes survive a reload. Files are looked up on each request rather than listed
 * once at start, so a dashboard rebuilt while the server runs (new hashed asset names) is
 * served without a restart; when the build is missing, pages say so plainly.
 */
export async function registerDashboard(app: FastifyInstance, directory: string): Promise<void> {
  const root = path.resolve(directory);
  // `serve: false`: only reply.sendFile (ranges, ETag, content type), no routes fixed at start.
  await app.register(fastifyStatic, { root, serve: false });

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const url = request.url;
    const urlPath = url.split('?')[0] ?? '/';
    if (url.startsWith('/v1/') || url.startsWith('/docs')) return notFound(reply, url);

    const file = fileInside(root, urlPath);
    if (file === undefined) return notFound(reply, url);
    if (path.extname(urlPath) !== '') {
      return (await isFile(file))
        ? reply.sendFile(path.relative(root, file))
        : notFound(reply, url);
    }
    if (!(await isFile(path.join(root, 'index.html')))) {
      return reply.type('text/html; charset=utf-8').send(NOT_BUILT);
    }
    return reply.sendFile('index.html');
  });
}
