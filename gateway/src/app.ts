/**
 * `createApp(deps)`: the whole HTTP gateway as one request listener, built from its
 * dependencies so that tests can run it on any port with a fake ledger.
 * Every request gets its id, its log line, its metrics timer and the security
 * headers (helmet); then `/api/...` goes through the API pipeline (http/api-pipeline.ts:
 * JSON body, bearer authentication with failures limited per client IP, a rate limit
 * per caller, the routes) and everything else to a small Express app of operator
 * endpoints (health, metrics, the OpenAPI document and Swagger UI); problem+json for
 * everything that fails.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { reconcileAsync } from './writes/async-transactions';
import { authenticate, type TokenVerifier } from './auth';
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
import { apiPipeline, isApiPath } from './http/api-pipeline';
import { localsOf } from './http/exchange';
import { assignRequestId } from './http/request-id';
import {
  callerRateLimit,
  DEFAULT_JSON_MAX_DEPTH,
  limitFailedAuthentication,
  type AuthFailureLimit,
} from './request-limits';
import { endorsementCatalogue, mountRoutes, type AnyRoute } from './http/route';
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
  /** The request listener of the HTTP(S) server. */
  app: RequestListener;
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
  const table = mountRoutes(routes, { transactions, chaincodes: deps.chaincodes }, registry);

  /** Answers a failure of any request as problem+json, counts it and logs it. */
  const refuse = (err: unknown, req: IncomingMessage, res: ServerResponse): void => {
    const problem = toProblem(err);
    metrics.countError(problem);
    const requestIdValue = localsOf(res).requestId;
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
    sendProblem(res, problem, (req.url ?? '').split('?')[0], requestIdValue);
  };

  const api = apiPipeline({
    routes: table,
    authenticate: limitFailedAuthentication(
      authenticate(deps.verifier, new Set(deps.servedOrgs)),
      deps.authFailureLimit ?? { windowMs: 60_000, max: 30 },
    ),
    limiter: callerRateLimit(
      { windowMs: deps.rateLimit?.windowMs ?? 60_000, max: deps.rateLimit?.max ?? 1200 },
      callerKey,
    ),
    bodyLimit: deps.bodyLimit ?? '256kb',
    jsonMaxDepth: deps.jsonMaxDepth ?? DEFAULT_JSON_MAX_DEPTH,
    trustProxy: deps.trustProxy ?? false,
    draining: () => draining,
    refuse,
  });

  // The operator endpoints, no token: health, metrics, the OpenAPI document and Swagger UI.
  const operator = express();
  operator.disable('x-powered-by');
  operator.set('etag', false);
  operator.use(
    healthRouter({
      probe: () => deps.ledger.readiness(),
      cacheMs: deps.readinessCacheMs ?? 2000,
      draining: () => draining,
    }),
  );
  operator.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  operator.use(docsRouter(registry, deps.version ?? '0.1.0'));
  operator.use((req: Request, _res: Response, next: NextFunction) => {
    next(new HttpProblem(404, 'NOT_FOUND', `no resource at ${req.method} ${req.path}`));
  });
  operator.use((err: unknown, req: Request, res: Response, _next: NextFunction) => refuse(err, req, res));

  const logRequest = httpLogger(deps.logger);
  const timeRequest = metrics.httpTimer();
  const securityHeaders = helmet();
  const app: RequestListener = (req, res) => {
    assignRequestId(req, res);
    // While draining, every response closes its connection, so that keep-alive
    // clients cannot keep feeding requests into a server that is shutting down.
    if (draining) res.setHeader('Connection', 'close');
    logRequest(req, res);
    timeRequest(req, res);
    securityHeaders(req, res, (err?: unknown) => {
      if (err !== undefined) refuse(err, req, res);
      else if (isApiPath(req.url)) api(req, res);
      else operator(req, res);
    });
  };

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
