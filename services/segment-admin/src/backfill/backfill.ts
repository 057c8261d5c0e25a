import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  BUCKET_COUNT,
  MembershipReader,
  type DefinitionAcks,
  type DefinitionStore,
  type PendingSwitch,
  type RedisKeys,
  type ScriptedRedis,
  type StoredSegment,
} from '@audience/platform';
import type { AdminKeys } from '../store/admin-keys';
import type { BuildProgress } from '../store/build-progress';
import { announceSwitch, freeSwitchMarkers } from '../store/version-switch';
import type { AdminMetrics } from '../metrics';
import { AdoptionWait } from './adoption-wait';
import { chunkBuckets, jobId, type BackfillJob } from './backfill-jobs';
import type { ChangeSink } from './change-publisher';
import { runChunk } from './chunk-runner';

export interface BackfillOptions {
  chunkBuckets: number;
  concurrency: number;
  /**
   * Longest wait (ms) for every worker to acknowledge the definitions before a build starts,
   * a switch is announced or keys are freed (see {@link AdoptionWait}); past it the step goes
   * on, with a warning and `admin_definition_adoption_timeouts_total`.
   */
  adoptionTimeoutMs: number;
  /** Time between two reads of the workers' acknowledgements while waiting (ms). */
  adoptionPollMs: number;
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
  acks: DefinitionAcks;
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
 * membership in the background. Each of these steps first waits until every worker has
 * acknowledged the definitions as they are when the step begins, so none of them still runs
 * on the definitions the step follows.
 */
export class Backfill {
  private readonly queue: Queue<BackfillJob>;
  private worker: Worker<BackfillJob> | undefined;
  private readonly clock: () => number;
  private readonly log: Logger;
  private readonly adoption: AdoptionWait;

  constructor(
    private readonly deps: BackfillDeps,
    private readonly options: BackfillOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.log = deps.logger.child({ component: 'backfill' });
    this.adoption = new AdoptionWait(deps, {
      timeoutMs: options.adoptionTimeoutMs,
      pollMs: options.adoptionPollMs,
    });
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
      return { name: 'chunk', data, opts: { jobId: jobId(data) } };
    });
    await this.queue.addBulk(jobs);
    this.log.info({ appId, segmentId, version, jobs: jobs.length }, 'backfill enqueued');
  }

  /**
   * Enqueues the deletion of the membership of `versions`, after `delayMs`. `replacedBy` names
   * the version whose switch retired them: enqueueing that twice is a no-op.
   */
  async free(
    appId: string,
    segmentId: string,
    versions: number[],
    options: { delayMs: number; deleted: boolean; replacedBy?: number },
  ): Promise<void> {
    if (versions.length === 0) return;
    const { deleted, replacedBy } = options;
    const data: BackfillJob = { kind: 'free', appId, segmentId, versions, deleted, replacedBy };
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
    // Every worker must write this version's membership before its users are read: a change
    // after the read is then evaluated by the worker, or fails the backfill's compare-and-set.
    await this.adoption.untilAdopted('build', { appId, segmentId, version });
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
   * Makes a fully built version serve. For an edit, the switch is then completed: once every
   * worker follows it the differences from the old version are announced, and the old keys
   * are freed later. A switch left unfinished by a failure (found as the segment's
   * `pendingSwitch`) is completed first, by this job's retry or by the next finalize.
   */
  private async finalize(data: Extract<BackfillJob, { kind: 'finalize' }>): Promise<void> {
    const { appId, segmentId, version } = data;
    let current = await this.deps.store.get(appId, segmentId);
    if (current?.pendingSwitch) {
      await this.completeSwitch(current, current.pendingSwitch);
      current = await this.deps.store.get(appId, segmentId);
    }
    if (current === null || current.version !== version || current.status === 'ready') return;

    // Walks pinned to the serving version must stay readable from the instant it stops
    // serving, so the mark is set before the switch and renewed once the diff is announced.
    if (current.servingVersion !== version) {
      await this.keepReadable(appId, segmentId, current.servingVersion, version, 60_000);
    }
    const { segment, retired } = await this.deps.store.markReady(appId, segmentId, version);
    this.log.info({ appId, segmentId, version, retired }, 'segment version ready');
    if (segment.pendingSwitch?.toVersion === version) {
      await this.completeSwitch(segment, segment.pendingSwitch);
    }
  }

  /**
   * Announces the differences of a switch (unless done before), hands its retired versions
   * to a `free` job and clears the pending switch. Each step can be repeated after a failure
   * without repeating its effect: the announcement is recorded once per bucket, the `free` job
   * has a fixed id, and the clearing is a compare-and-set.
   */
  private async completeSwitch(segment: StoredSegment, pending: PendingSwitch): Promise<void> {
    const { appId, id: segmentId } = segment;
    const { fromVersion, toVersion, retired } = pending;
    const keepMs = this.keepMs();

    if (!pending.announced) {
      await this.keepReadable(appId, segmentId, fromVersion, toVersion, 60_000);
      // Workers still on the old definitions would keep writing the old version and not
      // publish the new one's changes: the difference is taken once none does.
      await this.adoption.untilAdopted('switch', { appId, segmentId, version: toVersion });
      const target = { appId, segmentId, oldVersion: fromVersion, newVersion: toVersion };
      const changes = await announceSwitch(this.deps.redis, this.deps.keys, target, this.clock());
      await this.deps.publish(changes);
      await this.deps.store.markAnnounced(appId, segmentId, toVersion);
      this.log.info({ appId, segmentId, toVersion, changes: changes.length }, 'switch announced');
    }

    await this.keepReadable(appId, segmentId, fromVersion, toVersion, 0);
    const options = { delayMs: keepMs, deleted: false, replacedBy: toVersion };
    await this.free(appId, segmentId, retired, options);
    await this.deps.store.finishSwitch(appId, segmentId, toVersion);
  }

  /** Marks `version` readable by walks for the retention time plus `extraMs`. */
  private async keepReadable(
    appId: string,
    segmentId: string,
    version: number,
    replacedBy: number,
    extraMs: number,
  ): Promise<void> {
    const key = this.deps.adminKeys.retired(appId, segmentId, version);
    await this.deps.redis.set(key, String(replacedBy), 'PX', this.keepMs() + extraMs);
  }

  private keepMs(): number {
    return Math.max(1, this.options.retainOldVersionMs);
  }

  private async runFree(data: Extract<BackfillJob, { kind: 'free' }>): Promise<void> {
    const { appId, segmentId, versions } = data;
    // A worker still on the definitions from before the delete or switch could write these
    // keys again after they are deleted, and nothing would free them then.
    await this.adoption.untilAdopted('free', { appId, segmentId, versions });
    const reader = new MembershipReader(this.deps.redis, this.deps.keys);
    for (const version of versions) {
      await reader.deleteVersion(appId, { segmentId, version });
      await this.deps.progress.clear(appId, segmentId, version);
      await this.deps.redis.unlink(this.deps.adminKeys.retired(appId, segmentId, version));
    }
    // The markers of the switch that retired these versions, or of any switch to a version
    // of a deleted segment.
    const switchedTo = data.replacedBy === undefined ? versions : [data.replacedBy];
    await freeSwitchMarkers(this.deps.redis, this.deps.keys, {
      appId,
      segmentId,
      versions: switchedTo,
    });
    if (data.deleted) await this.deps.redis.unlink(this.deps.adminKeys.history(appId, segmentId));
    this.log.info({ appId, segmentId, versions }, 'membership freed');
  }
}
