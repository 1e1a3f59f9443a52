/**
 * Liveness and readiness. `/livez` answers while the process runs; `/readyz`
 * answers 200 only when the ledger probe says every peer is reachable, the
 * chaincodes are committed and block heights agree, and not while shutting down.
 * Probe results are cached briefly so that frequent probes do not load the peers.
 */
import express, { type Router } from 'express';
import type { ReadinessReport } from '../fabric/ledger';

/** Inputs of the health endpoints. */
export interface HealthOptions {
  /** The ledger readiness probe. */
  probe(): Promise<ReadinessReport>;
  /** How long a probe result is reused. */
  cacheMs: number;
  /** True once shutdown has begun. */
  draining(): boolean;
}

/** Router serving /livez and /readyz. */
export function healthRouter(options: HealthOptions): Router {
  const router = express.Router();
  let cached: { at: number; report: ReadinessReport } | undefined;
  let running: Promise<ReadinessReport> | undefined;
  const probe = async (): Promise<ReadinessReport> => {
    if (cached && Date.now() - cached.at < options.cacheMs) return cached.report;
    running ??= options
      .probe()
      .catch((): ReadinessReport => ({
        ready: false,
        checks: [{ name: 'probe', ok: false, detail: 'probe failed' }],
      }))
      .then((report) => {
        cached = { at: Date.now(), report };
        return report;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  router.get('/livez', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (options.draining()) {
      res
        .status(503)
        .json({ ready: false, checks: [{ name: 'shutdown', ok: false, detail: 'shutting down' }] });
      return;
    }
    const report = await probe();
    res.status(report.ready ? 200 : 503).json(report);
  });
  return router;
}
