/**
 * The gateway's durable state in one SQLite file (better-sqlite3): idempotency
 * records, asynchronous transactions, offline-signing sessions, the blind
 * signatures issued to voters, and the webhook subscriptions and delivery outbox
 * (the embedded default for one instance; replicas keep all of it but the ballot
 * box's queue in PostgreSQL, storage/). Opened in WAL
 * mode with `secure_delete` (deleted rows, such as purged offline sessions, are
 * overwritten, not left in free pages); the schema is created or upgraded on open.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

/** An open gateway database. */
export type Db = Database.Database;

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE idempotency (
     caller TEXT NOT NULL,
     key TEXT NOT NULL,
     request_hash TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('in-flight', 'done')),
     success_status INTEGER NOT NULL,
     identity_msp TEXT NOT NULL,
     identity_label TEXT NOT NULL,
     tx_id TEXT,
     pending_result BLOB,
     status_code INTEGER,
     body TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (caller, key)
   );
   CREATE INDEX idempotency_state ON idempotency (state);
   CREATE INDEX idempotency_created ON idempotency (created_at);
   CREATE TABLE async_tx (
     tx_id TEXT PRIMARY KEY,
     current_tx_id TEXT NOT NULL,
     caller TEXT NOT NULL,
     identity_msp TEXT NOT NULL,
     identity_label TEXT NOT NULL,
     chaincode TEXT NOT NULL,
     transaction_name TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('submitted', 'committed', 'failed')),
     attempts INTEGER NOT NULL DEFAULT 1,
     block_number TEXT,
     result BLOB,
     problem TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX async_tx_current ON async_tx (current_tx_id);
   CREATE INDEX async_tx_state ON async_tx (state);
   CREATE TABLE offline_tx (
     tx_id TEXT PRIMARY KEY,
     caller TEXT NOT NULL,
     msp_id TEXT NOT NULL,
     certificate TEXT NOT NULL,
     stage TEXT NOT NULL CHECK (stage IN ('proposal', 'transaction', 'commit', 'done')),
     bytes BLOB NOT NULL,
     digest BLOB,
     result BLOB,
     block_number TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );`,
  `CREATE TABLE blind_tokens (
     election_id TEXT NOT NULL,
     pid TEXT NOT NULL,
     blinded_hash TEXT NOT NULL,
     tx_id TEXT NOT NULL,
     blind_sig BLOB,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (election_id, pid)
   );`,
  // the pseudonymous id of an asynchronous write's submitter, when its token named one (issue 14)
  `ALTER TABLE async_tx ADD COLUMN caller_pid TEXT;
   CREATE INDEX offline_tx_caller ON offline_tx (caller, created_at);
   CREATE INDEX offline_tx_created ON offline_tx (created_at);`,
  // the process executing an idempotency record (only its owner settles it) or following an
  // asynchronous write (gateway replicas, issue 17; the SQLite file has one process: kept for symmetry)
  `ALTER TABLE idempotency ADD COLUMN owner TEXT;
   ALTER TABLE async_tx ADD COLUMN owner TEXT;`,
  // webhooks (issue 19): subscriptions with their event checkpoint, and the durable delivery outbox
  // (claimed_by / claim_expires_at: the lease a delivering replica holds on a subscription's head)
  `CREATE TABLE webhook_subscriptions (
     id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     owner_caller TEXT NOT NULL,
     url TEXT NOT NULL,
     chaincode TEXT NOT NULL,
     events TEXT,
     filters TEXT NOT NULL,
     secret TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('active', 'paused')),
     paused_reason TEXT,
     consecutive_failures INTEGER NOT NULL DEFAULT 0,
     checkpoint_block TEXT NOT NULL,
     checkpoint_tx TEXT,
     generation INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX webhook_subscriptions_owner ON webhook_subscriptions (owner, created_at);
   CREATE TABLE webhook_outbox (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     delivery_id TEXT NOT NULL UNIQUE,
     subscription_id TEXT NOT NULL,
     generation INTEGER NOT NULL,
     event_id TEXT NOT NULL,
     event_name TEXT NOT NULL,
     block_number TEXT NOT NULL,
     tx_id TEXT NOT NULL,
     body TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'superseded')),
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER NOT NULL,
     last_status INTEGER,
     last_error TEXT,
     claimed_by TEXT,
     claim_expires_at INTEGER,
     created_at INTEGER NOT NULL,
     delivered_at INTEGER,
     UNIQUE (subscription_id, generation, event_id)
   );
   CREATE INDEX webhook_outbox_head ON webhook_outbox (subscription_id, state, seq);
   CREATE INDEX webhook_outbox_state ON webhook_outbox (state);`,
];

/** Most distinct SQL texts whose prepared statements {@link cacheStatements} keeps. */
const STATEMENT_CACHE_MAX = 512;

/**
 * Makes `db.prepare(sql)` return the statement prepared the first time for the same SQL text: the
 * stores prepare their statements where they use them, and compiling one costs more than running
 * it. Safe because nothing here iterates a statement (a statement busy in `iterate()` could not run
 * again) or changes its mode (`pluck`, `raw`, `expand`, `safeIntegers`).
 */
export function cacheStatements(db: Db): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  const cached = (sql: string): Database.Statement => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = prepare(sql);
      if (cache.size < STATEMENT_CACHE_MAX) cache.set(sql, statement);
    }
    return statement;
  };
  db.prepare = cached as unknown as typeof db.prepare;
}

/** Opens (creating when needed) the database file and brings its schema up to date. */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  cacheStatements(db);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('secure_delete = ON');
  const version = Number(db.pragma('user_version', { simple: true }));
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}
