import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { redisAnswers } from '../../../scripts/stack/redis';
import { freePort, waitFor } from './stack-env';

/**
 * A redis-server of the test's own, on a free port with its own directory, that the test may
 * shut down and start again: the shared stack's Redis must never be restarted. It writes an
 * append-only file synced on every write, so a restart keeps everything that was
 * acknowledged, as a production Redis with persistence would.
 */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  private readonly output: string[] = [];

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  /** Picks a free port and makes a temporary directory; {@link start} runs the server. */
  static async create(): Promise<PrivateRedis> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audience-redis-'));
    return new PrivateRedis(await freePort(), dir);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && !this.child.signalCode;
  }

  /** Starts the server (loading the append-only file when there is one) and waits for PING. */
  async start(timeoutMs = 15_000): Promise<void> {
    if (this.running) throw new Error(`private Redis on ${this.port} is already running`);

    const child = spawn('redis-server', this.arguments(), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (data: Buffer) => this.output.push(data.toString());
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));

    const up = await waitFor(
      async () => !this.running || (await redisAnswers(this.url)),
      timeoutMs,
    );
    if (!up || !this.running) {
      throw new Error(`private Redis did not start:\n${this.logTail()}`);
    }
  }

  /**
   * Sends SHUTDOWN (which writes and syncs the append-only file) and waits until the process
   * has exited; returns its exit code.
   */
  async shutdown(): Promise<number | null> {
    const client = new Redis(this.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    // The server closes the connection instead of answering; that is the expected outcome.
    await client.call('SHUTDOWN').catch(() => undefined);
    client.disconnect();

    return (await this.exited) ?? null;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; for cleanup whatever state the test left. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;

    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Stops the server and removes its directory. */
  async destroy(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** The server's last output lines, for failure messages. */
  logTail(lines = 20): string {
    return this.output.join('').trimEnd().split('\n').slice(-lines).join('\n');
  }

  private arguments(): string[] {
    return [
      ...['--bind', '127.0.0.1', '--port', String(this.port), '--dir', this.dir],
      ...['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''],
      ...['--daemonize', 'no'],
    ];
  }
}
