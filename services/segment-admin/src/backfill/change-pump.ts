import type { OutboxChange } from '@audience/platform';
import type { ChangeSink } from './change-publisher';

/** Changes waiting beyond which producers of changes wait for the publish in flight. */
const MAX_BACKLOG = 100_000;

/**
 * Publishes a chunk's changes in the background while its buckets are still being evaluated,
 * in batches as large as what piled up during the previous publish. A bucket is reported done
 * only after every change found in it was published (and removed from the outbox), so a
 * version is never made ready, or switched, with some of its changes unannounced.
 */
export class ChangePump {
  private changes: OutboxChange[] = [];
  private buckets: number[] = [];
  private running: Promise<void> | null = null;
  private failure: { error: unknown } | null = null;

  constructor(
    private readonly publish: ChangeSink,
    private readonly onBuckets: (buckets: number[]) => Promise<void>,
  ) {}

  /** Queues the changes of finished buckets; waits while the backlog is too large. */
  async add(buckets: number[], changes: OutboxChange[]): Promise<void> {
    this.throwIfFailed();
    for (const bucket of buckets) this.buckets.push(bucket);
    for (const change of changes) this.changes.push(change);
    this.kick();
    while (this.changes.length >= MAX_BACKLOG && this.running) await this.running;
    this.throwIfFailed();
  }

  /** Waits until everything queued is published; throws the publish error if one failed. */
  async drain(): Promise<void> {
    this.kick();
    while (this.running) await this.running;
    this.throwIfFailed();
  }

  private kick(): void {
    if (this.running || this.failure) return;
    if (this.changes.length === 0 && this.buckets.length === 0) return;
    this.running = this.loop()
      .catch((error: unknown) => {
        this.failure = { error };
      })
      .finally(() => {
        this.running = null;
      });
  }

  private async loop(): Promise<void> {
    while (this.changes.length > 0 || this.buckets.length > 0) {
      const [changes, buckets] = [this.changes, this.buckets];
      [this.changes, this.buckets] = [[], []];
      await this.publish(changes);
      if (buckets.length > 0) await this.onBuckets(buckets);
    }
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
