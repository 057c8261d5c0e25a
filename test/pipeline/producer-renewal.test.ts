import net from 'node:net';
import { Kafka, logLevel, type ISocketFactory } from 'kafkajs';
import pino from 'pino';
import {
  RenewingProducer,
  createIdempotentProducer,
  type SendingProducer,
} from '@audience/platform';
import { stack, testKafka, uniqueName } from './support/stack-env';

// A produce request that the broker writes but whose answer never comes back (a broker
// restart, a cut connection) makes kafkajs's idempotent producer give up and wind its sequence
// numbers back. Against the real broker, these tests show what that does to the next send of
// other records, and that the services' RenewingProducer writes it.

/** Connections to Kafka whose answers can be held back: requests still reach the broker. */
class DeafSwitch {
  private readonly sockets = new Set<net.Socket>();

  readonly socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = net.connect({ host, port }, onConnect);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    return socket;
  };

  deafen(): void {
    for (const socket of this.sockets) socket.pause();
  }

  hear(): void {
    for (const socket of this.sockets) socket.resume();
  }
}

const admin = testKafka('producer-renewal-admin').admin();
const logger = pino({ level: 'silent' });

beforeAll(() => admin.connect());
afterAll(() => admin.disconnect());

async function privateTopic(): Promise<string> {
  const topic = uniqueName('producer-renewal');
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  return topic;
}

/** Records in the topic's only partition. */
async function recordCount(topic: string): Promise<number> {
  const [partition] = await admin.fetchTopicOffsets(topic);
  return Number(partition?.high ?? -1);
}

/** A client whose requests give up after one second, without retries. */
function impatientKafka(network: DeafSwitch): Kafka {
  return new Kafka({
    clientId: uniqueName('producer-renewal'),
    brokers: stack.brokers.split(','),
    requestTimeout: 1_000,
    retry: { retries: 0 },
    socketFactory: network.socketFactory,
    logLevel: logLevel.NOTHING,
  });
}

/** Sends one record, loses the answer of the second, then sends a third. */
async function sendThrough(producer: SendingProducer, network: DeafSwitch, topic: string) {
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ value: 'first' }] });

  network.deafen();
  const lost = producer.send({ topic, acks: -1, messages: [{ value: 'answer lost' }] });
  await expect(lost).rejects.toThrow();
  network.hear();

  await producer.send({ topic, acks: -1, messages: [{ value: 'third' }] });
  await producer.disconnect();
}

test('a plain idempotent producer acknowledges the next send without writing it', async () => {
  const topic = await privateTopic();
  const network = new DeafSwitch();
  const producer = createIdempotentProducer(impatientKafka(network), {
    retry: { retries: 1, initialRetryTime: 100 },
  });

  await sendThrough(producer, network, topic);

  // 'first' and 'answer lost' are written; 'third' reused the sequence number of 'answer
  // lost' and the broker took it for that batch sent again.
  expect(await recordCount(topic)).toBe(2);
  await admin.deleteTopics({ topics: [topic] });
});

test('a RenewingProducer writes the send after the lost answer', async () => {
  const topic = await privateTopic();
  const network = new DeafSwitch();
  const kafka = impatientKafka(network);
  const create = () =>
    createIdempotentProducer(kafka, { retry: { retries: 1, initialRetryTime: 100 } });
  let renewals = 0;
  const producer = new RenewingProducer(create, logger, () => (renewals += 1));

  await sendThrough(producer, network, topic);

  expect(renewals).toBe(1);
  expect(await recordCount(topic)).toBe(3);
  await admin.deleteTopics({ topics: [topic] });
});
