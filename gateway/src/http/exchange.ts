/**
 * The request and response of the API pipeline (`/api/...`, {@link ./api-pipeline}): Node's own
 * `IncomingMessage` and `ServerResponse` with what the pipeline has read from the request (path,
 * query, path parameters, JSON body, client address) and what it has learnt while answering
 * (`locals`: request id, caller, matched route). No framework objects: a request costs Node's HTTP
 * server and the gateway's own steps only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import type { TLSSocket } from 'node:tls';
import type { Caller } from '../caller';

/** What the pipeline learns about a request while answering it. */
export interface Locals {
  /** The request's id (http/request-id.ts). */
  requestId?: string;
  /** The authenticated caller (auth.ts). */
  caller?: Caller;
  /** The matched route's path as the metrics label it (`/api/v1/licences/:licenceId`). */
  route?: string;
}

/** A request on the API pipeline. */
export interface ApiRequest extends IncomingMessage {
  /** The path, without the query string. */
  path: string;
  /** Query parameters (a repeated name gives an array). */
  query: Record<string, string | string[]>;
  /** Path parameters of the matched route, percent-decoded. */
  params: Record<string, string>;
  /** The parsed JSON body; undefined when the request has none. */
  body: unknown;
  /** The client's address: the first `X-Forwarded-For` entry when the gateway trusts its proxy. */
  ip: string;
  /** `https` or `http`: the connection's, or the first `X-Forwarded-Proto` entry behind a trusted proxy. */
  protocol: string;
}

/** A response on the API pipeline. */
export interface ApiResponse extends ServerResponse {
  locals: Locals;
}

/** The `locals` of any response (the API's, or one Express also handles), created on first use. */
export function localsOf(res: ServerResponse): Locals {
  const r = res as ServerResponse & { locals?: Locals };
  return (r.locals ??= {});
}

/** Reads the path and query of `req.url` and the client address into the request. */
export function readRequestLine(req: IncomingMessage, trustProxy: boolean): ApiRequest {
  const api = req as ApiRequest;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  api.path = q < 0 ? url : url.slice(0, q);
  api.query = q < 0 ? {} : queryOf(url.slice(q + 1));
  api.params = {};
  api.body = undefined;
  api.ip = clientAddress(req, trustProxy);
  api.protocol = protocolOf(req, trustProxy);
  return api;
}

/** Parses a query string as `name=value` pairs (repeated names: arrays; no nested objects). */
function queryOf(text: string): Record<string, string | string[]> {
  const parsed = parseQueryString(text);
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(parsed)) if (v !== undefined) out[k] = v;
  return out;
}

/** The client's address; behind a trusted proxy the first `X-Forwarded-For` entry. */
function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined;
  if (typeof forwarded === 'string') {
    const first = forwarded.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? '';
}

/** The request's protocol; behind a trusted proxy the first `X-Forwarded-Proto` entry. */
function protocolOf(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.headers['x-forwarded-proto'] : undefined;
  if (typeof forwarded === 'string') {
    const first = forwarded.split(',')[0]?.trim();
    if (first) return first;
  }
  return (req.socket as TLSSocket).encrypted ? 'https' : 'http';
}

/** Answers with `body` (already serialised) as `contentType`, unless an answer has started. */
export function sendText(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.statusCode = status;
  res.setHeader('Content-Type', withCharset(contentType));
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** Answers with `value` as JSON. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  sendText(res, status, 'application/json', JSON.stringify(value) ?? '');
}

/** A text media type with `; charset=utf-8` added when it names none. */
function withCharset(contentType: string): string {
  if (/;\s*charset=/i.test(contentType)) return contentType;
  return /^(text\/|application\/(.+\+)?json\b)/i.test(contentType)
    ? `${contentType}; charset=utf-8`
    : contentType;
}
