import type { CollectedEvent } from '@audience/collector';
import { startCollector, postEvents, type CollectorHarness } from './collector-harness';
import { TopicReader } from './topic-reader';

let harness: CollectorHarness;
let appId: string;
let writeKey: string;

beforeAll(async () => {
  harness = await startCollector();
  ({ id: appId, writeKey } = await harness.apps.createApp('Shop'));
});

afterAll(async () => {
  await harness.close();
});

const recent = () => new Date(Date.now() - 60_000).toISOString();

describe('POST /v1/events answers', () => {
  it('401 without a write key, with an unknown key, and with a malformed header', async () => {
    const body = { events: [] };
    const answers = await Promise.all([
      postEvents(harness.url, undefined, body),
      postEvents(harness.url, 'wk_not-a-real-key', body),
      postEvents(harness.url, undefined, body, { authorization: `Basic ${writeKey}` }),
    ]);

    for (const answer of answers) {
      expect(answer).toEqual({
        status: 401,
        body: expect.objectContaining({ error: 'unauthorized' }),
      });
    }
  });

  it('400 invalid_json for a body that is not JSON, whatever the content type', async () => {
    const answers = await Promise.all([
      postEvents(harness.url, writeKey, '{"events": ['),
      postEvents(harness.url, writeKey, 'events=1', { 'content-type': 'text/plain' }),
    ]);

    for (const answer of answers) {
      expect(answer).toEqual({
        status: 400,
        body: expect.objectContaining({ error: 'invalid_json' }),
      });
    }
  });

  it('400 invalid_body when there is no events array', async () => {
    for (const body of [{}, { events: {} }, [], 'null', { event: [] }]) {
      const answer = await postEvents(harness.url, writeKey, body);

      expect(answer).toEqual({
        status: 400,
        body: expect.objectContaining({ error: 'invalid_body' }),
      });
    }
  });

  it('413 payload_too_large above 512 KiB, before looking at the events', async () => {
    const padding = 'x'.repeat(512 * 1024);
    const answer = await postEvents(harness.url, writeKey, { events: [], padding });

    expect(answer).toEqual({
      status: 413,
      body: expect.objectContaining({ error: 'payload_too_large' }),
    });
  });

  it('413 too_many_events above 500 events, and nothing is accepted', async () => {
    const event = { type: 'app_session', userId: 'u-1', timestamp: recent() };
    const answer = await postEvents(harness.url, writeKey, { events: Array(501).fill(event) });

    expect(answer).toEqual({
      status: 413,
      body: expect.objectContaining({ error: 'too_many_events' }),
    });
  });

  it('202 for exactly 500 valid events', async () => {
    const event = { type: 'app_session', userId: 'u-500', timestamp: recent() };
    const answer = await postEvents(harness.url, writeKey, { events: Array(500).fill(event) });

    expect(answer).toEqual({ status: 202, body: { accepted: 500, rejected: [] } });
  });

  it('202 listing every bad event by index with a reason', async () => {
    const events = [
      { type: 'app_session', userId: 42, timestamp: recent() },
      { type: 'app_session', userId: 'u\u0007bell', timestamp: recent() },
      {
        type: 'app_session',
        userId: 'u-1',
        timestamp: new Date(Date.now() + 600_000).toISOString(),
      },
      { type: 'page_view', userId: 'u-1', timestamp: recent() },
      { type: 'purchase', userId: 'u-1', timestamp: recent() },
      { type: 'app_session', userId: 'u-1', timestamp: 'tomorrow' },
      { type: 'app_session', userId: 'u-1', timestamp: recent(), language: 'é' },
      'not an object',
    ];
    const answer = await postEvents(harness.url, writeKey, { events });

    expect(answer.status).toBe(202);
    expect(answer.body.accepted).toBe(0);
    const codes = (answer.body.rejected as { index: number; code: string; error: string }[]).map(
      ({ index, code, error }) => [index, code, typeof error === 'string' && error.length > 0],
    );
    expect(codes).toEqual([
      [0, 'invalid_user_id', true],
      [1, 'invalid_user_id', true],
      [2, 'timestamp_in_future', true],
      [3, 'invalid_path', true],
      [4, 'invalid_type', true],
      [5, 'invalid_timestamp', true],
      [6, 'invalid_language', true],
      [7, 'not_an_object', true],
    ]);
  });

  it('404 for other routes, and /healthz, /readyz, /metrics answer', async () => {
    const [missing, health, ready, metrics] = await Promise.all(
      ['/v1/nothing', '/healthz', '/readyz', '/metrics'].map((path) => fetch(harness.url + path)),
    );

    expect(missing?.status).toBe(404);
    expect(health?.status).toBe(200);
    expect(ready?.status).toBe(200);
    expect(await metrics?.text()).toContain('collector_events_rejected_total');
  });
});

describe('accepted events on Kafka', () => {
  const reader = new TopicReader();

  afterAll(async () => {
    await reader.close();
  });

  it('writes the valid events of a mixed batch as Avro keyed appId:userId', async () => {
    await reader.mark();
    const sessionAt = Date.now() - 120_000;
    const events = [
      {
        type: 'app_session',
        userId: 'u-1',
        timestamp: sessionAt,
        language: 'fr-FR',
        eventId: 'e-1',
      },
      { type: 'page_view', userId: 'u-2', timestamp: recent(), path: 'product/123/?ref=mail#top' },
      { type: 'page_view', userId: '', timestamp: recent(), path: '/x' },
      { type: 'app_session', userId: 'u-3', timestamp: '2026-11-30T10:00:00+02:00' },
    ];
    const answer = await postEvents(harness.url, writeKey, { events });

    expect(answer).toEqual({
      status: 202,
      body: {
        accepted: 3,
        rejected: [{ index: 2, code: 'invalid_user_id', error: expect.any(String) }],
      },
    });

    const records = await reader.read(`${appId}:`, 3);
    const decoded = await Promise.all(
      records.map(async ({ topic, key, value }) => ({
        topic,
        key,
        value: await harness.codec.decode<Record<string, unknown>>(value),
      })),
    );
    decoded.sort((a, b) => a.key.localeCompare(b.key));

    expect(decoded).toEqual([
      {
        topic: 'app-sessions',
        key: `${appId}:u-1`,
        value: {
          appId,
          userId: 'u-1',
          eventId: 'e-1',
          timestamp: sessionAt,
          language: 'FR',
          receivedAt: expect.any(Number),
        },
      },
      {
        topic: 'page-views',
        key: `${appId}:u-2`,
        value: expect.objectContaining({
          appId,
          userId: 'u-2',
          path: '/product/123',
          language: null,
        }),
      },
      {
        topic: 'app-sessions',
        key: `${appId}:u-3`,
        value: expect.objectContaining({ timestamp: Date.parse('2026-11-30T08:00:00Z') }),
      },
    ]);
    const assigned = (decoded[1]?.value as unknown as CollectedEvent).eventId;
    expect(assigned).toMatch(/^[0-9a-f-]{36}$/);

    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    expect(metrics).toMatch(/collector_events_accepted_total\{[^}]*type="page_view"[^}]*\} [1-9]/);
    expect(metrics).toMatch(
      /collector_events_rejected_total\{[^}]*type="page_view",reason="invalid_user_id"[^}]*\} [1-9]/,
    );
  });
});
