import { frame, topics, valueSubject } from '@audience/platform';
import { PipelineFixture } from './support/pipeline-fixture';
import { uniqueName, waitFor } from './support/stack-env';
import { TopicTail } from './support/topic-tail';
import { WorkerProcess } from './support/worker-process';

// Poison records written straight to the event topics go to events-dlq with their reason,
// and the worker goes on with the records after them.

jest.setTimeout(300_000);

let fixture: PipelineFixture;
let worker: WorkerProcess;
let dlq: TopicTail;

beforeAll(async () => {
  fixture = new PipelineFixture();
  await fixture.start();
  dlq = new TopicTail(topics.deadLetters);
  await dlq.start();
});

afterAll(async () => {
  await worker?.stop();
  await dlq?.close();
  await fixture?.close();
});

it('dead-letters records that are not Avro, of an unknown schema, or invalid', async () => {
  const appId = uniqueName('dlq-app');
  const [segment] = await fixture.createSegments(appId, [
    {
      name: 'all',
      match: 'all',
      criteria: [{ type: 'app_sessions', operator: 'after', date: '2000-01-01' }],
    },
  ]);
  worker = new WorkerProcess({
    groupId: fixture.groupId,
    prefix: fixture.prefix,
    workerId: uniqueName('dlq-worker'),
  });
  await worker.start();

  const writer = await fixture.codec.writerFor(valueSubject(topics.appSessions));
  const valid = (userId: string) =>
    fixture.codec.encodeWith(writer, {
      appId,
      userId,
      eventId: uniqueName('event'),
      timestamp: Date.now() - 60_000,
      language: null,
      receivedAt: null,
    });
  const unknownSchema = frame(2_000_000_000, Buffer.from([2, 4, 6]));
  await fixture.produceRaw(topics.appSessions, `${appId}:json`, Buffer.from('{"userId":"x"}'));
  await fixture.produceRaw(topics.appSessions, `${appId}:unknown`, unknownSchema);
  await fixture.produceRaw(topics.appSessions, `${appId}:empty`, valid(''));
  await fixture.produceRaw(topics.appSessions, `${appId}:after`, valid('after-poison'));

  const ours = () =>
    dlq.messages.filter((message) => message.key?.toString().startsWith(`${appId}:`));
  await waitFor(() => ours().length >= 3, 60_000);
  const reasons = Object.fromEntries(
    ours().map((message) => [
      message.key?.toString().slice(appId.length + 1),
      {
        reason: message.headers?.['x-reject-reason']?.toString(),
        topic: message.headers?.['x-original-topic']?.toString(),
      },
    ]),
  );
  expect(reasons).toEqual({
    json: { reason: 'not_avro', topic: topics.appSessions },
    unknown: { reason: 'unknown_schema', topic: topics.appSessions },
    empty: { reason: 'invalid_event', topic: topics.appSessions },
  });
  expect(
    ours()
      .find((m) => m.key?.toString().endsWith(':json'))
      ?.value?.toString(),
  ).toBe('{"userId":"x"}');

  const ref = { segmentId: segment!.id, version: 1 };
  expect(await waitFor(() => fixture.reader.isMember(appId, ref, 'after-poison'), 60_000)).toBe(
    true,
  );
  expect(await worker.isReady()).toBe(true);
});
