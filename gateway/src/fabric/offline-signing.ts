/**
 * Offline signing for callers who keep their own keys (a citizen's app). The
 * gateway never sees the private key: it prepares the proposal and returns its
 * digest; the caller signs and posts the signature; the gateway endorses and
 * returns the transaction's digest; the caller signs, the gateway submits and
 * returns the commit-status request's digest; the caller signs, and the gateway
 * reports the commit. Between steps the message is kept in the database, bound
 * to the caller who prepared it.
 */
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

/** Which signature the session waits for. */
export type OfflineStage = 'proposal' | 'transaction' | 'commit' | 'done';

/** The public view of a session. */
export interface OfflineView {
  transactionId: string;
  /** The signature expected next (`done` when finished). */
  stage: OfflineStage;
  /** Base64 digest to sign for `stage` (absent when done). */
  digest?: string;
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
}

/** The offline-signing sessions. */
export class OfflineSessions {
  readonly #db: Db;
  readonly #ledger: Ledger;

  /** Uses the `offline_tx` table and the ledger's offline flow. */
  constructor(db: Db, ledger: Ledger) {
    this.#db = db;
    this.#ledger = ledger;
  }

  #row(caller: string, txId: string): Row {
    const row = this.#db
      .prepare('SELECT * FROM offline_tx WHERE tx_id = ? AND caller = ?')
      .get(txId, caller) as Row | undefined;
    if (!row) throw new OfflineTransactionNotFound(txId);
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
        Date.now(),
        txId,
      );
  }

  /**
   * Prepares a proposal for the caller's certificate (the endorsement pin resolved for the
   * certificate's organisation); returns its digest to sign.
   */
  prepare(caller: string, identity: FabricIdentity, call: PinnedInvocation): OfflineView {
    const message = this.#ledger.offline.prepare(identity, resolveEndorsement(call, identity.mspId));
    const now = Date.now();
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
    return {
      transactionId: message.txId,
      stage: 'proposal',
      digest: Buffer.from(message.digest).toString('base64'),
    };
  }

  /** The session's current state. */
  view(caller: string, txId: string): OfflineView {
    const row = this.#row(caller, txId);
    const view: OfflineView = { transactionId: txId, stage: row.stage };
    if (row.digest && row.stage !== 'done') view.digest = row.digest.toString('base64');
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
        transactionId: txId,
        stage: 'transaction',
        digest: Buffer.from(tx.digest).toString('base64'),
        result: decodeResult(tx.result),
      };
    }
    if (stage === 'transaction') {
      const commit = await offline.submit(identity, row.bytes, signature);
      this.#save(txId, 'commit', commit.bytes, commit.digest);
      return {
        transactionId: txId,
        stage: 'commit',
        digest: Buffer.from(commit.digest).toString('base64'),
        result: decodeResult(row.result),
      };
    }
    const status = await offline.commitStatus(identity, row.bytes, signature);
    if (status.state !== 'committed') throw new CommitStatusPending(txId);
    this.#save(txId, 'done', row.bytes, undefined, { blockNumber: status.blockNumber });
    const view: OfflineView = {
      transactionId: txId,
      stage: 'done',
      status: status.valid ? 'committed' : 'invalid',
      blockNumber: status.blockNumber.toString(),
      result: decodeResult(row.result),
    };
    if (!status.valid) view.validationCode = status.code;
    return view;
  }
}
