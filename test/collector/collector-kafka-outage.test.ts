import { postEvents, startCollector, type CollectorHarness } from './collector-harness';
import { NetworkSwitch } from './network-switch';
import { TopicReader } from './topic-reader';

// Kafka goes away while the collector runs, then comes back. The shared broker cannot be
// stopped (other tests use it, and the stack runs one broker on fixed ports), so the network
// between this collector and Kafka is cut instead: to the collector it looks the same.
const network = new NetworkSwitch();
const reader = new TopicReader();
let harness: CollectorHarness;
let appId: string;
let writeKey: string;

beforeAll(async () => {
  harness = await startCollector({ deadlineMs: 3_000, socketFactory: network.socketFactory });
  ({ id: appId, writeKey } = await harness.apps.createApp('Outage'));
});

afterAll(async () => {
  network.reconnect();
  await harness.close();
  await reader.close();
});

function batch(userId: string) {
  return { events: [{ type: 'app_session', userId, timestamp: Date.now() - 1_000 }] };
}

/** Posts until the answer is 202 or `attempts` run out, as an SDK retrying would. */
async function postUntilAccepted(userId: string, attempts: number) {
  let answer = await postEvents(harness.url, writeKey, batch(userId));
  for (let attempt = 1; attempt < attempts && answer.status !== 202; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    answer = await postEvents(harness.url, writeKey, batch(userId));
  }
  return answer;
}

it('answers 503 while Kafka is unreachable and accepts again once it is back', async () => {
  await reader.mark();
  expect(await postEvents(harness.url, writeKey, batch('before'))).toMatchObject({ status: 202 });

  network.disconnect();
  const during = await postEvents(harness.url, writeKey, batch('during'));
  expect(during).toEqual({
    status: 503,
    body: expect.objectContaining({ error: 'kafka_unavailable' }),
  });

  network.reconnect();
  const after = await postUntilAccepted('after', 30);
  expect(after).toEqual({ status: 202, body: { accepted: 1, rejected: [] } });

  const records = await reader.read(`${appId}:`, 2);
  const users = records.map((record) => record.key.slice(appId.length + 1));
  expect(users).toEqual(expect.arrayContaining(['before', 'after']));
});
