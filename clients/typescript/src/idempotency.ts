/**
 * Idempotent writes. The gateway records a write that carries an `Idempotency-Key` before it
 * reaches Fabric: a retry with the same key returns the first outcome (`Idempotent-Replayed:
 * true`) instead of writing again, a retry while the first is still running gets 409
 * `IDEMPOTENCY_KEY_IN_USE`, the same key on another request 422 `IDEMPOTENCY_KEY_REUSED`.
 * Refusals are not recorded, so a keyed write refused with 503 or 429, or whose connection was
 * lost, can be sent again under the same key and is written at most once.
 *
 * {@link idempotentFetch} is a `fetch` for openapi-fetch (`createClient({ fetch })`) that gives
 * every write (POST, PUT, PATCH, DELETE) a key unless the caller set one, and sends it again,
 * with the same key, after 503, 429, 409 `IDEMPOTENCY_KEY_IN_USE` or a lost connection, waiting
 * as `Retry-After` says. Reads are retried on the same statuses (they write nothing).
 */
import { randomUUID } from 'node:crypto';
import { retryAfterMs } from './problem';

/** The header the gateway reads. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** A new idempotency key (a random UUID). Keep it with the operation to retry it after a crash. */
export function newIdempotencyKey(): string {
  return randomUUID();
}

/** How {@link idempotentFetch} retries. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 5). */
  maxAttempts?: number;
  /** Delay when the answer has no Retry-After: `baseDelayMs * attempt` (default 500). */
  baseDelayMs?: number;
  /** Upper bound of one wait (default 30 000). */
  maxDelayMs?: number;
  /** The fetch to call (default the global one). */
  fetch?: (input: Request) => Promise<Response>;
  /** How to wait (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
  /** Makes keys (default {@link newIdempotencyKey}). */
  newKey?: () => string;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** True when the answer says "send it again later": 503, 429, or the key's first request still running. */
async function worthRetrying(response: Response): Promise<boolean> {
  if (response.status === 503 || response.status === 429) return true;
  if (response.status !== 409) return false;
  try {
    const body = (await response.clone().json()) as { code?: unknown };
    return body.code === 'IDEMPOTENCY_KEY_IN_USE';
  } catch {
    return false;
  }
}

/** True for a fetch failure that is a lost or refused connection (not an abort). */
function connectionLost(err: unknown): boolean {
  return err instanceof TypeError;
}

/**
 * A fetch that makes writes idempotent and retries them safely (see the module comment). The
 * last answer is returned as it is (including a final 503); a lost connection on the last
 * attempt is thrown.
 */
export function idempotentFetch(options: RetryOptions = {}): (input: Request) => Promise<Response> {
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const send = options.fetch ?? ((input: Request) => globalThis.fetch(input));
  const sleep = options.sleep ?? wait;
  const newKey = options.newKey ?? newIdempotencyKey;
  return async (input: Request): Promise<Response> => {
    let request = input;
    if (WRITES.has(request.method.toUpperCase()) && !request.headers.has(IDEMPOTENCY_KEY_HEADER)) {
      const headers = new Headers(request.headers);
      headers.set(IDEMPOTENCY_KEY_HEADER, newKey());
      request = new Request(request, { headers });
    }
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= maxAttempts;
      let response: Response;
      try {
        response = await send(last ? request : request.clone());
      } catch (err) {
        if (last || !connectionLost(err) || request.signal.aborted) throw err;
        await sleep(Math.min(baseDelayMs * attempt, maxDelayMs));
        continue;
      }
      if (last || !(await worthRetrying(response))) return response;
      const asked = retryAfterMs(response.headers.get('Retry-After'));
      await response.body?.cancel();
      await sleep(Math.min(asked ?? baseDelayMs * attempt, maxDelayMs));
    }
  };
}
