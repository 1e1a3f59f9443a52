/**
 * `createApp(deps)`: the whole HTTP gateway as an Express app, built from its
 * dependencies so that tests can run it on any port with a fake ledger.
 * Order: request id, logs, metrics timer, helmet; health, metrics and docs
 * (no token); then under /api: body limit + JSON, bearer authentication (failures
 * limited per client IP), a rate limit per caller, the JSON depth limit, and the
 * routes; problem+json for everything that fails.
 */
import path from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { reconcileAsync } from './writes/async-transactions';
import { authenticate, callerOf, type TokenVerifier } from './auth';
import type { CertificateAuthority } from './fabric/certificate-authority';
import type { Db } from './writes/database';
import { eventRoutes, EventStreams } from './events';
import { healthRouter } from './http/health';
import { reconcileAll } from './writes/idempotency';
import { sqliteStorage, type GatewayStorage } from './storage/storage';
import type { Ledger } from './fabric/ledger';
import { httpLogger } from './logger';
import { GatewayMetrics } from './metrics';
import { OfflineSessions, type OfflineSessionLimits } from './fabric/offline-signing';
import { docsRouter, newRegistry } from './http/openapi';
import { describeFailure, HttpProblem, sendProblem, toProblem } from './http/problem';
import { requestId } from './http/request-id';
import {
  DEFAULT_JSON_MAX_DEPTH,
  jsonDepthLimit,
  limitFailedAuthentication,
  rateLimitRetryAfter,
  type AuthFailureLimit,
} from './request-limits';
import { endorsementCatalogue, mountRoutes, publicPaths, type AnyRoute } from './http/route';
import { adminChaincodeRoutes } from './routes/admin-chaincode';
import { adminIdentityRoutes } from './routes/admin-identities';
import { adminWebhookRoutes } from './routes/admin-webhooks';
import { chaincodeRoutes, type ChaincodeRouteDeps } from './routes';
import { withAccessRules } from './routes/access';
import { offlineRoutes } from './routes/offline';
import { publicFundsRoutes, type PublicFundsConfig } from './routes/public-funds';
import { presentationRoutes, type PresentationSettings } from './routes/public-presentations';
import { PresentationKeys } from './presentations/keys';
import { transactionRoutes } from './routes/transactions';
import { callerKey, TransactionService } from './writes/transactions';
import type { Wallet } from './fabric/wallet';
import type { WebhookSettings } from './config';
import { WebhookService } from './webhooks/service';
import type { WebhookStore } from './webhooks/store';

/** Everything the app is built from. */
export interface AppDeps {
  ledger: Ledger;
  wallet: Wallet;
  ca: CertificateAuthority;
  db: Db;
  /**
   * Where idempotency records and asynchronous writes are kept (storage/): PostgreSQL shared by
   * replicas, or by default the SQLite database `db`.
   */
  storage?: GatewayStorage;
  verifier: TokenVerifier;
  logger: Logger;
  /** MSP IDs the gateway acts for. */
  servedOrgs: string[];
  /** Logical chaincode name -> deployed name. */
  chaincodes: Record<string, string>;
  /** Dependencies of the per-chaincode routes beyond the common ones (e.g. election keys). */
  chaincodeRouteDeps?: Omit<ChaincodeRouteDeps, 'transactions' | 'chaincodes' | 'db'>;
  bodyLimit?: string;
  /** Deepest nesting of a JSON body (default {@link DEFAULT_JSON_MAX_DEPTH}). */
  jsonMaxDepth?: number;
  rateLimit?: { windowMs: number; max: number };
  /** Failed authentications allowed per client IP and window (default 30 per minute). */
  authFailureLimit?: AuthFailureLimit;
  /** Offline-signing sessions: lifetime, open sessions per caller, purge interval (defaults in offline-signing.ts). */
  offline?: Partial<OfflineSessionLimits>;
  trustProxy?: boolean;
  sseHeartbeatMs?: number;
  /** Organisations whose auditors receive every event (the consortium's designated auditors). */
  auditOrgs?: readonly string[];
  /** Most event streams one caller may hold open at once (default 3). */
  maxStreamsPerCaller?: number;
  readinessCacheMs?: number;
  idempotencyTtlHours?: number;
  reconcileGraceMs?: number;
  /** Metrics to use (a new registry by default). */
  metrics?: GatewayMetrics;
  /** Version shown in the OpenAPI document. */
  version?: string;
  /** More routes (extensions, tests), mounted like the built-in ones. */
  extraRoutes?: AnyRoute[];
  /** The public fund-tracing reads (routes/public-funds.ts): reader identity and cache age. */
  publicFunds?: PublicFundsConfig;
  /** Webhook delivery settings (defaults: the configuration's) and where they are stored. */
  webhooks?: Partial<WebhookSettings> & {
    /** Storage (default: the gateway storage's webhook store). */
    store?: WebhookStore;
    /** Key sealing subscription secrets (default: the wallet key of chaincodeRouteDeps). */
    sealKey?: Buffer;
    /** HTTP client of deliveries (tests). */
    fetch?: typeof fetch;
  };
  /** Holder presentations (routes/public-presentations.ts): lifetime; keys live beside the election keys. */
  presentations?: PresentationSettings;
}

/** Default webhook settings (the configuration's defaults). */
const WEBHOOK_DEFAULTS: WebhookSettings = {
  pollMs: 1000,
  backoffBaseMs: 2000,
  backoffCapMs: 600_000,
  pauseAfterFailures: 12,
  timeoutMs: 10_000,
  maxPerCaller: 20,
};

/** The app and the handles the server needs around it. */
export interface GatewayApp {
  app: Express;
  metrics: GatewayMetrics;
  transactions: TransactionService;
  /** Every declared route (tests check each one). */
  routes: AnyRoute[];
  /** Webhook subscriptions and deliveries (the server starts and stops them). */
  webhooks: WebhookService;
  /** Settles writes left in flight by a previous process. */
  reconcile(): Promise<{ idempotency: Record<string, number>; async: number }>;
  /** Marks the app as shutting down (readiness fails, new event streams are refused). */
  startDraining(): void;
  /** Ends open event streams and waits for background commits. */
  drain(): Promise<void>;
}

/** Builds the gateway app. */
export function createApp(deps: AppDeps): GatewayApp {
  const metrics = deps.metrics ?? new GatewayMetrics();
  const storage = deps.storage ?? sqliteStorage(deps.db, deps.idempotencyTtlHours ?? 24);
  const { idempotency, asyncTransactions } = storage;
  const graceMs = deps.reconcileGraceMs ?? 60_000;
  const transactions = new TransactionService({
    ledger: deps.ledger,
    wallet: deps.wallet,
    idempotency,
    asyncTransactions,
    describeFailure,
    metrics,
    logger: deps.logger,
    reconcileGraceMs: graceMs,
  });
  const streams = new EventStreams();
  const sessions = new OfflineSessions(storage.offlineSessions, deps.ledger, deps.offline);
  sessions.startPurging();
  let draining = false;

  const domainRoutes = chaincodeRoutes({
    ...deps.chaincodeRouteDeps,
    transactions,
    chaincodes: deps.chaincodes,
    db: deps.db,
    signingLog: storage.signingLog,
  });
  const extraRoutes = deps.extraRoutes ?? [];
  const { store: webhookStore, sealKey, fetch: webhookFetch, ...webhookSettings } = deps.webhooks ?? {};
  const webhooks = new WebhookService({
    store: webhookStore ?? storage.webhooks,
    ledger: deps.ledger,
    identityFor: (caller) => transactions.identityFor(caller),
    chaincodes: deps.chaincodes,
    auditOrgs: deps.auditOrgs ?? [],
    logger: deps.logger,
    metrics,
    sealKey: sealKey ?? deps.chaincodeRouteDeps?.walletKey ?? Buffer.alloc(32),
    settings: { ...WEBHOOK_DEFAULTS, ...webhookSettings },
    ...(webhookFetch ? { fetch: webhookFetch } : {}),
  });
  const routes: AnyRoute[] = withAccessRules([
    ...domainRoutes,
    ...transactionRoutes({ asyncTransactions, ledger: deps.ledger, transactions }),
    ...offlineRoutes({
      sessions,
      transactions,
      chaincodes: deps.chaincodes,
      endorsementOf: endorsementCatalogue([...domainRoutes, ...extraRoutes]),
    }),
    ...eventRoutes(
      {
        ledger: deps.ledger,
        transactions,
        chaincodes: deps.chaincodes,
        heartbeatMs: deps.sseHeartbeatMs ?? 15_000,
        logger: deps.logger,
        auditOrgs: deps.auditOrgs ?? [],
        maxStreamsPerCaller: deps.maxStreamsPerCaller ?? 3,
      },
      streams,
    ),
    ...adminChaincodeRoutes({ transactions, chaincodes: deps.chaincodes }),
    ...adminIdentityRoutes({ wallet: deps.wallet, ca: deps.ca, db: deps.db, pids: storage.pids }),
    ...adminWebhookRoutes({ webhooks, chaincodes: deps.chaincodes }),
    ...publicFundsRoutes({
      transactions,
      chaincode: deps.chaincodes['fund-tracing'] ?? 'fund-tracing',
      config: deps.publicFunds ?? { maxAgeSec: 60 },
    }),
    ...presentationRoutes({
      transactions,
      chaincode: deps.chaincodes['e-licence'] ?? 'e-licence',
      keys: new PresentationKeys(
        path.join(
          path.dirname(deps.chaincodeRouteDeps?.electionKeysDir ?? path.resolve('.gateway', 'election-keys')),
          'presentation-keys',
        ),
        deps.chaincodeRouteDeps?.walletKey ?? Buffer.alloc(0),
      ),
      settings: deps.presentations ?? { ttlSec: 300 },
      publicReads: deps.publicFunds ?? { maxAgeSec: 60 },
    }),
    ...extraRoutes,
  ]);
  const registry = newRegistry();
  const apiRoutes = mountRoutes(routes, { transactions, chaincodes: deps.chaincodes }, registry);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  app.set('query parser', 'simple');
  app.use(requestId());
  // While draining, every response closes its connection, so that keep-alive
  // clients cannot keep feeding requests into a server that is shutting down.
  app.use((_req: Request, res: Response, next: NextFunction) => {
    if (draining) res.setHeader('Connection', 'close');
    next();
  });
  app.use(httpLogger(deps.logger));
  app.use(metrics.httpTimer());
  app.use(helmet());
  app.use(
    healthRouter({
      probe: () => deps.ledger.readiness(),
      cacheMs: deps.readinessCacheMs ?? 2000,
      draining: () => draining,
    }),
  );
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use(docsRouter(registry, deps.version ?? '0.1.0'));

  const limiter = rateLimit({
    windowMs: deps.rateLimit?.windowMs ?? 60_000,
    limit: deps.rateLimit?.max ?? 1200,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req, res) =>
      res.locals.caller ? callerKey(callerOf(res)) : `ip:${ipKeyGenerator(req.ip ?? '')}`,
    handler: (_req, res, next) =>
      next(
        new HttpProblem(
          429,
          'RATE_LIMITED',
          'too many requests from this caller',
          {},
          rateLimitRetryAfter(res),
        ),
      ),
  });
  const open = publicPaths(routes);
  const auth = limitFailedAuthentication(
    authenticate(deps.verifier, new Set(deps.servedOrgs)),
    deps.authFailureLimit ?? { windowMs: 60_000, max: 30 },
  );
  app.use(
    '/api',
    express.json({ limit: deps.bodyLimit ?? '256kb', type: ['application/json', 'application/*+json'] }),
    (req: Request, res: Response, next: NextFunction) => {
      if (open.some((p) => p.method === req.method && p.pattern.test(req.originalUrl.split('?')[0]))) next();
      else void auth(req, res, next);
    },
    limiter,
    jsonDepthLimit(deps.jsonMaxDepth ?? DEFAULT_JSON_MAX_DEPTH),
    (req: Request, _res: Response, next: NextFunction) => {
      if (draining && req.path === '/v1/events')
        next(new HttpProblem(503, 'SHUTTING_DOWN', 'the gateway is shutting down', {}, 1));
      else next();
    },
  );
  app.use(apiRoutes);
  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new HttpProblem(404, 'NOT_FOUND', `no resource at ${req.method} ${req.path}`));
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const problem = toProblem(err);
    metrics.countError(problem);
    const requestIdValue = typeof res.locals.requestId === 'string' ? res.locals.requestId : undefined;
    if (problem.status >= 500 && problem.code === 'INTERNAL') {
      deps.logger.error({ reqId: requestIdValue, err }, 'unhandled error');
    } else {
      deps.logger.info(
        { reqId: requestIdValue, code: problem.code, status: problem.status },
        'request refused',
      );
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    sendProblem(res, problem, req.originalUrl.split('?')[0], requestIdValue);
  });

  return {
    app,
    metrics,
    transactions,
    routes,
    webhooks,
    async reconcile() {
      const lookup = (m: string, l: string) => deps.wallet.get(m, l);
      const idem = await reconcileAll(idempotency, deps.ledger, lookup, graceMs);
      const settled = await reconcileAsync(asyncTransactions, deps.ledger, lookup, graceMs, describeFailure);
      return { idempotency: idem, async: settled };
    },
    startDraining() {
      draining = true;
    },
    async drain() {
      sessions.stopPurging();
      streams.closeAll();
      await transactions.drain();
    },
  };
}
