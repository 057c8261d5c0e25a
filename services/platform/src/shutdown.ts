import type { Logger } from 'pino';

/** Something to stop on shutdown: stop taking work, finish or abandon what is in flight. */
export interface Closer {
  name: string;
  close: () => Promise<void>;
}

/**
 * Stops a service cleanly on SIGTERM or SIGINT: runs the closers in reverse order of
 * registration (so the HTTP server stops taking work before the Kafka producer behind it
 * closes), gives them `timeoutMs` in all, then exits. A second signal exits at once.
 */
export class Shutdown {
  private readonly closers: Closer[] = [];
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Adds a closer; the last added is closed first. */
  add(name: string, close: () => Promise<void>): void {
    this.closers.push({ name, close });
  }

  /** Installs the signal handlers; the process exits once every closer ran. */
  listen(exit: (code: number) => void = (code) => process.exit(code)): void {
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.stopping) {
        this.logger.warn({ signal }, 'second signal, exiting now');
        exit(1);
        return;
      }
      this.logger.info({ signal }, 'shutting down');
      this.run().then(
        () => exit(0),
        () => exit(1),
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }

  /** Runs every closer once, in reverse order, within the time limit. */
  run(): Promise<void> {
    this.stopping ??= this.closeAll();
    return this.stopping;
  }

  private async closeAll(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('shutdown timed out')), this.timeoutMs);
    });

    try {
      await Promise.race([this.closeInOrder(), deadline]);
      this.logger.info('stopped');
    } catch (error) {
      this.logger.error({ err: error }, 'shutdown did not finish cleanly');
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async closeInOrder(): Promise<void> {
    for (const closer of [...this.closers].reverse()) {
      try {
        await closer.close();
      } catch (error) {
        this.logger.warn({ err: error, closer: closer.name }, 'closer failed, continuing');
      }
    }
  }
}
