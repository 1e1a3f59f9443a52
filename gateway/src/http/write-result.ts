/**
 * How a write's outcome is answered over HTTP: a committed write as its status
 * (200, or 201 for creations) with the chaincode result, the transaction id and
 * the block number; an accepted one (`Prefer: respond-async`) as 202 with its
 * status URL; a replayed one (same Idempotency-Key) with the first answer's
 * status, body, transaction id and `Idempotent-Replayed: true`.
 */
import type { WriteOutcome } from '../writes/outcome';
import { transactionStatusUrl } from './problem';

/** Body of a committed write. */
export interface WriteResult {
  /** Id of the transaction that committed. */
  transactionId: string;
  /** Block that holds it, as a decimal string. */
  blockNumber: string;
  /** The chaincode's result. */
  result: unknown;
}

/** Body of an accepted write (202). */
export interface AcceptedResult {
  /** Id of the transaction (the first attempt's). */
  transactionId: string;
  /** Always `submitted`. */
  status: 'submitted';
  /** Where the outcome can be asked for. */
  statusUrl: string;
}

/** A rendered write response: status, JSON text and headers. */
export interface WriteResponse {
  /** HTTP status. */
  statusCode: number;
  /** JSON text of the body. */
  body: string;
  /** Headers to set. */
  headers: Record<string, string>;
}

/** The body of a write's outcome. */
export function writeBody(outcome: WriteOutcome): WriteResult | AcceptedResult {
  if (outcome.kind === 'committed') {
    return {
      transactionId: outcome.transactionId,
      blockNumber: outcome.blockNumber.toString(),
      result: outcome.result,
    };
  }
  return {
    transactionId: outcome.transactionId,
    status: 'submitted',
    statusUrl: transactionStatusUrl(outcome.transactionId),
  };
}

/**
 * Renders a write's outcome; `successStatus` is the route's status of a committed write. Every
 * answer names its transaction (`X-Transaction-Id`), a replayed one too; an accepted one also
 * points to its status (`Location`), and a fresh accepted one says the preference was applied.
 */
export function renderWrite(outcome: WriteOutcome, successStatus: number): WriteResponse {
  const statusCode = outcome.kind === 'committed' ? successStatus : 202;
  const body = JSON.stringify(writeBody(outcome));
  const headers: Record<string, string> = { 'X-Transaction-Id': outcome.transactionId };
  if (outcome.kind === 'accepted') {
    headers.Location = transactionStatusUrl(outcome.transactionId);
    if (!outcome.replayed) headers['Preference-Applied'] = 'respond-async';
  }
  if (outcome.replayed) headers['Idempotent-Replayed'] = 'true';
  return { statusCode, body, headers };
}
