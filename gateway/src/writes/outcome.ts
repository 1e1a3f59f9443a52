/**
 * What a write came to, as the write pipeline reports it: committed (with the
 * chaincode's result and the block) or accepted by the orderer (followed in the
 * background), either fresh or replayed from an idempotency record. How it is
 * answered over HTTP is decided in http/write-result.ts.
 */

/** A write that committed. */
export interface CommittedWrite {
  kind: 'committed';
  /** Id of the transaction that committed (after MVCC retries, the last attempt's id). */
  transactionId: string;
  /** Block that holds it. */
  blockNumber: bigint;
  /** The chaincode's result, decoded (JSON value, text, or null when empty). */
  result: unknown;
  /** True when this is the stored outcome of an earlier request with the same idempotency key. */
  replayed: boolean;
}

/** A write the orderer accepted; its commit is followed in the background (`Prefer: respond-async`). */
export interface AcceptedWrite {
  kind: 'accepted';
  /** Id of the first attempt (the id its status is asked by). */
  transactionId: string;
  /** True when this is the stored outcome of an earlier request with the same idempotency key. */
  replayed: boolean;
}

/** The outcome of a write. */
export type WriteOutcome = CommittedWrite | AcceptedWrite;

/**
 * Serializes an outcome for the idempotency store. The stored JSON has the shape the gateway has
 * always stored (the committed write's body, or `{transactionId, status: 'submitted'}`), so
 * records written by earlier versions replay too.
 */
export function serializeOutcome(outcome: WriteOutcome): string {
  return outcome.kind === 'committed'
    ? JSON.stringify({
        transactionId: outcome.transactionId,
        blockNumber: outcome.blockNumber.toString(),
        result: outcome.result,
      })
    : JSON.stringify({ transactionId: outcome.transactionId, status: 'submitted' });
}

/** Reads an outcome stored by {@link serializeOutcome} (or by an earlier version); marks it replayed. */
export function parseStoredOutcome(text: string): WriteOutcome {
  const stored = JSON.parse(text) as {
    transactionId: string;
    status?: string;
    blockNumber?: string;
    result?: unknown;
  };
  if (stored.status === 'submitted' || stored.blockNumber === undefined)
    return { kind: 'accepted', transactionId: stored.transactionId, replayed: true };
  return {
    kind: 'committed',
    transactionId: stored.transactionId,
    blockNumber: BigInt(stored.blockNumber),
    result: stored.result ?? null,
    replayed: true,
  };
}
