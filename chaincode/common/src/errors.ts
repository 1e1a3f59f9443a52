/**
 * Stable, machine-readable chaincode errors.
 *
 * Every refusal a chaincode makes is a {@link ChaincodeError}: a stable `code`
 * that callers (the gateway, tests, portal backends) can branch on, an HTTP-like
 * `status` that says which class of failure it is, and a human message. The
 * error crosses the wire as the JSON text of its message, so a client can parse
 * it back with {@link parseChaincodeError}.
 */

import { CommonErrorCode, type ChaincodeErrorBody, type ErrorStatus } from '@govledger/wire';

export { CommonErrorCode, findChaincodeError as parseChaincodeError } from '@govledger/wire';
export type { ChaincodeErrorBody, ErrorStatus } from '@govledger/wire';

/** An error with a stable code, thrown by a transaction to refuse it. Nothing it wrote is committed. */
export class ChaincodeError extends Error {
  /** Stable upper-snake-case code, e.g. `LICENCE_NOT_FOUND`. */
  readonly code: string;
  /** Class of failure: 400 bad input, 403 not allowed, 404 unknown, 409 wrong state. */
  readonly status: ErrorStatus;
  /** Optional structured details (e.g. which fields failed validation). */
  readonly details: unknown;
  /** The human-readable part of the message. */
  readonly reason: string;

  constructor(code: string, status: ErrorStatus, reason: string, details?: unknown) {
    const body: ChaincodeErrorBody = { code, status, message: reason };
    if (details !== undefined) body.details = details;
    super(JSON.stringify(body));
    this.name = 'ChaincodeError';
    this.code = code;
    this.status = status;
    this.reason = reason;
    this.details = details;
  }
}

/** 400: the arguments are malformed. */
export function invalidArgument(
  reason: string,
  details?: unknown,
  code: string = CommonErrorCode.InvalidArgument,
): ChaincodeError {
  return new ChaincodeError(code, 400, reason, details);
}

/** 403: the caller may not do this. */
export function forbidden(reason: string, code: string = CommonErrorCode.Forbidden): ChaincodeError {
  return new ChaincodeError(code, 403, reason);
}

/** 404: a referenced record does not exist. */
export function notFound(reason: string, code: string = CommonErrorCode.NotFound): ChaincodeError {
  return new ChaincodeError(code, 404, reason);
}

/** 409: the record exists already. */
export function alreadyExists(reason: string, code: string = CommonErrorCode.AlreadyExists): ChaincodeError {
  return new ChaincodeError(code, 409, reason);
}

/** 409: the record is in a state that does not allow this change. */
export function conflict(reason: string, code: string = CommonErrorCode.Conflict): ChaincodeError {
  return new ChaincodeError(code, 409, reason);
}
