/**
 * Prometheus metrics (prom-client), one registry per app: HTTP latency by route
 * and status, Fabric latency by stage, errors by class, transactions in flight,
 * plus the process's default metrics.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { localsOf } from './http/exchange';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Stage } from './fabric/ledger';
import type { HttpProblem } from './http/problem';

/** Classes of errors, as counted. */
export type ErrorClass =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'chaincode'
  | 'ledger_unavailable'
  | 'ledger_timeout'
  | 'ledger_rejected'
  | 'internal';

/** Classifies a problem for the error counter. */
export function errorClass(problem: HttpProblem): ErrorClass {
  if (problem.extras.stage !== undefined) {
    if (problem.status === 503) return 'ledger_unavailable';
    if (problem.status === 504) return 'ledger_timeout';
    if (problem.status === 502) return 'ledger_rejected';
    return 'chaincode';
  }
  if (problem.status === 400 || problem.status === 413 || problem.status === 415 || problem.status === 422)
    return 'validation';
  if (problem.status === 401) return 'unauthenticated';
  if (problem.status === 403) return 'forbidden';
  if (problem.status === 404) return 'not_found';
  if (problem.status === 409) return 'conflict';
  if (problem.status === 429) return 'rate_limited';
  return 'internal';
}

/** The gateway's metrics. */
export class GatewayMetrics {
  /** Registry served at /metrics. */
  readonly registry = new Registry();
  /** HTTP request latency. */
  readonly http = new Histogram({
    name: 'gateway_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  /** Fabric latency per stage. */
  readonly fabric = new Histogram({
    name: 'gateway_fabric_stage_duration_seconds',
    help: 'Fabric call latency by stage (evaluate, endorse, submit, commit), chaincode and outcome',
    labelNames: ['stage', 'chaincode', 'outcome'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  /** Errors by class. */
  readonly errors = new Counter({
    name: 'gateway_errors_total',
    help: 'Error responses by class',
    labelNames: ['class'] as const,
    registers: [this.registry],
  });
  /** Transactions submitted and not yet committed. */
  readonly inFlight = new Gauge({
    name: 'gateway_transactions_in_flight',
    help: 'Transactions endorsed or submitted and not yet settled',
    registers: [this.registry],
  });
  /** MVCC / phantom-read retries. */
  readonly retries = new Counter({
    name: 'gateway_fabric_conflict_retries_total',
    help: 'Transactions retried after an MVCC or phantom-read conflict',
    registers: [this.registry],
  });

  /** Signed transactions sent to the ordering service again because their commit did not come in time. */
  readonly rebroadcasts = new Counter({
    name: 'gateway_fabric_rebroadcasts_total',
    help: 'Signed transactions sent to the ordering service again while their commit did not come',
    registers: [this.registry],
  });

  /** Webhook delivery attempts by outcome (`delivered`: a 2xx; `failed`: anything else, retried). */
  readonly webhookDeliveries = new Counter({
    name: 'gateway_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome (delivered: 2xx answer; failed: error, timeout or non-2xx, retried)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** Webhook deliveries waiting in the outbox. */
  readonly webhookPending = new Gauge({
    name: 'gateway_webhook_outbox_pending',
    help: 'Webhook deliveries waiting in the durable outbox (not yet acknowledged with a 2xx)',
    registers: [this.registry],
  });

  /** Webhook subscriptions paused after repeated failures. */
  readonly webhookPaused = new Gauge({
    name: 'gateway_webhook_subscriptions_paused',
    help: 'Webhook subscriptions paused after WEBHOOK_PAUSE_AFTER_FAILURES consecutive failed deliveries',
    registers: [this.registry],
  });

  /** Creates the metrics; `defaults` adds the process metrics (CPU, memory, event loop). */
  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry, prefix: 'gateway_' });
  }

  /** Records one Fabric stage. */
  observeStage(stage: Stage, chaincode: string, seconds: number, ok: boolean): void {
    this.fabric.observe({ stage, chaincode, outcome: ok ? 'ok' : 'error' }, seconds);
  }

  /** Counts one error response. */
  countError(problem: HttpProblem): void {
    this.errors.inc({ class: errorClass(problem) });
  }

  /**
   * Times every request by its route pattern: the API route the pipeline matched
   * (`locals.route`), or the route Express matched for the operator endpoints (health, metrics, docs).
   */
  httpTimer() {
    return (req: IncomingMessage, res: ServerResponse): void => {
      const start = process.hrtime.bigint();
      res.on('finish', () => {
        const route = localsOf(res).route ?? expressRoute(req) ?? 'unmatched';
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        this.http.observe({ method: req.method ?? '', route, status: String(res.statusCode) }, seconds);
      });
    };
  }
}

/** The path of the route Express matched, with its mount path (`req.baseUrl`, `req.route`). */
function expressRoute(req: IncomingMessage): string | undefined {
  const r = req as IncomingMessage & { baseUrl?: unknown; route?: { path?: unknown } };
  const path = r.route?.path;
  return typeof path === 'string' ? `${typeof r.baseUrl === 'string' ? r.baseUrl : ''}${path}` : undefined;
}
