/**
 * Structured JSON logs (pino) with the request id on every line. Logs
 * never carry tokens, keys or personal data: request bodies and query strings
 * are not logged, authorization and cookie headers are redacted, and so is any
 * field named like a secret.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type Logger } from 'pino';
import { localsOf } from './http/exchange';

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

/**
 * Creates the root logger writing JSON to `destination`; by default to stdout, buffered: lines go
 * out in one write once 4 KiB are waiting or 100 ms after the last write (a request costs no
 * system call of its own); what is still buffered is written synchronously when the process exits.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'govledger-gateway' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return pino(
    options,
    destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 100 }),
  );
}

/**
 * Per-request logging: one line per request when its response is finished (or the
 * connection closed first), with the request id, method, path (never the query string), status and
 * time in ms, as pino-http wrote it: `request completed` (info), `request aborted` (info),
 * `request errored` (error, any 5xx, with an `err` naming the status). Built without child loggers
 * per request, so a request costs one log call.
 */
export function httpLogger(logger: Logger) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const start = Date.now();
    const method = req.method;
    const path = (req.url ?? '').split('?')[0];
    const onDone = () => {
      res.removeListener('finish', onDone);
      res.removeListener('close', onDone);
      if (!logger.isLevelEnabled('info')) return;
      const id = localsOf(res).requestId ?? '';
      const line = {
        reqId: id,
        req: { id, method, path },
        res: { statusCode: res.statusCode },
        responseTime: Date.now() - start,
      };
      if (res.statusCode >= 500) {
        logger.error(
          { ...line, err: { type: 'Error', message: `failed with status code ${res.statusCode}` } },
          'request errored',
        );
      } else {
        logger.info(
          line,
          !req.readableAborted && res.writableEnded ? 'request completed' : 'request aborted',
        );
      }
    };
    res.on('finish', onDone);
    res.on('close', onDone);
  };
}
