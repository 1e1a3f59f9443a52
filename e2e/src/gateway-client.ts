/**
 * Calling the REST gateway of the test network over HTTP as a demo user, with
 * the bearer tokens `network.sh gateway` minted into <state>/gateway/demo-tokens.json.
 *
 * Every response is held to the published contract (./contract.ts): its body must match,
 * strictly, the schema the gateway's OpenAPI document declares for the route and status, or
 * the call throws a ContractDriftError. {@link checkedFetch} does the same for the typed
 * client (@govledger/client), {@link assertEventMatchesContract} for server-sent events.
 */
import { createGovLedgerClient, type GovLedgerClient, type GovLedgerClientOptions } from '@govledger/client';
import { readFileSync } from 'fs';
import path from 'path';
import { contractCacheFile, loadContract, type Contract } from './contract';
import { readNetworkInfo, stateDir } from './test-network';

/** An HTTP response: status, headers and the decoded JSON body (undefined when empty). */
export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** The gateway's base URL, e.g. http://127.0.0.1:17090. */
export function gatewayUrl(): string {
  return `http://127.0.0.1:${readNetworkInfo(stateDir()).gatewayPort}`;
}

/** The bearer token of a demo user. */
export function tokenOf(user: string): string {
  const file = path.join(stateDir(), 'gateway', 'demo-tokens.json');
  const tokens = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { token: string }>;
  const entry = tokens[user];
  if (!entry) throw new Error(`no demo token for ${user} in ${file}`);
  return entry.token;
}

/** The published contract of the test network's gateway (fetched once per run). */
export function gatewayContract(): Promise<Contract> {
  return loadContract(gatewayUrl(), contractCacheFile(stateDir()));
}

/** Throws a ContractDriftError unless the response matches the published contract. */
async function holdToContract(method: string, url: string, status: number, headers: Headers, text: string) {
  const contract = await gatewayContract();
  const u = new URL(url, gatewayUrl());
  contract.check(method, `${u.pathname}${u.search}`, status, headers.get('content-type'), text);
}

/**
 * A fetch for `createGovLedgerClient({ fetch: checkedFetch })`: sends the request and checks
 * the answer against the published contract (event streams are left to
 * {@link assertEventMatchesContract}).
 */
export async function checkedFetch(request: Request): Promise<Response> {
  const method = request.method;
  const response = await fetch(request);
  if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    (await gatewayContract()).check(
      method,
      new URL(request.url).pathname,
      response.status,
      'text/event-stream',
      '',
    );
    return response;
  }
  const text = await response.text();
  await holdToContract(method, request.url, response.status, response.headers, text);
  return new Response(text === '' ? null : text, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * The typed client (@govledger/client) of a demo user, or an anonymous one when `user` is
 * undefined, whose every answer is held to the published contract ({@link checkedFetch}).
 * `options` may turn off the SDK's retries (`retry: false`: one request per call, no
 * Idempotency-Key added), as the journeys that assert on each answer do.
 */
export function sdkClient(
  user: string | undefined,
  options: Pick<GovLedgerClientOptions, 'retry'> = {},
): GovLedgerClient {
  return createGovLedgerClient({
    baseUrl: gatewayUrl(),
    token: user === undefined ? undefined : tokenOf(user),
    fetch: checkedFetch,
    ...options,
  });
}

/**
 * Checks one server-sent event read from `GET /api/v1/events?chaincode=<chaincode>`: the
 * SSE event name and the parsed `data` (see Contract.checkEvent).
 */
export async function assertEventMatchesContract(
  chaincode: string,
  sseEvent: string,
  data: unknown,
): Promise<void> {
  (await gatewayContract()).checkEvent(chaincode, sseEvent, data);
}

/** Sends one request to the gateway as `user` (or anonymously when user is undefined). */
export async function http<T = unknown>(
  user: string | undefined,
  method: string,
  urlPath: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult<T>> {
  const h: Record<string, string> = { ...headers };
  if (user) h.authorization = `Bearer ${tokenOf(user)}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(`${gatewayUrl()}${urlPath}`, {
    method,
    headers: h,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  await holdToContract(method, urlPath, res.status, res.headers, text);
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}
