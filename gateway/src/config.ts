/**
 * Gateway configuration: every setting comes from an environment variable and is
 * validated once at start. A bad value stops start-up with a {@link ConfigError}
 * that names the variable (and, for the organisations file, the field inside it).
 * Every variable is documented in gateway/README.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** A configuration problem, naming the environment variable at fault. */
export class ConfigError extends Error {
  /** The environment variable (or `VARIABLE: field.path`) that is wrong. */
  readonly variable: string;

  constructor(variable: string, problem: string) {
    super(`configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

/** One organisation the gateway acts for: its gateway peer and its Fabric CA. */
export interface OrgProfile {
  /** Short name of the organisation (e.g. `CityA`), used for the CA name default. */
  name: string;
  /** MSP ID, e.g. `CityAMSP`; tokens carry it as their `org` claim. */
  mspId: string;
  /** host:port of the organisation's peer Gateway service. */
  peerEndpoint: string;
  /** PEM of the TLS root certificate that signed the peer's TLS certificate. */
  tlsRootCert: Buffer;
  /** TLS server name to expect from the peer (when it differs from the endpoint host). */
  peerHostOverride?: string;
  /** The organisation's Fabric CA, when identities may be registered through the gateway. */
  ca?: {
    url: string;
    caName: string;
    tlsRootCert: Buffer;
    /** Folder holding the registrar's MSP (signcerts/*.pem, keystore/*). */
    registrarMspDir?: string;
  };
  /** Wallet label of the identity used for readiness probes and reconciliation, when set. */
  probeIdentity?: string;
  /**
   * Roles this organisation's admins may issue through `POST /api/v1/admin/identities`
   * (`IDENTITY_ISSUABLE_ROLES`, else derived from the consortium file); absent or empty: none.
   */
  issuableRoles?: readonly string[];
}

/** How bearer tokens are checked. */
export type JwtConfig = ({ mode: 'hs256'; secret: Uint8Array } | { mode: 'rs256'; jwksUrl: URL }) & {
  issuer: string;
  audience: string;
  /** Clock skew allowed on `exp`, `nbf` and `iat`, in seconds. */
  clockToleranceSec: number;
  /**
   * Longest a token may live and oldest it may be, in seconds: `exp - iat` must not exceed it and
   * `iat` must not be older (`JWT_MAX_TOKEN_AGE_S`); absent: no limit beyond `exp` (tests only).
   */
  maxTokenAgeSec?: number;
};

/** Deadlines per Fabric stage, in milliseconds. */
export interface Deadlines {
  evaluateMs: number;
  endorseMs: number;
  submitMs: number;
  commitStatusMs: number;
}

/** The validated gateway configuration. */
export interface Config {
  host: string;
  port: number;
  tls?: { cert: Buffer; key: Buffer };
  trustProxy: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  jwt: JwtConfig;
  wallet: { dir: string; key: Buffer; importUsersDir?: string };
  electionKeysDir: string;
  /** RSA modulus size of generated election authority keys. */
  electionKeyBits: 2048 | 3072 | 4096;
  /** Wallet identity that casts secret ballots (role ballot-box). */
  ballotBox: { mspId: string; label: string };
  /** Batching of the anonymous ballot box: minimum batch size and how long before the close it flushes. */
  ballotBoxBatching: { minBatch: number; closeLeadMs: number };
  /** Wallet identity (an election admin) each election authority organisation issues tokens under, by MSP id. */
  electionAuthorities: Record<string, string>;
  channel: string;
  orgs: OrgProfile[];
  /** Logical chaincode name (as routes use it) -> deployed chaincode name. */
  chaincodes: Record<string, string>;
  deadlines: Deadlines;
  mvccRetries: number;
  /** Wait for a commit before sending the same transaction to the ordering service again (0 = never). */
  rebroadcastMs: number;
  grpcKeepaliveMs: number;
  /**
   * The SQLite file; `url` (`GATEWAY_DATABASE_URL`, `postgres://...`), when set, keeps idempotency
   * records, asynchronous writes and the schedule in PostgreSQL, shared by gateway replicas.
   */
  db: {
    path: string;
    url?: string;
    idempotencyTtlHours: number;
    reconcileGraceMs: number;
    /** With `url`: a replica silent this long is dead and its writes in flight are taken over (`GATEWAY_REPLICA_LEASE_MS`). */
    replicaLeaseMs: number;
  };
  rateLimit: { windowMs: number; max: number };
  /** Failed authentications allowed per client IP and window before 429 (`AUTH_FAILURE_*`). */
  authFailureLimit: { windowMs: number; max: number };
  bodyLimit: string;
  /** Deepest nesting of a JSON body (objects and arrays) before 400 `JSON_TOO_DEEP`. */
  jsonMaxDepth: number;
  /** Largest total size of a request's headers, in bytes (Node's `maxHeaderSize`); beyond: 431. */
  maxHeaderBytes: number;
  /** Offline-signing sessions: lifetime from creation and open sessions allowed per caller. */
  offline: { ttlSec: number; maxOpenPerCaller: number };
  shutdownTimeoutMs: number;
  sseHeartbeatMs: number;
  /** The event stream's scoping and limits (`GET /api/v1/events`). */
  events: {
    /**
     * Organisations designated as auditors of the others (`GOVLEDGER_AUDIT_ORGS`, else the
     * consortium file's organisations with `auditsOthers`): their auditors receive every event.
     */
    auditOrgs: string[];
    /** Most event streams one caller may hold open at once (`SSE_MAX_STREAMS_PER_CALLER`). */
    maxStreamsPerCaller: number;
  };
  readiness: { cacheMs: number; maxHeightLag: number };
  /** Webhook deliveries (webhooks/, `WEBHOOK_*`). */
  webhooks: WebhookSettings;
}

/** Settings of webhook deliveries (documented in gateway/README.md, "Webhooks"). */
export interface WebhookSettings {
  /** How often the outbox is looked at for due deliveries (`WEBHOOK_POLL_MS`, default 1000). */
  pollMs: number;
  /** First retry wait (`WEBHOOK_BACKOFF_BASE_MS`, default 2000); doubled per failed attempt. */
  backoffBaseMs: number;
  /** Longest retry wait (`WEBHOOK_BACKOFF_CAP_MS`, default 600000). */
  backoffCapMs: number;
  /**
   * Failed attempts in a row after which the subscription is paused (`WEBHOOK_PAUSE_AFTER_FAILURES`,
   * default 12). Deliveries are strictly ordered, so these are the head delivery's attempts: the
   * most attempts a delivery gets before its subscription pauses (it is never dropped).
   */
  pauseAfterFailures: number;
  /** Deadline of one delivery attempt (`WEBHOOK_TIMEOUT_MS`, default 10000). */
  timeoutMs: number;
  /** Subscriptions one caller may hold (`WEBHOOK_MAX_PER_CALLER`, default 20). */
  maxPerCaller: number;
}

/** The chaincodes GovLedger deploys, by the names the routes use. */
export const DEFAULT_CHAINCODES = ['e-licence', 'data-sharing', 'fund-tracing', 'e-voting'] as const;

const intVar = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const orgFileEntry = z
  .object({
    name: z.string().min(1).optional(),
    mspId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/, 'must be an MSP ID'),
    label: z.string().optional(),
    peerEndpoint: z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be host:port'),
    peerHostOverride: z.string().min(1).optional(),
    tlsRootCert: z.string().min(1),
    caUrl: z.url().optional(),
    caName: z.string().min(1).optional(),
    caTlsCert: z.string().min(1).optional(),
    registrarMsp: z.string().min(1).optional(),
    adminMsp: z.string().optional(),
    probeIdentity: z.string().min(1).optional(),
  })
  .loose();

const orgFile = z.union([
  z.array(orgFileEntry).min(1),
  z.object({ channel: z.string().optional(), organisations: z.array(orgFileEntry).min(1) }).loose(),
]);

type Env = Record<string, string | undefined>;

function read<T>(env: Env, name: string, schema: z.ZodType<T>, fallback?: string): T {
  const raw = env[name] === undefined || env[name] === '' ? fallback : env[name];
  if (raw === undefined) throw new ConfigError(name, 'is required');
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(name, `is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return parsed.data;
}

/** `GATEWAY_DATABASE_URL`, when set: a `postgres://` or `postgresql://` URL. */
function postgresUrl(env: Env): { url?: string } {
  const url = optional(env, 'GATEWAY_DATABASE_URL');
  if (url === undefined) return {};
  if (!/^postgres(ql)?:\/\/\S+$/.test(url)) {
    throw new ConfigError('GATEWAY_DATABASE_URL', 'is invalid: expected postgres://user@host:port/database');
  }
  return { url };
}

function optional(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

function readFile(variable: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch {
    throw new ConfigError(variable, `names a file that cannot be read: ${file}`);
  }
}

function parseKey(name: string, raw: string): Buffer {
  const hex = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : undefined;
  const key = hex ?? Buffer.from(raw, 'base64');
  if (key.length !== 32) {
    throw new ConfigError(name, 'must be a 256-bit key: 64 hex characters or 32 bytes in base64');
  }
  return key;
}

function parseChaincodes(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [logical, deployed] = part.includes('=') ? part.split('=', 2) : [part, part];
    if (!/^[a-z0-9][a-z0-9_.+-]*$/.test(logical) || !/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/.test(deployed)) {
      throw new ConfigError('FABRIC_CHAINCODES', `has a bad entry "${part}" (use name or logical=deployed)`);
    }
    out[logical] = deployed;
  }
  if (Object.keys(out).length === 0) throw new ConfigError('FABRIC_CHAINCODES', 'names no chaincode');
  return out;
}

function loadOrgs(env: Env): { orgs: OrgProfile[]; channel?: string } {
  const file = optional(env, 'FABRIC_ORGS_FILE');
  const inline = optional(env, 'FABRIC_ORGS');
  if (!file && !inline)
    throw new ConfigError('FABRIC_ORGS_FILE', 'is required (or FABRIC_ORGS with inline JSON)');
  const variable = file ? 'FABRIC_ORGS_FILE' : 'FABRIC_ORGS';
  const baseDir = file ? path.dirname(path.resolve(file)) : process.cwd();
  let json: unknown;
  try {
    json = JSON.parse(file ? readFile(variable, file).toString('utf8') : (inline as string));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(variable, 'is not valid JSON');
  }
  const parsed = orgFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${variable}: ${issue.path.join('.') || '(root)'}`, `is invalid: ${issue.message}`);
  }
  const entries = Array.isArray(parsed.data) ? parsed.data : parsed.data.organisations;
  const channel = Array.isArray(parsed.data) ? undefined : parsed.data.channel;
  const abs = (p: string) => path.resolve(baseDir, p);
  const orgs = entries.map((e, i): OrgProfile => {
    const where = (field: string) => `${variable}: organisations.${i}.${field}`;
    const name = e.name ?? e.mspId.replace(/MSP$/, '');
    const profile: OrgProfile = {
      name,
      mspId: e.mspId,
      peerEndpoint: e.peerEndpoint,
      tlsRootCert: readFile(where('tlsRootCert'), abs(e.tlsRootCert)),
    };
    if (e.peerHostOverride) profile.peerHostOverride = e.peerHostOverride;
    if (e.probeIdentity) profile.probeIdentity = e.probeIdentity;
    if (e.caUrl) {
      if (!e.caTlsCert) throw new ConfigError(where('caTlsCert'), 'is required when caUrl is set');
      const registrar = e.registrarMsp ? abs(e.registrarMsp) : path.join(baseDir, 'ca-admin', name, 'msp');
      profile.ca = {
        url: e.caUrl,
        caName: e.caName ?? `ca-${name}`,
        tlsRootCert: readFile(where('caTlsCert'), abs(e.caTlsCert)),
      };
      if (fs.existsSync(registrar)) profile.ca.registrarMspDir = registrar;
      else if (e.registrarMsp)
        throw new ConfigError(where('registrarMsp'), `names a missing folder: ${registrar}`);
    }
    return profile;
  });
  const seen = new Set<string>();
  for (const o of orgs) {
    if (seen.has(o.mspId)) throw new ConfigError(variable, `lists ${o.mspId} twice`);
    seen.add(o.mspId);
  }
  return channel ? { orgs, channel } : { orgs };
}

const ROLE_PATTERN = /^[a-z][a-z0-9-]{0,63}$/;

/** Where the consortium data is when `CONSORTIUM_FILE` is not set: the repository's network folder. */
export const DEFAULT_CONSORTIUM_FILE = path.resolve(__dirname, '..', '..', 'network', 'consortium.json');

const consortiumOrg = z
  .object({
    mspId: z.string(),
    auditsOthers: z.boolean().optional(),
    users: z.array(z.object({ attrs: z.record(z.string(), z.string()).default({}) }).loose()).default([]),
  })
  .loose();

const consortiumFile = z
  .object({
    peerOrgs: z.array(consortiumOrg).default([]),
    addOrg: consortiumOrg.optional(),
    addOrgs: z.array(consortiumOrg).default([]),
  })
  .loose();

/** Every peer organisation of the consortium data: the founding ones, then those addorg adds. */
function consortiumOrgs(parsed: z.infer<typeof consortiumFile>): z.infer<typeof consortiumOrg>[] {
  return [...parsed.peerOrgs, ...(parsed.addOrg ? [parsed.addOrg] : []), ...parsed.addOrgs];
}

/**
 * Default issuable roles per MSP ID from the consortium data (network/consortium.json): every
 * `gov.role` its demo users carry, except `admin` (admins are enrolled by the platform team with
 * the CA's own tools, never minted by another admin through the gateway unless configured).
 */
export function rolesFromConsortium(json: unknown): Map<string, string[]> {
  const parsed = consortiumFile.parse(json);
  const out = new Map<string, string[]>();
  for (const org of consortiumOrgs(parsed)) {
    const roles = new Set<string>();
    for (const u of org.users) {
      for (const r of (u.attrs['gov.role'] ?? '').split('+')) {
        if (ROLE_PATTERN.test(r) && r !== 'admin') roles.add(r);
      }
    }
    out.set(org.mspId, [...roles].sort());
  }
  return out;
}

/** MSP IDs of the organisations designated as auditors of the others (`auditsOthers` in the consortium data). */
export function auditOrgsFromConsortium(json: unknown): string[] {
  const parsed = consortiumFile.parse(json);
  return consortiumOrgs(parsed)
    .filter((o) => o.auditsOthers === true)
    .map((o) => o.mspId)
    .sort();
}

function loadConsortium<T>(env: Env, parse: (json: unknown) => T, none: T): T {
  const explicit = optional(env, 'CONSORTIUM_FILE');
  const file = explicit ?? DEFAULT_CONSORTIUM_FILE;
  if (!explicit && !fs.existsSync(file)) return none;
  try {
    return parse(JSON.parse(readFile('CONSORTIUM_FILE', file).toString('utf8')));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError('CONSORTIUM_FILE', `is not a readable consortium file: ${file}`);
  }
}

function loadConsortiumRoles(env: Env): Map<string, string[]> {
  return loadConsortium(env, rolesFromConsortium, new Map<string, string[]>());
}

/** `GOVLEDGER_AUDIT_ORGS` (comma-separated MSP IDs; empty: none), else the consortium file's. */
function loadAuditOrgs(env: Env): string[] {
  const raw = env.GOVLEDGER_AUDIT_ORGS;
  if (raw === undefined) return loadConsortium(env, auditOrgsFromConsortium, []);
  const list = raw
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const bad = list.find((m) => !/^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/.test(m));
  if (bad !== undefined) throw new ConfigError('GOVLEDGER_AUDIT_ORGS', `has a bad MSP ID "${bad}"`);
  return [...new Set(list)].sort();
}

/** Parses `IDENTITY_ISSUABLE_ROLES`: `MSPID=role,role;MSPID=role` (an empty list: none). */
function parseIssuableRoles(raw: string, known: ReadonlySet<string>): Map<string, string[]> {
  const name = 'IDENTITY_ISSUABLE_ROLES';
  const out = new Map<string, string[]>();
  for (const part of raw
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const mspId = eq < 0 ? '' : part.slice(0, eq).trim();
    if (!known.has(mspId)) {
      throw new ConfigError(name, `has an entry "${part}" that does not start with a served MSP ID and =`);
    }
    if (out.has(mspId)) throw new ConfigError(name, `lists ${mspId} twice`);
    const roles = part
      .slice(eq + 1)
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    const bad = roles.find((r) => !ROLE_PATTERN.test(r));
    if (bad !== undefined) throw new ConfigError(name, `has a bad role "${bad}" for ${mspId}`);
    out.set(mspId, [...new Set(roles)].sort());
  }
  return out;
}

/** Default of `JWT_MAX_TOKEN_AGE_S`: 12 hours. */
export const DEFAULT_MAX_TOKEN_AGE_SEC = 12 * 3600;

function loadJwt(env: Env): JwtConfig {
  const mode = read(env, 'JWT_MODE', z.enum(['hs256', 'rs256']), 'hs256');
  const issuer = read(env, 'JWT_ISSUER', z.string().min(1), 'govledger-dev');
  const audience = read(env, 'JWT_AUDIENCE', z.string().min(1), 'govledger-gateway');
  const clockToleranceSec = read(env, 'JWT_CLOCK_TOLERANCE_S', intVar(0, 300), '5');
  const maxTokenAgeSec = read(
    env,
    'JWT_MAX_TOKEN_AGE_S',
    intVar(60, 7 * 24 * 3600),
    String(DEFAULT_MAX_TOKEN_AGE_SEC),
  );
  const common = { issuer, audience, clockToleranceSec, maxTokenAgeSec };
  if (mode === 'hs256') {
    // a shared secret is a development convenience: whoever holds it mints any identity
    if (env.NODE_ENV === 'production') {
      throw new ConfigError(
        'JWT_MODE',
        'is hs256 while NODE_ENV=production: production verifies RS256 tokens against JWT_JWKS_URL (set JWT_MODE=rs256)',
      );
    }
    const secret = read(env, 'JWT_HS256_SECRET', z.string().min(32, 'must be at least 32 characters'));
    return { mode, secret: new TextEncoder().encode(secret), ...common };
  }
  const jwksUrl = read(env, 'JWT_JWKS_URL', z.url());
  return { mode, jwksUrl: new URL(jwksUrl), ...common };
}

/** Reads the `WEBHOOK_*` settings; throws {@link ConfigError} naming the variable at fault. */
export function loadWebhookSettings(env: Env): WebhookSettings {
  const settings: WebhookSettings = {
    pollMs: read(env, 'WEBHOOK_POLL_MS', intVar(50, 600_000), '1000'),
    backoffBaseMs: read(env, 'WEBHOOK_BACKOFF_BASE_MS', intVar(10, 3_600_000), '2000'),
    backoffCapMs: read(env, 'WEBHOOK_BACKOFF_CAP_MS', intVar(10, 86_400_000), '600000'),
    pauseAfterFailures: read(env, 'WEBHOOK_PAUSE_AFTER_FAILURES', intVar(1, 1_000_000), '12'),
    timeoutMs: read(env, 'WEBHOOK_TIMEOUT_MS', intVar(100, 600_000), '10000'),
    maxPerCaller: read(env, 'WEBHOOK_MAX_PER_CALLER', intVar(1, 10_000), '20'),
  };
  if (settings.backoffCapMs < settings.backoffBaseMs)
    throw new ConfigError('WEBHOOK_BACKOFF_CAP_MS', 'is invalid: must not be below WEBHOOK_BACKOFF_BASE_MS');
  return settings;
}

/** Reads and validates the whole configuration from the environment; throws {@link ConfigError}. */
export function loadConfig(env: Env = process.env): Config {
  const host = read(env, 'GATEWAY_HOST', z.string().min(1), '127.0.0.1');
  const port = read(env, 'GATEWAY_PORT', intVar(0, 65535), '8080');
  const certFile = optional(env, 'GATEWAY_TLS_CERT_FILE');
  const keyFile = optional(env, 'GATEWAY_TLS_KEY_FILE');
  if (Boolean(certFile) !== Boolean(keyFile)) {
    throw new ConfigError(
      certFile ? 'GATEWAY_TLS_KEY_FILE' : 'GATEWAY_TLS_CERT_FILE',
      'is required when the other TLS file is set',
    );
  }
  const tls =
    certFile && keyFile
      ? { cert: readFile('GATEWAY_TLS_CERT_FILE', certFile), key: readFile('GATEWAY_TLS_KEY_FILE', keyFile) }
      : undefined;
  const walletDir = path.resolve(read(env, 'WALLET_DIR', z.string().min(1), '.gateway/wallet'));
  const walletKey = parseKey('WALLET_KEY', read(env, 'WALLET_KEY', z.string().min(1)));
  const importUsersDir = optional(env, 'WALLET_IMPORT_USERS_DIR');
  if (importUsersDir && !fs.existsSync(importUsersDir)) {
    throw new ConfigError('WALLET_IMPORT_USERS_DIR', `names a missing folder: ${importUsersDir}`);
  }
  const { orgs, channel: fileChannel } = loadOrgs(env);
  const configuredRoles = parseIssuableRoles(
    optional(env, 'IDENTITY_ISSUABLE_ROLES') ?? '',
    new Set(orgs.map((o) => o.mspId)),
  );
  const consortiumRoles = loadConsortiumRoles(env);
  for (const o of orgs) {
    const roles = configuredRoles.get(o.mspId) ?? consortiumRoles.get(o.mspId);
    if (roles) o.issuableRoles = roles;
  }
  const channel = read(
    env,
    'FABRIC_CHANNEL',
    z.string().regex(/^[a-z][a-z0-9.-]{0,248}$/, 'must be a channel name'),
    fileChannel ?? 'govchannel',
  );
  const config: Config = {
    host,
    port,
    trustProxy: read(env, 'GATEWAY_TRUST_PROXY', z.enum(['true', 'false']), 'false') === 'true',
    logLevel: read(
      env,
      'LOG_LEVEL',
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
      'info',
    ),
    jwt: loadJwt(env),
    wallet: { dir: walletDir, key: walletKey },
    electionKeysDir: path.resolve(
      read(env, 'ELECTION_KEYS_DIR', z.string().min(1), path.join(walletDir, '..', 'election-keys')),
    ),
    electionKeyBits: Number(read(env, 'ELECTION_KEY_BITS', z.enum(['2048', '3072', '4096']), '2048')) as
      2048 | 3072 | 4096,
    ballotBox: read(
      env,
      'BALLOT_BOX_IDENTITY',
      z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,63}\/[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/, 'must be MSPID/label')
        .transform((v) => ({ mspId: v.split('/')[0], label: v.split('/')[1] })),
      `${orgs[0].mspId}/ballot-box-${orgs[0].name.slice(-1).toLowerCase()}`,
    ),
    ballotBoxBatching: {
      minBatch: Number(read(env, 'BALLOT_BOX_MIN_BATCH', z.string().regex(/^[1-9][0-9]{0,2}$/), '10')),
      closeLeadMs: Number(read(env, 'BALLOT_BOX_CLOSE_LEAD_MS', z.string().regex(/^[0-9]{1,7}$/), '10000')),
    },
    electionAuthorities: Object.fromEntries(
      read(
        env,
        'ELECTION_AUTHORITY_IDENTITIES',
        z
          .string()
          .regex(
            /^([A-Za-z0-9][A-Za-z0-9.-]{0,63}\/[A-Za-z0-9][A-Za-z0-9._@-]{0,127})?(,[A-Za-z0-9][A-Za-z0-9.-]{0,63}\/[A-Za-z0-9][A-Za-z0-9._@-]{0,127})*$/,
            'must be comma-separated MSPID/label',
          ),
        orgs.map((o) => `${o.mspId}/election-admin-${o.name.slice(-1).toLowerCase()}`).join(','),
      )
        .split(',')
        .filter((v) => v !== '')
        .map((v) => v.split('/') as [string, string]),
    ),
    channel,
    orgs,
    chaincodes: parseChaincodes(read(env, 'FABRIC_CHAINCODES', z.string(), DEFAULT_CHAINCODES.join(','))),
    deadlines: {
      evaluateMs: read(env, 'FABRIC_EVALUATE_TIMEOUT_MS', intVar(100, 600_000), '5000'),
      endorseMs: read(env, 'FABRIC_ENDORSE_TIMEOUT_MS', intVar(100, 600_000), '15000'),
      submitMs: read(env, 'FABRIC_SUBMIT_TIMEOUT_MS', intVar(100, 600_000), '5000'),
      commitStatusMs: read(env, 'FABRIC_COMMIT_STATUS_TIMEOUT_MS', intVar(100, 600_000), '60000'),
    },
    mvccRetries: read(env, 'FABRIC_MVCC_RETRIES', intVar(0, 20), '3'),
    rebroadcastMs: read(env, 'FABRIC_REBROADCAST_MS', intVar(0, 600_000), '3000'),
    grpcKeepaliveMs: read(env, 'FABRIC_GRPC_KEEPALIVE_MS', intVar(1000, 3_600_000), '120000'),
    db: {
      path: path.resolve(
        read(env, 'GATEWAY_DB_PATH', z.string().min(1), path.join(walletDir, '..', 'gateway.db')),
      ),
      ...postgresUrl(env),
      idempotencyTtlHours: read(env, 'IDEMPOTENCY_TTL_HOURS', intVar(1, 24 * 365), '24'),
      reconcileGraceMs: read(env, 'IDEMPOTENCY_RECONCILE_GRACE_MS', intVar(0, 86_400_000), '60000'),
      replicaLeaseMs: read(env, 'GATEWAY_REPLICA_LEASE_MS', intVar(1000, 600_000), '10000'),
    },
    rateLimit: {
      windowMs: read(env, 'RATE_LIMIT_WINDOW_MS', intVar(1000, 86_400_000), '60000'),
      max: read(env, 'RATE_LIMIT_MAX', intVar(1, 10_000_000), '1200'),
    },
    authFailureLimit: {
      windowMs: read(env, 'AUTH_FAILURE_WINDOW_MS', intVar(1000, 86_400_000), '60000'),
      max: read(env, 'AUTH_FAILURE_MAX', intVar(1, 1_000_000), '30'),
    },
    bodyLimit: read(
      env,
      'BODY_LIMIT',
      z.string().regex(/^\d+(b|kb|mb)$/i, 'must look like 256kb or 1mb'),
      '256kb',
    ),
    jsonMaxDepth: read(env, 'JSON_MAX_DEPTH', intVar(2, 1000), '32'),
    maxHeaderBytes: read(env, 'GATEWAY_MAX_HEADER_BYTES', intVar(4096, 1_048_576), '16384'),
    offline: {
      ttlSec: read(env, 'OFFLINE_SESSION_TTL_S', intVar(30, 86_400), '900'),
      maxOpenPerCaller: read(env, 'OFFLINE_SESSIONS_PER_CALLER', intVar(1, 1000), '5'),
    },
    shutdownTimeoutMs: read(env, 'SHUTDOWN_TIMEOUT_MS', intVar(0, 600_000), '10000'),
    sseHeartbeatMs: read(env, 'SSE_HEARTBEAT_MS', intVar(1000, 600_000), '15000'),
    events: {
      auditOrgs: loadAuditOrgs(env),
      maxStreamsPerCaller: read(env, 'SSE_MAX_STREAMS_PER_CALLER', intVar(1, 1000), '3'),
    },
    readiness: {
      cacheMs: read(env, 'READY_CACHE_MS', intVar(0, 600_000), '2000'),
      maxHeightLag: read(env, 'READY_MAX_HEIGHT_LAG', intVar(0, 1_000_000), '5'),
    },
    webhooks: loadWebhookSettings(env),
  };
  if (tls) config.tls = tls;
  if (importUsersDir) config.wallet.importUsersDir = path.resolve(importUsersDir);
  for (const name of DEFAULT_CHAINCODES) config.chaincodes[name] ??= name;
  return config;
}
