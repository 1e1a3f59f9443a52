/**
 * Writes that never happen twice. A write carrying an idempotency key is recorded
 * durably (SQLite) before it reaches Fabric: the key, a hash of the request, the
 * transaction id and the endorsed result once known, and finally the outcome. A
 * retry with the same key gets the first outcome; a retry with the same key but
 * another request is refused ({@link IdempotencyKeyReused}); a retry while the
 * first is still running gets {@link IdempotencyConflict}. On start, records left
 * in flight by a previous process are reconciled by asking the ledger for their
 * commit status. Reading the key from an HTTP request is the HTTP layer's job.
 */
import crypto from 'node:crypto';
import type { FabricIdentity, Ledger } from '../fabric/ledger';
import { decodeResult } from '../fabric/result';
import type { Db } from './database';
import { IdempotencyConflict, IdempotencyKeyReused } from './errors';
import { parseStoredOutcome, serializeOutcome, type WriteOutcome } from './outcome';

/** A stored idempotency record. */
export interface IdempotencyRecord {
  /** Key of the caller (`org/subject`) the record belongs to. */
  caller: string;
  /** The idempotency key. */
  key: string;
  /** Hash of the request the key was first used for. */
  requestHash: string;
  /** In flight until the outcome is known. */
  state: 'in-flight' | 'done';
  /** MSP ID of the identity the write was signed with. */
  identityMsp: string;
  /** Wallet label of that identity. */
  identityLabel: string;
  /** Transaction id of the latest attempt, once endorsed. */
  txId?: string;
  /** Endorsed result of the latest attempt, while in flight. */
  pendingResult?: Uint8Array;
  /** The stored outcome (JSON of {@link serializeOutcome}), once done. */
  body?: string;
  /** The process that executes (or last executed) the record. */
  owner?: string;
  /** When the record was created (ms since the epoch). */
  createdAt: number;
  /** When it last changed (ms since the epoch). */
  updatedAt: number;
}

/** What {@link IdempotencyStore.begin} found. */
export type BeginOutcome =
  | { kind: 'new' }
  | { kind: 'replay'; outcome: WriteOutcome }
  | { kind: 'in-flight'; record: IdempotencyRecord };

/** A row of the `idempotency` table, as both backends return it. */
export interface IdempotencyRow {
  caller: string;
  key: string;
  request_hash: string;
  state: 'in-flight' | 'done';
  /** Not read any more (outcomes are stored without HTTP statuses); a NOT NULL column of the first schema. */
  success_status: number;
  identity_msp: string;
  identity_label: string;
  tx_id: string | null;
  pending_result: Buffer | null;
  /** Not read any more; set by earlier versions. */
  status_code: number | null;
  body: string | null;
  /** The process executing the record (null in rows of earlier versions). */
  owner: string | null;
  created_at: number;
  updated_at: number;
}

/** A record from its row. */
export function fromRow(r: IdempotencyRow): IdempotencyRecord {
  const rec: IdempotencyRecord = {
    caller: r.caller,
    key: r.key,
    requestHash: r.request_hash,
    state: r.state,
    identityMsp: r.identity_msp,
    identityLabel: r.identity_label,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.tx_id !== null) rec.txId = r.tx_id;
  if (r.pending_result !== null) rec.pendingResult = new Uint8Array(r.pending_result);
  if (r.body !== null) rec.body = r.body;
  if (r.owner !== null) rec.owner = r.owner;
  return rec;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Hash identifying a request: method, path and canonical JSON body. */
export function requestHash(method: string, path: string, body: unknown): string {
  return crypto
    .createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${canonical(body)}`)
    .digest('hex');
}

/**
 * Durable idempotency records, as every backend keeps them (SQLite for one instance, PostgreSQL
 * shared by replicas). Each record has an owner, the process executing it; a record in flight
 * whose owner is this process but which it no longer executes, or whose owner is gone (a crashed
 * replica), is an orphan that one process {@link IdempotencyStorage.claim | claims} and settles.
 * Every change of an in-flight record is made by its owner only, so that two processes never
 * settle the same record two ways.
 */
export interface IdempotencyStorage {
  /** Looks up a record. */
  get(caller: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** True while this process is executing the record. */
  isActive(caller: string, key: string): boolean;
  /**
   * Starts a keyed write, atomically across every process sharing the store: records it in
   * flight (owned by this process), or reports the stored outcome, or refuses a different
   * request under the same key ({@link IdempotencyKeyReused}).
   */
  begin(
    caller: string,
    key: string,
    hash: string,
    identity: FabricIdentity,
    now?: number,
  ): Promise<BeginOutcome>;
  /**
   * Records the transaction id and endorsed result of the current attempt (before it is
   * submitted); throws {@link IdempotencyConflict} when this process no longer owns the record
   * (another replica took it over), so that the transaction is not sent.
   */
  noteEndorsed(caller: string, key: string, txId: string, result: Uint8Array): Promise<void>;
  /** Stores the outcome that every later retry gets. */
  complete(caller: string, key: string, outcome: WriteOutcome): Promise<void>;
  /** Forgets a record whose write certainly did not happen, so that a retry executes again. */
  abandon(caller: string, key: string): Promise<void>;
  /** Stops tracking a record in this process but keeps it in flight (its outcome is unknown). */
  release(caller: string, key: string): void;
  /** Records in flight that nobody executes: this process's released ones and those of processes gone. */
  orphans(): Promise<IdempotencyRecord[]>;
  /**
   * Takes over an in-flight record nobody executes (as `record` was read): true when this process
   * now owns it and executes it (until it completes, abandons or releases it); false when it is
   * being executed, or another process took it.
   */
  claim(record: IdempotencyRecord): Promise<boolean>;
  /** Deletes records older than the time to live. */
  purgeExpired(now?: number): Promise<number>;
}

/** Key of a record in the set of records this process executes. */
export function activeKey(caller: string, key: string): string {
  return `${caller}\n${key}`;
}

/**
 * How often `begin` deletes every expired record (a scan of the table); between those, `begin`
 * deletes an expired record of its own key, so a key is never replayed past its time to live.
 */
export const PURGE_EVERY_MS = 60_000;

/** Durable idempotency records in the gateway's SQLite file (one gateway instance). */
export class IdempotencyStore implements IdempotencyStorage {
  readonly #db: Db;
  readonly #ttlMs: number;
  /** Keys being executed by this process (records in flight but not here were left by another process). */
  readonly #active = new Set<string>();
  /** This process, as the owner of the records it begins. */
  readonly #owner = crypto.randomUUID();
  /** When expired records were last deleted (ms since the epoch; 0: never). */
  #purgedAt = 0;

  /** Uses the `idempotency` table of an open database; records expire after `ttlHours`. */
  constructor(db: Db, ttlHours: number) {
    this.#db = db;
    this.#ttlMs = ttlHours * 3_600_000;
  }

  /** {@inheritDoc IdempotencyStorage.get} */
  async get(caller: string, key: string): Promise<IdempotencyRecord | undefined> {
    return this.#get(caller, key);
  }

  #get(caller: string, key: string): IdempotencyRecord | undefined {
    const row = this.#db
      .prepare('SELECT * FROM idempotency WHERE caller = ? AND key = ?')
      .get(caller, key) as IdempotencyRow | undefined;
    return row ? fromRow(row) : undefined;
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
    if (now - this.#purgedAt >= PURGE_EVERY_MS || now < this.#purgedAt) await this.purgeExpired(now);
    // an expired record of this key goes now, whenever the last full purge was
    this.#db
      .prepare(`DELETE FROM idempotency WHERE caller = ? AND key = ? AND created_at < ? AND state = 'done'`)
      .run(caller, key, now - this.#ttlMs);
    for (;;) {
      const inserted = this.#db
        .prepare(
          `INSERT OR IGNORE INTO idempotency (caller, key, request_hash, state, success_status, identity_msp, identity_label, owner, created_at, updated_at)
           VALUES (?, ?, ?, 'in-flight', ?, ?, ?, ?, ?, ?)`,
        )
        .run(caller, key, hash, 0, identity.mspId, identity.label, this.#owner, now, now);
      if (inserted.changes === 1) {
        this.#active.add(activeKey(caller, key));
        return { kind: 'new' };
      }
      const record = this.#get(caller, key);
      if (record) return settledOutcome(record, hash);
    }
  }

  /** {@inheritDoc IdempotencyStorage.noteEndorsed} */
  async noteEndorsed(caller: string, key: string, txId: string, result: Uint8Array): Promise<void> {
    const noted = this.#db
      .prepare(
        `UPDATE idempotency SET tx_id = ?, pending_result = ?, updated_at = ? WHERE caller = ? AND key = ? AND state = 'in-flight' AND owner = ?`,
      )
      .run(txId, Buffer.from(result), Date.now(), caller, key, this.#owner);
    if (noted.changes !== 1) throw new IdempotencyConflict();
  }

  /** {@inheritDoc IdempotencyStorage.complete} */
  async complete(caller: string, key: string, outcome: WriteOutcome): Promise<void> {
    this.#db
      .prepare(
        `UPDATE idempotency SET state = 'done', body = ?, pending_result = NULL, updated_at = ? WHERE caller = ? AND key = ? AND state = 'in-flight' AND owner = ?`,
      )
      .run(serializeOutcome(outcome), Date.now(), caller, key, this.#owner);
    this.#active.delete(activeKey(caller, key));
  }

  /** {@inheritDoc IdempotencyStorage.abandon} */
  async abandon(caller: string, key: string): Promise<void> {
    this.#db
      .prepare(`DELETE FROM idempotency WHERE caller = ? AND key = ? AND state = 'in-flight' AND owner = ?`)
      .run(caller, key, this.#owner);
    this.#active.delete(activeKey(caller, key));
  }

  /** {@inheritDoc IdempotencyStorage.release} */
  release(caller: string, key: string): void {
    this.#active.delete(activeKey(caller, key));
  }

  /** {@inheritDoc IdempotencyStorage.orphans} (this process is the file's only user: every record it does not execute) */
  async orphans(): Promise<IdempotencyRecord[]> {
    const rows = this.#db
      .prepare(`SELECT * FROM idempotency WHERE state = 'in-flight' ORDER BY created_at`)
      .all() as IdempotencyRow[];
    return rows.map(fromRow).filter((r) => !this.isActive(r.caller, r.key));
  }

  /** {@inheritDoc IdempotencyStorage.claim} */
  async claim(record: IdempotencyRecord): Promise<boolean> {
    if (this.isActive(record.caller, record.key)) return false;
    const claimed =
      this.#db
        .prepare(`UPDATE idempotency SET owner = ? WHERE caller = ? AND key = ? AND state = 'in-flight'`)
        .run(this.#owner, record.caller, record.key).changes === 1;
    if (claimed) this.#active.add(activeKey(record.caller, record.key));
    return claimed;
  }

  /** {@inheritDoc IdempotencyStorage.purgeExpired} */
  async purgeExpired(now = Date.now()): Promise<number> {
    this.#purgedAt = now;
    return this.#db
      .prepare(`DELETE FROM idempotency WHERE created_at < ? AND state = 'done'`)
      .run(now - this.#ttlMs).changes;
  }
}

/** What a retry gets from an existing record (shared by the backends). */
export function settledOutcome(record: IdempotencyRecord, hash: string): BeginOutcome {
  if (record.requestHash !== hash) throw new IdempotencyKeyReused();
  if (record.state === 'done' && record.body !== undefined) {
    return { kind: 'replay', outcome: parseStoredOutcome(record.body) };
  }
  return { kind: 'in-flight', record };
}

/** Finds the identity that may ask about a record's transaction. */
export type IdentityLookup = (mspId: string, label: string) => Promise<FabricIdentity | undefined>;

/** Result of reconciling one record. */
export type ReconcileOutcome = 'completed' | 'abandoned' | 'pending';

/**
 * Settles one orphaned in-flight record: a committed transaction completes it with
 * the endorsed result; an invalid one, or one that never got a transaction id, is
 * abandoned (nothing was written, a retry executes again); an unknown one is
 * abandoned once older than `graceMs`, else left pending.
 */
export async function reconcileRecord(
  store: IdempotencyStorage,
  record: IdempotencyRecord,
  ledger: Ledger,
  identities: IdentityLookup,
  graceMs: number,
  now = Date.now(),
): Promise<ReconcileOutcome> {
  if (!record.txId) {
    await store.abandon(record.caller, record.key);
    return 'abandoned';
  }
  const identity = await identities(record.identityMsp, record.identityLabel);
  if (!identity) {
    if (now - record.updatedAt > graceMs) {
      await store.abandon(record.caller, record.key);
      return 'abandoned';
    }
    return 'pending';
  }
  const found = await ledger.lookupTransaction(identity, record.txId);
  if (found.state === 'committed') {
    if (found.valid) {
      await store.complete(record.caller, record.key, {
        kind: 'committed',
        transactionId: record.txId,
        blockNumber: found.blockNumber,
        result: decodeResult(record.pendingResult),
        replayed: false,
      });
      return 'completed';
    }
    await store.abandon(record.caller, record.key);
    return 'abandoned';
  }
  if (now - record.updatedAt > graceMs) {
    await store.abandon(record.caller, record.key);
    return 'abandoned';
  }
  return 'pending';
}

/** Reconciles every orphaned record; returns counts by outcome. Errors leave a record pending. */
export async function reconcileAll(
  store: IdempotencyStorage,
  ledger: Ledger,
  identities: IdentityLookup,
  graceMs: number,
): Promise<Record<ReconcileOutcome, number>> {
  const counts: Record<ReconcileOutcome, number> = { completed: 0, abandoned: 0, pending: 0 };
  for (const record of await store.orphans()) {
    try {
      if (!(await store.claim(record))) continue;
      counts[await reconcileRecord(store, record, ledger, identities, graceMs)] += 1;
    } catch {
      counts.pending += 1;
    } finally {
      store.release(record.caller, record.key);
    }
  }
  return counts;
}
