import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/** A dependency the service needs to do its work; resolves when it answers, throws when not. */
export type ReadinessCheck = () => Promise<void>;

export interface OpsRoutesOptions {
  metrics: Registry;
  /** Named checks, e.g. `{ kafka, redis, registry }`; `/readyz` is 200 only when all pass. */
  checks: Record<string, ReadinessCheck>;
  /** Upper bound for one check, so a hung dependency makes `/readyz` fail instead of hang. */
  checkTimeoutMs?: number;
}

/**
 * Adds the three routes every service answers: `/healthz` (the process is alive), `/readyz`
 * (every dependency answers) and `/metrics` (Prometheus text format).
 */
export function registerOpsRoutes(app: FastifyInstance, options: OpsRoutesOptions): void {
  const timeoutMs = options.checkTimeoutMs ?? 2_000;

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const results = await runChecks(options.checks, timeoutMs);
    const ready = Object.values(results).every((result) => result === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', results });
  });

  app.get('/metrics', async (_request, reply) => {
    const body = await options.metrics.metrics();
    return reply.type(options.metrics.contentType).send(body);
  });
}

async function runChecks(
  checks: Record<string, ReadinessCheck>,
  timeoutMs: number,
): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check(), timeoutMs);
        return [name, 'ok'] as const;
      } catch (error) {
        return [name, error instanceof Error ? error.message : String(error)] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
