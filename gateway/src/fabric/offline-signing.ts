/**
 * Offline signing for callers who keep their own keys (a citizen's app). The
 * gateway never sees the private key: it prepares the proposal and returns its
 * digest; the caller signs and posts the signature; the gateway endorses and
 * returns the transaction's digest; the caller signs, the gateway submits and
 * returns the commit-status request's digest; the caller signs, and the gateway
 * reports the commit. Between steps the message is kept in the database, bound
 * to the caller who prepared it.
 *
 * Each view hands the caller the exact bytes it is asked to sign (`message`, whose SHA-256 is
 * `digest`): at the proposal stage the serialized `protos.Proposal` (channel, chaincode,
 * transaction, arguments, transient data), so that a client can check what it signs before
 * signing. Sessions live {@link OfflineSessionLimits.ttlMs} from their creation: after that they
 * are refused (410, then 404 once purged) and deleted with their stored bytes, on access and on a
 * timer; a caller may hold at most {@link OfflineSessionLimits.maxOpenPerCaller} sessions that are
 * not done yet (429 beyond). The sessions are kept behind {@link OfflineSessionStorage}: the
 * instance's SQLite file, or PostgreSQL shared by gateway replicas (a session started on one
 * replica is finished on another; each stage moves on once, by a conditional update).
 */
import { gateway as gatewayProto } from '@hyperledger/fabric-protos';
import crypto from 'node:crypto';
import type { Db } from '../writes/database';
import { resolveEndorsement, type PinnedInvocation } from './endorsement';
import type { FabricIdentity, Ledger } from './ledger';
import { decodeResult } from './result';
import { verifyDigestSignature } from './signer';

/** No offline transaction of this id was prepared by this caller. */
export class OfflineTransactionNotFound extends Error {
  /** The transaction id asked for. */
  readonly txId: string;

  /** Creates the error. */
  constructor(txId: string) {
    super(`no offline transaction ${txId} of this caller`);
    this.name = 'OfflineTransactionNotFound';
    this.txId = txId;
  }
}

/** The signature posted is for another stage than the one the transaction waits for. */
export class OfflineStageMismatch extends Error {
  /** The stage the transaction waits for. */
  readonly expected: OfflineStage;
  /** The stage of the signature posted. */
  readonly given: OfflineStage;

  /** Creates the error. */
  constructor(expected: OfflineStage, given: OfflineStage) {
    super(`the transaction waits for the ${expected} signature, not ${given}`);
    this.name = 'OfflineStageMismatch';
    this.expected = expected;
    this.given = given;
  }
}

/** The signature is not a low-S ECDSA signature of the stage's digest by the certificate's key (the caller's mistake). */
export class InvalidOfflineSignature extends Error {
  /** The stage signed. */
  readonly stage: OfflineStage;
  /** The transaction id. */
  readonly txId: string;

  /** Creates the error. */
  constructor(stage: OfflineStage, txId: string) {
    super(`the signature is not a low-S ECDSA signature of the ${stage} digest by the certificate's key`);
    this.name = 'InvalidOfflineSignature';
    this.stage = stage;
    this.txId = txId;
  }
}

/** The commit status of an offline-signed transaction is not known yet; asking again is safe. */
export class CommitStatusPending extends Error {
  /** The transaction id. */
  readonly txId: string;

  /** Creates the error. */
  constructor(txId: string) {
    super('the commit status is not known yet');
    this.name = 'CommitStatusPending';
    this.txId = txId;
  }
}

/** The session existed but outlived its lifetime; it has now been deleted. */
export class OfflineSessionExpired extends Error {
  /** The transaction id. */
  readonly txId: string;

  /** Creates the error. */
  constructor(txId: string, ttlMs: number) {
    super(`offline transaction ${txId} expired ${Math.round(ttlMs / 1000)} s after it was prepared`);
    this.name = 'OfflineSessionExpired';
    this.txId = txId;
  }
}

/** The caller already holds as many open sessions as allowed. */
export class OfflineSessionLimitReached extends Error {
  /** Open sessions allowed per caller. */
  readonly limit: number;
  /** Seconds until the caller's oldest open session expires (and frees a place). */
  readonly retryAfterSec: number;

  /** Creates the error. */
  constructor(limit: number, retryAfterSec: number) {
    super(
      `the caller already has ${limit} offline transactions in progress; finish one or wait until one expires`,
    );
    this.name = 'OfflineSessionLimitReached';
    this.limit = limit;
    this.retryAfterSec = retryAfterSec;
  }
}

/** Lifetime and number of offline sessions. */
export interface OfflineSessionLimits {
  /** Lifetime of a session from its creation, in milliseconds (`OFFLINE_SESSION_TTL_S`). */
  ttlMs: number;
  /** Sessions not done yet that one caller may hold (`OFFLINE_SESSIONS_PER_CALLER`). */
  maxOpenPerCaller: number;
  /** How often expired sessions are purged in the background, in milliseconds. */
  purgeIntervalMs: number;
}

/** Defaults: 15 minutes, 5 open sessions per caller, purged every minute. */
export const DEFAULT_OFFLINE_LIMITS: OfflineSessionLimits = {
  ttlMs: 15 * 60_000,
  maxOpenPerCaller: 5,
  purgeIntervalMs: 60_000,
};

/**
 * The bytes whose SHA-256 is `digest` inside a stored message of `stage`: the proposal bytes of a
 * `gateway.ProposedTransaction`, the envelope payload of a `gateway.PreparedTransaction`, the
 * request of a `gateway.SignedCommitStatusRequest` (what fabric-gateway signs), or the stored bytes
 * themselves when they hash to the digest; undefined when nothing matches (then nothing is shown
 * rather than something the digest does not cover).
 */
export function signedBytesOf(
  stage: Exclude<OfflineStage, 'done'>,
  bytes: Uint8Array,
  digest: Uint8Array,
): Uint8Array | undefined {
  const inner = (): Uint8Array | undefined => {
    if (stage === 'proposal')
      return gatewayProto.ProposedTransaction.deserializeBinary(bytes).getProposal()?.getProposalBytes_asU8();
    if (stage === 'transaction')
      return gatewayProto.PreparedTransaction.deserializeBinary(bytes).getEnvelope()?.getPayload_asU8();
    return gatewayProto.SignedCommitStatusRequest.deserializeBinary(bytes).getRequest_asU8();
  };
  const matches = (b: Uint8Array | undefined) =>
    b !== undefined && b.length > 0 && crypto.createHash('sha256').update(b).digest().equals(digest);
  try {
    const found = inner();
    if (matches(found)) return found;
  } catch {
    // not that protobuf message: try the bytes themselves
  }
  return matches(bytes) ? bytes : undefined;
}

/** Which signature the session waits for. */
export type OfflineStage = 'proposal' | 'transaction' | 'commit' | 'done';

/** The public view of a session. */
export interface OfflineView {
  transactionId: string;
  /** The signature expected next (`done` when finished). */
  stage: OfflineStage;
  /** Base64 digest to sign for `stage` (absent when done). */
  digest?: string;
  /** Base64 of the exact bytes whose SHA-256 is `digest` (absent when done). */
  message?: string;
  /** When the session expires and is purged (ISO 8601). */
  expiresAt?: string;
  /** The endorsed chaincode result, once endorsed. */
  result?: unknown;
  /** Outcome once done. */
  status?: 'committed' | 'invalid';
  validationCode?: string;
  blockNumber?: string;
}

/** A stored offline-signing session (columns of the `offline_tx` table, on every backend). */
export interface OfflineSessionRow {
  tx_id: string;
  caller: string;
  msp_id: string;
  certificate: string;
  stage: OfflineStage;
  bytes: Buffer;
  digest: Buffer | null;
  result: Buffer | null;
  block_number: string | null;
  created_at: number;
}

/** What moves a session from one stage to the next. */
export interface OfflineAdvance {
  /** The stage the session must still be at (the condition of the update). */
  from: Exclude<OfflineStage, 'done'>;
  /** The stage it moves to. */
  to: OfflineStage;
  /** The message now stored (empty once done). */
  bytes: Uint8Array;
  /** Its digest to sign (absent once done). */
  digest?: Uint8Array;
  /** The endorsed result, once endorsed (kept otherwise). */
  result?: Uint8Array;
  /** The commit's block, once done. */
  blockNumber?: bigint;
  /** When (epoch ms). */
  at: number;
}

/**
 * Where offline-signing sessions are kept, as every backend keeps them: SQLite (one instance,
 * {@link SqliteOfflineSessionStore}) or PostgreSQL shared by replicas (storage/postgres.ts), so a
 * session started on one replica is finished on another. Stage changes are conditional on the
 * stage read, so two replicas never both move one session on.
 */
export interface OfflineSessionStorage {
  /** The session `txId` of `caller`, expired or not. */
  get(caller: string, txId: string): Promise<OfflineSessionRow | undefined>;
  /**
   * Stores a new session at the proposal stage unless `caller` already holds `limit` sessions
   * not done and created after `since` (atomic per caller across replicas); then answers the
   * creation time of the oldest of them.
   */
  insert(
    row: Omit<OfflineSessionRow, 'result' | 'block_number' | 'stage'>,
    limit: number,
    since: number,
  ): Promise<{ stored: true } | { stored: false; oldest: number }>;
  /** Moves the session on when it is still at `change.from`; false when it is not (another request moved it). */
  advance(txId: string, change: OfflineAdvance): Promise<boolean>;
  /** Deletes every session created at or before `cutoff`, with its stored bytes; returns how many. */
  purgeCreatedBefore(cutoff: number): Promise<number>;
  /** Makes deleted bytes unrecoverable where the backend can (SQLite: truncates the write-ahead log). */
  reclaim(): Promise<void>;
}

/**
 * Offline sessions in the instance's SQLite file (`offline_tx`): the database runs with
 * `secure_delete`, and {@link reclaim} checkpoints and truncates the write-ahead log.
 */
export class SqliteOfflineSessionStore implements OfflineSessionStorage {
  readonly #db: Db;

  /** Uses the `offline_tx` table of the open gateway database. */
  constructor(db: Db) {
    this.#db = db;
  }

  /** {@inheritDoc OfflineSessionStorage.get} */
  async get(caller: string, txId: string): Promise<OfflineSessionRow | undefined> {
    return this.#db.prepare('SELECT * FROM offline_tx WHERE tx_id = ? AND caller = ?').get(txId, caller) as
      OfflineSessionRow | undefined;
  }

  /** {@inheritDoc OfflineSessionStorage.insert} */
  async insert(
    row: Omit<OfflineSessionRow, 'result' | 'block_number' | 'stage'>,
    limit: number,
    since: number,
  ): Promise<{ stored: true } | { stored: false; oldest: number }> {
    // one process, synchronous statements: the count and the insert cannot interleave
    const open = this.#db
      .prepare(
        `SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM offline_tx WHERE caller = ? AND stage != 'done' AND created_at > ?`,
      )
      .get(row.caller, since) as { n: number; oldest: number | null };
    if (open.n >= limit) return { stored: false, oldest: open.oldest ?? row.created_at };
    this.#db
      .prepare(
        `INSERT INTO offline_tx (tx_id, caller, msp_id, certificate, stage, bytes, digest, created_at, updated_at) VALUES (?, ?, ?, ?, 'proposal', ?, ?, ?, ?)`,
      )
      .run(
        row.tx_id,
        row.caller,
        row.msp_id,
        row.certificate,
        row.bytes,
        row.digest,
        row.created_at,
        row.created_at,
      );
    return { stored: true };
  }

  /** {@inheritDoc OfflineSessionStorage.advance} */
  async advance(txId: string, c: OfflineAdvance): Promise<boolean> {
    return (
      this.#db
        .prepare(
          `UPDATE offline_tx SET stage = ?, bytes = ?, digest = ?, result = COALESCE(?, result), block_number = COALESCE(?, block_number), updated_at = ? WHERE tx_id = ? AND stage = ?`,
        )
        .run(
          c.to,
          Buffer.from(c.bytes),
          c.digest ? Buffer.from(c.digest) : null,
          c.result ? Buffer.from(c.result) : null,
          c.blockNumber?.toString() ?? null,
          c.at,
          txId,
          c.from,
        ).changes === 1
    );
  }

  /** {@inheritDoc OfflineSessionStorage.purgeCreatedBefore} */
  async purgeCreatedBefore(cutoff: number): Promise<number> {
    return this.#db.prepare('DELETE FROM offline_tx WHERE created_at <= ?').run(cutoff).changes;
  }

  /** {@inheritDoc OfflineSessionStorage.reclaim} */
  async reclaim(): Promise<void> {
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }
}

/** The offline-signing sessions. */
export class OfflineSessions {
  readonly #store: OfflineSessionStorage;
  readonly #ledger: Ledger;
  readonly #limits: OfflineSessionLimits;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;

  /**
   * Keeps the sessions in `store` (an open SQLite database: its `offline_tx` table) and uses the
   * ledger's offline flow; `limits` override {@link DEFAULT_OFFLINE_LIMITS}, `now` is the clock (tests).
   */
  constructor(
    store: OfflineSessionStorage | Db,
    ledger: Ledger,
    limits: Partial<OfflineSessionLimits> = {},
    now: () => number = () => Date.now(),
  ) {
    this.#store = 'advance' in store ? store : new SqliteOfflineSessionStore(store);
    this.#ledger = ledger;
    this.#limits = { ...DEFAULT_OFFLINE_LIMITS, ...limits };
    this.#now = now;
  }

  /** Deletes every session older than the lifetime, with its stored bytes; returns how many. */
  purgeExpired(): Promise<number> {
    return this.#store.purgeCreatedBefore(this.#now() - this.#limits.ttlMs);
  }

  /**
   * Purges expired sessions every {@link OfflineSessionLimits.purgeIntervalMs} (the timer does not
   * keep the process alive); after a purge that deleted something, the backend reclaims the
   * deleted bytes where it can (SQLite: the write-ahead log is checkpointed and truncated;
   * PostgreSQL: the rows are deleted, and VACUUM, autovacuum, reclaims their space).
   */
  startPurging(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.purgeExpired()
        .then((n) => (n > 0 ? this.#store.reclaim() : undefined))
        .catch(() => undefined); // database closed (shutdown) or busy: the next round or access purges
    }, this.#limits.purgeIntervalMs);
    this.#timer.unref();
  }

  /** Stops the background purge. */
  stopPurging(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #expiresAt(createdAt: number): string {
    return new Date(createdAt + this.#limits.ttlMs).toISOString();
  }

  async #row(caller: string, txId: string): Promise<OfflineSessionRow> {
    const row = await this.#store.get(caller, txId);
    await this.purgeExpired();
    if (!row) throw new OfflineTransactionNotFound(txId);
    if (row.created_at <= this.#now() - this.#limits.ttlMs)
      throw new OfflineSessionExpired(txId, this.#limits.ttlMs);
    return row;
  }

  /** The view of a session waiting for the signature of `stage` over `bytes`. */
  #pending(
    txId: string,
    stage: Exclude<OfflineStage, 'done'>,
    bytes: Uint8Array,
    digest: Uint8Array,
    createdAt: number,
  ): OfflineView {
    const view: OfflineView = {
      transactionId: txId,
      stage,
      digest: Buffer.from(digest).toString('base64'),
      expiresAt: this.#expiresAt(createdAt),
    };
    const signed = signedBytesOf(stage, bytes, digest);
    if (signed) view.message = Buffer.from(signed).toString('base64');
    return view;
  }

  /**
   * Prepares a proposal for the caller's certificate (the endorsement pin resolved for the
   * certificate's organisation); returns its digest to sign and the proposal bytes it covers.
   * Throws {@link OfflineSessionLimitReached} when the caller already holds the most open sessions.
   */
  async prepare(caller: string, identity: FabricIdentity, call: PinnedInvocation): Promise<OfflineView> {
    await this.purgeExpired();
    const now = this.#now();
    const message = this.#ledger.offline.prepare(identity, resolveEndorsement(call, identity.mspId));
    const stored = await this.#store.insert(
      {
        tx_id: message.txId,
        caller,
        msp_id: identity.mspId,
        certificate: identity.certificate,
        bytes: Buffer.from(message.bytes),
        digest: Buffer.from(message.digest),
        created_at: now,
      },
      this.#limits.maxOpenPerCaller,
      now - this.#limits.ttlMs,
    );
    if (!stored.stored) {
      const freeAt = stored.oldest + this.#limits.ttlMs;
      throw new OfflineSessionLimitReached(
        this.#limits.maxOpenPerCaller,
        Math.max(1, Math.ceil((freeAt - now) / 1000)),
      );
    }
    return this.#pending(message.txId, 'proposal', message.bytes, message.digest, now);
  }

  /** The session's current state. */
  async view(caller: string, txId: string): Promise<OfflineView> {
    const row = await this.#row(caller, txId);
    const view: OfflineView =
      row.digest && row.stage !== 'done'
        ? this.#pending(txId, row.stage, row.bytes, row.digest, row.created_at)
        : { transactionId: txId, stage: row.stage, expiresAt: this.#expiresAt(row.created_at) };
    if (row.result) view.result = decodeResult(row.result);
    if (row.block_number) view.blockNumber = row.block_number;
    return view;
  }

  /** Takes the signature for `stage` and performs the next step. */
  async sign(
    caller: string,
    txId: string,
    stage: Exclude<OfflineStage, 'done'>,
    signature: Uint8Array,
  ): Promise<OfflineView> {
    const row = await this.#row(caller, txId);
    if (row.stage !== stage) throw new OfflineStageMismatch(row.stage, stage);
    // a signature that cannot be right is the caller's mistake (400), not a Fabric refusal
    if (row.digest && verifyDigestSignature(row.certificate, row.digest, signature) === false) {
      throw new InvalidOfflineSignature(stage, txId);
    }
    const identity: FabricIdentity = { mspId: row.msp_id, label: caller, certificate: row.certificate };
    const offline = this.#ledger.offline;
    if (stage === 'proposal') {
      const tx = await offline.endorse(identity, row.bytes, signature);
      const change = {
        from: stage,
        to: 'transaction',
        bytes: tx.bytes,
        digest: tx.digest,
        result: tx.result,
      } as const;
      if (!(await this.#store.advance(txId, { ...change, at: this.#now() }))) return this.view(caller, txId);
      return {
        ...this.#pending(txId, 'transaction', tx.bytes, tx.digest, row.created_at),
        result: decodeResult(tx.result),
      };
    }
    if (stage === 'transaction') {
      const commit = await offline.submit(identity, row.bytes, signature);
      const change = { from: stage, to: 'commit', bytes: commit.bytes, digest: commit.digest } as const;
      if (!(await this.#store.advance(txId, { ...change, at: this.#now() }))) return this.view(caller, txId);
      return {
        ...this.#pending(txId, 'commit', commit.bytes, commit.digest, row.created_at),
        result: decodeResult(row.result),
      };
    }
    const status = await offline.commitStatus(identity, row.bytes, signature);
    if (status.state !== 'committed') throw new CommitStatusPending(txId);
    // nothing is left to sign: the stored message is dropped at once, the outcome kept until expiry
    // (when another request already recorded it, the same outcome is answered)
    await this.#store.advance(txId, {
      from: stage,
      to: 'done',
      bytes: new Uint8Array(),
      blockNumber: status.blockNumber,
      at: this.#now(),
    });
    const view: OfflineView = {
      transactionId: txId,
      stage: 'done',
      expiresAt: this.#expiresAt(row.created_at),
      status: status.valid ? 'committed' : 'invalid',
      blockNumber: status.blockNumber.toString(),
      result: decodeResult(row.result),
    };
    if (!status.valid) view.validationCode = status.code;
    return view;
  }
}
