import type { Logger } from 'pino';
import type { DefinitionAcks } from './definition-acks';

/** Where acknowledgements go (a {@link DefinitionAcks}, or a fake in unit tests). */
export type AdoptionSink = Pick<DefinitionAcks, 'acknowledge' | 'withdraw'>;

/** What the reporter needs of its catalog. */
export interface AdoptingCatalog {
  adopted(): number;
  catchUp(): Promise<void>;
}

export interface AdoptionReporterOptions {
  readerId: string;
  /** Life of an acknowledgement; refreshed every third of it. */
  ttlMs: number;
}

/**
 * Keeps a reader's acknowledgement current: written at once whenever the adopted revision
 * rises (so a definition change is acknowledged within a round trip of being applied), and
 * refreshed every third of its ttl, when the reader also checks that no notice was lost.
 */
export class AdoptionReporter {
  private reported = -1;
  private writing: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly log: Logger;

  constructor(
    private readonly acks: AdoptionSink,
    private readonly catalog: AdoptingCatalog,
    logger: Logger,
    private readonly options: AdoptionReporterOptions,
  ) {
    this.log = logger.child({ readerId: options.readerId });
  }

  /**
   * Enrols the reader with nothing adopted, before its catalog loads: from then on anyone
   * waiting for a revision waits for this reader too.
   */
  async enrol(): Promise<void> {
    await this.acks.acknowledge(this.options.readerId, 0, this.options.ttlMs);
    this.reported = 0;
  }

  /** Reports now, then refreshes periodically. */
  start(): void {
    this.timer = setInterval(() => this.refresh(), Math.max(1, this.options.ttlMs / 3));
    this.timer.unref();
    this.changed();
  }

  /** Stops refreshing and withdraws the reader, so nobody waits for it any more. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.writing;
    await this.acks.withdraw(this.options.readerId).catch((error: unknown) => {
      this.log.warn({ err: error }, 'definitions acknowledgement not withdrawn, it will expire');
    });
  }

  /** Writes the acknowledgement if the adopted revision rose since the last one written. */
  changed(): void {
    if (this.timer === undefined || this.catalog.adopted() <= this.reported) return;
    this.write();
  }

  private refresh(): void {
    this.reported = -1;
    this.write();
    this.catalog.catchUp().catch((error: unknown) => {
      this.log.warn({ err: error }, 'definitions revision check failed, retrying');
    });
  }

  /** One write at a time; a change during a write is written right after it. */
  private write(): void {
    if (this.writing) {
      this.again = true;
      return;
    }
    this.writing = this.writeLoop()
      .catch((error: unknown) => {
        this.reported = -1;
        this.log.warn({ err: error }, 'definitions acknowledgement failed, retrying');
      })
      .finally(() => {
        this.writing = undefined;
      });
  }

  private async writeLoop(): Promise<void> {
    do {
      this.again = false;
      const revision = this.catalog.adopted();
      await this.acks.acknowledge(this.options.readerId, revision, this.options.ttlMs);
      this.reported = Math.max(this.reported, revision);
    } while (this.again);
  }
}
