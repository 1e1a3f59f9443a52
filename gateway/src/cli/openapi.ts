#!/usr/bin/env node
/**
 * Writes the gateway's OpenAPI document to a file, without Fabric, a wallet, a
 * database file or a configuration: the app is built by `createApp` from inert
 * dependencies (every ledger, wallet, CA and token call would throw; building
 * the app makes none) and an in-memory database, and the document is read from the app's own
 * `GET /openapi.json` on a loopback port that is closed right after, so the file
 * is byte for byte what a running gateway serves.
 *
 *   node gateway/dist/cli/openapi.js [out.json]     (stdout without a file)
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { createApp, type AppDeps } from '../app';

/** The chaincodes a gateway serves with the default configuration (FABRIC_CHAINCODES unset). */
const CHAINCODES = ['e-licence', 'data-sharing', 'fund-tracing', 'e-voting'] as const;

/** An object whose every member, once used, throws: building the app uses none. */
function inert<T extends object>(what: string): T {
  const target = {} as T;
  return new Proxy(target, {
    get(_target, member) {
      return () => {
        throw new Error(`${what}.${String(member)} is not available while writing the OpenAPI document`);
      };
    },
  });
}

/** The dependencies of an app that only serves its OpenAPI document. */
export function documentOnlyDeps(): AppDeps {
  return {
    ledger: inert<AppDeps['ledger']>('ledger'),
    wallet: inert<AppDeps['wallet']>('wallet'),
    ca: inert<AppDeps['ca']>('ca'),
    db: new Database(':memory:'), // the identity administration creates its table when built
    verifier: inert<AppDeps['verifier']>('verifier'),
    logger: pino({ enabled: false }),
    servedOrgs: [],
    chaincodes: Object.fromEntries(CHAINCODES.map((name) => [name, name])),
  };
}

/** The OpenAPI document, exactly as `GET /openapi.json` serves it (JSON text). */
export async function openApiDocument(): Promise<string> {
  const deps = documentOnlyDeps();
  const { app } = createApp(deps);
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/openapi.json`);
    const text = await res.text();
    if (!res.ok) throw new Error(`GET /openapi.json answered ${res.status}: ${text.slice(0, 200)}`);
    return text;
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    deps.db.close();
  }
}

/** Entry point: writes the document (pretty-printed) to the file named, or to stdout. */
async function main(argv: string[]): Promise<void> {
  const out = argv[0];
  const text = `${JSON.stringify(JSON.parse(await openApiDocument()), null, 2)}\n`;
  if (!out) {
    process.stdout.write(text);
    return;
  }
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, text);
  process.stderr.write(`wrote ${out}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`openapi: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
