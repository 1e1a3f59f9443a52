/**
 * Builds a gateway app for supertest around a {@link FakeLedger}: a temporary
 * wallet with two identities (alice of CityAMSP, bob of CityBMSP), a temporary
 * SQLite file, HS256 tokens, captured logs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createApp, type AppDeps, type GatewayApp } from '../src/app';
import { createTokenVerifier, signDevToken, type DevTokenClaims } from '../src/auth';
import {
  CaUnavailable,
  IdentityExists,
  type CertificateAuthority,
  type EnrolmentRequest,
  type RegisteredIdentity,
} from '../src/fabric/certificate-authority';
import { DEFAULT_CONSORTIUM_FILE, rolesFromConsortium } from '../src/config';
import { openDatabase, type Db } from '../src/writes/database';
import { createLogger } from '../src/logger';
import { GatewayMetrics } from '../src/metrics';
import { Wallet } from '../src/fabric/wallet';
import { FakeLedger } from './fake-ledger';

/** The HS256 secret of the tests. */
export const SECRET = 'unit-test-secret-that-is-at-least-32-chars';
/** Issuer and audience of the tests. */
export const JWT = { issuer: 'govledger-dev', audience: 'govledger-gateway' };
/** The wallet key of the tests. */
export const WALLET_KEY = Buffer.alloc(32, 7);

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
/** Test certificates and keys. */
export const ALICE = { certificate: fixture('alice.cert.pem'), privateKey: fixture('alice.key.pem') };
export const BOB = { certificate: fixture('bob.cert.pem'), privateKey: fixture('bob.key.pem') };
/** Certificates with Fabric CA attributes (fixtures/make-attr-certs.sh): admins of City A and B. */
export const ADMIN_A = { certificate: fixture('admin-a.cert.pem'), privateKey: fixture('admin-a.key.pem') };
export const ADMIN_B = { certificate: fixture('admin-b.cert.pem'), privateKey: fixture('admin-b.key.pem') };
/** gov.role officer+approver, gov.dept fire: attributes, but not admin. */
export const OFFICER_A = {
  certificate: fixture('officer-a.cert.pem'),
  privateKey: fixture('officer-a.key.pem'),
};
/** gov.role sub-admin+administrator: roles that merely contain the word admin. */
export const SUB_ADMIN_A = {
  certificate: fixture('sub-admin-a.cert.pem'),
  privateKey: fixture('sub-admin-a.key.pem'),
};

/**
 * A fake CA that "enrols" with the alice fixture and records requests. `registered` is its
 * identity registry (seed it with identities registered outside the gateway); `roles` the
 * organisations' allow-lists (by default the consortium file's, as the configuration derives
 * them); `unavailable` makes the registry unreadable; `registerDelayMs` slows registrations.
 */
export class FakeCa implements CertificateAuthority {
  readonly requests: { mspId: string; request: EnrolmentRequest }[] = [];
  readonly registered: { mspId: string; name: string; attrs: Record<string, string> }[] = [];
  roles: Record<string, string[]> = Object.fromEntries(
    rolesFromConsortium(JSON.parse(fs.readFileSync(DEFAULT_CONSORTIUM_FILE, 'utf8'))),
  );
  unavailable = false;
  /** How long a registration takes (concurrency tests). */
  registerDelayMs = 0;
  async registerAndEnroll(mspId: string, request: EnrolmentRequest) {
    this.requests.push({ mspId, request });
    if (this.registerDelayMs > 0) await new Promise((r) => setTimeout(r, this.registerDelayMs));
    if (this.registered.some((r) => r.mspId === mspId && r.name === request.name)) {
      throw new IdentityExists(request.name, mspId);
    }
    this.registered.push({ mspId, name: request.name, attrs: request.attrs });
    return { ...ALICE };
  }
  async holdersOfPid(_mspId: string, pid: string): Promise<RegisteredIdentity[]> {
    if (this.unavailable) throw new CaUnavailable(_mspId);
    return this.registered
      .filter((r) => r.attrs['gov.pid'] === pid)
      .map((r) => ({ mspId: r.mspId, name: r.name }));
  }
  issuableRoles(mspId: string): readonly string[] {
    return this.roles[mspId] ?? [];
  }
}

/** Signs a token for the tests. */
export function token(
  claims: Partial<DevTokenClaims> & { sub: string },
  ttlSec = 600,
  secret = SECRET,
): Promise<string> {
  const full: DevTokenClaims = { org: 'CityAMSP', roles: [], ...claims };
  return signDevToken(new TextEncoder().encode(secret), full, { ...JWT, ttlSec });
}

/** A running test gateway. */
export interface Harness {
  gateway: GatewayApp;
  ledger: FakeLedger;
  wallet: Wallet;
  db: Db;
  ca: FakeCa;
  dir: string;
  dbPath: string;
  logs: string[];
  /** Bearer header value for a subject. */
  bearer(claims: Partial<DevTokenClaims> & { sub: string }): Promise<string>;
  /** Closes the database (at once) and the shared storage passed in `overrides.storage`, if any. */
  close(): Promise<void>;
}

/** Builds a harness; `overrides` replace app dependencies. */
export async function makeHarness(
  overrides: Partial<AppDeps> = {},
  reuse?: { dir: string; ledger?: FakeLedger },
): Promise<Harness> {
  const dir = reuse?.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gw-test-'));
  const ledger = reuse?.ledger ?? new FakeLedger();
  const wallet = new Wallet(path.join(dir, 'wallet'), WALLET_KEY);
  await wallet.put({ mspId: 'CityAMSP', label: 'alice', ...ALICE });
  await wallet.put({ mspId: 'CityBMSP', label: 'bob', ...BOB });
  const dbPath = path.join(dir, 'gateway.db');
  const db = openDatabase(dbPath);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const ca = new FakeCa();
  const gateway = createApp({
    ledger,
    wallet,
    ca,
    db,
    verifier: createTokenVerifier({
      mode: 'hs256',
      secret: new TextEncoder().encode(SECRET),
      ...JWT,
      clockToleranceSec: 0,
    }),
    logger: createLogger('info', sink),
    metrics: new GatewayMetrics(false),
    servedOrgs: ['CityAMSP', 'CityBMSP'],
    chaincodes: {
      'e-licence': 'e-licence',
      'data-sharing': 'data-sharing',
      'fund-tracing': 'fund-tracing',
      'e-voting': 'e-voting',
    },
    chaincodeRouteDeps: { electionKeysDir: path.join(dir, 'election-keys'), walletKey: WALLET_KEY },
    sseHeartbeatMs: 1000,
    readinessCacheMs: 0,
    ...overrides,
  });
  return {
    gateway,
    ledger,
    wallet,
    db,
    ca,
    dir,
    dbPath,
    logs,
    bearer: async (claims) => `Bearer ${await token(claims)}`,
    close: () => {
      db.close();
      return overrides.storage ? overrides.storage.close() : Promise.resolve();
    },
  };
}
