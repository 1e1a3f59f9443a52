/**
 * The chaincodes' error wire shape. A chaincode refuses a transaction by failing
 * with the JSON text `{"code","status","message","details?"}`; Fabric wraps that
 * text in its own words (e.g. `chaincode response 500, {...}`) inside the
 * endorsement or evaluation error. The gateway never imports chaincode packages:
 * this is its own reader of that shape.
 */

/** The HTTP-like classes of failure a chaincode reports. */
export type ChaincodeErrorStatus = 400 | 403 | 404 | 409 | 500;

/** A chaincode's refusal, as read from the wire. */
export interface ChaincodeErrorBody {
  /** Stable upper-snake-case code, e.g. `LICENCE_NOT_FOUND`. */
  code: string;
  /** Class of failure. */
  status: ChaincodeErrorStatus;
  /** Human-readable reason. */
  message: string;
  /** Structured details (e.g. the fields that failed validation), when given. */
  details?: unknown;
}

const STATUSES: ReadonlySet<number> = new Set([400, 403, 404, 409, 500]);
const MARKER = /\{\s*"code"\s*:/g;

function isBody(value: unknown): value is ChaincodeErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === 'string' &&
    /^[A-Z][A-Z0-9_]*$/.test(v.code) &&
    typeof v.message === 'string' &&
    typeof v.status === 'number' &&
    STATUSES.has(v.status)
  );
}

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
      if (isBody(value)) {
        const body: ChaincodeErrorBody = { code: value.code, status: value.status, message: value.message };
        if (value.details !== undefined) body.details = value.details;
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
