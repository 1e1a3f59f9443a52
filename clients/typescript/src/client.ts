/**
 * The typed client: openapi-fetch over the types openapi-typescript generated from the gateway's
 * OpenAPI document (src/generated/schema.ts, generated and committed), with the bearer token
 * set on every request and writes made idempotent and safely retried ({@link idempotentFetch}).
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './generated/schema';
import { idempotentFetch, type RetryOptions } from './idempotency';

/** Options of {@link createGovLedgerClient}. */
export interface GovLedgerClientOptions {
  /** The gateway's base URL, e.g. `https://gateway.example.gov` (paths start with /api/v1). */
  baseUrl: string;
  /** The caller's bearer token, or a function that returns a fresh one for each request. */
  token?: string | (() => string | Promise<string>);
  /** Retries of writes and reads (`false`: send each request once, add no Idempotency-Key). */
  retry?: RetryOptions | false;
  /** The fetch to call (default the global one). */
  fetch?: (input: Request) => Promise<Response>;
}

/** A typed client of the gateway: `client.GET('/api/v1/me')`, `client.POST('/api/v1/applications', {body})`... */
export type GovLedgerClient = Client<paths>;

/** Creates a typed client of the gateway. */
export function createGovLedgerClient(options: GovLedgerClientOptions): GovLedgerClient {
  const base = options.fetch ?? ((input: Request) => globalThis.fetch(input));
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    fetch: options.retry === false ? base : idempotentFetch({ ...options.retry, fetch: base }),
  });
  const { token } = options;
  if (token !== undefined) {
    const bearer: Middleware = {
      async onRequest({ request }) {
        const value = typeof token === 'function' ? await token() : token;
        request.headers.set('Authorization', `Bearer ${value}`);
        return request;
      },
    };
    client.use(bearer);
  }
  return client;
}
