/**
 * Asynchronous writes (`Prefer: respond-async`): the gateway answers 202 once the
 * orderer has the transaction and follows its commit in the background. Their
 * state is kept durably so that `GET /api/v1/transactions/{txId}` answers after
 * a restart too; on start, transactions still marked submitted are reconciled.
 * A failure is stored as the {@link FailureReport} the HTTP layer made of the
 * typed error (the problem a synchronous caller would have got).
 *
 * Who may read a stored write ({@link asyncAccess}): its submitter (same organisation and subject,
 * and the same pseudonymous id when the submitting token carried one) sees it whole; an admin of
 * the submitter's own organisation (token role `admin` and a certificate with `gov.role` admin)
 * sees where it stands and the failure's code, never the chaincode's result; for anyone else
 * the store is as if empty (the status route answers from the ledger: status and block only).
 */
import type { Committed, FabricIdentity, Ledger } from '../fabric/ledger';
import { decodeResult } from '../fabric/result';
import type { Db } from './database';
import { TransactionNotCommitted } from './errors';

/**
 * How a failed write is reported to whoever asks for its status later: a JSON object with a
 * stable code and whatever other members the reporter put in (stored and returned whole).
 */
export interface FailureReport {
  /** Stable code of the failure. */
  code: string;
}

/**
 * Turns the failure of an asynchronous write (a typed error) into its report; `context` names
 * the write's transaction and the request that started it, when known.
 */
export type DescribeFailure = (
  err: unknown,
  context?: { transactionId: string; requestId?: string },
) => FailureReport;

/** State of an asynchronous write. */
export type AsyncState = 'submitted' | 'committed' | 'failed';

/** The public view of an asynchronous write. */
export interface AsyncTransactionView {
  /** Id returned by the 202 (the first attempt). */
  transactionId: string;
  /** Id of the latest attempt (differs after an MVCC retry). */
  currentTransactionId: string;
  /** Where the write stands. */
  status: AsyncState;
  /** How many transactions were tried. */
  attempts: number;
  /** Deployed chaincode name. */
  chaincode: string;
  /** Transaction name. */
  transaction: string;
  /** Block of the commit, once committed (decimal). */
  blockNumber?: string;
  /** The chaincode's result, once committed. */
  result?: unknown;
  /** What went wrong, for a failed write. */
  problem?: FailureReport;
}

/** A stored asynchronous write. */
export interface AsyncTransactionRecord extends AsyncTransactionView {
  /** Key of the submitter (`MSPID/subject`). */
  caller: string;
  /** Pseudonymous id of the submitter, when its token carried one. */
  callerPid?: string;
  identityMsp: string;
  identityLabel: string;
  createdAt: number;
  updatedAt: number;
}

/** A row of the `async_tx` table, as both backends return it. */
export interface AsyncTxRow {
  tx_id: string;
  current_tx_id: string;
  caller: string;
  caller_pid: string | null;
  identity_msp: string;
  identity_label: string;
  chaincode: string;
  transaction_name: string;
  state: AsyncState;
  attempts: number;
  block_number: string | null;
  result: Buffer | null;
  problem: string | null;
  created_at: number;
  updated_at: number;
}

/** A record from its row. */
export function asyncFromRow(r: AsyncTxRow): AsyncTransactionRecord {
  const rec: AsyncTransactionRecord = {
    transactionId: r.tx_id,
    currentTransactionId: r.current_tx_id,
    status: r.state,
    attempts: r.attempts,
    chaincode: r.chaincode,
    transaction: r.transaction_name,
    caller: r.caller,
    identityMsp: r.identity_msp,
    identityLabel: r.identity_label,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.caller_pid !== null) rec.callerPid = r.caller_pid;
  if (r.block_number !== null) rec.blockNumber = r.block_number;
  if (r.state === 'committed') rec.result = decodeResult(r.result);
  if (r.problem !== null) rec.problem = JSON.parse(r.problem) as FailureReport;
  return rec;
}

/** Strips the internal fields of a record. */
export function publicView(rec: AsyncTransactionRecord): AsyncTransactionView {
  const {
    caller: _c,
    callerPid: _p,
    identityMsp: _m,
    identityLabel: _l,
    createdAt: _a,
    updatedAt: _u,
    ...view
  } = rec;
  return view;
}

/** The view an admin of the submitter's organisation gets: no result, and of a failure only its status and code. */
export function adminView(rec: AsyncTransactionRecord): AsyncTransactionView {
  const { result: _r, problem, ...view } = publicView(rec);
  if (!problem) return view;
  const { status } = problem as FailureReport & { status?: unknown };
  return {
    ...view,
    problem: typeof status === 'number' ? { code: problem.code, status } : { code: problem.code },
  } as AsyncTransactionView;
}

/** Who is asking for a stored write. */
export interface AsyncReader {
  /** The caller's key (`MSPID/subject`, as the submitter's was recorded). */
  key: string;
  /** The caller's organisation (MSP ID). */
  org: string;
  /** The caller's pseudonymous id, when its token carries one. */
  pid?: string;
  /** True when the caller is a certified admin of its organisation (token role and certificate). */
  certifiedAdmin: boolean;
}

/** How much of a stored write a reader may see: all of it, the admin view, or nothing (the ledger's view only). */
export type AsyncAccess = 'submitter' | 'org-admin' | 'none';

/** The one rule of who reads a stored asynchronous write (see the module comment). */
export function asyncAccess(rec: AsyncTransactionRecord, reader: AsyncReader): AsyncAccess {
  const sameSubmitter =
    rec.caller === reader.key && (rec.callerPid === undefined || rec.callerPid === reader.pid);
  if (sameSubmitter) return 'submitter';
  const submitterOrg = rec.caller.slice(0, rec.caller.indexOf('/'));
  if (reader.certifiedAdmin && submitterOrg === reader.org) return 'org-admin';
  return 'none';
}

/** Durable store of asynchronous writes, as every backend keeps it (SQLite, or PostgreSQL shared by replicas). */
export interface AsyncTransactionStorage {
  /** Records a write the orderer accepted, for the submitter `caller` (key) with its pid, if any. */
  record(
    txId: string,
    caller: string,
    identity: FabricIdentity,
    chaincode: string,
    transaction: string,
    result: Uint8Array,
    callerPid?: string,
  ): Promise<void>;
  /** Records a retry attempt under a new transaction id. */
  attempt(firstTxId: string, currentTxId: string, attempt: number, result: Uint8Array): Promise<void>;
  /** Marks a write committed. */
  committed(firstTxId: string, committed: Committed): Promise<void>;
  /** Marks a write failed, with the report of its failure (a write already committed stays so). */
  failed(firstTxId: string, problem: FailureReport): Promise<void>;
  /** Finds a write by its first or its current transaction id. */
  get(txId: string): Promise<AsyncTransactionRecord | undefined>;
  /** The endorsed result stored for a write (of its latest attempt). */
  endorsedResult(firstTxId: string): Promise<Uint8Array>;
  /** Writes still marked submitted that no other live process follows, oldest first. */
  pending(): Promise<AsyncTransactionRecord[]>;
}

/** Durable store of asynchronous writes in the gateway's SQLite file. */
export class AsyncTransactions implements AsyncTransactionStorage {
  readonly #db: Db;

  /** Uses the `async_tx` table of an open database. */
  constructor(db: Db) {
    this.#db = db;
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
    this.#db
      .prepare(
        `INSERT OR REPLACE INTO async_tx (tx_id, current_tx_id, caller, caller_pid, identity_msp, identity_label, chaincode, transaction_name, state, attempts, result, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'submitted', 1, ?, ?, ?)`,
      )
      .run(
        txId,
        txId,
        caller,
        callerPid ?? null,
        identity.mspId,
        identity.label,
        chaincode,
        transaction,
        Buffer.from(result),
        now,
        now,
      );
  }

  /** {@inheritDoc AsyncTransactionStorage.attempt} */
  async attempt(firstTxId: string, currentTxId: string, attempt: number, result: Uint8Array): Promise<void> {
    this.#db
      .prepare(
        `UPDATE async_tx SET current_tx_id = ?, attempts = ?, result = ?, updated_at = ? WHERE tx_id = ?`,
      )
      .run(currentTxId, attempt, Buffer.from(result), Date.now(), firstTxId);
  }

  /** {@inheritDoc AsyncTransactionStorage.committed} */
  async committed(firstTxId: string, committed: Committed): Promise<void> {
    this.#db
      .prepare(
        `UPDATE async_tx SET state = 'committed', current_tx_id = ?, attempts = ?, block_number = ?, result = ?, updated_at = ? WHERE tx_id = ?`,
      )
      .run(
        committed.txId,
        committed.attempts,
        committed.blockNumber.toString(),
        Buffer.from(committed.result),
        Date.now(),
        firstTxId,
      );
  }

  /** {@inheritDoc AsyncTransactionStorage.failed} */
  async failed(firstTxId: string, problem: FailureReport): Promise<void> {
    this.#db
      .prepare(
        `UPDATE async_tx SET state = 'failed', problem = ?, updated_at = ? WHERE tx_id = ? AND state = 'submitted'`,
      )
      .run(JSON.stringify(problem), Date.now(), firstTxId);
  }

  /** {@inheritDoc AsyncTransactionStorage.get} */
  async get(txId: string): Promise<AsyncTransactionRecord | undefined> {
    const row = this.#db
      .prepare('SELECT * FROM async_tx WHERE tx_id = ? OR current_tx_id = ? LIMIT 1')
      .get(txId, txId) as AsyncTxRow | undefined;
    return row ? asyncFromRow(row) : undefined;
  }

  /** {@inheritDoc AsyncTransactionStorage.endorsedResult} */
  async endorsedResult(firstTxId: string): Promise<Uint8Array> {
    const row = this.#db.prepare('SELECT result FROM async_tx WHERE tx_id = ?').get(firstTxId) as
      { result: Buffer | null } | undefined;
    return row?.result ? new Uint8Array(row.result) : new Uint8Array();
  }

  /** {@inheritDoc AsyncTransactionStorage.pending} */
  async pending(): Promise<AsyncTransactionRecord[]> {
    return (
      this.#db
        .prepare(`SELECT * FROM async_tx WHERE state = 'submitted' ORDER BY created_at`)
        .all() as AsyncTxRow[]
    ).map(asyncFromRow);
  }
}

/**
 * Settles writes left submitted by a previous process: committed ones get their block,
 * invalid ones fail ({@link TransactionNotCommitted}, reported by `describe`), unknown ones fail
 * once older than `graceMs`. Returns how many were settled.
 */
export async function reconcileAsync(
  store: AsyncTransactionStorage,
  ledger: Ledger,
  identities: (mspId: string, label: string) => Promise<FabricIdentity | undefined>,
  graceMs: number,
  describe: DescribeFailure,
  now = Date.now(),
): Promise<number> {
  let settled = 0;
  for (const rec of await store.pending()) {
    try {
      const identity = await identities(rec.identityMsp, rec.identityLabel);
      const found = identity
        ? await ledger.lookupTransaction(identity, rec.currentTransactionId)
        : { state: 'unknown' as const };
      if (found.state === 'committed' && found.valid) {
        const result = await store.endorsedResult(rec.transactionId);
        await store.committed(rec.transactionId, {
          txId: rec.currentTransactionId,
          result,
          blockNumber: found.blockNumber,
          attempts: rec.attempts,
        });
        settled += 1;
      } else if (found.state === 'committed' || now - rec.updatedAt > graceMs) {
        const code = found.state === 'committed' ? found.code : 'NOT_FOUND';
        await store.failed(
          rec.transactionId,
          describe(new TransactionNotCommitted(rec.currentTransactionId, code)),
        );
        settled += 1;
      }
    } catch {
      // leave it submitted; the next start tries again
    }
  }
  return settled;
}
