/**
 * Stable, machine-readable chaincode errors.
 *
 * Every refusal a chaincode makes is a {@link ChaincodeError}: a stable `code`
 * that callers (the gateway, tests, portal backends) can branch on, an HTTP-like
 * `status` that says which class of failure it is, and a human message. The
 * error crosses the wire as the JSON text of its message, so a client can parse
 * it back with {@link parseChaincodeError}.
 */

/** The classes of failure a chaincode reports, as HTTP status codes. */
export type ErrorStatus = 400 | 403 | 404 | 409 | 500;

/** Codes shared by every chaincode; each chaincode adds its own domain codes. */
export const CommonErrorCode = {
  InvalidArgument: 'INVALID_ARGUMENT',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  AlreadyExists: 'ALREADY_EXISTS',
  Conflict: 'CONFLICT',
  Internal: 'INTERNAL',
} as const;

/** The JSON shape of an error on the wire. */
export interface ChaincodeErrorBody {
  code: string;
  status: ErrorStatus;
  message: string;
  details?: unknown;
}

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

const STATUSES: ReadonlySet<number> = new Set([400, 403, 404, 409, 500]);

/**
 * Finds a chaincode error body inside any text (a Fabric endorsement error wraps
 * the chaincode's message in its own words). Returns undefined when there is none.
 */
export function parseChaincodeError(text: string): ChaincodeErrorBody | undefined {
  const start = text.indexOf('{"code":');
  if (start < 0) return undefined;
  for (let end = text.lastIndexOf('}'); end > start; end = text.lastIndexOf('}', end - 1)) {
    try {
      const value: unknown = JSON.parse(text.slice(start, end + 1));
      if (isErrorBody(value)) return value;
    } catch {
      // keep shrinking until the JSON closes
    }
  }
  return undefined;
}

function isErrorBody(value: unknown): value is ChaincodeErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === 'string' &&
    typeof v.message === 'string' &&
    typeof v.status === 'number' &&
    STATUSES.has(v.status)
  );
}
