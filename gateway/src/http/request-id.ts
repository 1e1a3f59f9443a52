/**
 * Request ids: a caller's `X-Request-Id` is kept when it looks safe, otherwise a
 * new UUID is made; the id is echoed in the response and appears in logs and problems.
 */
import type { NextFunction, Request, Response } from 'express';
import crypto from 'node:crypto';

const SAFE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Express middleware that assigns `res.locals.requestId`. */
export function requestId() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && SAFE.test(given) ? given : crypto.randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    next();
  };
}
