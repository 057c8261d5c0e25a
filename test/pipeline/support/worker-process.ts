import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort, stack, waitFor } from './stack-env';

const root = path.resolve(__dirname, '..', '..', '..');
const entry = path.join(root, 'services', 'ingest-worker', 'src', 'main.ts');

export interface WorkerProcessOptions {
  groupId: string;
  prefix: string;
  workerId: string;
  env?: Record<string, string>;
}

/** An ingest worker running as a child process (tsx from source), killable like in production. */
export class WorkerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  readonly output: string[] = [];
  port = 0;

  constructor(private readonly options: WorkerProcessOptions) {}

  get workerId(): string {
    return this.options.workerId;
  }

  /** Starts the process and waits until /readyz answers 200 (group joined). */
  async start(timeoutMs = 60_000): Promise<void> {
    this.port = await freePort();
    const env = {
      ...process.env,
      KAFKA_BROKERS: stack.brokers,
      SCHEMA_REGISTRY_URL: stack.registryUrl,
      REDIS_URL: stack.redisUrl,
      REDIS_KEY_PREFIX: this.options.prefix,
      WORKER_GROUP_ID: this.options.groupId,
      WORKER_ID: this.options.workerId,
      WORKER_PORT: String(this.port),
      LOG_LEVEL: process.env.WORKER_LOG_LEVEL ?? 'warn',
      KAFKA_SESSION_TIMEOUT_MS: '10000',
      LEASE_TTL_MS: '3000',
      OUTBOX_RELAY_AGE_MS: '2000',
      ...this.options.env,
    };
    // Node itself with tsx's loader, not the tsx CLI: the CLI runs the program in a grandchild
    // that a SIGKILL of the CLI would leave running.
    // WORKER_CPU_PROF_DIR=<dir> writes a V8 CPU profile of the worker there when it exits.
    const profile = process.env.WORKER_CPU_PROF_DIR;
    const profiling = profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : [];
    const child = spawn(process.execPath, [...profiling, '--import', 'tsx', entry], {
      env,
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (data: Buffer) => this.output.push(data.toString());
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));

    const ready = await waitFor(() => this.isReady(), timeoutMs, 200);
    if (!ready) {
      throw new Error(`worker did not get ready:\n${this.output.join('').slice(-3000)}`);
    }
  }

  async isReady(): Promise<boolean> {
    if (this.child?.exitCode !== null) return false;
    try {
      const response = await fetch(`http://127.0.0.1:${this.port}/readyz`);
      return response.status === 200;
    } catch {
      return false;
    }
  }

  /** Sends `signal` and waits for the exit. */
  async kill(signal: NodeJS.Signals): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill(signal);
    return this.exited ?? null;
  }

  /** SIGTERM (graceful), then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** The worker's /metrics text. */
  async metrics(): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${this.port}/metrics`);
    return response.text();
  }
}
