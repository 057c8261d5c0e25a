import { postEvents, startCollector, type CollectorHarness } from './collector-harness';

// Kafka is "down" for this collector: its brokers list points at a port nothing listens on.
// The shared broker stays up for the other tests; stopping it for real is left to a test that
// can run a broker of its own.
let harness: CollectorHarness;
let writeKey: string;

beforeAll(async () => {
  harness = await startCollector({ brokers: '127.0.0.1:1', deadlineMs: 3_000 });
  ({ writeKey } = await harness.apps.createApp('Offline'));
});

afterAll(async () => {
  await harness.close();
});

it('answers 503 kafka_unavailable with nothing accepted, within the deadline', async () => {
  const events = [
    { type: 'app_session', userId: 'u-1', timestamp: Date.now() },
    { type: 'page_view', userId: 'u-1', timestamp: Date.now(), path: '/home' },
    { type: 'page_view', userId: '', timestamp: Date.now(), path: '/home' },
  ];

  const started = Date.now();
  const answers = await Promise.all([
    postEvents(harness.url, writeKey, { events }),
    postEvents(harness.url, writeKey, { events: events.slice(0, 1) }),
  ]);
  const took = Date.now() - started;

  for (const answer of answers) {
    expect(answer).toEqual({
      status: 503,
      body: expect.objectContaining({ error: 'kafka_unavailable' }),
    });
    expect(answer.body).not.toHaveProperty('accepted');
  }
  // Bounded by the deadline (3 s) plus the time to start the request, not by Kafka's retries.
  expect(took).toBeLessThan(10_000);
});

it('still answers 400 and 401 without Kafka: those never need it', async () => {
  const unauthorized = await postEvents(harness.url, 'wk_unknown', { events: [] });
  const invalid = await postEvents(harness.url, writeKey, { nothing: true });

  expect(unauthorized.status).toBe(401);
  expect(invalid.status).toBe(400);
});
