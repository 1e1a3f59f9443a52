/**
 * Limits on what a client may send, each answered with problem+json and a stable code:
 * - the nesting depth of a JSON body (400 `JSON_TOO_DEEP`, checked after parsing, without
 *   recursion, on every route that takes a body);
 * - failed authentications per client IP (429 `AUTH_RATE_LIMITED`, counted only when a token is
 *   refused; while a client is over the limit its tokens are not even verified);
 * - the size of the request headers (431 `HEADERS_TOO_LARGE`, written by the HTTP server's
 *   `clientError` handler, since Node's parser refuses them before Express runs).
 * Every 429 of the gateway carries a `Retry-After` equal to the `reset` of its `RateLimit` header
 * ({@link rateLimitRetryAfter}).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { maxHeaderSize as nodeMaxHeaderSize, STATUS_CODES, type Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
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

/** Express middleware after the JSON parser: refuses a body nested deeper than `maxDepth` (400). */
export function jsonDepthLimit(maxDepth: number): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (jsonTooDeep(req.body, maxDepth)) {
      next(
        new HttpProblem(
          400,
          RequestLimitCode.JsonTooDeep,
          `the JSON body nests objects or arrays more than ${maxDepth} levels deep`,
        ),
      );
    } else next();
  };
}

/**
 * Seconds after which a client refused by express-rate-limit may try again, read from the
 * `RateLimit` header the limiter has just set (draft-7 `reset=N`, draft-8 `t=N`), so that
 * `Retry-After` and `RateLimit` always agree; falls back to the limiter's own `Retry-After`, then 1.
 */
export function rateLimitRetryAfter(res: Response): number {
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
export function limitFailedAuthentication(
  authenticate: (req: Request, res: Response, next: NextFunction) => void | Promise<void>,
  limit: AuthFailureLimit,
): RequestHandler {
  const keyOf = (req: Request) => `auth-fail:${ipKeyGenerator(req.ip ?? '')}`;
  const limiter = rateLimit({
    windowMs: limit.windowMs,
    limit: limit.max,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: keyOf,
    handler: (_req, res, next) =>
      next(
        new HttpProblem(
          429,
          RequestLimitCode.AuthRateLimited,
          'too many failed authentications from this client; wait before trying again',
          {},
          rateLimitRetryAfter(res),
        ),
      ),
  });
  return (req: Request, res: Response, next: NextFunction) => {
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

/** The raw HTTP/1.1 response of a problem, for a socket Express never saw. */
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
 * Answers requests Node's HTTP parser refuses before Express runs, as problem+json: headers larger
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
