import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  kafkaAnswers,
  kafkaCommand,
  prepareKafka,
  stackKafkaNode,
  type KafkaNode,
} from '../../../scripts/stack/kafka';
import { ensureTopics } from '../../../scripts/stack/topics';
import { freePort, waitFor } from './stack-env';

/**
 * A single-node KRaft broker of the test's own, run from the stack's jars with its own ports,
 * data and logs in a temporary directory, so the test can stop and start it: the shared
 * broker must never be stopped. Its heap is kept small, as the whole suite shares two cores.
 */
export class PrivateKafka {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;

  private constructor(
    readonly node: KafkaNode,
    readonly dir: string,
  ) {}

  /** Picks two free ports and makes a temporary directory; {@link start} runs the broker. */
  static async create(): Promise<PrivateKafka> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audience-kafka-'));
    const node: KafkaNode = {
      host: stackKafkaNode.host,
      port: await freePort(),
      controllerPort: await freePort(),
      configDir: path.join(dir, 'config'),
      dataDir: path.join(dir, 'data'),
      serverLog: path.join(dir, 'logs', 'kafka-server.log'),
      heap: { initial: '64m', max: '256m' },
    };
    return new PrivateKafka(node, dir);
  }

  /** `host:port`, as `KAFKA_BROKERS` wants it. */
  get brokers(): string {
    return `${this.node.host}:${this.node.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && !this.child.signalCode;
  }

  /**
   * Starts the broker and waits until it answers a metadata request. The data directory is
   * formatted on the first start only, so a later start finds the topics and offsets again.
   */
  async start(timeoutMs = 120_000): Promise<void> {
    if (this.running) throw new Error(`private Kafka on ${this.brokers} is already running`);

    await prepareKafka(() => undefined, this.node);
    const [command, args] = kafkaCommand(this.node);
    const out = fs.openSync(path.join(this.dir, 'logs', 'kafka.log'), 'a');
    const child = spawn(command, args, { cwd: this.dir, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));

    const up = await waitFor(
      async () => !this.running || (await kafkaAnswers(this.brokers)),
      timeoutMs,
      500,
    );
    if (!up || !this.running) {
      throw new Error(`private Kafka did not start:\n${this.logTail()}`);
    }
  }

  /** Creates the product's topics (few partitions: one worker reads them). */
  async createTopics(partitions = 4): Promise<void> {
    await ensureTopics(this.brokers, partitions, () => undefined);
  }

  /**
   * SIGTERM (the broker's own controlled shutdown), then SIGKILL if it has not exited within
   * `graceMs`; resolves once the process is gone, with its exit code.
   */
  async stop(graceMs = 30_000): Promise<number | null> {
    const child = this.child;
    if (!child || !this.running) return child?.exitCode ?? null;

    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code ?? null;
  }

  /** Stops the broker and removes its directory. */
  async destroy(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** The broker log's last lines, for failure messages. */
  logTail(lines = 30): string {
    try {
      const text = fs.readFileSync(this.node.serverLog, 'utf8');
      return text.trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
