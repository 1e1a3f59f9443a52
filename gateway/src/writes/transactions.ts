/**
 * Turns an authenticated request into a Fabric call under the caller's identity:
 * evaluate for reads; for writes endorse + submit + wait for commit (or answer
 * 202 with `Prefer: respond-async`), with idempotency keys and metrics.
 */
import type { Logger } from 'pino';
import { AsyncTransactions } from './async-transactions';
import type { Caller } from '../auth';
import { IdempotencyStore, reconcileRecord } from './idempotency';
import { LedgerError, type Committed, type FabricIdentity, type Invocation, type Ledger } from '../fabric/ledger';
import type { GatewayMetrics } from '../metrics';
import { HttpProblem, problemBody, toProblem, transactionStatusUrl } from '../http/problem';
import type { Wallet } from '../fabric/wallet';
import { decodeResult, writeResult } from '../http/write-result';

/** A response the route writes as it is (JSON text). */
export interface WriteResponse {
  statusCode: number;
  body: string;
  headers: Record<string, string>;
}

/** Options of one write. */
export interface WriteOptions {
  /** Answer 202 once the orderer has the transaction. */
  async: boolean;
  /** The request's Idempotency-Key, when sent. */
  idempotencyKey?: string;
  /** Hash of the request (required with a key). */
  requestHash?: string;
  /** Status of a synchronous success (200, or 201 for creations). */
  successStatus: number;
  /** Request id, for problems stored as outcomes. */
  requestId?: string;
}

/** Dependencies of the service. */
export interface TransactionServiceDeps {
  ledger: Ledger;
  wallet: Wallet;
  idempotency: IdempotencyStore;
  asyncTransactions: AsyncTransactions;
  metrics: GatewayMetrics;
  logger: Logger;
  /** Grace period after which an unknown in-flight write is considered lost. */
  reconcileGraceMs: number;
}

/** Key of a caller in the durable stores. */
export function callerKey(caller: Caller): string {
  return `${caller.org}/${caller.subject}`;
}

/** Evaluates and submits chaincode transactions for callers. */
export class TransactionService {
  readonly #d: TransactionServiceDeps;
  readonly #background = new Set<Promise<unknown>>();

  /** Creates the service. */
  constructor(deps: TransactionServiceDeps) {
    this.#d = deps;
  }

  /** The caller's Fabric identity from the wallet, or 403 IDENTITY_NOT_ENROLLED. */
  async identityFor(caller: Caller): Promise<FabricIdentity> {
    const identity = await this.#d.wallet.get(caller.org, caller.subject);
    if (!identity) {
      throw new HttpProblem(
        403,
        'IDENTITY_NOT_ENROLLED',
        `no Fabric identity is enrolled for ${caller.subject} of ${caller.org}`,
      );
    }
    return identity;
  }

  /** Evaluates a query and returns the decoded chaincode result. */
  async evaluate(caller: Caller, invocation: Invocation): Promise<unknown> {
    const identity = await this.identityFor(caller);
    return decodeResult(await this.#d.ledger.evaluate(identity, invocation));
  }

  /** Submits a write; returns the response to send (the stored one for a replayed key). */
  async submit(caller: Caller, invocation: Invocation, options: WriteOptions): Promise<WriteResponse> {
    const identity = await this.identityFor(caller);
    const owner = callerKey(caller);
    const key = options.idempotencyKey;
    if (key) {
      const replay = await this.#begin(
        owner,
        key,
        options.requestHash ?? '',
        identity,
        options.successStatus,
      );
      if (replay) return replay;
    }
    const { ledger, metrics, idempotency, asyncTransactions } = this.#d;
    let firstTxId: string | undefined;
    metrics.inFlight.inc();
    let settledInBackground = false;
    try {
      const submitted = await ledger.submit(identity, invocation, {
        onEndorsed: (txId, result, attempt) => {
          if (attempt === 1) firstTxId = txId;
          else metrics.retries.inc();
          if (key) idempotency.noteEndorsed(owner, key, txId, result);
          if (options.async && attempt > 1 && firstTxId)
            asyncTransactions.attempt(firstTxId, txId, attempt, result);
        },
      });
      if (options.async) {
        asyncTransactions.record(
          submitted.txId,
          owner,
          identity,
          invocation.chaincode,
          invocation.transaction,
          submitted.result,
        );
        settledInBackground = true;
        this.#follow(submitted.txId, submitted.commit, options.requestId);
        const statusUrl = transactionStatusUrl(submitted.txId);
        const response: WriteResponse = {
          statusCode: 202,
          body: JSON.stringify({ transactionId: submitted.txId, status: 'submitted', statusUrl }),
          headers: {
            Location: statusUrl,
            'Preference-Applied': 'respond-async',
            'X-Transaction-Id': submitted.txId,
          },
        };
        if (key) idempotency.complete(owner, key, response.statusCode, response.body);
        return response;
      }
      const committed = await submitted.commit;
      const response: WriteResponse = {
        statusCode: options.successStatus,
        body: JSON.stringify(writeResult(committed.txId, committed.blockNumber, committed.result)),
        headers: { 'X-Transaction-Id': committed.txId },
      };
      if (key) idempotency.complete(owner, key, response.statusCode, response.body);
      return response;
    } catch (err) {
      if (key) {
        if (err instanceof LedgerError && !err.nothingWritten) idempotency.release(owner, key);
        else idempotency.abandon(owner, key);
      }
      throw err;
    } finally {
      if (!settledInBackground) metrics.inFlight.dec();
    }
  }

  async #begin(
    owner: string,
    key: string,
    hash: string,
    identity: FabricIdentity,
    successStatus: number,
  ): Promise<WriteResponse | undefined> {
    const { idempotency } = this.#d;
    let outcome = idempotency.begin(owner, key, hash, identity, successStatus);
    if (outcome.kind === 'in-flight' && !idempotency.isActive(owner, key)) {
      // left in flight by an earlier process: settle it now
      await reconcileRecord(
        idempotency,
        outcome.record,
        this.#d.ledger,
        (m, l) => this.#d.wallet.get(m, l),
        this.#d.reconcileGraceMs,
      );
      outcome = idempotency.begin(owner, key, hash, identity, successStatus);
    }
    if (outcome.kind === 'replay') {
      return {
        statusCode: outcome.statusCode,
        body: outcome.body,
        headers: { 'Idempotent-Replayed': 'true' },
      };
    }
    if (outcome.kind === 'in-flight') {
      const extras = outcome.record.txId
        ? { transactionId: outcome.record.txId, statusUrl: transactionStatusUrl(outcome.record.txId) }
        : {};
      throw new HttpProblem(
        409,
        'IDEMPOTENCY_KEY_IN_USE',
        'a request with this Idempotency-Key is still being processed',
        extras,
        1,
      );
    }
    return undefined;
  }

  #follow(firstTxId: string, commit: Promise<Committed>, requestId?: string): void {
    const { asyncTransactions, metrics, logger } = this.#d;
    const record = (write: () => void) => {
      try {
        write();
      } catch (err) {
        logger.error(
          { txId: firstTxId, err: (err as Error).message },
          'could not record an asynchronous outcome',
        );
      }
    };
    const done = commit
      .then((c) => record(() => asyncTransactions.committed(firstTxId, c)))
      .catch((err: unknown) => {
        const problem = toProblem(err);
        record(() =>
          asyncTransactions.failed(
            firstTxId,
            problemBody(problem, transactionStatusUrl(firstTxId), requestId),
          ),
        );
        logger.warn({ txId: firstTxId, code: problem.code }, 'asynchronous transaction failed');
      })
      .finally(() => {
        metrics.inFlight.dec();
        this.#background.delete(done);
      });
    this.#background.add(done);
  }

  /** Waits until every asynchronous write this process follows has settled (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#background]);
  }
}
