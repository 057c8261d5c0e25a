import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A Prometheus registry for one service, with the process metrics (CPU, heap, event loop lag)
 * and a `service` label on every series. Components register their own metrics on it.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
