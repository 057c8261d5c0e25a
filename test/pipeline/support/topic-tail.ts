import type { Consumer, KafkaMessage } from 'kafkajs';
import { startGroupAtEnd, testKafka, uniqueName } from './stack-env';

/** Reads what lands on a topic from the moment {@link TopicTail.start} returns. */
export class TopicTail {
  readonly messages: KafkaMessage[] = [];
  private consumer: Consumer | undefined;

  constructor(private readonly topic: string) {}

  async start(): Promise<void> {
    const groupId = uniqueName('pipeline-tail');
    await startGroupAtEnd(groupId, [this.topic]);
    this.consumer = testKafka('pipeline-test-tail').consumer({ groupId, maxWaitTimeInMs: 50 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic] });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        this.messages.push(message);
      },
    });
  }

  async close(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
