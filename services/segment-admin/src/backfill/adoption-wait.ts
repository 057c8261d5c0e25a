import type { DefinitionAcks, DefinitionStore } from '@audience/platform';
import type { Logger } from 'pino';
import type { AdminMetrics } from '../metrics';

/** The backfill steps that wait for the workers to follow a definition change. */
export type AdoptionStep = 'build' | 'switch' | 'free';

export interface AdoptionWaitOptions {
  /** Longest wait (ms); past it the step goes on, with a warning and a metric. */
  timeoutMs: number;
  /** Time between two reads of the acknowledgements (ms). */
  pollMs: number;
}

export interface AdoptionWaitDeps {
  acks: Pick<DefinitionAcks, 'live'>;
  store: Pick<DefinitionStore, 'revision'>;
  metrics: AdminMetrics;
  logger: Logger;
}

/**
 * Waits until every worker alive has adopted the definitions as they are now, that is has
 * acknowledged the current revision (read when the wait begins, so at least the revision of
 * the write the step follows): its catalog holds that revision and no batch that began with
 * an older one is still running. With no worker alive there is nothing to wait for. A worker
 * that died stops counting when its acknowledgement expires.
 */
export class AdoptionWait {
  private readonly log: Logger;
  /**
   * Every revision up to this one was adopted, or waited for until the timeout: the chunks of
   * one build then wait (or give up) once between them, not once each.
   */
  private settled = 0;

  constructor(
    private readonly deps: AdoptionWaitDeps,
    private readonly options: AdoptionWaitOptions,
  ) {
    this.log = deps.logger.child({ component: 'adoption-wait' });
  }

  /** Resolves true once every worker follows, false when the timeout passed first. */
  async untilAdopted(step: AdoptionStep, context: Record<string, unknown>): Promise<boolean> {
    const revision = await this.deps.store.revision();
    // Acknowledgements only grow, and a worker that starts later loads the definitions after
    // enrolling, before its first batch: an adopted revision stays adopted.
    if (revision <= this.settled) return true;
    const stopTimer = this.deps.metrics.adoptionWait.startTimer({ step });
    const deadline = Date.now() + this.options.timeoutMs;

    for (;;) {
      const behind = await this.readersBehind(revision);
      if (behind.length === 0) {
        stopTimer({ outcome: 'adopted' });
        this.settled = Math.max(this.settled, revision);
        return true;
      }
      if (Date.now() >= deadline) {
        stopTimer({ outcome: 'timeout' });
        this.settled = Math.max(this.settled, revision);
        this.deps.metrics.adoptionTimeouts.inc({ step });
        this.log.warn(
          { ...context, step, revision, behind, timeoutMs: this.options.timeoutMs },
          'workers did not acknowledge the definitions in time, going on',
        );
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs));
    }
  }

  private async readersBehind(revision: number): Promise<string[]> {
    const adopted = await this.deps.acks.live();
    return [...adopted].filter(([, held]) => held < revision).map(([readerId]) => readerId);
  }
}
