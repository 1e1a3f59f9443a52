/**
 * Narrowing a write's answer to its committed form. The OpenAPI document declares both answers a
 * write can have (the committed record, and 202 `Accepted` only when the request sent
 * `Prefer: respond-async`), and a generator types `data` as their union, since a document cannot
 * tie a response to a request header. A caller that did not ask for an asynchronous answer uses
 * {@link committed} to get the committed type, and an error if the gateway answered otherwise.
 */
import type { components } from './generated/schema';

/** The 202 answer of a write sent with `Prefer: respond-async`. */
export type AcceptedWrite = components['schemas']['Accepted'];

/** Thrown when a write the caller expected committed was answered 202 (accepted, not yet committed). */
export class NotCommittedError extends Error {
  /** The accepted answer: its transaction id and status URL. */
  readonly accepted: AcceptedWrite;

  /** Creates the error for an accepted answer. */
  constructor(accepted: AcceptedWrite) {
    super(`the write was accepted, not committed: follow ${accepted.statusUrl}`);
    this.name = 'NotCommittedError';
    this.accepted = accepted;
  }
}

/**
 * The committed answer of a write (openapi-fetch's `{ data, response }`): `data` without the
 * `Accepted` member of its union. Throws {@link NotCommittedError} on a 202, and an Error when
 * there is no data (the call failed: read `error` first).
 */
export function committed<T>(answer: { data?: T; response: { status: number } }): Exclude<T, AcceptedWrite> {
  if (answer.data === undefined) throw new Error(`the write failed with HTTP ${answer.response.status}`);
  if (answer.response.status === 202) throw new NotCommittedError(answer.data as unknown as AcceptedWrite);
  return answer.data as Exclude<T, AcceptedWrite>;
}
