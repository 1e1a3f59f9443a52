/**
 * Who is calling: bearer JWTs checked with `jose` (HS256 with a shared secret in
 * development, RS256 against a JWKS URL in production). A token carries the
 * subject (`sub`, which is also the caller's wallet label), the organisation
 * (`org`, an MSP ID) and the roles (`roles`); optionally the department (`dept`)
 * and the pseudonymous id (`pid`). Missing or bad tokens are 401, a caller
 * without the role a route needs is 403, both as problem+json. Where a token claim is not
 * enough (administration), the caller's own certificate decides: its Fabric CA attributes
 * (`gov.role`, ...) are read here, as the chaincodes read them. Tokens must carry `exp` and
 * `iat` and live at most the configured maximum age ({@link createTokenVerifier}).
 */
import type { ApiRequest, ApiResponse } from './http/exchange';
import { X509Certificate } from 'node:crypto';
import {
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { z } from 'zod';
import { DEFAULT_MAX_TOKEN_AGE_SEC, type JwtConfig } from './config';
import { SUBJECT_PATTERN, type Caller } from './caller';
import { HttpProblem } from './http/problem';

export { SUBJECT_PATTERN, type Caller } from './caller';

const claims = z.object({
  sub: z.string().regex(SUBJECT_PATTERN, 'sub must be 1-128 characters of letters, digits, . _ @ -'),
  org: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/, 'org must be an MSP ID'),
  roles: z.array(z.string().regex(/^[a-z][a-z0-9-]{0,63}$/)).max(32),
  dept: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,63}$/)
    .optional(),
  pid: z
    .string()
    .regex(/^[0-9a-f]{32,128}$/)
    .optional(),
});

/** Checks bearer tokens. */
export interface TokenVerifier {
  /** Verifies a compact JWT and returns its caller, or throws a 401 {@link HttpProblem}. */
  verify(token: string): Promise<Caller>;
}

/**
 * Stable codes of refused tokens (all 401): the token has expired, lacks `exp` or `iat`, was
 * issued in the future, is older than the maximum age, or was issued for longer than the maximum
 * lifetime; anything else about it is `INVALID_TOKEN`.
 */
export const TokenErrorCode = {
  Expired: 'TOKEN_EXPIRED',
  ExpiryRequired: 'TOKEN_EXPIRY_REQUIRED',
  IssuedAtRequired: 'TOKEN_ISSUED_AT_REQUIRED',
  IssuedInFuture: 'TOKEN_ISSUED_IN_FUTURE',
  TooOld: 'TOKEN_TOO_OLD',
  LifetimeTooLong: 'TOKEN_LIFETIME_TOO_LONG',
  Invalid: 'INVALID_TOKEN',
} as const;

/** The 401 of a token refused by a claim check of `jose`, or undefined when the error is another. */
function claimRefusal(err: unknown, maxAgeSec: number): HttpProblem | undefined {
  const refuse = (code: string, detail: string) => new HttpProblem(401, code, detail);
  if (err instanceof joseErrors.JWTExpired) {
    if (err.claim === 'iat')
      return refuse(TokenErrorCode.TooOld, `the bearer token was issued more than ${maxAgeSec} s ago`);
    return refuse(TokenErrorCode.Expired, 'the bearer token has expired');
  }
  if (!(err instanceof joseErrors.JWTClaimValidationFailed)) return undefined;
  if (err.claim === 'exp' && err.reason === 'missing')
    return refuse(TokenErrorCode.ExpiryRequired, 'the bearer token must carry an expiry (exp)');
  if (err.claim === 'iat' && err.reason === 'missing')
    return refuse(TokenErrorCode.IssuedAtRequired, 'the bearer token must carry its issue time (iat)');
  if (err.claim === 'iat' && err.reason === 'check_failed')
    return refuse(TokenErrorCode.IssuedInFuture, 'the bearer token is issued in the future (iat)');
  return undefined;
}

/**
 * Creates the verifier for the configured mode; `keys` overrides the key source (tests).
 * Every token must carry `exp` and `iat`; `iat` may not lie in the future (beyond the clock
 * tolerance) nor be older than the maximum age, and `exp - iat` may not exceed it either
 * ({@link DEFAULT_MAX_TOKEN_AGE_SEC} unless configured). A verified token is remembered (by its
 * exact text, signature included) for up to {@link TOKEN_CACHE_TTL_MS}: a repeat skips the
 * signature and claim parsing but is checked against `exp` and the maximum age at every use,
 * like the first time; a refused token is never remembered.
 */
export function createTokenVerifier(jwt: JwtConfig, keys?: JWTVerifyGetKey): TokenVerifier {
  const maxAgeSec = jwt.maxTokenAgeSec ?? DEFAULT_MAX_TOKEN_AGE_SEC;
  const options = {
    issuer: jwt.issuer,
    audience: jwt.audience,
    clockTolerance: jwt.clockToleranceSec,
    algorithms: [jwt.mode === 'hs256' ? 'HS256' : 'RS256'],
    requiredClaims: ['exp', 'iat'],
    maxTokenAge: maxAgeSec,
  };
  const remote =
    jwt.mode === 'rs256' && !keys ? createRemoteJWKSet(jwt.jwksUrl, { cacheMaxAge: 10 * 60_000 }) : undefined;
  const verifyJwt = async (token: string) => {
    if (keys) return jwtVerify(token, keys, options);
    if (remote) return jwtVerify(token, remote, options);
    if (jwt.mode === 'hs256') return jwtVerify(token, jwt.secret, options);
    throw new Error('no key source');
  };
  const cache = new Map<string, CachedToken>();
  const tolerance = jwt.clockToleranceSec;
  return {
    async verify(token: string): Promise<Caller> {
      const nowMs = Date.now();
      const hit = cache.get(token);
      if (hit) {
        // the same time checks jose makes (in whole seconds, with the clock tolerance); a token
        // that fails one is verified in full below, which refuses it with jose's own error
        const now = Math.floor(nowMs / 1000);
        if (
          nowMs - hit.cachedAtMs < TOKEN_CACHE_TTL_MS &&
          hit.exp > now - tolerance &&
          now - hit.iat - tolerance <= maxAgeSec
        )
          return copyCaller(hit.caller);
        cache.delete(token);
      }
      let payload: JWTPayload;
      try {
        payload = (await verifyJwt(token)).payload;
      } catch (err) {
        const refused = claimRefusal(err, maxAgeSec);
        if (refused) throw refused;
        if (err instanceof joseErrors.JWKSTimeout || !(err instanceof joseErrors.JOSEError)) {
          // the key source failed (JWKS endpoint down), not the token
          throw new HttpProblem(
            503,
            'AUTH_KEYS_UNAVAILABLE',
            'the token signing keys could not be fetched',
            {},
            5,
          );
        }
        throw new HttpProblem(401, TokenErrorCode.Invalid, 'the bearer token is not valid');
      }
      // jose checked that both are numbers, exp not passed, iat neither future nor too old
      if ((payload.exp as number) - (payload.iat as number) > maxAgeSec) {
        throw new HttpProblem(
          401,
          TokenErrorCode.LifetimeTooLong,
          `the bearer token is valid for longer than ${maxAgeSec} s (exp - iat)`,
        );
      }
      const parsed = claims.safeParse(payload);
      if (!parsed.success) {
        throw new HttpProblem(
          401,
          'INVALID_TOKEN_CLAIMS',
          `the bearer token lacks required claims: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
        );
      }
      const c = parsed.data;
      const caller: Caller = { subject: c.sub, org: c.org, roles: c.roles };
      if (c.dept) caller.dept = c.dept;
      if (c.pid) caller.pid = c.pid;
      if (cache.size >= TOKEN_CACHE_MAX) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      cache.set(token, {
        caller: copyCaller(caller),
        exp: payload.exp as number,
        iat: payload.iat as number,
        cachedAtMs: nowMs,
      });
      return caller;
    },
  };
}

/** A verified token kept by {@link createTokenVerifier}: its caller and the times it is checked against again. */
interface CachedToken {
  caller: Caller;
  exp: number;
  iat: number;
  cachedAtMs: number;
}

/**
 * How long a verified token is taken from the cache before its signature is checked again (the
 * RS256 key set is cached for 10 minutes, so a withdrawn key stops working within the same bound).
 */
export const TOKEN_CACHE_TTL_MS = 60_000;
/** Most verified tokens kept (the oldest goes first). */
export const TOKEN_CACHE_MAX = 10_000;

/** A copy of a caller (the cached one is never handed out, so a handler cannot change it). */
function copyCaller(c: Caller): Caller {
  const out: Caller = { subject: c.subject, org: c.org, roles: [...c.roles] };
  if (c.dept !== undefined) out.dept = c.dept;
  if (c.pid !== undefined) out.pid = c.pid;
  return out;
}

/** Reads the caller a previous {@link authenticate} stored on the response. */
export function callerOf(res: Pick<ApiResponse, 'locals'>): Caller {
  const caller = res.locals.caller;
  if (!caller) throw new HttpProblem(401, 'UNAUTHENTICATED', 'a bearer token is required');
  return caller;
}

/**
 * Authentication on the API pipeline: requires `Authorization: Bearer <jwt>`, verifies it and
 * stores the caller in `locals`; refuses organisations the gateway does not serve (403).
 */
export function authenticate(verifier: TokenVerifier, servedOrgs: ReadonlySet<string>): Authenticate {
  return async (req, res, next) => {
    try {
      const header = req.headers.authorization;
      const match = header ? /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header) : null;
      if (!match) throw new HttpProblem(401, 'UNAUTHENTICATED', 'a bearer token is required');
      const caller = await verifier.verify(match[1]);
      if (!servedOrgs.has(caller.org)) {
        throw new HttpProblem(
          403,
          'ORG_NOT_SERVED',
          `this gateway does not act for organisation ${caller.org}`,
        );
      }
      res.locals.caller = caller;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** A step of the API pipeline that authenticates (connect style: `next(err)` refuses). */
export type Authenticate = (
  req: ApiRequest,
  res: ApiResponse,
  next: (err?: unknown) => void,
) => void | Promise<void>;

/** True when the caller holds at least one of the roles (an empty list means any caller). */
export function hasAnyRole(caller: Caller, roles: readonly string[]): boolean {
  return roles.length === 0 || roles.some((r) => caller.roles.includes(r));
}

/** Refuses (403) unless the caller holds one of the roles. */
export function assertRole(caller: Caller, roles: readonly string[]): void {
  if (!hasAnyRole(caller, roles)) {
    throw new HttpProblem(
      403,
      'FORBIDDEN',
      `this needs role ${roles.join(' or ')}; the caller has ${caller.roles.join(', ') || 'none'}`,
    );
  }
}

/** OID of the X.509 extension in which Fabric CA writes a certificate's attributes (JSON `{"attrs":{...}}`). */
export const FABRIC_ATTRS_OID = '1.2.3.4.5.6.7.8.1';

/** One DER element: its tag, and where its content starts and ends in the buffer. */
interface Der {
  tag: number;
  start: number;
  end: number;
}

/** Reads the DER element at `offset` (definite lengths only, as DER requires). */
function derAt(buf: Buffer, offset: number, limit: number): Der {
  if (offset + 2 > limit) throw new Error('truncated DER');
  const tag = buf[offset];
  let length = buf[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > limit) throw new Error('bad DER length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + buf[start + i];
    start += bytes;
  }
  if (start + length > limit) throw new Error('truncated DER');
  return { tag, start, end: start + length };
}

/** The elements inside a constructed DER element. */
function derChildren(buf: Buffer, parent: Der): Der[] {
  const out: Der[] = [];
  for (let at = parent.start; at < parent.end;) {
    const child = derAt(buf, at, parent.end);
    out.push(child);
    at = child.end;
  }
  return out;
}

/** Dotted form of a DER OBJECT IDENTIFIER's content. */
function derOid(bytes: Buffer): string {
  const arcs: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (arcs.length === 0)
        arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

/** The value (extnValue content) of a certificate's extension, or undefined when absent. */
function extensionValue(der: Buffer, oid: string): Buffer | undefined {
  const cert = derAt(der, 0, der.length);
  const tbs = derChildren(der, cert)[0];
  if (!tbs || tbs.tag !== 0x30) throw new Error('not a certificate');
  const wrapper = derChildren(der, tbs).find((e) => e.tag === 0xa3); // [3] EXPLICIT Extensions
  if (!wrapper) return undefined;
  const list = derChildren(der, wrapper)[0];
  if (!list || list.tag !== 0x30) throw new Error('bad extensions');
  for (const ext of derChildren(der, list)) {
    const parts = derChildren(der, ext);
    if (parts[0]?.tag !== 0x06) continue;
    if (derOid(der.subarray(parts[0].start, parts[0].end)) !== oid) continue;
    const value = parts.find((p, i) => i > 0 && p.tag === 0x04);
    return value ? der.subarray(value.start, value.end) : undefined;
  }
  return undefined;
}

const fabricAttrs = z.object({ attrs: z.record(z.string(), z.string()) });

/**
 * The attributes Fabric CA wrote into a PEM certificate (extension {@link FABRIC_ATTRS_OID}), as the
 * chaincodes read them; `{}` when the certificate carries none or the extension is not Fabric's JSON.
 * Throws when the text is not a certificate.
 */
export function certificateAttributes(pem: string): Record<string, string> {
  const der = new X509Certificate(pem).raw;
  const value = extensionValue(der, FABRIC_ATTRS_OID);
  if (!value) return {};
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return {};
  }
  const parsed = fabricAttrs.safeParse(json);
  return parsed.success ? parsed.data.attrs : {};
}

/** The roles a certificate grants: its `gov.role` attribute split on `+` (empty when none or unreadable). */
export function certificateRoles(pem: string): string[] {
  let attrs: Record<string, string>;
  try {
    attrs = certificateAttributes(pem);
  } catch {
    return [];
  }
  return (attrs['gov.role'] ?? '')
    .split('+')
    .map((r) => r.trim())
    .filter(Boolean);
}

/**
 * Refuses (403 `ADMIN_CERTIFICATE_REQUIRED`) unless the caller's own Fabric identity (its
 * certificate in the wallet, not the token) carries the `admin` role in `gov.role`: a token's
 * `roles` claim alone never grants what the organisation's CA did not certify.
 */
export function assertAdminCertificate(caller: Caller, identity: { certificate: string } | undefined): void {
  if (!identity) {
    throw new HttpProblem(
      403,
      'ADMIN_CERTIFICATE_REQUIRED',
      `${caller.subject} of ${caller.org} has no Fabric identity in the wallet; administration needs a certificate with gov.role admin`,
    );
  }
  if (!certificateRoles(identity.certificate).includes('admin')) {
    throw new HttpProblem(
      403,
      'ADMIN_CERTIFICATE_REQUIRED',
      `the certificate of ${caller.subject} of ${caller.org} does not carry gov.role admin; the token's roles claim is not enough`,
    );
  }
}

/** Claims of a development token. */
export interface DevTokenClaims {
  sub: string;
  org: string;
  roles: string[];
  dept?: string;
  pid?: string;
}

/**
 * Signs an HS256 development token (the `mint-token` command and tests use it), with `iat` now and
 * `exp` `ttlSec` later (a negative `ttlSec` gives an expired token, for tests).
 */
export async function signDevToken(
  secret: Uint8Array,
  claimSet: DevTokenClaims,
  options: { issuer: string; audience: string; ttlSec: number },
): Promise<string> {
  const { sub, ...rest } = claimSet;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt()
    .setExpirationTime(`${options.ttlSec}s`)
    .sign(secret);
}
