/**
 * Limits on what a client may send, each answered with problem+json and a stable code:
 * - the nesting depth of a JSON body (400 `JSON_TOO_DEEP`, checked after parsing, without
 *   recursion, on every route that takes a body);
 * - failed authentications per client IP (429 `AUTH_RATE_LIMITED`, counted only when a token is
 *   refused; while a client is over the limit its tokens are not even verified);
 * - the size of the request headers (431 `HEADERS_TOO_LARGE`, written by the HTTP server's
 *   `clientError` handler, since Node's parser refuses them before the gateway sees a request).
 * Every 429 of the gateway carries a `Retry-After` equal to the `reset` of its `RateLimit` header
 * ({@link rateLimitRetryAfter}).
 */
import type { Request, Response } from 'express';
import { ipKeyGenerator, rateLimit, type Options, type RateLimitRequestHandler } from 'express-rate-limit';
import { maxHeaderSize as nodeMaxHeaderSize, STATUS_CODES, type Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import type { Authenticate, Caller } from './auth';
import type { ApiRequest, ApiResponse } from './http/exchange';
import { HttpProblem, PROBLEM_JSON, problemBody, toProblem } from './http/problem';

/** Stable codes of the refusals of this module. */
export const RequestLimitCode = {
  JsonTooDeep: 'JSON_TOO_DEEP',
  AuthRateLimited: 'AUTH_RATE_LIMITED',
  HeadersTooLarge: 'HEADERS_TOO_LARGE',
  BadRequest: 'BAD_REQUEST',
  RequestTimeout: 'REQUEST_TIMEOUT',
} as const;

/** Default deepest nesting of a JSON body (`JSON_MAX_DEPTH`). */
export const DEFAULT_JSON_MAX_DEPTH = 32;

/**
 * True when `value` nests objects/arrays deeper than `maxDepth` (a scalar has depth 0, `{}` and
 * `[]` depth 1). Walks with an explicit stack, so a body nested 100,000 levels deep cannot
 * overflow the call stack, and stops at the first path that is too deep.
 */
export function jsonTooDeep(value: unknown, maxDepth: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const top = stack.pop() as { value: unknown; depth: number };
    if (top.value === null || typeof top.value !== 'object') continue;
    const depth = top.depth + 1;
    if (depth > maxDepth) return true;
    const children = Array.isArray(top.value) ? top.value : Object.values(top.value);
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth });
    }
  }
  return false;
}

/** Refuses (400 `JSON_TOO_DEEP`) a parsed body nested deeper than `maxDepth`. */
export function assertJsonDepth(body: unknown, maxDepth: number): void {
  if (jsonTooDeep(body, maxDepth)) {
    throw new HttpProblem(
      400,
      RequestLimitCode.JsonTooDeep,
      `the JSON body nests objects or arrays more than ${maxDepth} levels deep`,
    );
  }
}

/** A rate limiter on the API pipeline (connect style: `next(problem)` refuses). */
export type Limiter = (req: ApiRequest, res: ApiResponse, next: (err?: unknown) => void) => Promise<void>;

/**
 * An express-rate-limit limiter (its memory store, draft-7 `RateLimit` headers) on the API
 * pipeline, refusing with `refusal` (given the seconds until the window resets). With its key
 * and its refusal given, the limiter uses nothing Express adds to a request or a response (it
 * counts the key and sets headers), so Node's own serve it; the casts say so to its Express-typed
 * signature (test/request-limits.test.ts and test/api-pipeline.test.ts check its answers).
 */
function limiterOf(
  settings: { windowMs: number; limit: number },
  keyOf: (req: ApiRequest, res: ApiResponse) => string,
  refusal: (retryAfterSec: number) => HttpProblem,
): Limiter & Pick<RateLimitRequestHandler, 'getKey'> {
  const options: Partial<Options> = {
    windowMs: settings.windowMs,
    limit: settings.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req, res) => keyOf(req as unknown as ApiRequest, res as unknown as ApiResponse),
    handler: (_req, res, next) => next(refusal(rateLimitRetryAfter(res))),
  };
  const limiter = rateLimit(options);
  const run: Limiter = async (req, res, next) => {
    await limiter(req as unknown as Request, res as unknown as Response, next);
  };
  return Object.assign(run, { getKey: limiter.getKey });
}

/**
 * The limit per caller (`windowMs`, `max` requests): keyed by the authenticated caller's key, or
 * by the client address for a public route; 429 `RATE_LIMITED` with `Retry-After`.
 */
export function callerRateLimit(
  settings: { windowMs: number; max: number },
  callerKeyOf: (caller: Caller) => string,
): Limiter {
  return limiterOf(
    { windowMs: settings.windowMs, limit: settings.max },
    (req, res) => (res.locals.caller ? callerKeyOf(res.locals.caller) : `ip:${ipKeyGenerator(req.ip)}`),
    (retryAfter) =>
      new HttpProblem(429, 'RATE_LIMITED', 'too many requests from this caller', {}, retryAfter),
  );
}

/**
 * Seconds after which a client refused by express-rate-limit may try again, read from the
 * `RateLimit` header the limiter has just set (draft-7 `reset=N`, draft-8 `t=N`), so that
 * `Retry-After` and `RateLimit` always agree; falls back to the limiter's own `Retry-After`, then 1.
 */
export function rateLimitRetryAfter(res: Pick<Response, 'getHeader'>): number {
  const header = res.getHeader('RateLimit');
  const text = Array.isArray(header) ? header.join(', ') : String(header ?? '');
  const match = /(?:\breset=|\bt=)(\d+)/.exec(text);
  if (match) return Math.max(1, Number(match[1]));
  const own = Number(res.getHeader('Retry-After'));
  return Number.isFinite(own) && own > 0 ? own : 1;
}

/** Settings of the failed-authentication limiter. */
export interface AuthFailureLimit {
  /** Window of the count, in milliseconds. */
  windowMs: number;
  /** Failed authentications allowed per client IP and window. */
  max: number;
}

/**
 * Wraps an authentication middleware so that its refusals (401) are counted per client IP
 * (`req.ip`, honest behind a proxy only with `GATEWAY_TRUST_PROXY`): each refusal carries the
 * `RateLimit` headers of the count; once a client has used up `max` failures in the window, it is
 * answered 429 `AUTH_RATE_LIMITED` (with `Retry-After`) before its token is looked at, until the
 * window ends. Successful authentications are never counted, so a busy client with a valid token
 * is never limited here.
 */
export function limitFailedAuthentication(authenticate: Authenticate, limit: AuthFailureLimit): Authenticate {
  const keyOf = (req: ApiRequest) => `auth-fail:${ipKeyGenerator(req.ip)}`;
  const limiter = limiterOf(
    { windowMs: limit.windowMs, limit: limit.max },
    keyOf,
    (retryAfter) =>
      new HttpProblem(
        429,
        RequestLimitCode.AuthRateLimited,
        'too many failed authentications from this client; wait before trying again',
        {},
        retryAfter,
      ),
  );
  return (req, res, next) => {
    void (async () => {
      const seen = await limiter.getKey(keyOf(req));
      // over the limit: count this attempt too (the limiter answers 429), verify nothing
      if (seen && seen.totalHits >= limit.max) {
        await limiter(req, res, next);
        return;
      }
      await authenticate(req, res, (err?: unknown) => {
        if (err !== undefined && toProblem(err).status === 401) {
          void limiter(req, res, (limited?: unknown) => next(limited ?? err));
        } else next(err);
      });
    })().catch(next);
  };
}

/** The raw HTTP/1.1 response of a problem, for a socket the gateway never saw a request on. */
export function rawProblemResponse(status: number, code: string, detail: string): string {
  const body = JSON.stringify(problemBody(new HttpProblem(status, code, detail)));
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    `Content-Type: ${PROBLEM_JSON}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

/** How long a refused connection may keep sending (its headers are drained) before it is cut. */
const DRAIN_MS = 5000;

/**
 * Answers requests Node's HTTP parser refuses before the gateway sees them, as problem+json: headers larger
 * than the server's `maxHeaderSize` get 431 `HEADERS_TOO_LARGE`, other malformed requests 400
 * `BAD_REQUEST`, a request not received in time 408 `REQUEST_TIMEOUT`. After the answer the connection is half-closed and what the client still sends is
 * read and discarded for a few seconds, so that a client sending a 64 KB header reads the 431
 * instead of a connection reset. A socket whose response has started is closed. `maxHeaderBytes` is
 * the server's `maxHeaderSize` (named in the 431).
 */
export function answerClientErrors(server: HttpServer, maxHeaderBytes = nodeMaxHeaderSize): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // Node calls again for every further chunk the parser refuses; answer once
    if (!socket.writable || socket.writableEnded) return;
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    let response: string | undefined;
    if (inFlight?.headersSent || err.code === 'ECONNRESET') response = undefined;
    else if (err.code === 'HPE_HEADER_OVERFLOW') {
      response = rawProblemResponse(
        431,
        RequestLimitCode.HeadersTooLarge,
        `the request headers are larger than the gateway accepts (${maxHeaderBytes} bytes in all)`,
      );
    } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      response = rawProblemResponse(
        408,
        RequestLimitCode.RequestTimeout,
        'the request was not received in time',
      );
    } else {
      response = rawProblemResponse(400, RequestLimitCode.BadRequest, 'the request is not valid HTTP');
    }
    if (!response) {
      socket.destroy();
      return;
    }
    socket.end(response);
    socket.resume();
    socket.setTimeout(DRAIN_MS, () => socket.destroy());
  });
}
