/**
 * The write pipeline's own failures, one class each. They say what went wrong in
 * the pipeline's terms; the HTTP layer (http/problem.ts) decides how each is
 * answered. Fabric's failures are the `LedgerError` classes of fabric/ledger.ts.
 */

/** The caller has no Fabric identity in the wallet. */
export class IdentityNotEnrolled extends Error {
  /** Token subject of the caller. */
  readonly subject: string;
  /** Organisation (MSP ID) of the caller. */
  readonly org: string;

  /** Creates the error for a caller. */
  constructor(subject: string, org: string) {
    super(`no Fabric identity is enrolled for ${subject} of ${org}`);
    this.name = 'IdentityNotEnrolled';
    this.subject = subject;
    this.org = org;
  }
}

/** A write with the same idempotency key is still being executed. */
export class IdempotencyConflict extends Error {
  /** Transaction id of the write in flight, once it has one. */
  readonly txId?: string;

  /** Creates the error, naming the transaction in flight when known. */
  constructor(txId?: string) {
    super('a request with this Idempotency-Key is still being processed');
    this.name = 'IdempotencyConflict';
    if (txId !== undefined) this.txId = txId;
  }
}

/** The idempotency key was already used for a different request. */
export class IdempotencyKeyReused extends Error {
  /** Creates the error. */
  constructor() {
    super('this Idempotency-Key was used for a different request');
    this.name = 'IdempotencyKeyReused';
  }
}

/**
 * An asynchronous write left by an earlier process did not commit: the ledger reports it invalid
 * (`code` is its validation code) or does not know it after the grace period (`NOT_FOUND`).
 */
export class TransactionNotCommitted extends Error {
  /** Id of the transaction's latest attempt. */
  readonly txId: string;
  /** Validation code, or NOT_FOUND. */
  readonly code: string;

  /** Creates the error. */
  constructor(txId: string, code: string) {
    super(`the transaction did not commit (${code}); nothing was written`);
    this.name = 'TransactionNotCommitted';
    this.txId = txId;
    this.code = code;
  }
}
