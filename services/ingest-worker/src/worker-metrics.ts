import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The worker's own metrics, registered on the service registry. */
export interface WorkerMetrics {
  eventsConsumed: Counter<'topic'>;
  eventsRejected: Counter<'topic' | 'reason'>;
  batchDuration: Histogram;
  eventToMembership: Histogram;
  membershipChanges: Counter<'change' | 'source'>;
  consumerLag: Gauge<'topic' | 'partition'>;
  sweeperCrossings: Counter;
  sweeperLeases: Gauge;
  sweeperSkipped: Counter;
  scriptDuration: Histogram<'script'>;
  casConflicts: Counter;
  producerRenewals: Counter;
  outboxRelayed: Counter;
}

const fastBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Creates and registers every worker metric on `registry`. */
export function createWorkerMetrics(registry: Registry): WorkerMetrics {
  const registers = [registry];

  return {
    eventsConsumed: new Counter({
      name: 'ingest_events_consumed_total',
      help: 'Events read from Kafka and merged, by topic',
      labelNames: ['topic'],
      registers,
    }),
    eventsRejected: new Counter({
      name: 'ingest_events_rejected_total',
      help: 'Records sent to the dead-letter topic, by topic and reason',
      labelNames: ['topic', 'reason'],
      registers,
    }),
    batchDuration: new Histogram({
      name: 'ingest_batch_duration_seconds',
      help: 'Time to process one chunk of a Kafka batch, decode to publish',
      buckets: fastBuckets,
      registers,
    }),
    eventToMembership: new Histogram({
      name: 'ingest_event_to_membership_seconds',
      help: 'From the Kafka record timestamp to its membership written in Redis',
      buckets: fastBuckets,
      registers,
    }),
    membershipChanges: new Counter({
      name: 'membership_changes_total',
      help: 'Membership changes recorded, by change (ENTERED, EXITED) and source',
      labelNames: ['change', 'source'],
      registers,
    }),
    consumerLag: new Gauge({
      name: 'ingest_consumer_lag',
      help: 'Records between the last processed offset and the partition end',
      labelNames: ['topic', 'partition'],
      registers,
    }),
    sweeperCrossings: new Counter({
      name: 'sweeper_crossings_total',
      help: 'Users re-evaluated because their last session crossed a window boundary',
      registers,
    }),
    sweeperSkipped: new Counter({
      name: 'sweeper_buckets_skipped_total',
      help: 'Bucket ticks skipped because no window boundary was due yet',
      registers,
    }),
    sweeperLeases: new Gauge({
      name: 'sweeper_bucket_leases',
      help: 'Buckets this worker holds the sweeper lease of',
      registers,
    }),
    scriptDuration: new Histogram({
      name: 'redis_script_duration_seconds',
      help: 'Time of one pipelined round of Redis script calls, by script',
      labelNames: ['script'],
      buckets: fastBuckets,
      registers,
    }),
    casConflicts: new Counter({
      name: 'membership_cas_conflicts_total',
      help: 'Users whose record changed between read and write, evaluated again',
      registers,
    }),
    producerRenewals: new Counter({
      name: 'ingest_producer_renewals_total',
      help: 'Producers replaced after a failed send (each gets a new producer id)',
      registers,
    }),
    outboxRelayed: new Counter({
      name: 'outbox_relayed_total',
      help: 'Changes published by the outbox relay (left by a crash or a failed publish)',
      registers,
    }),
  };
}
