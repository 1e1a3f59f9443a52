/**
 * The write pipeline: runs a chaincode call under the caller's Fabric identity.
 * Reads are evaluated; writes are endorsed, submitted and followed to their
 * commit (or, when asked, handed back as accepted and followed in the
 * background), with idempotency keys and metrics. It returns typed outcomes
 * ({@link WriteOutcome}) and throws typed errors (`LedgerError` subclasses,
 * writes/errors.ts); answering over HTTP is the http layer's job.
 */
import type { Logger } from 'pino';
import type { Caller } from '../caller';
import { resolveEndorsement, type PinnedInvocation } from '../fabric/endorsement';
import { LedgerError, type Committed, type FabricIdentity, type Ledger } from '../fabric/ledger';
import { decodeResult } from '../fabric/result';
import type { Wallet } from '../fabric/wallet';
import type { GatewayMetrics } from '../metrics';
import type { AsyncTransactionStorage, DescribeFailure } from './async-transactions';
import { IdempotencyConflict, IdentityNotEnrolled } from './errors';
import { reconcileRecord, type IdempotencyStorage } from './idempotency';
import type { WriteOutcome } from './outcome';

/** Options of one write. */
export interface WriteOptions {
  /** Return once the orderer has the transaction ({@link AcceptedWrite}) and follow its commit in the background. */
  async: boolean;
  /** The request's idempotency key, when sent. */
  idempotencyKey?: string;
  /** Hash of the request (required with a key). */
  requestHash?: string;
  /** Id of the request, handed to `describeFailure` when a background commit fails. */
  requestId?: string;
}

/** Dependencies of the service. */
export interface TransactionServiceDeps {
  /** The ledger the writes go to. */
  ledger: Ledger;
  /** Where callers' Fabric identities are kept. */
  wallet: Wallet;
  /** Durable idempotency records. */
  idempotency: IdempotencyStorage;
  /** Durable state of asynchronous writes. */
  asyncTransactions: AsyncTransactionStorage;
  /** Reports the failure of a write followed in the background (stored for its status URL). */
  describeFailure: DescribeFailure;
  /** In-flight and retry metrics. */
  metrics: GatewayMetrics;
  /** Logger of background failures. */
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

  /** The caller's Fabric identity from the wallet; throws {@link IdentityNotEnrolled} when there is none. */
  async identityFor(caller: Caller): Promise<FabricIdentity> {
    const identity = await this.#d.wallet.get(caller.org, caller.subject);
    if (!identity) throw new IdentityNotEnrolled(caller.subject, caller.org);
    return identity;
  }

  /** Evaluates a query (its endorsement pin resolved for the caller's organisation); returns the decoded result. */
  async evaluate(caller: Caller, call: PinnedInvocation): Promise<unknown> {
    const identity = await this.identityFor(caller);
    return decodeResult(await this.#d.ledger.evaluate(identity, resolveEndorsement(call, caller.org)));
  }

  /**
   * Submits a write (its endorsement pin resolved for the caller's organisation). Returns the
   * committed write, or the accepted one with `options.async`, or the stored outcome of an earlier
   * request with the same idempotency key (`replayed`). Throws the `LedgerError` of the stage that
   * failed, {@link IdempotencyConflict} while a request with the same key runs, or
   * `IdempotencyKeyReused` for a different request under a used key.
   */
  async submit(caller: Caller, call: PinnedInvocation, options: WriteOptions): Promise<WriteOutcome> {
    const identity = await this.identityFor(caller);
    const invocation = resolveEndorsement(call, caller.org);
    const owner = callerKey(caller);
    const key = options.idempotencyKey;
    if (key) {
      const replay = await this.#begin(owner, key, options.requestHash ?? '', identity);
      if (replay) return replay;
    }
    const { ledger, metrics, idempotency, asyncTransactions } = this.#d;
    let firstTxId: string | undefined;
    metrics.inFlight.inc();
    let settledInBackground = false;
    try {
      const submitted = await ledger.submit(identity, invocation, {
        onEndorsed: async (txId, result, attempt) => {
          if (attempt === 1) firstTxId = txId;
          else metrics.retries.inc();
          // durable before the transaction goes to the orderer: a retry on any replica finds it
          if (key) await idempotency.noteEndorsed(owner, key, txId, result);
          if (options.async && attempt > 1 && firstTxId)
            await asyncTransactions.attempt(firstTxId, txId, attempt, result);
        },
        onRebroadcast: (txId, copies) => {
          metrics.rebroadcasts.inc();
          this.#d.logger.warn(
            { txId, copies },
            'commit late: transaction sent to the ordering service again',
          );
        },
      });
      if (options.async) {
        await asyncTransactions.record(
          submitted.txId,
          owner,
          identity,
          invocation.chaincode,
          invocation.transaction,
          submitted.result,
          caller.pid,
        );
        settledInBackground = true;
        this.#follow(submitted.txId, submitted.commit, options.requestId);
        const accepted: WriteOutcome = { kind: 'accepted', transactionId: submitted.txId, replayed: false };
        if (key) await idempotency.complete(owner, key, accepted);
        return accepted;
      }
      const committed = await submitted.commit;
      const outcome: WriteOutcome = {
        kind: 'committed',
        transactionId: committed.txId,
        blockNumber: committed.blockNumber,
        result: decodeResult(committed.result),
        replayed: false,
      };
      if (key) await idempotency.complete(owner, key, outcome);
      return outcome;
    } catch (err) {
      if (key) {
        if (err instanceof LedgerError && !err.nothingWritten) idempotency.release(owner, key);
        else await idempotency.abandon(owner, key).catch(() => idempotency.release(owner, key));
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
  ): Promise<WriteOutcome | undefined> {
    const { idempotency } = this.#d;
    let outcome = await idempotency.begin(owner, key, hash, identity);
    if (outcome.kind === 'in-flight' && (await idempotency.claim(outcome.record))) {
      // left in flight by an earlier process or a dead replica, now claimed by this one: settle it now
      try {
        await reconcileRecord(
          idempotency,
          outcome.record,
          this.#d.ledger,
          (m, l) => this.#d.wallet.get(m, l),
          this.#d.reconcileGraceMs,
        );
      } finally {
        idempotency.release(owner, key); // still unknown: left for the next retry
      }
      outcome = await idempotency.begin(owner, key, hash, identity);
    }
    if (outcome.kind === 'replay') return outcome.outcome;
    if (outcome.kind === 'in-flight') throw new IdempotencyConflict(outcome.record.txId);
    return undefined;
  }

  #follow(firstTxId: string, commit: Promise<Committed>, requestId?: string): void {
    const { asyncTransactions, metrics, logger, describeFailure } = this.#d;
    const record = async (write: () => Promise<void>) => {
      try {
        await write();
      } catch (err) {
        logger.error(
          { txId: firstTxId, err: (err as Error).message },
          'could not record an asynchronous outcome',
        );
      }
    };
    const done = commit
      .then((c) => record(() => asyncTransactions.committed(firstTxId, c)))
      .catch(async (err: unknown) => {
        const report = describeFailure(err, {
          transactionId: firstTxId,
          ...(requestId !== undefined ? { requestId } : {}),
        });
        await record(() => asyncTransactions.failed(firstTxId, report));
        logger.warn({ txId: firstTxId, code: report.code }, 'asynchronous transaction failed');
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
