// Prometheus metrics on /metrics (prom-client), one registry per app instance.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'operator_manager_process_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'operator_manager_http_requests_total',
      help: 'HTTP requests by route and status code.',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    }),
    graphqlOperations: new Histogram({
      name: 'operator_manager_graphql_operation_seconds',
      help: 'GraphQL operation duration by type and outcome.',
      labelNames: ['type', 'outcome'] as const,
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    apiRefusals: new Counter({
      name: 'operator_manager_api_refusals_total',
      help: 'Requests, operations and connections refused at the entrance, by reason (unauthenticated, rate_limited, too_large, too_many_subscriptions).',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    websocketConnections: new Gauge({
      name: 'operator_manager_websocket_connections',
      help: 'Open graphql-ws connections.',
      registers: [registry],
    }),
    replicaNotificationsIgnored: new Counter({
      name: 'operator_manager_replica_notifications_ignored_total',
      help: 'Notifications on the replica channel ignored because they were malformed or of an unknown type.',
      registers: [registry],
    }),
    replicaLoopRestarts: new Counter({
      name: 'operator_manager_replica_loop_restarts_total',
      help: 'Replica bridge loops restarted after a failure.',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
