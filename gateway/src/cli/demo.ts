#!/usr/bin/env node
/**
 * `npm run demo`: the whole of GovLedger at work in about a minute, over plain
 * HTTP against the running network and gateway (`npm run up`).
 *
 * One short journey per chaincode, each step printed with who acts, what they
 * do, the HTTP method and path, the status and the key result:
 *
 *  1. e-licence: a City A enterprise applies once for a food business licence;
 *     three departments approve, each under its own identity; the last approval
 *     issues the licence; City B verifies it (recognised as its own type, with
 *     one selectively disclosed claim) and spots a tampered copy.
 *  2. data-sharing: a City A department lists a data category; a citizen
 *     consents to City B's housing department; City B gets an access ticket;
 *     City A's system verifies the ticket; the citizen reads the access in
 *     their log.
 *  3. fund-tracing: City A's finance creates and allocates a program; the
 *     industry department pays an enterprise; the enterprise spends, once
 *     outside the allowed categories, which raises an alert that City B's
 *     auditor resolves; the Audit Office traces the spend back to the budget.
 *  4. e-voting: a secret election (opens 15 s after creation, closes 20 s
 *     later); voters of both cities blind their tokens here, as a voter's app
 *     would, get them signed by the gateway, unblind them and vote through the
 *     anonymous ballot box; a reused token is refused; City B tallies after the
 *     close, the count is verified and a voter finds their ballot by receipt.
 *
 * Reads the gateway port from `<state>/network.json` (`gatewayPort`) and the
 * demo users' bearer tokens from `<state>/gateway/demo-tokens.json`. Every run
 * uses fresh ids, so it can run again and again on the same network.
 * Exit codes: 0 done, 1 a step failed (printed with its HTTP status and
 * problem+json), 2 bad arguments or no usable network state.
 *
 *   demo [--state-dir DIR]       default DIR: <repo>/.network
 */
import { BlindRSA, getSuiteByName } from '@cloudflare/blindrsa-ts';
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

// ---------------------------------------------------------------- arguments and state

/** What the command line asks for. */
export interface DemoOptions {
  /** The network state folder (holds network.json and gateway/demo-tokens.json). */
  stateDir: string;
  /** Print the usage and stop. */
  help: boolean;
}

/** A command line or state problem: printed as one line, exit code 2. */
export class DemoSetupError extends Error {}

/** The usage text. */
export const USAGE = `usage: npm run demo [-- --state-dir DIR]

Runs one short journey per chaincode through the REST gateway of a running
GovLedger network (start one with \`npm run up\`).

  --state-dir DIR   network state folder (default: <repo>/.network)
  -h, --help        this text`;

/** The repository root (this file is gateway/src/cli/demo.ts, or gateway/dist/cli/demo.js once built). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Parses the command line (without the node and script arguments). */
export function parseArgs(argv: readonly string[], repoRoot: string = REPO_ROOT): DemoOptions {
  let stateDir = path.join(repoRoot, '.network');
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h' || arg === '--help') {
      help = true;
    } else if (arg === '--state-dir' || arg.startsWith('--state-dir=')) {
      const value = arg === '--state-dir' ? argv[++i] : arg.slice('--state-dir='.length);
      if (!value || value.startsWith('-')) throw new DemoSetupError('--state-dir needs a folder');
      stateDir = path.resolve(value);
    } else {
      throw new DemoSetupError(`unknown argument "${arg}" (try --help)`);
    }
  }
  return { stateDir, help };
}

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
  'approver-fire-a',
  'approver-env-a',
  'approver-market-a',
  'issuer-b',
  'officer-social-a',
  'citizen-a1',
  'officer-housing-b',
  'finance-a',
  'officer-industry-a',
  'auditor-b',
  'auditor-audit',
  'election-admin-a',
  'election-admin-b',
  'citizen-a2',
  'citizen-b1',
  'citizen-b2',
] as const;

// ---------------------------------------------------------------- output

/** Where text goes: process.stdout, process.stderr, or anything alike. */
export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Terminal output with optional colour (off when not a TTY or when NO_COLOR is set). */
export class Printer {
  readonly tty: boolean;
  readonly #color: boolean;

  constructor(readonly out: TextSink = process.stdout) {
    this.tty = out.isTTY === true;
    this.#color = this.tty && !process.env.NO_COLOR;
  }

  #paint(code: string, text: string): string {
    return this.#color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }
  bold = (t: string) => this.#paint('1', t);
  dim = (t: string) => this.#paint('2', t);
  green = (t: string) => this.#paint('32', t);
  red = (t: string) => this.#paint('31', t);
  yellow = (t: string) => this.#paint('33', t);
  cyan = (t: string) => this.#paint('36', t);

  line(text = ''): void {
    this.out.write(`${text}\n`);
  }
  /** Rewrites the current line (TTY only). */
  overwrite(text: string): void {
    this.out.write(`\r${text}\x1b[K`);
  }
}

/** A step that did not go as it should: exit code 1 with what the gateway answered. */
export class DemoStepError extends Error {
  constructor(
    message: string,
    readonly step: string,
    readonly request: string,
    readonly status?: number,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------- HTTP steps

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A problem+json body, as far as the demo reads it. */
interface Problem {
  code?: string;
  detail?: string;
}

/** Body of a committed write. */
interface Written<T> {
  transactionId: string;
  blockNumber: string;
  result: T;
}

/** One HTTP step of a journey. */
interface Step<T> {
  /** The demo user who calls, or undefined for a call without credentials. */
  who: string | undefined;
  /** What they do, in words. */
  what: string;
  method: Method;
  path: string;
  body?: unknown;
  /** A write that waits for the commit: the answer is `{transactionId, blockNumber, result}`. */
  write?: boolean;
  /** Not a plain write, but the gateway commits a transaction for it (counted in the summary). */
  commits?: true;
  /** A refusal the step expects (status and problem code) instead of success. */
  refusal?: { status: number; code: string };
  /**
   * The step builds on what another organisation just committed, which that
   * organisation's peer may not have yet: retry a 404, and (for reads) an
   * answer that does not satisfy the predicate, for a few seconds.
   */
  settle?: true | ((result: T) => boolean);
  /** Checks the result; returns what is wrong, if anything. */
  check?: (result: T) => string | undefined;
  /** The key result, in words (may hold several lines). */
  show: (result: T) => string;
}

/** What the gateway answered. */
interface Answer {
  status: number;
  body: unknown;
  ms: number;
}

/** Ends a step with a failure. */
type Fail = (message: string, status?: number, body?: unknown) => never;

/** The connection failed or dropped before an answer arrived. */
class ConnectionLost extends Error {
  constructor(
    message: string,
    /** Whether sending again makes sense (not after a timeout: the gateway did answer nothing for long). */
    readonly retry: boolean,
  ) {
    super(message);
  }
}

const RESEND_TRIES = 3;
const IN_FLIGHT_TRIES = 90;
const GATEWAY_BACK_MS = 60_000;
const SETTLE_TRIES = 24;
const SETTLE_PAUSE_MS = 250;
const REQUEST_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs steps against the gateway and prints them. */
class Runner {
  steps = 0;
  commits = 0;
  readonly #ctx: DemoContext;
  readonly #p: Printer;
  readonly #runId: string;

  constructor(ctx: DemoContext, printer: Printer, runId: string) {
    this.#ctx = ctx;
    this.#p = printer;
    this.#runId = runId;
  }

  /** A demo user (known to exist: loadContext checked the cast). */
  user(name: string): DemoUser {
    const u = this.#ctx.users.get(name);
    if (!u) throw new DemoSetupError(`no demo token for ${name}`);
    return u;
  }

  /** The pid of a citizen or enterprise. */
  pid(name: string): string {
    return this.user(name).pid as string;
  }

  #whoLabel(who: string | undefined): string {
    if (!who) return 'no credentials';
    const org = this.user(who).org;
    return `${who} · ${this.#ctx.orgLabels.get(org) ?? org}`;
  }

  /** Prints a journey heading. */
  journey(n: number, total: number, chaincode: string, title: string): void {
    this.#p.line();
    this.#p.line(this.#p.bold(`━━ ${n}/${total} ${chaincode} ━━ ${title}`));
  }

  /** Prints a step that happens on the caller's device, with no HTTP. */
  local(who: string, what: string, result: string): void {
    this.#p.line(`  ${this.#p.dim('··')} ${this.#p.cyan(`${who} · on the device`)}  ${what}`);
    this.#p.line(`     ${this.#p.green('→')} ${result}`);
  }

  /** One HTTP exchange; a connection that fails or drops throws {@link ConnectionLost}. */
  async #send(step: Step<unknown>, idempotencyKey?: string): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (step.who) headers.authorization = `Bearer ${this.user(step.who).token}`;
    if (step.body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    const started = Date.now();
    let text: string;
    let status: number;
    try {
      const res = await fetch(`${this.#ctx.baseUrl}${step.path}`, {
        method: step.method,
        headers,
        body: step.body === undefined ? undefined : JSON.stringify(step.body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError')
        throw new ConnectionLost(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`, false);
      throw new ConnectionLost(e.cause?.code ?? e.message, true);
    }
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = text;
      }
    }
    return { status, body, ms: Date.now() - started };
  }

  /** Waits until the gateway answers /livez again (after a restart), up to `ms`. */
  async #waitForGateway(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      try {
        const res = await fetch(`${this.#ctx.baseUrl}/livez`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.ok) return true;
      } catch {
        // not back yet
      }
      await sleep(500);
    }
    return false;
  }

  /**
   * Sends a step, riding out a gateway restart or a ledger hiccup: after a lost
   * connection it waits for the gateway and sends the same request again — a
   * write with the same Idempotency-Key, so it is never written twice — and a
   * 503 that says `retrySafe` is tried again after Retry-After.
   */
  async #sendSafely(step: Step<unknown>, idempotencyKey: string | undefined, fail: Fail): Promise<Answer> {
    const p = this.#p;
    for (let attempt = 1; ; attempt++) {
      let answer: Answer;
      try {
        answer = await this.#send(step, idempotencyKey);
      } catch (err) {
        if (!(err instanceof ConnectionLost)) throw err;
        if (!err.retry || attempt > RESEND_TRIES) {
          return fail(
            `cannot reach the gateway at ${this.#ctx.baseUrl} (${err.message}); is it running? \`npm run gateway\``,
          );
        }
        p.line(
          `     ${p.yellow('↻')} connection lost (${err.message}); waiting for the gateway, then sending it again` +
            (idempotencyKey ? ` with the same Idempotency-Key` : ''),
        );
        if (!(await this.#waitForGateway(GATEWAY_BACK_MS)))
          return fail(
            `the gateway at ${this.#ctx.baseUrl} did not come back within ${GATEWAY_BACK_MS / 1000} s`,
          );
        continue;
      }
      const problem = answer.body as (Problem & { retrySafe?: boolean }) | undefined;
      const inUse = answer.status === 409 && problem?.code === 'IDEMPOTENCY_KEY_IN_USE';
      if (inUse && attempt <= IN_FLIGHT_TRIES) {
        // the first send is still being settled by the restarted gateway
        await sleep(1000);
        continue;
      }
      if (answer.status === 503 && problem?.retrySafe === true && attempt <= RESEND_TRIES) {
        p.line(`     ${p.yellow('↻')} ${answer.status} ${problem.code ?? ''}: trying again`);
        await sleep(1000 * Math.min(attempt, 3));
        continue;
      }
      return answer;
    }
  }

  /** Runs one step: sends it (retrying while it settles), checks and prints it; returns its result. */
  async run<T>(step: Step<T>): Promise<T> {
    const n = ++this.steps;
    const p = this.#p;
    const request = `${step.method} ${step.path}`;
    p.line(`  ${p.dim(String(n).padStart(2))} ${p.cyan(this.#whoLabel(step.who))}  ${step.what}`);
    const fail = (message: string, status?: number, body?: unknown): never => {
      throw new DemoStepError(message, `${n}. ${step.who ?? 'anyone'}: ${step.what}`, request, status, body);
    };

    let status = 0;
    let body: unknown;
    let ms = 0;
    let result: T | undefined;
    for (let attempt = 1; ; attempt++) {
      // a new key for each settling attempt: the previous one was refused, nothing was written
      const key = step.write || step.commits ? `demo-${this.#runId}-${n}-${attempt}` : undefined;
      ({ status, body, ms } = await this.#sendSafely(step as Step<unknown>, key, fail));
      const ok = status >= 200 && status < 300;
      const last = !step.settle || attempt >= SETTLE_TRIES;
      if (ok && !step.refusal) {
        result = (step.write ? (body as Written<T>).result : body) as T;
        if (!last && !step.write && typeof step.settle === 'function' && !step.settle(result)) {
          await sleep(SETTLE_PAUSE_MS);
          continue;
        }
        break;
      }
      if (status === 404 && !last) {
        await sleep(SETTLE_PAUSE_MS);
        continue;
      }
      break;
    }

    const statusText = `${status} ${STATUS_TEXT[status] ?? ''}`.trim();
    const timing = `${(ms / 1000).toFixed(1)} s`;
    if (step.refusal) {
      const code = (body as Problem | undefined)?.code;
      if (status !== step.refusal.status || code !== step.refusal.code)
        fail(
          `expected ${step.refusal.status} ${step.refusal.code}, got ${status} ${code ?? ''}`,
          status,
          body,
        );
      p.line(`     ${p.dim(request)}  ${p.yellow(statusText)}  ${p.dim(timing)}`);
      p.line(`     ${p.green('→')} refused, as it must be: ${code} — ${(body as Problem).detail ?? ''}`);
      return undefined as T;
    }
    if (status < 200 || status >= 300) fail(`the gateway answered ${statusText}`, status, body);
    if (typeof step.settle === 'function' && !step.settle(result as T))
      fail('the result never showed what the step waits for', status, body);
    const problem = step.check?.(result as T);
    if (problem) fail(`unexpected result: ${problem}`, status, body);
    let shown: string;
    try {
      shown = step.show(result as T);
    } catch (err) {
      return fail(`unexpected result (${(err as Error).message})`, status, body);
    }
    const block = step.write ? `  block ${(body as Written<T>).blockNumber}` : '';
    if (step.write || step.commits) this.commits++;
    p.line(`     ${p.dim(request)}  ${p.green(statusText)}${p.dim(block)}  ${p.dim(timing)}`);
    p.line(`     ${p.green('→')} ${shown.split('\n').join('\n       ')}`);
    return result as T;
  }

  /** Waits until `atMs`, showing a countdown. */
  async countdown(label: string, atMs: number): Promise<void> {
    const p = this.#p;
    const left = () => Math.max(0, Math.ceil((atMs - Date.now()) / 1000));
    if (p.tty) {
      while (Date.now() < atMs) {
        p.overwrite(`     ${p.yellow('⏳')} ${label} in ${left()} s`);
        await sleep(Math.min(1000, Math.max(10, atMs - Date.now())));
      }
      p.overwrite(`     ${p.yellow('⏳')} ${label} now\n`);
      return;
    }
    let next = left();
    while (Date.now() < atMs) {
      if (left() <= next) {
        p.line(`     ⏳ ${label} in ${left()} s`);
        next = left() - 5;
      }
      await sleep(Math.min(1000, Math.max(10, atMs - Date.now())));
    }
    p.line(`     ⏳ ${label} now`);
  }
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

// ---------------------------------------------------------------- helpers

const sha256hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const salt = () => randomBytes(32).toString('hex');
const short = (id: string, n = 12) => (id.length > n ? `${id.slice(0, n)}…` : id);
const iso = (ms: number) => new Date(ms).toISOString();

/** Fen (decimal string) as yuan, e.g. "150000000" → "¥1,500,000.00". */
export function yuan(fen: string): string {
  const v = BigInt(fen);
  const whole = (v / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `¥${whole}.${(v % 100n).toString().padStart(2, '0')}`;
}

// ---------------------------------------------------------------- journey 1: e-licence

interface LicenceType {
  code: string;
  ownerMsp: string;
  requiredApprovals: string[];
}
interface ApplicationView {
  applicationId: string;
  status: string;
  approvedDepts: string[];
  pendingDepts: string[];
  elapsedMs: number;
  timeline: { event: string }[];
}
interface Licence {
  licenceId: string;
  status: string;
  issuerMsp: string;
  validUntil: string | null;
  claimHashes: Record<string, string>;
}
interface VerifyResult {
  found: boolean;
  status: string;
  valid: boolean;
  recognition: { org: string; recognised: boolean; basis: string; localTypeCode: string | null } | null;
  documentHashMatch: boolean | null;
  claims: { name: string; known: boolean; match: boolean }[];
}

async function licenceJourney(r: Runner, run: string): Promise<void> {
  const typeA = `A-FOOD-${run}`;
  const typeB = `B-FOOD-${run}`;
  const appId = `APP-FOOD-${run}`;
  const claims = {
    companyName: { value: `Riverside Fresh Foods ${run}`, salt: salt() },
    registeredCapital: { value: '5000000.00', salt: salt() },
    businessScope: { value: 'Wholesale and retail of prepackaged food', salt: salt() },
  };
  const licencePrivate = {
    holder: {
      legalName: `Riverside Fresh Foods Ltd ${run}`,
      legalRepresentative: 'Zhang Wei',
      address: '88 Riverside Road, City A',
    },
    claims,
    salt: salt(),
  };
  const documentHash = sha256hex(`%PDF-1.7 food business licence ${appId}`);

  await r.run<LicenceType>({
    who: 'admin-a',
    what: 'defines a food business licence type that three departments must approve',
    method: 'POST',
    path: '/api/v1/licence-types',
    write: true,
    body: {
      code: typeA,
      name: 'Food business licence (City A)',
      dept: 'market',
      holderKind: 'enterprise',
      validity: { kind: 'days', days: 365 },
      claims: Object.keys(claims),
      requiredApprovals: ['market', 'fire', 'environment'],
    },
    show: (t) => `type ${t.code}, approvals needed: ${t.requiredApprovals.join(', ')}`,
  });
  await r.run<LicenceType>({
    who: 'admin-b',
    what: "defines City B's own food operation permit",
    method: 'POST',
    path: '/api/v1/licence-types',
    write: true,
    body: {
      code: typeB,
      name: 'Food operation permit (City B)',
      dept: 'market',
      holderKind: 'enterprise',
      validity: { kind: 'days', days: 730 },
      claims: ['companyName', 'businessScope'],
      requiredApprovals: ['market'],
    },
    show: (t) => `type ${t.code} owned by ${t.ownerMsp}`,
  });
  await r.run<{ foreignTypeCode: string; localTypeCode: string; status: string }>({
    who: 'admin-b',
    what: "recognises City A's licence as equivalent to its own permit",
    method: 'POST',
    path: '/api/v1/recognitions',
    write: true,
    settle: true,
    body: { localTypeCode: typeB, foreignTypeCode: typeA },
    show: (x) => `${x.foreignTypeCode} counts as ${x.localTypeCode} in City B (${x.status})`,
  });
  await r.run<ApplicationView>({
    who: 'enterprise-a1',
    what: 'submits ONE application; personal data goes as transient data, only hashes are public',
    method: 'POST',
    path: '/api/v1/applications',
    write: true,
    body: { applicationId: appId, typeCode: typeA, licencePrivate },
    check: (a) => (a.status === 'pending' ? undefined : `status ${a.status}`),
    show: (a) => `application ${a.applicationId} ${a.status}, waiting for ${a.pendingDepts.join(', ')}`,
  });
  const approvers: [string, string][] = [
    ['approver-fire-a', 'fire safety'],
    ['approver-env-a', 'environment'],
    ['approver-market-a', 'market regulation'],
  ];
  for (const [who, dept] of approvers) {
    const last = who === 'approver-market-a';
    await r.run<{ application: ApplicationView; licence: Licence | null }>({
      who,
      what: `approves for ${dept}${last ? ' — the last approval' : ''}`,
      method: 'POST',
      path: `/api/v1/applications/${appId}/approvals`,
      write: true,
      body: { documentHash },
      check: (x) =>
        last && (x.application.status !== 'issued' || !x.licence)
          ? 'the last approval did not issue the licence'
          : undefined,
      show: (x) =>
        x.licence
          ? `licence ${x.licence.licenceId} ISSUED in this same transaction, valid until ` +
            `${x.licence.validUntil?.slice(0, 10)}; ${x.application.timeline.length} timeline entries, ` +
            `${(x.application.elapsedMs / 1000).toFixed(1)} s from submission to licence`
          : `approved by ${x.application.approvedDepts.join(', ')}; still pending: ${x.application.pendingDepts.join(', ')}`,
    });
  }
  await r.run<VerifyResult>({
    who: 'issuer-b',
    what: 'verifies the licence with its document hash and one disclosed claim (registered capital)',
    method: 'POST',
    path: `/api/v1/licences/${appId}/verification`,
    body: { documentHash, claims: [{ name: 'registeredCapital', ...claims.registeredCapital }] },
    settle: (v) => v.found,
    check: (v) => (v.valid && v.recognition?.recognised ? undefined : `valid=${v.valid}`),
    show: (v) =>
      `${v.status}; recognised in ${v.recognition?.org} as ${v.recognition?.localTypeCode} ` +
      `(${v.recognition?.basis}); document ${v.documentHashMatch ? 'matches' : 'differs'}; ` +
      v.claims.map((c) => `${c.name} ${c.match ? 'matches' : 'differs'}`).join(', '),
  });
  await r.run<VerifyResult>({
    who: 'issuer-b',
    what: 'checks a tampered copy of the licence document',
    method: 'POST',
    path: `/api/v1/licences/${appId}/verification`,
    body: { documentHash: sha256hex(`%PDF-1.7 food business licence ${appId} (edited)`) },
    check: (v) => (v.valid || v.documentHashMatch !== false ? 'the tampered copy passed' : undefined),
    show: () => 'NOT valid: the document hash does not match the ledger — tampering detected',
  });
}

// ---------------------------------------------------------------- journey 2: data-sharing

interface Dept {
  mspId: string;
  dept: string;
}
interface Consent {
  consentId: string;
  state: string;
  grantee: Dept;
  fields: string[];
  purpose: string;
  usesLeft: number | null;
  validUntil: string;
}
type AccessResult =
  | { granted: true; accessId: string; ticket: { ticketId: string; hash: string; expiresAt: string } }
  | { granted: false; accessId: string; code: string; reason: string };
interface Access {
  accessId: string;
  time: string;
  granted: boolean;
  requester: Dept;
  fields: string[];
  purpose: string;
  basis: { kind: string; id: string } | null;
}

async function dataSharingJourney(r: Runner, run: string): Promise<void> {
  const category = `SOCINS-${run}`;
  const consentId = `CNS-${run}`;
  const accessId = `ACC-${run}`;
  const citizenPid = r.pid('citizen-a1');

  await r.run<{ code: string; fields: string[]; sensitivity: string }>({
    who: 'officer-social-a',
    what: 'lists the social insurance record in the data catalogue (the data stays in its own system)',
    method: 'POST',
    path: '/api/v1/data-categories',
    write: true,
    body: {
      code: category,
      description: 'Social insurance contribution record',
      fields: ['monthlyBase', 'contributionStatus', 'employerCode'],
      sensitivity: 'high',
      serviceRef: 'https://social.city-a.example/api/v1/records',
    },
    show: (c) => `category ${c.code}: ${c.fields.join(', ')} (sensitivity ${c.sensitivity})`,
  });
  await r.run<Consent>({
    who: 'citizen-a1',
    what: "consents to City B's housing department seeing one field, for a housing subsidy, 3 uses",
    method: 'POST',
    path: '/api/v1/consents',
    write: true,
    body: {
      consentId,
      grantee: { mspId: 'CityBMSP', dept: 'housing' },
      categoryCode: category,
      fields: ['contributionStatus'],
      purpose: 'HOUSING_SUBSIDY',
      validFrom: iso(Date.now() - 60_000),
      validUntil: iso(Date.now() + 24 * 3600_000),
      maxUses: 3,
    },
    show: (c) =>
      `consent ${c.consentId} ${c.state}, ${c.usesLeft} uses left, until ${c.validUntil.slice(0, 16)}Z`,
  });
  await r.run<Consent>({
    who: 'officer-housing-b',
    what: 'sees the consent given to its department',
    method: 'GET',
    path: `/api/v1/consents/${consentId}`,
    settle: (c) => c.state === 'active',
    show: (c) =>
      `${c.state}: ${c.grantee.mspId}/${c.grantee.dept} may see ${c.fields.join(', ')} for ${c.purpose}`,
  });
  const access = await r.run<AccessResult>({
    who: 'officer-housing-b',
    what: "asks for the citizen's contribution status for the housing subsidy",
    method: 'POST',
    path: '/api/v1/access-requests',
    write: true,
    body: {
      accessId,
      citizenPid,
      categoryCode: category,
      fields: ['contributionStatus'],
      purpose: 'HOUSING_SUBSIDY',
      ticketTtlSeconds: 600,
    },
    check: (a) => (a.granted ? undefined : `refused: ${a.code} ${a.reason}`),
    show: (a) =>
      a.granted
        ? `granted under the consent: ticket ${a.ticket.ticketId} (hash ${short(a.ticket.hash)}), ` +
          `expires ${a.ticket.expiresAt.slice(11, 19)}Z`
        : `refused: ${a.code}`,
  });
  if (!access.granted) return;
  await r.run<{ valid: boolean; status: string; basisState: string | null }>({
    who: 'officer-social-a',
    what: "checks City B's ticket before its system serves the data",
    method: 'POST',
    path: `/api/v1/tickets/${access.ticket.ticketId}/verification`,
    body: { ticketHash: access.ticket.hash, fields: ['contributionStatus'] },
    settle: (v) => v.status !== 'unknown',
    check: (v) => (v.valid ? undefined : `ticket ${v.status}`),
    show: (v) => `ticket ${v.status}, consent ${v.basisState}: serve contributionStatus to City B housing`,
  });
  await r.run<{ records: Access[] }>({
    who: 'citizen-a1',
    what: 'opens their access log: who saw what, and why',
    method: 'GET',
    path: '/api/v1/access-logs/citizen?pageSize=5',
    settle: (page) => page.records.some((a) => a.accessId === accessId),
    show: (page) => {
      const a = page.records.find((x) => x.accessId === accessId) as Access;
      return (
        `${a.time.slice(11, 19)}Z ${a.requester.mspId}/${a.requester.dept} ${a.granted ? 'GRANTED' : 'REFUSED'} ` +
        `${a.fields.join(', ')} for ${a.purpose} under ${a.basis?.kind} ${a.basis?.id}`
      );
    },
  });
}

// ---------------------------------------------------------------- journey 3: fund-tracing

interface AlertSummary {
  alertId: string;
  rule: string;
  severity: string;
}
interface Alert extends AlertSummary {
  status: string;
  message: string;
}
interface TraceNode {
  kind: string;
  id: string;
  amount: string;
  committed?: string;
  remaining?: string;
  alertIds: string[];
  record: Record<string, unknown>;
  children: TraceNode[];
}

/** The trace from the program down to one spend, one line per level. */
export function traceLines(root: TraceNode): string[] {
  const lines: string[] = [];
  let node: TraceNode | undefined = root;
  for (let depth = 0; node; depth++) {
    const label =
      node.kind === 'spend'
        ? `spend ${node.id}: ${yuan(node.amount)} for ${String(node.record.category)}`
        : `${node.kind} ${node.id}: ${yuan(node.amount)}, ` +
          `${node.kind === 'disbursement' ? 'spent' : 'passed on'} ${yuan(node.committed ?? '0')}, ` +
          `left ${yuan(node.remaining ?? '0')}`;
    const alerts = node.alertIds.length > 0 ? `  ⚠ ${node.alertIds.length} alert` : '';
    lines.push(`${depth === 0 ? '' : `${'   '.repeat(depth - 1)}└─ `}${label}${alerts}`);
    node = node.children[0];
  }
  return lines;
}

async function fundTracingJourney(r: Runner, run: string): Promise<void> {
  const program = `P-${run}`;
  const allocation = `A-IND-${run}`;
  const disbursement = `D-${run}`;
  const spendOk = `S-LATHE-${run}`;
  const spendBad = `S-BANQUET-${run}`;
  const recipientPid = r.pid('enterprise-a1');
  const account = sha256hex(`6222021001012345678-${run}`);
  const now = Date.now();
  const isoSeconds = (ms: number) => iso(ms).replace(/\.\d{3}Z$/, 'Z');

  await r.run<{ programId: string; totalBudget: string; categories: string[] }>({
    who: 'finance-a',
    what: 'creates an industrial upgrade program: budget, allowed categories, warning rules',
    method: 'POST',
    path: '/api/v1/programs',
    write: true,
    body: {
      programId: program,
      name: 'Industrial upgrade subsidy (demo)',
      fiscalYear: new Date(now).getUTCFullYear(),
      totalBudget: '100000000',
      categories: ['equipment', 'training'],
      startDate: isoSeconds(now - 24 * 3600_000),
      endDate: isoSeconds(now + 30 * 24 * 3600_000),
      coSign: { threshold: '2000000', by: 'finance' },
      rules: {
        category: { mode: 'warn' },
        recipientCap: { mode: 'block', cap: '50000000' },
        splitPayment: { mode: 'warn', threshold: '1000000', windowHours: 72, count: 3, marginPercent: 10 },
        afterEnd: { mode: 'block' },
        unspent: { mode: 'warn', days: 90 },
      },
    },
    show: (p) => `program ${p.programId}: ${yuan(p.totalBudget)} for ${p.categories.join(', ')}`,
  });
  await r.run<{ allocation: { allocationId: string; dept: string; amount: string } }>({
    who: 'finance-a',
    what: 'allocates part of it to the industry department',
    method: 'POST',
    path: `/api/v1/programs/${program}/allocations`,
    write: true,
    body: { allocationId: allocation, mspId: 'CityAMSP', dept: 'industry', amount: '20000000' },
    show: (x) =>
      `allocation ${x.allocation.allocationId}: ${yuan(x.allocation.amount)} to ${x.allocation.dept}`,
  });
  await r.run<{ recipientPid: string; accountHashes: string[] }>({
    who: 'officer-industry-a',
    what: 'registers the enterprise with the hash of its approved bank account',
    method: 'POST',
    path: `/api/v1/programs/${program}/recipients`,
    write: true,
    body: { recipientMspId: 'CityAMSP', recipientPid, kind: 'enterprise', accountHashes: [account] },
    show: (x) => `recipient ${short(x.recipientPid)} with ${x.accountHashes.length} approved account`,
  });
  await r.run<{ disbursement: { disbursementId: string; amount: string; status: string } }>({
    who: 'officer-industry-a',
    what: 'pays the enterprise for equipment',
    method: 'POST',
    path: '/api/v1/disbursements',
    write: true,
    body: {
      disbursementId: disbursement,
      allocationId: allocation,
      recipientMspId: 'CityAMSP',
      recipientPid,
      accountHash: account,
      category: 'equipment',
      amount: '1500000',
      documentsHash: sha256hex(`contract and invoices of ${disbursement}`),
    },
    check: (x) => (x.disbursement.status === 'paid' ? undefined : `status ${x.disbursement.status}`),
    show: (x) =>
      `disbursement ${x.disbursement.disbursementId}: ${yuan(x.disbursement.amount)} ${x.disbursement.status}`,
  });
  await r.run<{ spend: { spendId: string; amount: string }; alerts: AlertSummary[] }>({
    who: 'enterprise-a1',
    what: 'records buying a lathe (equipment)',
    method: 'POST',
    path: '/api/v1/spends',
    write: true,
    body: {
      spendId: spendOk,
      disbursementId: disbursement,
      payeeId: '91310000MA1DEMO001',
      amount: '1200000',
      category: 'equipment',
      invoiceHash: sha256hex(`invoice lathe ${run}`),
    },
    check: (x) => (x.alerts.length === 0 ? undefined : `${x.alerts.length} alerts`),
    show: (x) => `spend ${x.spend.spendId}: ${yuan(x.spend.amount)}, no alert`,
  });
  const bad = await r.run<{ spend: { spendId: string; amount: string }; alerts: AlertSummary[] }>({
    who: 'enterprise-a1',
    what: 'records a banquet (entertainment — not an allowed category)',
    method: 'POST',
    path: '/api/v1/spends',
    write: true,
    body: {
      spendId: spendBad,
      disbursementId: disbursement,
      payeeId: '91310000MA1DEMO002',
      amount: '300000',
      category: 'entertainment',
      invoiceHash: sha256hex(`invoice banquet ${run}`),
    },
    check: (x) => (x.alerts.length === 1 ? undefined : `${x.alerts.length} alerts instead of 1`),
    show: (x) =>
      `spend ${x.spend.spendId}: ${yuan(x.spend.amount)} recorded WITH an early warning: ` +
      x.alerts.map((a) => `${a.rule} alert, ${a.severity}`).join('; '),
  });
  const alertId = (bad.alerts[0] as AlertSummary).alertId;
  await r.run<{ records: Alert[] }>({
    who: 'auditor-b',
    what: "lists the program's open alerts",
    method: 'GET',
    path: `/api/v1/programs/${program}/alerts?status=open`,
    settle: (page) => page.records.some((a) => a.alertId === alertId),
    show: (page) =>
      page.records
        .map((a) => `${a.severity} ${a.rule} alert ${short(a.alertId, 16)}: ${a.message}`)
        .join('\n'),
  });
  await r.run<Alert>({
    who: 'auditor-b',
    what: 'resolves the alert with a note',
    method: 'POST',
    path: `/api/v1/alerts/${alertId}/resolution`,
    write: true,
    body: { note: 'banquet reclassified; the enterprise repays ¥3,000.00 from its own funds' },
    show: (a) => `alert ${a.status}`,
  });
  await r.run<{ path: { kind: string }[]; root: TraceNode }>({
    who: 'auditor-audit',
    what: 'traces the banquet back to the budget',
    method: 'GET',
    path: `/api/v1/trace/spend/${spendBad}`,
    settle: true,
    check: (t) => (t.path.length === 4 ? undefined : `a path of ${t.path.length} records`),
    show: (t) => traceLines(t.root).join('\n'),
  });
}

// ---------------------------------------------------------------- journey 4: e-voting

interface ElectionRecord {
  electionId: string;
  opensAt: string;
  closesAt: string;
  mode: {
    kind: string;
    authority?: { variant: string; publicKeyPem: string; fingerprint: string; modulusBits: number };
  };
}
interface TallyRecord {
  status: 'counting' | 'final';
  result?: {
    turnout: number;
    rollSize: number | null;
    quorum: { met: boolean };
    counts: { option: string; votes: number }[];
    winners: string[];
    passed: boolean;
  };
}

/** The token a voter's app makes (README of chaincode/e-voting: token format). */
export function tokenMessage(electionId: string, nonceHex: string): Uint8Array {
  return new TextEncoder().encode(`GOVLEDGER-EVOTE-1|${electionId}|${nonceHex}`);
}

/** Imports the election's SPKI PEM public key as the blind RSA library needs it. */
async function importPublicKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return webcrypto.subtle.importKey('spki', der, { name: 'RSA-PSS', hash: 'SHA-384' }, true, ['verify']);
}

type BlindKey = Parameters<BlindRSA['blind']>[0];

async function votingJourney(r: Runner, run: string): Promise<void> {
  const electionId = `E-LIBRARY-${run}`;
  const voters: [string, 'yes' | 'no'][] = [
    ['citizen-a1', 'yes'],
    ['citizen-a2', 'yes'],
    ['citizen-b1', 'no'],
  ];
  const opensAt = Date.now() + 15_000;
  const closesAt = opensAt + 20_000;

  await r.run<ElectionRecord>({
    who: 'election-admin-a',
    what: 'creates a secret election; the gateway makes and keeps the authority key',
    method: 'POST',
    path: '/api/v1/elections',
    write: true,
    body: {
      electionId,
      title: 'Build the new riverside library?',
      ballot: { kind: 'yesNoAbstain' },
      opensAt: iso(opensAt),
      closesAt: iso(closesAt),
      eligibility: { kind: 'roll' },
      quorum: { kind: 'perMilleOfRoll', perMille: 500 },
      passThresholdPerMille: 500,
      mode: { kind: 'secret', authority: {} },
    },
    show: (e) =>
      `election ${e.electionId}: opens ${e.opensAt.slice(11, 19)}Z, closes ${e.closesAt.slice(11, 19)}Z; ` +
      `RSA-${e.mode.authority?.modulusBits} key ${short(e.mode.authority?.fingerprint ?? '', 16)}`,
  });
  await r.run<{ added: number }>({
    who: 'election-admin-a',
    what: 'registers three voters of both cities on the roll (by pseudonymous id)',
    method: 'POST',
    path: `/api/v1/elections/${electionId}/roll-batches`,
    write: true,
    body: { batchId: 'roll-1', pids: voters.map(([v]) => r.pid(v)) },
    show: (x) => `${x.added} voters on the roll; it freezes when voting opens`,
  });
  const view = await r.run<{ election: ElectionRecord; phase: string; rollSize: number | null }>({
    who: 'citizen-b1',
    what: "opens the election in a voter's app and reads the authority's public key",
    method: 'GET',
    path: `/api/v1/elections/${electionId}`,
    settle: (v) => v.rollSize === voters.length,
    show: (v) =>
      `${v.phase}, roll of ${v.rollSize}; ${v.election.mode.authority?.variant}, ` +
      `key fingerprint ${short(v.election.mode.authority?.fingerprint ?? '', 16)}`,
  });
  const authority = view.election.mode.authority;
  if (!authority) throw new Error('the election has no authority key');
  const publicKey = (await importPublicKey(authority.publicKeyPem)) as unknown as BlindKey;
  const suite = getSuiteByName(BlindRSA, authority.variant);

  const ballots: { voter: string; choice: string; token: string; signature: string; receipt: string }[] = [];
  for (const [voter, choice] of voters) {
    const prepared = suite.prepare(tokenMessage(electionId, randomBytes(32).toString('hex')));
    const { blindedMsg, inv } = await suite.blind(publicKey, prepared);
    r.local(
      voter,
      'makes a random token and blinds it',
      `blinded message ${short(Buffer.from(blindedMsg).toString('base64url'), 16)} (the token never leaves the device)`,
    );
    const signed = await r.run<{ blindSig: string; transactionId: string }>({
      who: voter,
      what: 'asks for the blind signature (recorded once per voter on the ledger)',
      method: 'POST',
      path: `/api/v1/elections/${electionId}/tokens`,
      body: { blindedMsg: Buffer.from(blindedMsg).toString('base64url') },
      commits: true,
      show: (x) =>
        `blind signature ${short(x.blindSig, 16)}; token request ${short(x.transactionId)} committed`,
    });
    const signature = await suite.finalize(
      publicKey,
      prepared,
      Buffer.from(signed.blindSig, 'base64url'),
      inv,
    );
    const receipt = sha256hex(prepared);
    r.local(
      voter,
      'unblinds the signature and checks it',
      `valid signature; ballot receipt ${short(receipt, 16)}`,
    );
    ballots.push({
      voter,
      choice,
      token: Buffer.from(prepared).toString('base64url'),
      signature: Buffer.from(signature).toString('base64url'),
      receipt,
    });
  }

  await r.countdown('voting opens', opensAt + 500);
  for (const b of ballots) {
    await r.run<{ receipt: string }>({
      who: undefined,
      what: `${b.voter}'s app casts a secret "${b.choice}" at the anonymous ballot box`,
      method: 'POST',
      path: `/api/v1/ballot-box/elections/${electionId}/ballots`,
      write: true,
      body: { choices: [b.choice], token: b.token, signature: b.signature },
      check: (x) => (x.receipt === b.receipt ? undefined : 'another receipt'),
      show: (x) => `recorded; receipt ${short(x.receipt, 16)} — no voter id on the ledger`,
    });
  }
  const first = ballots[0] as (typeof ballots)[number];
  await r.run<unknown>({
    who: undefined,
    what: `someone tries to vote again with ${first.voter}'s token`,
    method: 'POST',
    path: `/api/v1/ballot-box/elections/${electionId}/ballots`,
    body: { choices: ['no'], token: first.token, signature: first.signature },
    refusal: { status: 409, code: 'TOKEN_ALREADY_USED' },
    show: () => '',
  });

  await r.countdown('voting closes', closesAt + 1000);
  let tally: TallyRecord | undefined;
  for (let i = 0; i < 5 && tally?.status !== 'final'; i++) {
    tally = await r.run<TallyRecord>({
      who: 'citizen-b2',
      what: 'runs the tally (anyone may, once the election has closed)',
      method: 'POST',
      path: `/api/v1/elections/${electionId}/tally`,
      write: true,
      body: {},
      show: (t) =>
        t.result
          ? `${t.status}: ${t.result.counts.map((c) => `${c.option} ${c.votes}`).join(', ')}; ` +
            `turnout ${t.result.turnout}/${t.result.rollSize}, quorum ${t.result.quorum.met ? 'met' : 'not met'}, ` +
            `${t.result.passed ? `PASSED (${t.result.winners.join(', ')})` : 'not passed'}`
          : `${t.status}…`,
    });
  }
  await r.run<{ confirmed: boolean; mismatches: string[] }>({
    who: 'election-admin-b',
    what: 'recounts every ballot and re-checks every signature',
    method: 'POST',
    path: `/api/v1/elections/${electionId}/tally/verification`,
    body: { checkBallots: true },
    settle: true,
    check: (v) => (v.confirmed ? undefined : `mismatches: ${v.mismatches.join(', ')}`),
    show: () => 'recount CONFIRMS the stored result',
  });
  await r.run<{ choices: string[] }>({
    who: first.voter,
    what: 'finds their own ballot by its receipt',
    method: 'GET',
    path: `/api/v1/elections/${electionId}/receipts/${first.receipt}`,
    check: (b) => (b.choices.join() === first.choice ? undefined : `choices ${b.choices.join()}`),
    show: (b) => `ballot ${short(first.receipt, 16)} is counted: ${b.choices.join(', ')}`,
  });
}

// ---------------------------------------------------------------- main

/** Runs the demo; returns the exit code. Progress goes to `out`, failures to `errors`. */
export async function main(
  argv: readonly string[],
  out: TextSink = process.stdout,
  errors: TextSink = process.stderr,
): Promise<number> {
  const printer = new Printer(out);
  let options: DemoOptions;
  let ctx: DemoContext;
  try {
    options = parseArgs(argv);
    if (options.help) {
      printer.line(USAGE);
      return 0;
    }
    ctx = loadContext(options.stateDir);
  } catch (err) {
    if (err instanceof DemoSetupError) {
      errors.write(`demo: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  const p = printer;
  const run = Date.now().toString(36).toUpperCase();
  const r = new Runner(ctx, p, run);
  const started = Date.now();
  p.line(p.bold(`GovLedger demo — run ${run}, gateway ${ctx.baseUrl}`));
  p.line(p.dim('Every step: who acts · what they do, then the HTTP call, its status and the key result.'));
  try {
    await r.run<{ ready: boolean; checks: { name: string; ok: boolean; detail?: string }[] }>({
      who: undefined,
      what: 'anyone checks the gateway is ready: peers reachable, chaincodes committed',
      method: 'GET',
      path: '/readyz',
      show: (x) => {
        const heights = x.checks.filter((c) => c.name.startsWith('height:'));
        return `ready: ${heights.length} peers at block height ${heights.map((c) => c.detail).join('/')}`;
      },
    });
    r.journey(1, 4, 'e-licence', 'one application, three departments approve, the other city verifies');
    await licenceJourney(r, run);
    r.journey(2, 4, 'data-sharing', 'consent, a ticketed access, and the citizen sees it in their log');
    await dataSharingJourney(r, run);
    r.journey(3, 4, 'fund-tracing', 'from budget to spend, with an early warning');
    await fundTracingJourney(r, run);
    r.journey(4, 4, 'e-voting', 'a secret election with blind signatures, cast and tallied');
    await votingJourney(r, run);
  } catch (err) {
    p.line();
    const e = new Printer(errors);
    if (err instanceof DemoStepError) {
      errors.write(`${e.red('✖ demo failed')} at step ${err.step}\n`);
      errors.write(`  ${err.request}${err.status ? ` → ${err.status}` : ''}: ${err.message}\n`);
      if (err.body !== undefined) {
        const text = typeof err.body === 'string' ? err.body : JSON.stringify(err.body, null, 2);
        errors.write(`${text.replace(/^/gm, '  ')}\n`);
      }
      if (err.status === 401)
        errors.write(`  (tokens expired? mint fresh ones: ${mintCommand(options.stateDir)})\n`);
      return 1;
    }
    errors.write(`${e.red('✖ demo failed')}: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  p.line();
  p.line(
    p.green(
      p.bold(`✔ 4 journeys, ${r.steps} HTTP calls, ${r.commits} transactions committed, in ${seconds} s.`),
    ),
  );
  p.line(`  Explore the API: ${ctx.baseUrl}/docs   (OpenAPI: ${ctx.baseUrl}/openapi.json)`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`demo: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
