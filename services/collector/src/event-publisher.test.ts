import { AppError } from '@audience/platform';
import type { ProducerBatch } from 'kafkajs';
import pino from 'pino';
import { EventPublisher, type BatchProducer, type EncoderLookup } from './event-publisher';
import type { CollectedEvent } from './event-validation';

const logger = pino({ level: 'silent' });
const unavailable = { constructor: AppError, code: 'kafka_unavailable', status: 503 };

// A JSON "encoder" stands in for Avro: the publisher only needs bytes per record.
const encoderFor: EncoderLookup = async (topic) => (record) =>
  Buffer.from(JSON.stringify({ topic, ...record }));

function event(userId: string, type: CollectedEvent['type'] = 'app_session'): CollectedEvent {
  const base = { type, userId, eventId: `e-${userId}`, timestamp: 1_000 };
  return type === 'page_view' ? { ...base, path: '/cart' } : base;
}

/** A producer whose sends stay pending until the test releases or fails them. */
function heldProducer() {
  const batches: (ProducerBatch & { producerId: number })[] = [];
  const waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  let created = 0;
  let disconnected = 0;
  const createProducer = (): BatchProducer => {
    const id = ++created;
    return {
      connect: async () => undefined,
      disconnect: async () => void (disconnected += 1),
      sendBatch: (batch) =>
        new Promise((resolve, reject) => {
          batches.push({ ...batch, producerId: id });
          waiting.push({ resolve: () => resolve([]), reject });
        }),
    };
  };
  const next = async () => {
    const giveUpAt = Date.now() + 2_000;
    while (waiting.length === 0) {
      if (Date.now() > giveUpAt) throw new Error('no send within 2 s');
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return waiting.shift()!;
  };
  return {
    createProducer,
    batches,
    next,
    counts: () => ({ created, disconnected }),
  };
}

describe('EventPublisher', () => {
  it('keys each event appId:userId on its topic and sends with acks from all replicas', async () => {
    const held = heldProducer();
    const publisher = new EventPublisher({
      createProducer: held.createProducer,
      encoderFor,
      logger,
    });

    const done = publisher.publish('app-1', [event('u-1'), event('u-2', 'page_view')], 5);
    (await held.next()).resolve();
    await done;

    const [batch] = held.batches;
    expect(batch?.acks).toBe(-1);
    const sent = batch?.topicMessages?.map(({ topic, messages }) => ({
      topic,
      keys: messages.map((message) => message.key),
      values: messages.map((message) => JSON.parse(String(message.value))),
    }));
    expect(sent).toEqual([
      {
        topic: 'app-sessions',
        keys: ['app-1:u-1'],
        values: [
          expect.objectContaining({ appId: 'app-1', userId: 'u-1', receivedAt: 5, language: null }),
        ],
      },
      {
        topic: 'page-views',
        keys: ['app-1:u-2'],
        values: [expect.objectContaining({ path: '/cart' })],
      },
    ]);
  });

  it('gathers requests that arrive during a send into the next send', async () => {
    const held = heldProducer();
    const publisher = new EventPublisher({
      createProducer: held.createProducer,
      encoderFor,
      logger,
    });

    const first = publisher.publish('app-1', [event('u-1')], 1);
    const release = await held.next();
    const second = publisher.publish('app-1', [event('u-2')], 1);
    const third = publisher.publish('app-2', [event('u-3')], 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.batches).toHaveLength(1);

    release.resolve();
    (await held.next()).resolve();
    await Promise.all([first, second, third]);

    const keys = held.batches[1]?.topicMessages?.[0]?.messages.map((message) => message.key);
    expect(held.batches).toHaveLength(2);
    expect(keys).toEqual(['app-1:u-2', 'app-2:u-3']);
  });

  it('fails every request of a failed send with kafka_unavailable', async () => {
    const held = heldProducer();
    const publisher = new EventPublisher({
      createProducer: held.createProducer,
      encoderFor,
      logger,
    });

    const done = publisher.publish('app-1', [event('u-1')], 1);
    (await held.next()).reject(new Error('broker gone'));

    await expect(done).rejects.toMatchObject(unavailable);
  });

  it('sends with a new producer after a failed send, and disconnects the old one', async () => {
    const held = heldProducer();
    const publisher = new EventPublisher({
      createProducer: held.createProducer,
      encoderFor,
      logger,
    });

    const failed = publisher.publish('app-1', [event('u-1')], 1);
    (await held.next()).reject(new Error('out of order sequence'));
    await expect(failed).rejects.toMatchObject(unavailable);

    const retried = publisher.publish('app-1', [event('u-1')], 1);
    (await held.next()).resolve();
    await retried;

    expect(held.batches.map((batch) => batch.producerId)).toEqual([1, 2]);
    expect(held.counts()).toEqual({ created: 2, disconnected: 1 });
  });

  it('abandons a call still running at the deadline and sends the queue on a new producer', async () => {
    const held = heldProducer();
    const publisher = new EventPublisher({
      createProducer: held.createProducer,
      encoderFor,
      logger,
      deadlineMs: 200,
    });

    const stuck = publisher.publish('app-1', [event('u-1')], 1);
    const stuckFailed = expect(stuck).rejects.toMatchObject(unavailable);
    await held.next();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const queued = publisher.publish('app-1', [event('u-2')], 1);

    await stuckFailed;
    (await held.next()).resolve();
    await queued;

    expect(held.batches.map((batch) => batch.producerId)).toEqual([1, 2]);
    expect(held.counts()).toEqual({ created: 2, disconnected: 1 });
  });

  it('keeps one call in flight per producer and spreads waiting requests over the pool', async () => {
    const held = heldProducer();
    const publisher = new EventPublisher({
      createProducer: held.createProducer,
      encoderFor,
      logger,
      producers: 2,
    });

    const first = publisher.publish('app-1', [event('u-1')], 1);
    const second = publisher.publish('app-1', [event('u-2')], 1);
    const releaseFirst = await held.next();
    const releaseSecond = await held.next();
    const third = publisher.publish('app-1', [event('u-3')], 1);
    const fourth = publisher.publish('app-1', [event('u-4')], 1);
    await new Promise((resolve) => setImmediate(resolve));
    // Both producers busy: the next two requests wait, one behind each call.
    expect(held.batches.map((batch) => batch.producerId)).toEqual([1, 2]);

    releaseFirst.resolve();
    releaseSecond.resolve();
    (await held.next()).resolve();
    (await held.next()).resolve();
    await Promise.all([first, second, third, fourth]);

    expect(held.batches.map((batch) => batch.producerId).sort()).toEqual([1, 1, 2, 2]);
    const keys = held.batches.map((batch) => batch.topicMessages?.[0]?.messages[0]?.key);
    expect(keys.sort()).toEqual(['app-1:u-1', 'app-1:u-2', 'app-1:u-3', 'app-1:u-4']);
  });

  it('fails only the requests of the producer whose call failed, and replaces only it', async () => {
    const held = heldProducer();
    const publisher = new EventPublisher({
      createProducer: held.createProducer,
      encoderFor,
      logger,
      producers: 2,
    });

    const first = publisher.publish('app-1', [event('u-1'), event('u-9', 'page_view')], 1);
    const onFirst = await held.next();
    const second = publisher.publish('app-1', [event('u-2')], 1);
    const onSecond = await held.next();
    onFirst.reject(new Error('broker gone'));
    onSecond.resolve();

    await expect(first).rejects.toMatchObject(unavailable);
    await second;
    // The failed request's events were all in the one failed call: nothing of it was sent.
    expect(held.batches[0]?.topicMessages?.flatMap((t) => t.messages)).toHaveLength(2);
    expect(held.counts()).toEqual({ created: 3, disconnected: 1 });
  });

  it('sends nothing for a request without accepted events', async () => {
    const held = heldProducer();
    const publisher = new EventPublisher({
      createProducer: held.createProducer,
      encoderFor,
      logger,
    });

    await publisher.publish('app-1', [], 1);

    expect(held.batches).toHaveLength(0);
  });
});
