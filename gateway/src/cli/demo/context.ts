/**
 * What the demo knows about the running network: the gateway's URL and the demo
 * users' bearer tokens, read from the network state folder.
 */
import fs from 'node:fs';
import path from 'node:path';

/** A command line or state problem: printed as one line, exit code 2. */
export class DemoSetupError extends Error {}

/** A demo user as the demo uses it: bearer token plus what the token says. */
export interface DemoUser {
  name: string;
  org: string;
  roles: string[];
  dept?: string;
  /** Pseudonymous id of a citizen or enterprise (the token's `pid` claim). */
  pid?: string;
  token: string;
  /** When the token expires (ms since the epoch). */
  expiresAt: number;
}

/** Everything the demo needs to know about the running network. */
export interface DemoContext {
  /** The gateway's base URL, e.g. http://127.0.0.1:17090. */
  baseUrl: string;
  /** Demo users by name. */
  users: Map<string, DemoUser>;
  /** Organisation labels ("City A") by MSP ID. */
  orgLabels: Map<string, string>;
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new DemoSetupError(`no ${what} at ${file}: start the network and gateway with \`npm run up\``);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DemoSetupError(`${file} is not valid JSON`);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The claims of a JWT, without checking its signature (the gateway does that). */
function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) return {};
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return isRecord(claims) ? claims : {};
  } catch {
    return {};
  }
}

/** The command that mints fresh demo tokens for a state folder. */
export function mintCommand(stateDir: string): string {
  const gw = path.join(stateDir, 'gateway');
  return (
    `(set -a; . ${path.join(gw, 'secrets.env')}; node gateway/dist/cli/mint-token.js --all --json ` +
    `--users-dir ${path.join(stateDir, 'users')} > ${path.join(gw, 'demo-tokens.json')})`
  );
}

/**
 * Reads the gateway URL and the demo tokens of a state folder. Refuses tokens
 * that expire within `minValidityMs`, naming the command that mints new ones.
 */
export function loadContext(stateDir: string, now = Date.now(), minValidityMs = 180_000): DemoContext {
  const network = readJson(path.join(stateDir, 'network.json'), 'network state');
  if (!isRecord(network)) throw new DemoSetupError(`${stateDir}/network.json is not an object`);
  const port = network.gatewayPort;
  if (typeof port !== 'number' || !Number.isInteger(port) || port <= 0 || port > 65535)
    throw new DemoSetupError(`${stateDir}/network.json has no gatewayPort`);
  const orgLabels = new Map<string, string>();
  if (Array.isArray(network.organisations)) {
    for (const o of network.organisations) {
      if (isRecord(o) && typeof o.mspId === 'string')
        orgLabels.set(o.mspId, typeof o.label === 'string' ? o.label : o.mspId);
    }
  }

  const tokensFile = path.join(stateDir, 'gateway', 'demo-tokens.json');
  const tokens = readJson(tokensFile, 'demo tokens (written by `npm run gateway`)');
  if (!isRecord(tokens)) throw new DemoSetupError(`${tokensFile} is not an object`);
  const users = new Map<string, DemoUser>();
  for (const [name, entry] of Object.entries(tokens)) {
    if (!isRecord(entry) || typeof entry.token !== 'string') continue;
    const claims = jwtClaims(entry.token);
    const user: DemoUser = {
      name,
      org: typeof claims.org === 'string' ? claims.org : String(entry.org ?? ''),
      roles: Array.isArray(claims.roles)
        ? claims.roles.filter((r): r is string => typeof r === 'string')
        : [],
      token: entry.token,
      expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : Number.POSITIVE_INFINITY,
    };
    if (typeof claims.dept === 'string') user.dept = claims.dept;
    if (typeof claims.pid === 'string') user.pid = claims.pid;
    users.set(name, user);
  }
  const missing = DEMO_CAST.filter((n) => !users.has(n));
  if (missing.length > 0)
    throw new DemoSetupError(
      `${tokensFile} has no token for ${missing.join(', ')}: was it minted by this version?`,
    );
  const expiring = DEMO_CAST.map((n) => users.get(n) as DemoUser).find(
    (u) => u.expiresAt < now + minValidityMs,
  );
  if (expiring) {
    const when = new Date(expiring.expiresAt).toISOString();
    throw new DemoSetupError(
      `the demo tokens in ${tokensFile} expire${expiring.expiresAt < now ? 'd' : 's'} at ${when}; ` +
        `mint fresh ones (valid 1 hour) from the repository root:\n  ${mintCommand(stateDir)}`,
    );
  }
  for (const name of ['citizen-a1', 'citizen-a2', 'citizen-b1', 'enterprise-a1']) {
    if (!users.get(name)?.pid)
      throw new DemoSetupError(
        `the token of ${name} carries no pid claim: mint the demo tokens with --users-dir`,
      );
  }
  return { baseUrl: `http://127.0.0.1:${port}`, users, orgLabels };
}

/** The demo users the journeys act as. */
export const DEMO_CAST = [
  'admin-a',
  'admin-b',
  'enterprise-a1',
  'issuer-a',
  'approver-fire-a',
  'approver-env-a',
  'approver-market-a',
  'approver-market-b',
  'issuer-b',
  'officer-social-a',
  'citizen-a1',
  'officer-housing-b',
  'finance-a',
  'officer-industry-a',
  'auditor-b',
  'auditor-a',
  'auditor-audit',
  'election-admin-a',
  'election-admin-b',
  'citizen-a2',
  'citizen-b1',
  'citizen-b2',
] as const;
