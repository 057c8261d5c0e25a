import { AppError } from '@audience/platform';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { Registry } from 'prom-client';
import { buildCollector, type CollectorDeps } from './collector-app';
import type { CollectedEvent } from './event-validation';

const now = Date.parse('2026-12-01T12:00:00Z');
const session = { type: 'app_session', userId: 'u-1', timestamp: '2026-12-01T11:00:00Z' };

interface Published {
  appId: string;
  events: CollectedEvent[];
  receivedAt: number;
}

async function collector(overrides: Partial<CollectorDeps> = {}) {
  const published: Published[] = [];
  const app = await buildCollector({
    logger: pino({ level: 'silent' }),
    registry: new Registry(),
    appForWriteKey: async (key) => (key === 'wk-good' ? 'app-1' : null),
    publish: async (appId, events, receivedAt) => {
      published.push({ appId, events, receivedAt });
    },
    checks: {},
    now: () => now,
    ...overrides,
  });
  return { app, published };
}

const started: FastifyInstance[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((app) => app.close()));
});

// app.inject would need light-my-request, whose ESM dependency jest cannot load on Node 20;
// a real socket on 127.0.0.1 costs little and tests the same path.
async function post(app: FastifyInstance, body: unknown, key = 'wk-good') {
  if (!app.server.listening) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    started.push(app);
  }
  const { port } = app.server.address() as { port: number };
  const response = await fetch(`http://127.0.0.1:${port}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();

  return { statusCode: response.status, body: text, json: () => JSON.parse(text) as unknown };
}

describe('buildCollector', () => {
  it('publishes the valid events for the key owner and answers 202 with the rejections', async () => {
    const { app, published } = await collector();

    const answer = await post(app, { events: [session, { ...session, userId: '' }] });

    expect(answer.statusCode).toBe(202);
    expect(answer.json()).toEqual({
      accepted: 1,
      rejected: [{ index: 1, code: 'invalid_user_id', error: expect.any(String) }],
    });
    expect(published).toEqual([
      { appId: 'app-1', receivedAt: now, events: [expect.objectContaining({ userId: 'u-1' })] },
    ]);
  });

  it('publishes nothing for an unknown key', async () => {
    const { app, published } = await collector();

    const answer = await post(app, { events: [session] }, 'wk-bad');

    expect(answer.statusCode).toBe(401);
    expect(answer.json()).toMatchObject({ error: 'unauthorized' });
    expect(published).toEqual([]);
  });

  it('answers 503 with the publisher code and no accepted count when Kafka fails', async () => {
    const { app } = await collector({
      publish: async () => {
        throw new AppError('kafka_unavailable', 'no ack', { status: 503 });
      },
    });

    const answer = await post(app, { events: [session] });

    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toEqual({ error: 'kafka_unavailable', message: 'no ack' });
  });

  it('answers 503 redis_unavailable when the write key cannot be checked', async () => {
    const { app } = await collector({
      appForWriteKey: async () => {
        throw new Error('connection refused');
      },
    });

    const answer = await post(app, { events: [session] });

    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toMatchObject({ error: 'redis_unavailable' });
  });

  it('answers 500 internal_error without details for an unexpected failure', async () => {
    const { app } = await collector({
      publish: async () => {
        throw new TypeError('secret internals');
      },
    });

    const answer = await post(app, { events: [session] });

    expect(answer.statusCode).toBe(500);
    expect(answer.body).not.toContain('secret');
    expect(answer.json()).toMatchObject({ error: 'internal_error' });
  });

  it('counts accepted and rejected events by type and reason', async () => {
    const registry = new Registry();
    const { app } = await collector({ registry });

    await post(app, { events: [session, session, { ...session, timestamp: 'soon' }, 7] });
    const text = await registry.metrics();

    expect(text).toContain('collector_events_accepted_total{type="app_session"} 2');
    expect(text).toContain(
      'collector_events_rejected_total{type="app_session",reason="invalid_timestamp"} 1',
    );
    expect(text).toContain(
      'collector_events_rejected_total{type="unknown",reason="not_an_object"} 1',
    );
  });
});
