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

/** A chaincode error's stable code and class of failure. */
export type ErrorSpec = readonly [code: string, status: ErrorStatus];

/** A factory of one kind of refusal: give it the human reason (and details) of this case. */
export type ErrorFactory = (reason: string, details?: unknown) => ChaincodeError;

/**
 * Declares a chaincode's errors once, each with its stable code and status, and
 * returns one factory per error:
 *
 * ```ts
 * export const errors = defineErrors({ licenceNotFound: [ErrorCode.LicenceNotFound, 404] });
 * throw errors.licenceNotFound(`no licence ${id}`);
 * ```
 */
export function defineErrors<T extends Record<string, ErrorSpec>>(
  table: T,
): { readonly [K in keyof T]: ErrorFactory } {
  const out: Record<string, ErrorFactory> = {};
  for (const [name, [code, status]] of Object.entries(table)) {
    out[name] = (reason, details) => new ChaincodeError(code, status, reason, details);
  }
  return out as { readonly [K in keyof T]: ErrorFactory };
}
