/**
 * Structured JSON logs (pino, pino-http) with the request id on every line. Logs
 * never carry tokens, keys or personal data: request bodies and query strings
 * are not logged, authorization and cookie headers are redacted, and so is any
 * field named like a secret.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/** Field paths that are always redacted. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.privateKey',
  '*.secret',
  '*.password',
  '*.token',
  '*.signature',
  '*.certificate',
  '*.pid',
];

/** Creates the root logger writing JSON to `destination` (stdout by default). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'govledger-gateway' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Per-request logging middleware: one line per request with id, method, path, status and time. */
export function httpLogger(logger: Logger) {
  return pinoHttp<IncomingMessage, ServerResponse>({
    logger,
    genReqId: (_req, res) =>
      String((res as ServerResponse & { locals?: { requestId?: string } }).locals?.requestId ?? ''),
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'info',
    serializers: {
      req: (req: { id?: unknown; method?: string; url?: string; raw?: IncomingMessage }) => ({
        id: req.id,
        method: req.method,
        path: (req.url ?? '').split('?')[0],
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    wrapSerializers: false,
    quietReqLogger: true,
  });
}
