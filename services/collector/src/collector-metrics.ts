import { Counter, Histogram, type Registry } from 'prom-client';

/** The collector's own series, registered on the service's registry. */
export interface CollectorMetrics {
  eventsAccepted: Counter<'type'>;
  eventsRejected: Counter<'type' | 'reason'>;
  requestDuration: Histogram<'route' | 'method' | 'status'>;
  produceDuration: Histogram<'outcome'>;
}

/** Creates the collector's metrics on `registry`. */
export function createCollectorMetrics(registry: Registry): CollectorMetrics {
  return {
    eventsAccepted: new Counter({
      name: 'collector_events_accepted_total',
      help: 'Events acknowledged by Kafka, by event type',
      labelNames: ['type'],
      registers: [registry],
    }),
    eventsRejected: new Counter({
      name: 'collector_events_rejected_total',
      help: 'Events refused, by event type (unknown when invalid) and rejection code',
      labelNames: ['type', 'reason'],
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: 'collector_http_request_duration_seconds',
      help: 'Time from request start to the answer, by route, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    produceDuration: new Histogram({
      name: 'collector_kafka_produce_duration_seconds',
      help: 'Duration of one Kafka produce call (acks from all in-sync replicas), by outcome',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
