import { Counter, Histogram, type Registry } from 'prom-client';

/** The metrics segment-admin adds to its registry. */
export interface AdminMetrics {
  requests: Counter<'method' | 'route' | 'status'>;
  requestDuration: Histogram<'method' | 'route'>;
  /** Users evaluated by the backfill; its rate is the backfill's users per second. */
  backfillUsers: Counter;
  backfillChanges: Counter;
  jobDuration: Histogram<'kind' | 'outcome'>;
  /** Time a backfill step waited for the workers to adopt the definitions. */
  adoptionWait: Histogram<'step' | 'outcome'>;
  /** Steps that went on without every worker's acknowledgement (a worker stuck or slow). */
  adoptionTimeouts: Counter<'step'>;
  /** Change producers replaced after a failed send. */
  producerRenewals: Counter;
}

/** Registers the admin metrics on `registry`. */
export function createAdminMetrics(registry: Registry): AdminMetrics {
  const registers = [registry];

  return {
    requests: new Counter({
      name: 'admin_http_requests_total',
      help: 'HTTP requests answered, by route and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    requestDuration: new Histogram({
      name: 'admin_http_request_duration_seconds',
      help: 'Time to answer an HTTP request',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    backfillUsers: new Counter({
      name: 'admin_backfill_users_total',
      help: 'Users evaluated by backfill jobs (rate() gives users per second)',
      registers,
    }),
    backfillChanges: new Counter({
      name: 'admin_backfill_membership_changes_total',
      help: 'Membership changes written by backfill jobs and version switches',
      registers,
    }),
    jobDuration: new Histogram({
      name: 'admin_backfill_job_duration_seconds',
      help: 'Duration of backfill jobs, by kind (chunk, finalize, free) and outcome',
      labelNames: ['kind', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60],
      registers,
    }),
    adoptionWait: new Histogram({
      name: 'admin_definition_adoption_wait_seconds',
      help: 'Wait of a backfill step (build, switch, free) for every worker to acknowledge the definitions, by outcome (adopted, timeout)',
      labelNames: ['step', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
      registers,
    }),
    producerRenewals: new Counter({
      name: 'admin_producer_renewals_total',
      help: 'Producers replaced after a failed send of membership changes (each gets a new producer id)',
      registers,
    }),
    adoptionTimeouts: new Counter({
      name: 'admin_definition_adoption_timeouts_total',
      help: 'Backfill steps that went on after DEFINITIONS_ADOPTION_TIMEOUT_MS without every worker acknowledging the definitions',
      labelNames: ['step'],
      registers,
    }),
  };
}
