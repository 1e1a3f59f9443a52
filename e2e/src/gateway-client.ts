/**
 * Calling the REST gateway of the test network over HTTP as a demo user, with
 * the bearer tokens `network.sh gateway` minted into <state>/gateway/demo-tokens.json.
 */
import { readFileSync } from 'fs';
import path from 'path';
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
