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
import { IdempotencyKeyReused } from './errors';
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

interface Row {
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
  created_at: number;
  updated_at: number;
}

function fromRow(r: Row): IdempotencyRecord {
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

/** Durable idempotency records. */
export class IdempotencyStore {
  readonly #db: Db;
  readonly #ttlMs: number;
  /** Keys being executed by this process (records in flight but not here were left by another process). */
  readonly #active = new Set<string>();

  /** Uses the `idempotency` table of an open database; records expire after `ttlHours`. */
  constructor(db: Db, ttlHours: number) {
    this.#db = db;
    this.#ttlMs = ttlHours * 3_600_000;
  }

  /** Looks up a record. */
  get(caller: string, key: string): IdempotencyRecord | undefined {
    const row = this.#db
      .prepare('SELECT * FROM idempotency WHERE caller = ? AND key = ?')
      .get(caller, key) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** True while this process is executing the record. */
  isActive(caller: string, key: string): boolean {
    return this.#active.has(`${caller}\n${key}`);
  }

  /**
   * Starts a keyed write: records it in flight, or reports the stored outcome, or
   * refuses a different request under the same key ({@link IdempotencyKeyReused}).
   */
  begin(caller: string, key: string, hash: string, identity: FabricIdentity, now = Date.now()): BeginOutcome {
    this.purgeExpired(now);
    const inserted = this.#db
      .prepare(
        `INSERT OR IGNORE INTO idempotency (caller, key, request_hash, state, success_status, identity_msp, identity_label, created_at, updated_at)
         VALUES (?, ?, ?, 'in-flight', ?, ?, ?, ?, ?)`,
      )
      .run(caller, key, hash, 0, identity.mspId, identity.label, now, now);
    if (inserted.changes === 1) {
      this.#active.add(`${caller}\n${key}`);
      return { kind: 'new' };
    }
    const record = this.get(caller, key);
    if (!record) return this.begin(caller, key, hash, identity, now);
    if (record.requestHash !== hash) throw new IdempotencyKeyReused();
    if (record.state === 'done' && record.body !== undefined) {
      return { kind: 'replay', outcome: parseStoredOutcome(record.body) };
    }
    return { kind: 'in-flight', record };
  }

  /** Records the transaction id and endorsed result of the current attempt (before it is submitted). */
  noteEndorsed(caller: string, key: string, txId: string, result: Uint8Array): void {
    this.#db
      .prepare(
        `UPDATE idempotency SET tx_id = ?, pending_result = ?, updated_at = ? WHERE caller = ? AND key = ? AND state = 'in-flight'`,
      )
      .run(txId, Buffer.from(result), Date.now(), caller, key);
  }

  /** Stores the outcome that every later retry gets. */
  complete(caller: string, key: string, outcome: WriteOutcome): void {
    this.#db
      .prepare(
        `UPDATE idempotency SET state = 'done', body = ?, pending_result = NULL, updated_at = ? WHERE caller = ? AND key = ?`,
      )
      .run(serializeOutcome(outcome), Date.now(), caller, key);
    this.#active.delete(`${caller}\n${key}`);
  }

  /** Forgets a record whose write certainly did not happen, so that a retry executes again. */
  abandon(caller: string, key: string): void {
    this.#db.prepare('DELETE FROM idempotency WHERE caller = ? AND key = ?').run(caller, key);
    this.#active.delete(`${caller}\n${key}`);
  }

  /** Stops tracking a record in this process but keeps it in flight (its outcome is unknown). */
  release(caller: string, key: string): void {
    this.#active.delete(`${caller}\n${key}`);
  }

  /** Records in flight that this process is not executing. */
  orphans(): IdempotencyRecord[] {
    const rows = this.#db
      .prepare(`SELECT * FROM idempotency WHERE state = 'in-flight' ORDER BY created_at`)
      .all() as Row[];
    return rows.map(fromRow).filter((r) => !this.isActive(r.caller, r.key));
  }

  /** Deletes records older than the time to live. */
  purgeExpired(now = Date.now()): number {
    return this.#db
      .prepare(`DELETE FROM idempotency WHERE created_at < ? AND state = 'done'`)
      .run(now - this.#ttlMs).changes;
  }
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
  store: IdempotencyStore,
  record: IdempotencyRecord,
  ledger: Ledger,
  identities: IdentityLookup,
  graceMs: number,
  now = Date.now(),
): Promise<ReconcileOutcome> {
  if (!record.txId) {
    store.abandon(record.caller, record.key);
    return 'abandoned';
  }
  const identity = await identities(record.identityMsp, record.identityLabel);
  if (!identity) {
    if (now - record.updatedAt > graceMs) {
      store.abandon(record.caller, record.key);
      return 'abandoned';
    }
    return 'pending';
  }
  const found = await ledger.lookupTransaction(identity, record.txId);
  if (found.state === 'committed') {
    if (found.valid) {
      store.complete(record.caller, record.key, {
        kind: 'committed',
        transactionId: record.txId,
        blockNumber: found.blockNumber,
        result: decodeResult(record.pendingResult),
        replayed: false,
      });
      return 'completed';
    }
    store.abandon(record.caller, record.key);
    return 'abandoned';
  }
  if (now - record.updatedAt > graceMs) {
    store.abandon(record.caller, record.key);
    return 'abandoned';
  }
  return 'pending';
}

/** Reconciles every orphaned record; returns counts by outcome. Errors leave a record pending. */
export async function reconcileAll(
  store: IdempotencyStore,
  ledger: Ledger,
  identities: IdentityLookup,
  graceMs: number,
): Promise<Record<ReconcileOutcome, number>> {
  const counts: Record<ReconcileOutcome, number> = { completed: 0, abandoned: 0, pending: 0 };
  for (const record of store.orphans()) {
    try {
      counts[await reconcileRecord(store, record, ledger, identities, graceMs)] += 1;
    } catch {
      counts.pending += 1;
    }
  }
  return counts;
}
