/**
 * Where the gateway keeps the durable state that replicas must share: idempotency records,
 * asynchronous transactions, the schedule's job states, offline-signing sessions, the blind-signature
 * log, the enrolled pseudonymous ids and the webhook outbox. Each concern has an async storage
 * interface with two implementations: SQLite (the embedded default, one instance, the gateway
 * database file) and PostgreSQL (postgres.ts, shared by replicas), chosen by configuration
 * (`GATEWAY_DATABASE_URL`).
 */
import { BlindSignatureLog } from '../election-keys';
import type { SigningLog } from '../elections/token-issuance';
import { SqliteOfflineSessionStore, type OfflineSessionStorage } from '../fabric/offline-signing';
import { PidRegistry, type PidStorage } from '../identity-admin';
import { ScheduleStore, type ScheduleStorage } from '../schedule/store';
import { AsyncTransactions, type AsyncTransactionStorage } from '../writes/async-transactions';
import type { Db } from '../writes/database';
import { IdempotencyStore, type IdempotencyStorage } from '../writes/idempotency';
import { SqliteWebhookStore, type WebhookStore } from '../webhooks/store';

/** The shared durable state of a gateway instance. */
export interface GatewayStorage {
  /** Which backend keeps it. */
  backend: 'sqlite' | 'postgres';
  /** Idempotency records. */
  idempotency: IdempotencyStorage;
  /** Asynchronous writes. */
  asyncTransactions: AsyncTransactionStorage;
  /** When each scheduled job last ran, and which replica runs a job's occurrence. */
  schedule: ScheduleStorage;
  /** Webhook subscriptions and their delivery outbox. */
  webhooks: WebhookStore;
  /** Offline-signing sessions. */
  offlineSessions: OfflineSessionStorage;
  /** The blind signatures election authorities issued to voters. */
  signingLog: SigningLog;
  /** The pseudonymous ids registered through the identity administration. */
  pids: PidStorage;
  /** Releases the backend's resources (the SQLite file is closed by its opener). */
  close(): Promise<void>;
}

/** The stores in an open SQLite gateway database (one instance). */
export function sqliteStorage(db: Db, idempotencyTtlHours: number): GatewayStorage {
  return {
    backend: 'sqlite',
    idempotency: new IdempotencyStore(db, idempotencyTtlHours),
    asyncTransactions: new AsyncTransactions(db),
    schedule: new ScheduleStore(db),
    webhooks: new SqliteWebhookStore(db),
    offlineSessions: new SqliteOfflineSessionStore(db),
    signingLog: new BlindSignatureLog(db),
    pids: new PidRegistry(db),
    close: async () => undefined,
  };
}
