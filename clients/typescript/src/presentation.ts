/**
 * Offline verification of a holder presentation (docs/presentation.md): an SD-JWT shaped compact
 * serialisation `<issuer JWT>~<disclosure>~...~`, signed ES256 by the issuing organisation's
 * presentation key, whose public half is registered on the ledger and published by every gateway
 * as a JWKS (`GET /api/v1/public/presentation-keys`).
 *
 * Offline, a verifier checks the signature (against a key of the JWKS with the token's `kid` and
 * the organisation it names as `iss`), the expiry, and each disclosure (listed in `_sd`, not
 * repeated, its value matching the ledger's salted hash `sha256(salt|value)` that the token
 * carries in `claim_hashes`). Offline it cannot know the licence's CURRENT status (revoked,
 * suspended, expired since): for that, ask the online check, `POST
 * /api/v1/public/presentations/verify`, which also compares the hashes with the ledger's.
 *
 * Uses WebCrypto (Node 20+, browsers); no other dependency.
 */
import { createHash, webcrypto } from 'node:crypto';

/** One key of the published JWKS. */
export interface PresentationJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  /** The organisation (MSP id) that registered the key. */
  mspId: string;
  alg?: string;
  use?: string;
}

/** Why an offline check failed: the gateway's reason codes, minus the ledger-only ones. */
export type OfflineReason =
  'MALFORMED' | 'UNKNOWN_KEY' | 'BAD_SIGNATURE' | 'PRESENTATION_EXPIRED' | 'DISCLOSURE_MISMATCH';

/** The result of {@link verifyPresentation}. */
export type OfflineVerification =
  | {
      valid: true;
      /** The issuing organisation (MSP id). */
      issuer: string;
      licenceId: string;
      licenceType: string;
      /** Where the licence's current status is checked online. */
      statusUrl: string;
      issuedAt: Date;
      expiresAt: Date;
      /** The disclosed claims, by name. */
      claims: Record<string, string>;
      /** Always true: the licence's current status is not known offline. */
      statusUnchecked: true;
    }
  | { valid: false; reason: OfflineReason };

const MAX_CHARS = 8192;
const B64URL43 = /^[A-Za-z0-9_-]{43}$/;
const SALT = /^[0-9a-f]{32,128}$/;

function b64urlJson(segment: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

interface Payload {
  iss: string;
  iat: number;
  exp: number;
  licence_id: string;
  licence_type: string;
  status_url: string;
  _sd: string[];
  claim_hashes: Record<string, string>;
}

function asPayload(v: unknown): Payload | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const p = v as Record<string, unknown>;
  const hashes = p.claim_hashes;
  const ok =
    typeof p.iss === 'string' &&
    Number.isSafeInteger(p.iat) &&
    Number.isSafeInteger(p.exp) &&
    typeof p.licence_id === 'string' &&
    typeof p.licence_type === 'string' &&
    typeof p.status_url === 'string' &&
    p._sd_alg === 'sha-256' &&
    Array.isArray(p._sd) &&
    p._sd.every((d) => typeof d === 'string' && B64URL43.test(d)) &&
    typeof hashes === 'object' &&
    hashes !== null &&
    !Array.isArray(hashes) &&
    Object.values(hashes).every((x) => typeof x === 'string' && /^[0-9a-f]{64}$/.test(x));
  return ok ? (p as unknown as Payload) : undefined;
}

/**
 * Verifies a presentation offline with the published keys (`jwks.keys`), at `now` (default: the
 * current time). Never throws for a bad presentation: answers `{valid: false, reason}`.
 */
export async function verifyPresentation(
  token: string,
  jwks: { keys: readonly PresentationJwk[] },
  now: Date = new Date(),
): Promise<OfflineVerification> {
  const fail = (reason: OfflineReason): OfflineVerification => ({ valid: false, reason });
  if (typeof token !== 'string' || token.length > MAX_CHARS || !token.endsWith('~')) return fail('MALFORMED');
  const parts = token.split('~');
  const jws = parts[0] ?? '';
  const encoded = parts.slice(1, -1);
  const segments = jws.split('.');
  if (segments.length !== 3) return fail('MALFORMED');
  const [h = '', b = '', s = ''] = segments;
  const header = b64urlJson(h) as Record<string, unknown> | undefined;
  const payload = asPayload(b64urlJson(b));
  if (
    !header ||
    header.alg !== 'ES256' ||
    header.typ !== 'vc+sd-jwt' ||
    typeof header.kid !== 'string' ||
    !payload
  )
    return fail('MALFORMED');
  const jwk = jwks.keys.find((k) => k.kid === header.kid && k.mspId === payload.iss);
  if (!jwk) return fail('UNKNOWN_KEY');
  let verified = false;
  try {
    const key = await webcrypto.subtle.importKey(
      'jwk',
      { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    const signature = Buffer.from(s, 'base64url');
    verified =
      /^[A-Za-z0-9_-]+$/.test(s) &&
      signature.length === 64 &&
      (await webcrypto.subtle.verify(
        { name: 'ECDSA', hash: 'SHA-256' },
        key,
        signature,
        new TextEncoder().encode(`${h}.${b}`),
      ));
  } catch {
    verified = false;
  }
  if (!verified) return fail('BAD_SIGNATURE');
  if (payload.exp <= Math.floor(now.getTime() / 1000)) return fail('PRESENTATION_EXPIRED');
  const claims: Record<string, string> = {};
  for (const e of encoded) {
    const d = b64urlJson(e);
    if (
      !Array.isArray(d) ||
      d.length !== 3 ||
      !d.every((x) => typeof x === 'string') ||
      !SALT.test(d[0] as string)
    )
      return fail('MALFORMED');
    const [salt, name, value] = d as [string, string, string];
    const digest = createHash('sha256').update(e, 'ascii').digest('base64url');
    const ledgerHash = createHash('sha256').update(`${salt}|${value}`, 'utf8').digest('hex');
    if (
      !payload._sd.includes(digest) ||
      Object.hasOwn(claims, name) ||
      payload.claim_hashes[name] !== ledgerHash
    )
      return fail('DISCLOSURE_MISMATCH');
    claims[name] = value;
  }
  return {
    valid: true,
    issuer: payload.iss,
    licenceId: payload.licence_id,
    licenceType: payload.licence_type,
    statusUrl: payload.status_url,
    issuedAt: new Date(payload.iat * 1000),
    expiresAt: new Date(payload.exp * 1000),
    claims,
    statusUnchecked: true,
  };
}
