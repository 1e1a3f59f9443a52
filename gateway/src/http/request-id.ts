/**
 * Request ids: a caller's `X-Request-Id` is kept when it looks safe, otherwise a
 * new UUID is made; the id is echoed in the response and appears in logs and problems.
 */
import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { localsOf } from './exchange';

const SAFE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Gives the request its id: `locals.requestId` and the `X-Request-Id` response header. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): void {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && SAFE.test(given) ? given : crypto.randomUUID();
  localsOf(res).requestId = id;
  res.setHeader('X-Request-Id', id);
}
