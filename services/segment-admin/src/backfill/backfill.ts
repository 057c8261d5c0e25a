import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  BUCKET_COUNT,
  MembershipReader,
  type DefinitionStore,
  type RedisKeys,
  type ScriptedRedis,
} from '@audience/platform';
import type { AdminKeys } from '../store/admin-keys';
import type { BuildProgress } from '../store/build-progress';
import { announceSwitch } from '../store/version-switch';
import type { AdminMetrics } from '../metrics';
import { chunkBuckets, jobId, type BackfillJob } from './backfill-jobs';
import type { ChangeSink } from './change-publisher';
import { runChunk } from './chunk-runner';

export interface BackfillOptions {
  chunkBuckets: number;
  concurrency: number;
  /**
   * Wait before a build starts, and before a switch is announced or keys are freed: longer
   * than a definition notice takes to reach every worker, so no worker still runs on the
   * previous definitions when the backfill reads, diffs or deletes.
   */
  settleMs: number;
  /** How long a replaced version's keys stay, so walks pinned to it can finish. */
  retainOldVersionMs: number;
  /** Buckets read and written per pipelined round trip. */
  bucketsPerRound: number;
  /** Groups of buckets one chunk has in flight at the same time. */
  parallelBuckets: number;
  clock?: () => number;
}

export interface BackfillDeps {
  redis: ScriptedRedis;
  /** Connections for BullMQ (it needs `maxRetriesPerRequest: null`). */
  queueConnection: Redis;
  keys: RedisKeys;
  adminKeys: AdminKeys;
  store: DefinitionStore;
  progress: BuildProgress;
  publish: ChangeSink;
  metrics: AdminMetrics;
  logger: Logger;
}

const QUEUE = 'backfill';

/**
 * Computes new and edited segments over the users already stored, as BullMQ jobs: one job per
 * chunk of buckets (retried with backoff on failure), then a `finalize` job once every bucket
 * is done, which makes the version serve, and `free` jobs that delete replaced or deleted
 * membership in the background.
 */
export class Backfill {
  private readonly queue: Queue<BackfillJob>;
  private worker: Worker<BackfillJob> | undefined;
  private readonly clock: () => number;
  private readonly log: Logger;

  constructor(
    private readonly deps: BackfillDeps,
    private readonly options: BackfillOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.log = deps.logger.child({ component: 'backfill' });
    this.queue = new Queue<BackfillJob>(QUEUE, {
      connection: deps.queueConnection,
      prefix: deps.adminKeys.queuePrefix(),
      defaultJobOptions: {
        attempts: 8,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: { count: 1_000 },
        removeOnFail: { count: 1_000 },
      },
    });
  }

  /** Enqueues the build of a new or edited version over every bucket. */
  async build(appId: string, segmentId: string, version: number): Promise<void> {
    const jobs = chunkBuckets(BUCKET_COUNT, this.options.chunkBuckets).map((buckets) => {
      const data: BackfillJob = { kind: 'chunk', appId, segmentId, version, buckets };
      return { name: 'chunk', data, opts: { jobId: jobId(data), delay: this.options.settleMs } };
    });
    await this.queue.addBulk(jobs);
    this.log.info({ appId, segmentId, version, jobs: jobs.length }, 'backfill enqueued');
  }

  /** Enqueues the deletion of the membership of `versions`, after `delayMs`. */
  async free(
    appId: string,
    segmentId: string,
    versions: number[],
    options: { delayMs: number; deleted: boolean },
  ): Promise<void> {
    if (versions.length === 0) return;
    const data: BackfillJob = {
      kind: 'free',
      appId,
      segmentId,
      versions,
      deleted: options.deleted,
    };
    await this.queue.add('free', data, { jobId: jobId(data), delay: options.delayMs });
  }

  /** Starts processing jobs in this process. */
  startWorker(connection: Redis): void {
    this.worker = new Worker<BackfillJob>(QUEUE, (job) => this.process(job), {
      connection,
      prefix: this.deps.adminKeys.queuePrefix(),
      concurrency: this.options.concurrency,
    });
    this.worker.on('failed', (job, error) => {
      const attempts = job?.attemptsMade;
      this.log.warn({ err: error, jobId: job?.id, attempts }, 'backfill job failed');
    });
    this.worker.on('error', (error) => this.log.warn({ err: error }, 'backfill worker error'));
  }

  /** Jobs waiting, delayed or running: zero once every build and cleanup is done. */
  async pendingJobs(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }

  private async process(job: Job<BackfillJob>): Promise<void> {
    const stopTimer = this.deps.metrics.jobDuration.startTimer({ kind: job.data.kind });
    try {
      if (job.data.kind === 'chunk') await this.runChunk(job, job.data);
      else if (job.data.kind === 'finalize') await this.finalize(job.data);
      else await this.runFree(job.data);
      stopTimer({ outcome: 'ok' });
    } catch (error) {
      stopTimer({ outcome: 'error' });
      throw error;
    }
  }

  private async runChunk(
    job: Job<BackfillJob>,
    data: Extract<BackfillJob, { kind: 'chunk' }>,
  ): Promise<void> {
    const { appId, segmentId, version } = data;
    let doneBuckets = 0;
    let allDone = false;
    const onBuckets = async (buckets: number[]) => {
      const done = await this.deps.progress.finish(appId, segmentId, version, buckets);
      allDone ||= done >= BUCKET_COUNT;
      doneBuckets += buckets.length;
      await job.updateProgress(Math.round((doneBuckets * 100) / data.buckets.length));
    };

    const context = {
      ...this.deps,
      scan: { maxConflictRounds: 20, clock: this.clock },
      parallelBuckets: this.options.parallelBuckets,
      bucketsPerRound: this.options.bucketsPerRound,
    };
    const result = await runChunk(context, data, onBuckets);
    this.deps.metrics.backfillUsers.inc(result.users);
    this.deps.metrics.backfillChanges.inc(result.changes);
    if (!allDone) return;

    const finalize: BackfillJob = { kind: 'finalize', appId, segmentId, version };
    await this.queue.add('finalize', finalize, { jobId: jobId(finalize) });
  }

  /**
   * Makes a fully built version serve. For an edit, once every worker follows the switch,
   * the differences from the old version are announced, and the old keys are freed later.
   */
  private async finalize(data: Extract<BackfillJob, { kind: 'finalize' }>): Promise<void> {
    const { appId, segmentId, version } = data;
    const before = await this.deps.store.get(appId, segmentId);
    if (before === null || before.version !== version) return;

    // Walks pinned to the serving version must stay readable from the instant it stops
    // serving, so the mark is set before the switch and renewed once the diff is announced.
    const readable = this.deps.adminKeys.retired(appId, segmentId, before.servingVersion);
    const keepMs = Math.max(1, this.options.retainOldVersionMs);
    if (before.servingVersion !== version) {
      await this.deps.redis.set(readable, String(version), 'PX', keepMs + 60_000);
    }
    const { retired } = await this.deps.store.markReady(appId, segmentId, version);
    this.log.info({ appId, segmentId, version, retired }, 'segment version ready');
    if (before.servingVersion === version) return;

    await sleep(this.options.settleMs);
    const target = { appId, segmentId, oldVersion: before.servingVersion, newVersion: version };
    const changes = await announceSwitch(this.deps.redis, this.deps.keys, target, this.clock());
    await this.deps.publish(changes);
    this.log.info({ appId, segmentId, version, changes: changes.length }, 'switch announced');

    await this.deps.redis.set(readable, String(version), 'PX', keepMs);
    await this.free(appId, segmentId, retired, { delayMs: keepMs, deleted: false });
  }

  private async runFree(data: Extract<BackfillJob, { kind: 'free' }>): Promise<void> {
    const { appId, segmentId, versions } = data;
    const reader = new MembershipReader(this.deps.redis, this.deps.keys);
    for (const version of versions) {
      await reader.deleteVersion(appId, { segmentId, version });
      await this.deps.progress.clear(appId, segmentId, version);
      await this.deps.redis.unlink(this.deps.adminKeys.retired(appId, segmentId, version));
    }
    if (data.deleted) await this.deps.redis.unlink(this.deps.adminKeys.history(appId, segmentId));
    this.log.info({ appId, segmentId, versions }, 'membership freed');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
