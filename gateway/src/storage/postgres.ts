/**
 * The gateway's shared durable state in PostgreSQL (npm `pg`), for gateway replicas behind one
 * address: idempotency records, asynchronous transactions, the schedule's job states and the
 * webhook outbox (../webhooks/postgres-store.ts), with
 * the same semantics as the SQLite stores. Every replica is an instance with a heartbeat row
 * (`gateway_instances`, the database's clock); an in-flight idempotency record whose owner's
 * heartbeat is older than the lease was left by a dead replica and is claimed by one live replica
 * (a conditional UPDATE), which settles it. Claims of a key are atomic across replicas
 * (`INSERT ... ON CONFLICT DO NOTHING`), and every change of an in-flight record is conditioned on
 * its owner. Migrations run in one transaction under an advisory lock, so replicas starting at
 * once do not race.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import type { Committed, FabricIdentity } from '../fabric/ledger';
import type { IssuedToken } from '../election-keys';
import type { SigningLog } from '../elections/token-issuance';
import {
  PENDING_PID_STALE_MS,
  pidBlocks,
  pidTaken,
  type PidRecord,
  type PidStorage,
} from '../identity-admin';
import type { OfflineAdvance, OfflineSessionRow, OfflineSessionStorage } from '../fabric/offline-signing';
import type { ClaimTerms, JobState, Row as ScheduleRow, ScheduleStorage } from '../schedule/store';
import { claimCondition, jobStateFromRow } from '../schedule/store';
import {
  asyncFromRow,
  type AsyncTransactionRecord,
  type AsyncTransactionStorage,
  type AsyncTxRow,
  type FailureReport,
} from '../writes/async-transactions';
import {
  activeKey,
  fromRow,
  settledOutcome,
  type BeginOutcome,
  type IdempotencyRecord,
  type IdempotencyRow,
  type IdempotencyStorage,
} from '../writes/idempotency';
import { IdempotencyConflict } from '../writes/errors';
import { serializeOutcome, type WriteOutcome } from '../writes/outcome';
import type { GatewayStorage } from './storage';
import { PostgresWebhookStore, WEBHOOK_TABLES_POSTGRES } from '../webhooks/postgres-store';

/** Schema versions, applied in order (the `gateway_schema` table records the last one). */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE gateway_instances (
     id TEXT PRIMARY KEY,
     started_at BIGINT NOT NULL,
     heartbeat_at BIGINT NOT NULL
   );
   CREATE TABLE idempotency (
     caller TEXT NOT NULL,
     key TEXT NOT NULL,
     request_hash TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('in-flight', 'done')),
     success_status INTEGER NOT NULL,
     identity_msp TEXT NOT NULL,
     identity_label TEXT NOT NULL,
     tx_id TEXT,
     pending_result BYTEA,
     status_code INTEGER,
     body TEXT,
     owner TEXT,
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL,
     PRIMARY KEY (caller, key)
   );
   CREATE INDEX idempotency_state ON idempotency (state);
   CREATE INDEX idempotency_created ON idempotency (created_at);
   CREATE TABLE async_tx (
     tx_id TEXT PRIMARY KEY,
     current_tx_id TEXT NOT NULL,
     caller TEXT NOT NULL,
     caller_pid TEXT,
     identity_msp TEXT NOT NULL,
     identity_label TEXT NOT NULL,
     chaincode TEXT NOT NULL,
     transaction_name TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('submitted', 'committed', 'failed')),
     attempts INTEGER NOT NULL DEFAULT 1,
     block_number TEXT,
     result BYTEA,
     problem TEXT,
     owner TEXT,
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL
   );
   CREATE INDEX async_tx_current ON async_tx (current_tx_id);
   CREATE INDEX async_tx_state ON async_tx (state);
   CREATE TABLE schedule_runs (
     job TEXT PRIMARY KEY,
     last_success_at BIGINT,
     last_attempt_at BIGINT,
     last_error TEXT
   );`,
  // webhooks (issue 19): subscriptions with their event checkpoint, and the delivery outbox
  WEBHOOK_TABLES_POSTGRES,
  `ALTER TABLE schedule_runs ADD COLUMN lease_owner TEXT;
   ALTER TABLE schedule_runs ADD COLUMN lease_until BIGINT;`,
  `CREATE TABLE offline_tx (
     tx_id TEXT PRIMARY KEY,
     caller TEXT NOT NULL,
     msp_id TEXT NOT NULL,
     certificate TEXT NOT NULL,
     stage TEXT NOT NULL CHECK (stage IN ('proposal', 'transaction', 'commit', 'done')),
     bytes BYTEA NOT NULL,
     digest BYTEA,
     result BYTEA,
     block_number TEXT,
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL
   );
   CREATE INDEX offline_tx_caller ON offline_tx (caller, created_at);
   CREATE INDEX offline_tx_created ON offline_tx (created_at);
   CREATE TABLE authority_signatures (
     election_id TEXT NOT NULL,
     authority TEXT NOT NULL,
     voter TEXT NOT NULL,
     blinded_hash TEXT NOT NULL,
     tx_id TEXT NOT NULL,
     blind_sig BYTEA,
     created_at BIGINT NOT NULL,
     PRIMARY KEY (election_id, authority, voter)
   );
   CREATE TABLE enrolled_pids (
     msp_id TEXT NOT NULL,
     pid TEXT NOT NULL,
     name TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending', 'registered')),
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL,
     PRIMARY KEY (msp_id, pid)
   );
   CREATE INDEX enrolled_pids_pid ON enrolled_pids (pid);`,
];

/** Arbitrary constant naming the migration lock (pg_advisory_xact_lock). */
const MIGRATION_LOCK = 1_731_017;

/** The database's clock in ms since the epoch, as SQL. */
const DB_NOW = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/** Options of {@link openPostgresStorage}. */
export interface PostgresStorageOptions {
  /** Idempotency records expire after this many hours. */
  idempotencyTtlHours: number;
  /** How often this instance renews its heartbeat (default 2 s). */
  heartbeatMs?: number;
  /** A replica whose heartbeat is older than this is dead: its records in flight are orphans (default 10 s). */
  leaseMs?: number;
  /** Most connections this instance opens (default 10). */
  maxConnections?: number;
}

/** Brings the schema up to date, in one transaction under an advisory lock. */
export async function migrate(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS gateway_schema (version INTEGER NOT NULL)');
    const found = await client.query<{ version: number }>('SELECT version FROM gateway_schema');
    let version = found.rows[0]?.version ?? 0;
    if (found.rows.length === 0) await client.query('INSERT INTO gateway_schema (version) VALUES (0)');
    for (; version < MIGRATIONS.length; version++) await client.query(MIGRATIONS[version]);
    await client.query('UPDATE gateway_schema SET version = $1', [version]);
    await client.query('COMMIT');
    return version;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** BIGINT columns are read as numbers (every one here is a time in ms, far below 2^53). */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * Connects to PostgreSQL (`url`, `postgres://...`), brings the schema up to date, registers this
 * instance and starts its heartbeat.
 */
export async function openPostgresStorage(
  url: string,
  options: PostgresStorageOptions,
): Promise<GatewayStorage & { instanceId: string }> {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, types });
  // an idle connection's error (the server restarting) must not crash the process
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
    const instance = new Instance(pool, options.heartbeatMs ?? 2000, options.leaseMs ?? 10_000);
    await instance.start();
    let closing: Promise<void> | undefined;
    return {
      instanceId: instance.id,
      backend: 'postgres',
      idempotency: new PostgresIdempotency(pool, instance, options.idempotencyTtlHours),
      asyncTransactions: new PostgresAsyncTransactions(pool, instance),
      schedule: new PostgresSchedule(pool),
      webhooks: new PostgresWebhookStore(pool),
      offlineSessions: new PostgresOfflineSessions(pool),
      signingLog: new PostgresSigningLog(pool),
      pids: new PostgresPids(pool),
      close() {
        return (closing ??= instance.stop().then(() => pool.end()));
      },
    };
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
}

/** This process as a replica: its id and heartbeat. */
class Instance {
  readonly id = crypto.randomUUID();
  readonly #pool: pg.Pool;
  readonly #heartbeatMs: number;
  /** A replica whose heartbeat is older than this is dead. */
  readonly leaseMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(pool: pg.Pool, heartbeatMs: number, leaseMs: number) {
    this.#pool = pool;
    this.#heartbeatMs = heartbeatMs;
    this.leaseMs = leaseMs;
  }

  async start(): Promise<void> {
    await this.beat();
    this.#timer = setInterval(() => void this.beat().catch(() => undefined), this.#heartbeatMs);
    this.#timer.unref();
  }

  async beat(): Promise<void> {
    await this.#pool.query(
      `INSERT INTO gateway_instances (id, started_at, heartbeat_at) VALUES ($1, ${DB_NOW}, ${DB_NOW})
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = ${DB_NOW}`,
      [this.id],
    );
  }

  /** Leaves: the records this instance still owns are orphans at once (a clean stop). */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#pool.query('DELETE FROM gateway_instances WHERE id = $1', [this.id]).catch(() => undefined);
  }
}

/**
 * SQL condition true when the owner of idempotency row `i` is not a live replica other than
 * this one (`$me` and `$lease` are the parameters named).
 */
const NOT_LIVE_ELSEWHERE = (me: string, lease: string) => `(
  i.owner IS NULL OR i.owner = ${me} OR NOT EXISTS (
    SELECT 1 FROM gateway_instances g WHERE g.id = i.owner AND g.heartbeat_at >= ${DB_NOW} - ${lease}))`;

/** Idempotency records in PostgreSQL, shared by replicas (see the module comment). */
export class PostgresIdempotency implements IdempotencyStorage {
  readonly #pool: pg.Pool;
  readonly #instance: Instance;
  readonly #ttlMs: number;
  readonly #active = new Set<string>();

  /** Uses the `idempotency` table; records expire after `ttlHours`. */
  constructor(pool: pg.Pool, instance: Instance, ttlHours: number) {
    this.#pool = pool;
    this.#instance = instance;
    this.#ttlMs = ttlHours * 3_600_000;
  }

  /** {@inheritDoc IdempotencyStorage.get} */
  async get(caller: string, key: string): Promise<IdempotencyRecord | undefined> {
    const { rows } = await this.#pool.query<IdempotencyRow>(
      'SELECT * FROM idempotency WHERE caller = $1 AND key = $2',
      [caller, key],
    );
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /** {@inheritDoc IdempotencyStorage.isActive} */
  isActive(caller: string, key: string): boolean {
    return this.#active.has(activeKey(caller, key));
  }

  /** {@inheritDoc IdempotencyStorage.begin} */
  async begin(
    caller: string,
    key: string,
    hash: string,
    identity: FabricIdentity,
    now = Date.now(),
  ): Promise<BeginOutcome> {
    await this.purgeExpired(now);
    for (;;) {
      const inserted = await this.#pool.query(
        `INSERT INTO idempotency (caller, key, request_hash, state, success_status, identity_msp, identity_label, owner, created_at, updated_at)
         VALUES ($1, $2, $3, 'in-flight', 0, $4, $5, $6, $7, $7)
         ON CONFLICT (caller, key) DO NOTHING`,
        [caller, key, hash, identity.mspId, identity.label, this.#instance.id, now],
      );
      if (inserted.rowCount === 1) {
        this.#active.add(activeKey(caller, key));
        return { kind: 'new' };
      }
      const record = await this.get(caller, key);
      if (record) return settledOutcome(record, hash);
    }
  }

  /** {@inheritDoc IdempotencyStorage.noteEndorsed} */
  async noteEndorsed(caller: string, key: string, txId: string, result: Uint8Array): Promise<void> {
    const noted = await this.#pool.query(
      `UPDATE idempotency SET tx_id = $1, pending_result = $2, updated_at = $3
       WHERE caller = $4 AND key = $5 AND state = 'in-flight' AND owner = $6`,
      [txId, Buffer.from(result), Date.now(), caller, key, this.#instance.id],
    );
    if (noted.rowCount !== 1) throw new IdempotencyConflict(); // taken over: do not send it
  }

  /** {@inheritDoc IdempotencyStorage.complete} */
  async complete(caller: string, key: string, outcome: WriteOutcome): Promise<void> {
    await this.#pool.query(
      `UPDATE idempotency SET state = 'done', body = $1, pending_result = NULL, updated_at = $2
       WHERE caller = $3 AND key = $4 AND state = 'in-flight' AND owner = $5`,
      [serializeOutcome(outcome), Date.now(), caller, key, this.#instance.id],
    );
    this.#active.delete(activeKey(caller, key));
  }

  /** {@inheritDoc IdempotencyStorage.abandon} */
  async abandon(caller: string, key: string): Promise<void> {
    await this.#pool.query(
      `DELETE FROM idempotency WHERE caller = $1 AND key = $2 AND state = 'in-flight' AND owner = $3`,
      [caller, key, this.#instance.id],
    );
    this.#active.delete(activeKey(caller, key));
  }

  /** {@inheritDoc IdempotencyStorage.release} */
  release(caller: string, key: string): void {
    this.#active.delete(activeKey(caller, key));
  }

  /** {@inheritDoc IdempotencyStorage.orphans} */
  async orphans(): Promise<IdempotencyRecord[]> {
    const { rows } = await this.#pool.query<IdempotencyRow>(
      `SELECT * FROM idempotency i WHERE i.state = 'in-flight' AND ${NOT_LIVE_ELSEWHERE('$1', '$2')}
       ORDER BY i.created_at`,
      [this.#instance.id, this.#instance.leaseMs],
    );
    return rows.map(fromRow).filter((r) => !this.isActive(r.caller, r.key));
  }

  /** {@inheritDoc IdempotencyStorage.claim} */
  async claim(record: IdempotencyRecord): Promise<boolean> {
    const k = activeKey(record.caller, record.key);
    if (this.#active.has(k)) return false;
    this.#active.add(k); // reserved at once: a concurrent claim in this process sees it
    try {
      const claimed = await this.#pool.query(
        `UPDATE idempotency i SET owner = $1
         WHERE i.caller = $3 AND i.key = $4 AND i.state = 'in-flight'
           AND i.owner IS NOT DISTINCT FROM $5::text AND ${NOT_LIVE_ELSEWHERE('$1', '$2')}`,
        [this.#instance.id, this.#instance.leaseMs, record.caller, record.key, record.owner ?? null],
      );
      if (claimed.rowCount === 1) return true;
    } catch (err) {
      this.#active.delete(k);
      throw err;
    }
    this.#active.delete(k);
    return false;
  }

  /** {@inheritDoc IdempotencyStorage.purgeExpired} */
  async purgeExpired(now = Date.now()): Promise<number> {
    const res = await this.#pool.query(`DELETE FROM idempotency WHERE created_at < $1 AND state = 'done'`, [
      now - this.#ttlMs,
    ]);
    return res.rowCount ?? 0;
  }
}

/** Asynchronous writes in PostgreSQL, shared by replicas. */
export class PostgresAsyncTransactions implements AsyncTransactionStorage {
  readonly #pool: pg.Pool;
  readonly #instance: Instance;

  /** Uses the `async_tx` table; the writes this instance records are followed by it (their owner). */
  constructor(pool: pg.Pool, instance: Instance) {
    this.#pool = pool;
    this.#instance = instance;
  }

  /** {@inheritDoc AsyncTransactionStorage.record} */
  async record(
    txId: string,
    caller: string,
    identity: FabricIdentity,
    chaincode: string,
    transaction: string,
    result: Uint8Array,
    callerPid?: string,
  ): Promise<void> {
    const now = Date.now();
    await this.#pool.query(
      `INSERT INTO async_tx (tx_id, current_tx_id, caller, caller_pid, identity_msp, identity_label, chaincode, transaction_name, state, attempts, result, owner, created_at, updated_at)
       VALUES ($1, $1, $2, $3, $4, $5, $6, $7, 'submitted', 1, $8, $10, $9, $9)
       ON CONFLICT (tx_id) DO UPDATE SET current_tx_id = excluded.current_tx_id, caller = excluded.caller,
         caller_pid = excluded.caller_pid, identity_msp = excluded.identity_msp, identity_label = excluded.identity_label,
         chaincode = excluded.chaincode, transaction_name = excluded.transaction_name, state = 'submitted',
         attempts = 1, block_number = NULL, result = excluded.result, problem = NULL, owner = excluded.owner,
         created_at = excluded.created_at, updated_at = excluded.updated_at`,
      [
        txId,
        caller,
        callerPid ?? null,
        identity.mspId,
        identity.label,
        chaincode,
        transaction,
        Buffer.from(result),
        now,
        this.#instance.id,
      ],
    );
  }

  /** {@inheritDoc AsyncTransactionStorage.attempt} */
  async attempt(firstTxId: string, currentTxId: string, attempt: number, result: Uint8Array): Promise<void> {
    await this.#pool.query(
      `UPDATE async_tx SET current_tx_id = $1, attempts = $2, result = $3, updated_at = $4 WHERE tx_id = $5`,
      [currentTxId, attempt, Buffer.from(result), Date.now(), firstTxId],
    );
  }

  /** {@inheritDoc AsyncTransactionStorage.committed} */
  async committed(firstTxId: string, committed: Committed): Promise<void> {
    await this.#pool.query(
      `UPDATE async_tx SET state = 'committed', current_tx_id = $1, attempts = $2, block_number = $3, result = $4, updated_at = $5
       WHERE tx_id = $6`,
      [
        committed.txId,
        committed.attempts,
        committed.blockNumber.toString(),
        Buffer.from(committed.result),
        Date.now(),
        firstTxId,
      ],
    );
  }

  /** {@inheritDoc AsyncTransactionStorage.failed} */
  async failed(firstTxId: string, problem: FailureReport): Promise<void> {
    await this.#pool.query(
      `UPDATE async_tx SET state = 'failed', problem = $1, updated_at = $2 WHERE tx_id = $3 AND state = 'submitted'`,
      [JSON.stringify(problem), Date.now(), firstTxId],
    );
  }

  /** {@inheritDoc AsyncTransactionStorage.get} */
  async get(txId: string): Promise<AsyncTransactionRecord | undefined> {
    const { rows } = await this.#pool.query<AsyncTxRow>(
      'SELECT * FROM async_tx WHERE tx_id = $1 OR current_tx_id = $1 LIMIT 1',
      [txId],
    );
    return rows[0] ? asyncFromRow(rows[0]) : undefined;
  }

  /** {@inheritDoc AsyncTransactionStorage.endorsedResult} */
  async endorsedResult(firstTxId: string): Promise<Uint8Array> {
    const { rows } = await this.#pool.query<{ result: Buffer | null }>(
      'SELECT result FROM async_tx WHERE tx_id = $1',
      [firstTxId],
    );
    return rows[0]?.result ? new Uint8Array(rows[0].result) : new Uint8Array();
  }

  /** {@inheritDoc AsyncTransactionStorage.pending} */
  async pending(): Promise<AsyncTransactionRecord[]> {
    // a write another live replica follows is its own business
    const { rows } = await this.#pool.query<AsyncTxRow>(
      `SELECT * FROM async_tx i WHERE i.state = 'submitted' AND ${NOT_LIVE_ELSEWHERE('$1', '$2')}
       ORDER BY i.created_at`,
      [this.#instance.id, this.#instance.leaseMs],
    );
    return rows.map(asyncFromRow);
  }
}

/** The schedule's job states in PostgreSQL, shared by replicas. */
export class PostgresSchedule implements ScheduleStorage {
  readonly #pool: pg.Pool;

  /** Uses the `schedule_runs` table. */
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** {@inheritDoc ScheduleStorage.get} */
  async get(job: string): Promise<JobState> {
    const { rows } = await this.#pool.query<ScheduleRow>(
      'SELECT last_success_at, last_attempt_at, last_error FROM schedule_runs WHERE job = $1',
      [job],
    );
    return jobStateFromRow(rows[0]);
  }

  /** {@inheritDoc ScheduleStorage.claim} */
  async claim(job: string, at: number, owner: string, terms: ClaimTerms): Promise<boolean> {
    await this.#pool.query('INSERT INTO schedule_runs (job) VALUES ($1) ON CONFLICT (job) DO NOTHING', [job]);
    const claimed = await this.#pool.query(
      `UPDATE schedule_runs SET lease_owner = $1, lease_until = $2::bigint + $3::bigint
       WHERE job = $4 AND ${claimCondition({ at: '$2::bigint', interval: '$5::bigint', retry: '$6::bigint' })}`,
      [owner, at, terms.leaseMs, job, terms.intervalMs, terms.retryMs],
    );
    return claimed.rowCount === 1;
  }

  /** {@inheritDoc ScheduleStorage.record} */
  async record(job: string, at: number, error?: string): Promise<void> {
    if (error === undefined) {
      await this.#pool.query(
        `INSERT INTO schedule_runs (job, last_success_at, last_attempt_at, last_error) VALUES ($1, $2, $2, NULL)
         ON CONFLICT (job) DO UPDATE SET last_success_at = excluded.last_success_at,
           last_attempt_at = excluded.last_attempt_at, last_error = NULL, lease_owner = NULL, lease_until = NULL`,
        [job, at],
      );
    } else {
      await this.#pool.query(
        `INSERT INTO schedule_runs (job, last_attempt_at, last_error) VALUES ($1, $2, $3)
         ON CONFLICT (job) DO UPDATE SET last_attempt_at = excluded.last_attempt_at, last_error = excluded.last_error,
           lease_owner = NULL, lease_until = NULL`,
        [job, at, error.slice(0, 500)],
      );
    }
  }
}

/**
 * Offline-signing sessions in PostgreSQL, shared by replicas: a session prepared on one replica
 * is signed on another. A caller's session cap is checked and the session stored in one
 * transaction under an advisory lock on the caller; a stage moves on by a conditional UPDATE.
 * Purged sessions are deleted rows: VACUUM (autovacuum) reclaims their space; PostgreSQL has no
 * `secure_delete`, so until then the bytes may remain in the table's files.
 */
export class PostgresOfflineSessions implements OfflineSessionStorage {
  readonly #pool: pg.Pool;

  /** Uses the `offline_tx` table. */
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** {@inheritDoc OfflineSessionStorage.get} */
  async get(caller: string, txId: string): Promise<OfflineSessionRow | undefined> {
    const { rows } = await this.#pool.query<OfflineSessionRow>(
      'SELECT * FROM offline_tx WHERE tx_id = $1 AND caller = $2',
      [txId, caller],
    );
    return rows[0];
  }

  /** {@inheritDoc OfflineSessionStorage.insert} */
  async insert(
    row: Omit<OfflineSessionRow, 'result' | 'block_number' | 'stage'>,
    limit: number,
    since: number,
  ): Promise<{ stored: true } | { stored: false; oldest: number }> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      // one caller's prepares are serialized across replicas (the lock ends with the transaction)
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('offline:' || $1, 0))`, [row.caller]);
      const open = await client.query<{ n: string; oldest: number | null }>(
        `SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM offline_tx
         WHERE caller = $1 AND stage != 'done' AND created_at > $2`,
        [row.caller, since],
      );
      const { n, oldest } = open.rows[0];
      if (Number(n) >= limit) {
        await client.query('ROLLBACK');
        return { stored: false, oldest: oldest ?? row.created_at };
      }
      await client.query(
        `INSERT INTO offline_tx (tx_id, caller, msp_id, certificate, stage, bytes, digest, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'proposal', $5, $6, $7, $7)`,
        [row.tx_id, row.caller, row.msp_id, row.certificate, row.bytes, row.digest, row.created_at],
      );
      await client.query('COMMIT');
      return { stored: true };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** {@inheritDoc OfflineSessionStorage.advance} */
  async advance(txId: string, c: OfflineAdvance): Promise<boolean> {
    const res = await this.#pool.query(
      `UPDATE offline_tx SET stage = $1, bytes = $2, digest = $3, result = COALESCE($4, result),
         block_number = COALESCE($5, block_number), updated_at = $6
       WHERE tx_id = $7 AND stage = $8`,
      [
        c.to,
        Buffer.from(c.bytes),
        c.digest ? Buffer.from(c.digest) : null,
        c.result ? Buffer.from(c.result) : null,
        c.blockNumber?.toString() ?? null,
        c.at,
        txId,
        c.from,
      ],
    );
    return res.rowCount === 1;
  }

  /** {@inheritDoc OfflineSessionStorage.purgeCreatedBefore} */
  async purgeCreatedBefore(cutoff: number): Promise<number> {
    const res = await this.#pool.query('DELETE FROM offline_tx WHERE created_at <= $1', [cutoff]);
    return res.rowCount ?? 0;
  }

  /** {@inheritDoc OfflineSessionStorage.reclaim} Nothing here: VACUUM (autovacuum) reclaims deleted rows. */
  async reclaim(): Promise<void> {
    return undefined;
  }
}

/**
 * The blind-signature log in PostgreSQL, shared by replicas: one blinded message per (election,
 * authority, voter), reserved with `INSERT ... ON CONFLICT DO NOTHING`; a retry on another
 * replica finds the signature already given and answers it again.
 */
export class PostgresSigningLog implements SigningLog {
  readonly #pool: pg.Pool;

  /** Uses the `authority_signatures` table. */
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** {@inheritDoc SigningLog.get} */
  async get(electionId: string, authority: string, voter: string): Promise<IssuedToken | undefined> {
    const { rows } = await this.#pool.query<{
      blinded_hash: string;
      tx_id: string;
      blind_sig: Buffer | null;
    }>(
      'SELECT blinded_hash, tx_id, blind_sig FROM authority_signatures WHERE election_id = $1 AND authority = $2 AND voter = $3',
      [electionId, authority, voter],
    );
    const r = rows[0];
    if (!r) return undefined;
    const t: IssuedToken = { electionId, authority, voter, blindedHash: r.blinded_hash, txId: r.tx_id };
    if (r.blind_sig) t.blindSig = new Uint8Array(r.blind_sig);
    return t;
  }

  /** {@inheritDoc SigningLog.reserve} */
  async reserve(
    electionId: string,
    authority: string,
    voter: string,
    blindedHash: string,
    txId: string,
  ): Promise<boolean> {
    const res = await this.#pool.query(
      `INSERT INTO authority_signatures (election_id, authority, voter, blinded_hash, tx_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [electionId, authority, voter, blindedHash, txId, Date.now()],
    );
    return res.rowCount === 1;
  }

  /** {@inheritDoc SigningLog.signed} */
  async signed(electionId: string, authority: string, voter: string, blindSig: Uint8Array): Promise<void> {
    await this.#pool.query(
      'UPDATE authority_signatures SET blind_sig = $1 WHERE election_id = $2 AND authority = $3 AND voter = $4',
      [Buffer.from(blindSig), electionId, authority, voter],
    );
  }
}

/**
 * The enrolled pseudonymous ids in PostgreSQL, shared by replicas: a reservation checks and
 * inserts in one transaction under an advisory lock on the pid, so two replicas never both
 * reserve one pid (even for two organisations, which the primary key alone would allow).
 */
export class PostgresPids implements PidStorage {
  readonly #pool: pg.Pool;
  readonly #staleMs: number;

  /** Uses the `enrolled_pids` table; a pending reservation older than `staleMs` is replaced. */
  constructor(pool: pg.Pool, staleMs = PENDING_PID_STALE_MS) {
    this.#pool = pool;
    this.#staleMs = staleMs;
  }

  /** {@inheritDoc PidStorage.reserve} */
  async reserve(mspId: string, pid: string, name: string, now = Date.now()): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('pid:' || $1, 0))`, [pid]);
      const { rows } = await client.query<{
        msp_id: string;
        name: string;
        state: string;
        updated_at: number;
      }>('SELECT msp_id, name, state, updated_at FROM enrolled_pids WHERE pid = $1', [pid]);
      for (const row of rows) {
        if (pidBlocks(row, now, this.#staleMs)) throw pidTaken(mspId, row.msp_id, row.name);
        await client.query('DELETE FROM enrolled_pids WHERE msp_id = $1 AND pid = $2', [row.msp_id, pid]);
      }
      await client.query(
        `INSERT INTO enrolled_pids (msp_id, pid, name, state, created_at, updated_at)
         VALUES ($1, $2, $3, 'pending', $4, $4)`,
        [mspId, pid, name, now],
      );
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** {@inheritDoc PidStorage.markRegistered} */
  async markRegistered(mspId: string, pid: string, now = Date.now()): Promise<void> {
    await this.#pool.query(
      `UPDATE enrolled_pids SET state = 'registered', updated_at = $1 WHERE msp_id = $2 AND pid = $3`,
      [now, mspId, pid],
    );
  }

  /** {@inheritDoc PidStorage.release} */
  async release(mspId: string, pid: string): Promise<void> {
    await this.#pool.query(`DELETE FROM enrolled_pids WHERE msp_id = $1 AND pid = $2 AND state = 'pending'`, [
      mspId,
      pid,
    ]);
  }

  /** {@inheritDoc PidStorage.get} */
  async get(mspId: string, pid: string): Promise<PidRecord | undefined> {
    const { rows } = await this.#pool.query<{
      msp_id: string;
      pid: string;
      name: string;
      state: PidRecord['state'];
    }>('SELECT msp_id, pid, name, state FROM enrolled_pids WHERE msp_id = $1 AND pid = $2', [mspId, pid]);
    const r = rows[0];
    return r ? { mspId: r.msp_id, pid: r.pid, name: r.name, state: r.state } : undefined;
  }
}
