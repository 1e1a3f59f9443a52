/**
 * The gateway process: reads the configuration, opens the wallet, the database
 * and the Fabric connections, imports the network's users when asked, settles
 * writes a previous process left in flight, and listens. On SIGTERM/SIGINT it
 * stops accepting connections, ends event streams, lets in-flight requests
 * finish (up to SHUTDOWN_TIMEOUT_MS) and closes everything.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { createApp } from './app';
import { createTokenVerifier } from './auth';
import { FabricCertificateAuthorities } from './fabric/certificate-authority';
import { ConfigError, loadConfig, type Config } from './config';
import { openDatabase } from './writes/database';
import { openPostgresStorage } from './storage/postgres';
import { sqliteStorage, type GatewayStorage } from './storage/storage';
import { FabricLedger } from './fabric/fabric';
import { createLogger } from './logger';
import { GatewayMetrics } from './metrics';
import { importUsers } from './fabric/msp-import';
import { Wallet } from './fabric/wallet';
import { answerClientErrors } from './request-limits';
import { loadPublicFundsConfig, type PublicFundsConfig } from './routes/public-funds';
import { loadPresentationSettings, type PresentationSettings } from './routes/public-presentations';
import { loadScheduleConfig, type ScheduleConfig } from './schedule/config';
import { Scheduler, type Job } from './schedule/scheduler';
import { unspentSweepJob } from './schedule/unspent-sweep';
import { overdueApprovalsJob } from './schedule/overdue-approvals';

/** How often a replica (PostgreSQL storage) settles writes left in flight by replicas that died. */
const REPLICA_SWEEP_MS = 15_000;

/** A running gateway. */
export interface RunningGateway {
  server: http.Server;
  /** Gracefully stops the gateway. */
  stop(): Promise<void>;
}

/** Settings read beside the configuration by their own modules (schedule/, routes/public-funds.ts). */
export interface GatewayExtras {
  /** The scheduled checks; none without a schedule identity. */
  schedule?: ScheduleConfig;
  /** The public fund-tracing reads. */
  publicFunds?: PublicFundsConfig;
  /** Holder presentations (lifetime). */
  presentations?: PresentationSettings;
}

/** Starts the gateway from a configuration (and the scheduled checks, when a schedule identity is set). */
export async function startGateway(config: Config, extras: GatewayExtras = {}): Promise<RunningGateway> {
  const { schedule } = extras;
  const logger = createLogger(config.logLevel);
  const wallet = new Wallet(config.wallet.dir, config.wallet.key);
  const servedOrgs = config.orgs.map((o) => o.mspId);
  if (config.wallet.importUsersDir) {
    const report = await importUsers(wallet, config.wallet.importUsersDir, new Set(servedOrgs));
    logger.info(
      {
        imported: report.imported.length,
        unchanged: report.unchanged.length,
        skipped: report.skipped.length,
      },
      'wallet import',
    );
  }
  const metrics = new GatewayMetrics();
  const ledger = new FabricLedger({
    channel: config.channel,
    orgs: config.orgs,
    deadlines: config.deadlines,
    mvccRetries: config.mvccRetries,
    rebroadcastMs: config.rebroadcastMs,
    keepaliveMs: config.grpcKeepaliveMs,
    chaincodes: Object.values(config.chaincodes),
    maxHeightLag: config.readiness.maxHeightLag,
    observe: (stage, chaincode, seconds, ok) => metrics.observeStage(stage, chaincode, seconds, ok),
    probeIdentity: async (org) => {
      if (org.probeIdentity) return wallet.get(org.mspId, org.probeIdentity);
      for (const label of await wallet.list(org.mspId)) {
        const id = await wallet.get(org.mspId, label);
        if (id?.privateKey) return id;
      }
      return undefined;
    },
  });
  const db = openDatabase(config.db.path);
  const storage = config.db.url
    ? await openPostgresStorage(config.db.url, {
        idempotencyTtlHours: config.db.idempotencyTtlHours,
        leaseMs: config.db.replicaLeaseMs,
        heartbeatMs: Math.max(200, Math.floor(config.db.replicaLeaseMs / 5)),
      })
    : sqliteStorage(db, config.db.idempotencyTtlHours);
  logger.info({ backend: storage.backend }, 'shared gateway state opened');
  const gateway = createApp({
    ledger,
    wallet,
    ca: new FabricCertificateAuthorities(config.orgs),
    db,
    storage,
    verifier: createTokenVerifier(config.jwt),
    logger,
    metrics,
    servedOrgs,
    chaincodes: config.chaincodes,
    auditOrgs: config.events.auditOrgs,
    maxStreamsPerCaller: config.events.maxStreamsPerCaller,
    chaincodeRouteDeps: {
      electionKeysDir: config.electionKeysDir,
      walletKey: config.wallet.key,
      electionKeyBits: config.electionKeyBits,
      ballotBox: config.ballotBox,
      ballotBoxSettings: config.ballotBoxBatching,
      electionAuthorities: config.electionAuthorities,
    },
    bodyLimit: config.bodyLimit,
    jsonMaxDepth: config.jsonMaxDepth,
    rateLimit: config.rateLimit,
    authFailureLimit: config.authFailureLimit,
    offline: {
      ttlMs: config.offline.ttlSec * 1000,
      maxOpenPerCaller: config.offline.maxOpenPerCaller,
      purgeIntervalMs: Math.min(config.offline.ttlSec * 1000, 60_000),
    },
    trustProxy: config.trustProxy,
    sseHeartbeatMs: config.sseHeartbeatMs,
    readinessCacheMs: config.readiness.cacheMs,
    idempotencyTtlHours: config.db.idempotencyTtlHours,
    reconcileGraceMs: config.db.reconcileGraceMs,
    ...(extras.publicFunds ? { publicFunds: extras.publicFunds } : {}),
    webhooks: { ...config.webhooks, sealKey: config.wallet.key },
    ...(extras.presentations ? { presentations: extras.presentations } : {}),
  });
  const reconciled = await gateway.reconcile();
  logger.info(reconciled, 'reconciled writes left in flight');
  // replicas: writes left in flight by a replica that died are settled by a live one, even when
  // no client asks again (a retry settles its own at once)
  const sweep =
    storage.backend === 'postgres'
      ? setInterval(() => {
          gateway
            .reconcile()
            .then((r) => {
              if (r.async > 0 || r.idempotency.completed > 0 || r.idempotency.abandoned > 0)
                logger.info(r, 'settled writes left in flight by another replica');
            })
            .catch((err: unknown) =>
              logger.warn({ err: (err as Error).message }, 'could not settle writes left in flight'),
            );
        }, REPLICA_SWEEP_MS)
      : undefined;
  sweep?.unref();

  // headers beyond maxHeaderSize are refused by Node's parser: answered 431 problem+json
  const limits = { maxHeaderSize: config.maxHeaderBytes };
  const server = config.tls
    ? https.createServer({ ...limits, cert: config.tls.cert, key: config.tls.key }, gateway.app)
    : http.createServer(limits, gateway.app);
  answerClientErrors(server, config.maxHeaderBytes);
  server.keepAliveTimeout = 65_000;
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    { url: `${config.tls ? 'https' : 'http'}://${config.host}:${port}`, docs: '/docs', orgs: servedOrgs },
    'gateway listening',
  );
  const scheduler = startSchedule(schedule, config, gateway, storage, metrics, logger);
  gateway.webhooks.start();

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('shutting down: finishing in-flight requests');
      gateway.startDraining();
      if (sweep) clearInterval(sweep);
      await scheduler?.stop();
      await gateway.webhooks.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await gateway.drain();
      const timer = setTimeout(() => {
        logger.warn({ open: sockets.size }, 'shutdown timeout: closing remaining connections');
        for (const s of sockets) s.destroy();
      }, config.shutdownTimeoutMs);
      await closed;
      clearTimeout(timer);
      ledger.close();
      await storage.close();
      db.close();
      logger.info('stopped');
    })());
  return { server, stop };
}

/** Starts the scheduled checks (schedule/): none without a schedule identity. */
function startSchedule(
  schedule: ScheduleConfig | undefined,
  config: Config,
  gateway: ReturnType<typeof createApp>,
  storage: GatewayStorage,
  metrics: GatewayMetrics,
  logger: ReturnType<typeof createLogger>,
): Scheduler | undefined {
  if (!schedule?.identity) {
    if (schedule) logger.info('no SCHEDULE_IDENTITY: scheduled checks are off');
    return undefined;
  }
  const caller = { subject: schedule.identity.label, org: schedule.identity.mspId, roles: [] };
  const jobs: Job[] = [];
  if (schedule.unspentSweepMs > 0 && config.chaincodes['fund-tracing']) {
    jobs.push(
      unspentSweepJob({
        transactions: gateway.transactions,
        chaincode: config.chaincodes['fund-tracing'],
        caller,
        intervalMs: schedule.unspentSweepMs,
      }),
    );
  }
  if (schedule.overdueApprovalsMs > 0 && config.chaincodes['e-licence']) {
    jobs.push(
      overdueApprovalsJob({
        transactions: gateway.transactions,
        chaincode: config.chaincodes['e-licence'],
        caller,
        intervalMs: schedule.overdueApprovalsMs,
      }),
    );
  }
  const scheduler = new Scheduler({
    store: storage.schedule,
    jobs,
    logger,
    tickMs: schedule.tickMs,
    registry: metrics.registry,
  });
  scheduler.start();
  logger.info(
    { jobs: jobs.map((j) => ({ name: j.name, intervalMs: j.intervalMs })), as: schedule.identity },
    'scheduled checks started',
  );
  return scheduler;
}

/** Entry point: exits 2 on a configuration error, naming the variable. */
async function main(): Promise<void> {
  let config: Config;
  let extras: GatewayExtras;
  try {
    config = loadConfig(process.env);
    extras = {
      schedule: loadScheduleConfig(process.env),
      publicFunds: loadPublicFundsConfig(process.env),
      presentations: loadPresentationSettings(process.env),
    };
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const running = await startGateway(config, extras);
  const onSignal = () => {
    void running.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`gateway failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
