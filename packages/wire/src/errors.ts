/**
 * The error half of the wire contract. A chaincode refuses a transaction by
 * failing with the JSON text `{"code","status","message","details?"}`; Fabric
 * wraps that text in its own words (e.g. `chaincode response 500, {...}`) inside
 * the endorsement or evaluation error. {@link findChaincodeError} is the one
 * reader of that shape, used by the gateway and the end-to-end tests.
 */
import { z } from 'zod';

/** The classes of failure a chaincode reports, as HTTP status codes. */
export const ErrorStatuses = [400, 403, 404, 409, 500] as const;

/** A class of failure: 400 bad input, 403 not allowed, 404 unknown, 409 wrong state, 500 internal. */
export type ErrorStatus = (typeof ErrorStatuses)[number];

/** Codes shared by every chaincode; each chaincode adds its own domain codes. */
export const CommonErrorCode = {
  InvalidArgument: 'INVALID_ARGUMENT',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  AlreadyExists: 'ALREADY_EXISTS',
  Conflict: 'CONFLICT',
  Internal: 'INTERNAL',
} as const;

/** A stable error code: upper snake case, e.g. `LICENCE_NOT_FOUND`. */
export const ErrorCodeSchema = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be an upper-snake-case code');

/** The JSON body of a chaincode refusal. */
export const ChaincodeErrorBodySchema = z.object({
  code: ErrorCodeSchema,
  status: z.union(ErrorStatuses.map((s) => z.literal(s))),
  message: z.string(),
  details: z.unknown().optional(),
});

/** A chaincode's refusal as it crosses the wire. */
export interface ChaincodeErrorBody {
  /** Stable upper-snake-case code, e.g. `LICENCE_NOT_FOUND`. */
  code: string;
  /** Class of failure. */
  status: ErrorStatus;
  /** Human-readable reason. */
  message: string;
  /** Structured details (e.g. the fields that failed validation), when given. */
  details?: unknown;
}

const MARKER = /\{\s*"code"\s*:/g;

/** Finds a chaincode error body inside one text; undefined when there is none. */
export function findChaincodeError(text: string): ChaincodeErrorBody | undefined {
  for (const match of text.matchAll(MARKER)) {
    const start = match.index;
    for (let end = text.indexOf('}', start); end >= 0; end = text.indexOf('}', end + 1)) {
      let value: unknown;
      try {
        value = JSON.parse(text.slice(start, end + 1));
      } catch {
        continue;
      }
      const parsed = ChaincodeErrorBodySchema.safeParse(value);
      if (parsed.success) {
        const body: ChaincodeErrorBody = {
          code: parsed.data.code,
          status: parsed.data.status,
          message: parsed.data.message,
        };
        if (parsed.data.details !== undefined) body.details = parsed.data.details;
        return body;
      }
      break;
    }
  }
  return undefined;
}

/** Finds the first chaincode error body in any of several texts (error message, per-peer details). */
export function findChaincodeErrorIn(texts: readonly string[]): ChaincodeErrorBody | undefined {
  for (const t of texts) {
    const found = findChaincodeError(t);
    if (found) return found;
  }
  return undefined;
}
