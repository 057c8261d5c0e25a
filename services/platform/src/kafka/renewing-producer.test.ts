import type { ProducerRecord } from 'kafkajs';
import pino from 'pino';
import { RenewingProducer, type SendingProducer } from './renewing-producer';

/** A stand-in producer that records its calls and fails the sends it is told to. */
class FakeProducer implements SendingProducer {
  connects = 0;
  disconnects = 0;
  readonly sent: ProducerRecord[] = [];
  failConnect = false;
  failSends = 0;

  constructor(readonly id: number) {}

  async connect(): Promise<void> {
    this.connects += 1;
    if (this.failConnect) throw new Error(`producer ${this.id} cannot connect`);
  }

  async disconnect(): Promise<void> {
    this.disconnects += 1;
  }

  async send(record: ProducerRecord) {
    if (this.failSends > 0) {
      this.failSends -= 1;
      throw new Error(`producer ${this.id} send failed`);
    }
    this.sent.push(record);
    return [];
  }

  async sendBatch() {
    return this.send({ topic: 'batch', messages: [] });
  }
}

function setUp() {
  const made: FakeProducer[] = [];
  let renewals = 0;
  const producer = new RenewingProducer(
    () => {
      const fake = new FakeProducer(made.length);
      made.push(fake);
      return fake;
    },
    pino({ level: 'silent' }),
    () => (renewals += 1),
  );
  return { producer, made, renewals: () => renewals };
}

const record = (value: string): ProducerRecord => ({ topic: 't', messages: [{ value }] });

test('sends on one producer, connected once, while sends succeed', async () => {
  const { producer, made, renewals } = setUp();
  await producer.connect();
  await producer.send(record('a'));
  await producer.sendBatch({ topicMessages: [] });

  expect(made).toHaveLength(1);
  expect(made[0]?.connects).toBe(1);
  expect(made[0]?.sent.map((sent) => sent.topic)).toEqual(['t', 'batch']);
  expect(renewals()).toBe(0);
});

test('a failed send replaces the producer: the next send goes to a new one', async () => {
  const { producer, made, renewals } = setUp();
  await producer.connect();
  made[0]!.failSends = 1;

  await expect(producer.send(record('a'))).rejects.toThrow('producer 0 send failed');
  await producer.send(record('a'));

  expect(made).toHaveLength(2);
  expect(made[0]?.disconnects).toBe(1);
  expect(made[0]?.sent).toEqual([]);
  expect(made[1]?.connects).toBe(1);
  expect(made[1]?.sent).toEqual([record('a')]);
  expect(renewals()).toBe(1);
});

test('concurrent sends failing on the same producer replace it once', async () => {
  const { producer, made, renewals } = setUp();
  await producer.connect();
  made[0]!.failSends = 2;

  const outcomes = await Promise.allSettled([
    producer.send(record('a')),
    producer.send(record('b')),
  ]);

  expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
  expect(made).toHaveLength(2);
  expect(renewals()).toBe(1);
});

test('a failed connect keeps the producer and is tried again by the next send', async () => {
  const { producer, made, renewals } = setUp();
  made[0]!.failConnect = true;

  await expect(producer.send(record('a'))).rejects.toThrow('cannot connect');
  made[0]!.failConnect = false;
  await producer.send(record('a'));

  expect(made).toHaveLength(1);
  expect(made[0]?.connects).toBe(2);
  expect(made[0]?.sent).toEqual([record('a')]);
  expect(renewals()).toBe(0);
});

test('after disconnect a failed send replaces nothing', async () => {
  const { producer, made } = setUp();
  await producer.connect();
  made[0]!.failSends = 1;
  await producer.disconnect();

  await expect(producer.send(record('a'))).rejects.toThrow();
  expect(made).toHaveLength(1);
  expect(made[0]?.disconnects).toBe(1);
});
