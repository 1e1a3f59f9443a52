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
 * not done yet (429 beyond).
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

interface Row {
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

/** The offline-signing sessions. */
export class OfflineSessions {
  readonly #db: Db;
  readonly #ledger: Ledger;
  readonly #limits: OfflineSessionLimits;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;

  /**
   * Uses the `offline_tx` table and the ledger's offline flow; `limits` override
   * {@link DEFAULT_OFFLINE_LIMITS}, `now` is the clock (tests).
   */
  constructor(
    db: Db,
    ledger: Ledger,
    limits: Partial<OfflineSessionLimits> = {},
    now: () => number = () => Date.now(),
  ) {
    this.#db = db;
    this.#ledger = ledger;
    this.#limits = { ...DEFAULT_OFFLINE_LIMITS, ...limits };
    this.#now = now;
  }

  /** Deletes every session older than the lifetime, with its stored bytes; returns how many. */
  purgeExpired(): number {
    const cutoff = this.#now() - this.#limits.ttlMs;
    return this.#db.prepare('DELETE FROM offline_tx WHERE created_at <= ?').run(cutoff).changes;
  }

  /**
   * Purges expired sessions every {@link OfflineSessionLimits.purgeIntervalMs} (the timer does not
   * keep the process alive); after a purge that deleted something, the write-ahead log is
   * checkpointed and truncated so that the deleted bytes do not linger in it.
   */
  startPurging(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      try {
        if (this.purgeExpired() > 0) this.#db.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        // database closed (shutdown) or busy: the next round or the next access purges
      }
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

  #row(caller: string, txId: string): Row {
    const row = this.#db
      .prepare('SELECT * FROM offline_tx WHERE tx_id = ? AND caller = ?')
      .get(txId, caller) as Row | undefined;
    this.purgeExpired();
    if (!row) throw new OfflineTransactionNotFound(txId);
    if (row.created_at <= this.#now() - this.#limits.ttlMs)
      throw new OfflineSessionExpired(txId, this.#limits.ttlMs);
    return row;
  }

  #save(
    txId: string,
    stage: OfflineStage,
    bytes: Uint8Array,
    digest: Uint8Array | undefined,
    extra: { result?: Uint8Array; blockNumber?: bigint } = {},
  ): void {
    this.#db
      .prepare(
        `UPDATE offline_tx SET stage = ?, bytes = ?, digest = ?, result = COALESCE(?, result), block_number = COALESCE(?, block_number), updated_at = ? WHERE tx_id = ?`,
      )
      .run(
        stage,
        Buffer.from(bytes),
        digest ? Buffer.from(digest) : null,
        extra.result ? Buffer.from(extra.result) : null,
        extra.blockNumber?.toString() ?? null,
        this.#now(),
        txId,
      );
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
  prepare(caller: string, identity: FabricIdentity, call: PinnedInvocation): OfflineView {
    this.purgeExpired();
    const now = this.#now();
    const open = this.#db
      .prepare(
        `SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM offline_tx WHERE caller = ? AND stage != 'done' AND created_at > ?`,
      )
      .get(caller, now - this.#limits.ttlMs) as { n: number; oldest: number | null };
    if (open.n >= this.#limits.maxOpenPerCaller) {
      const freeAt = (open.oldest ?? now) + this.#limits.ttlMs;
      throw new OfflineSessionLimitReached(
        this.#limits.maxOpenPerCaller,
        Math.max(1, Math.ceil((freeAt - now) / 1000)),
      );
    }
    const message = this.#ledger.offline.prepare(identity, resolveEndorsement(call, identity.mspId));
    this.#db
      .prepare(
        `INSERT INTO offline_tx (tx_id, caller, msp_id, certificate, stage, bytes, digest, created_at, updated_at) VALUES (?, ?, ?, ?, 'proposal', ?, ?, ?, ?)`,
      )
      .run(
        message.txId,
        caller,
        identity.mspId,
        identity.certificate,
        Buffer.from(message.bytes),
        Buffer.from(message.digest),
        now,
        now,
      );
    return this.#pending(message.txId, 'proposal', message.bytes, message.digest, now);
  }

  /** The session's current state. */
  view(caller: string, txId: string): OfflineView {
    const row = this.#row(caller, txId);
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
    const row = this.#row(caller, txId);
    if (row.stage !== stage) throw new OfflineStageMismatch(row.stage, stage);
    // a signature that cannot be right is the caller's mistake (400), not a Fabric refusal
    if (row.digest && verifyDigestSignature(row.certificate, row.digest, signature) === false) {
      throw new InvalidOfflineSignature(stage, txId);
    }
    const identity: FabricIdentity = { mspId: row.msp_id, label: caller, certificate: row.certificate };
    const offline = this.#ledger.offline;
    if (stage === 'proposal') {
      const tx = await offline.endorse(identity, row.bytes, signature);
      this.#save(txId, 'transaction', tx.bytes, tx.digest, { result: tx.result });
      return {
        ...this.#pending(txId, 'transaction', tx.bytes, tx.digest, row.created_at),
        result: decodeResult(tx.result),
      };
    }
    if (stage === 'transaction') {
      const commit = await offline.submit(identity, row.bytes, signature);
      this.#save(txId, 'commit', commit.bytes, commit.digest);
      return {
        ...this.#pending(txId, 'commit', commit.bytes, commit.digest, row.created_at),
        result: decodeResult(row.result),
      };
    }
    const status = await offline.commitStatus(identity, row.bytes, signature);
    if (status.state !== 'committed') throw new CommitStatusPending(txId);
    // nothing is left to sign: the stored message is dropped at once, the outcome kept until expiry
    this.#save(txId, 'done', new Uint8Array(), undefined, { blockNumber: status.blockNumber });
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
