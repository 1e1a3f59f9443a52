/**
 * Holder presentations: an SD-JWT shaped compact serialisation (draft-ietf-oauth-selective-
 * disclosure-jwt), small enough for a QR code:
 *
 *   <issuer JWT>~<disclosure>~<disclosure>~...~
 *
 * - issuer JWT: compact JWS, ES256, header `{alg: "ES256", typ: "vc+sd-jwt", kid}` (kid = RFC 7638
 *   thumbprint of a presentation key registered on the ledger by the issuing organisation);
 *   payload `{iss: issuing MSP, iat, exp, licence_id, licence_type, status_url, _sd_alg:
 *   "sha-256", _sd: [digest of each disclosure], claim_hashes: {name: ledger hash}}`;
 * - disclosure: base64url of the JSON array `[salt, claimName, value]`; its digest is
 *   base64url(SHA-256(disclosure text)), listed in `_sd`;
 * - the licence's public record holds `sha256(salt + "|" + value)` per claim; `claim_hashes`
 *   repeats those ledger hashes for the disclosed claims, so an offline verifier checks the
 *   values too, and the online verifier checks them against the ledger itself.
 *
 * docs/presentation.md describes the format with a worked example.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, importJWK } from 'jose';
import { eLicence } from '@govledger/wire';

/** Most characters a presentation may have (QR code version 40 holds 2953 bytes in binary mode; we allow a little more for text). */
export const MAX_PRESENTATION_CHARS = 8192;

/** A disclosed claim. */
export interface Disclosure {
  salt: string;
  name: string;
  value: string;
}

/** The issuer JWT's payload. */
export interface PresentationPayload {
  iss: string;
  iat: number;
  exp: number;
  licence_id: string;
  licence_type: string;
  status_url: string;
  _sd_alg: 'sha-256';
  _sd: string[];
  claim_hashes: Record<string, string>;
}

/** A published verification key: the registered JWK, its kid and organisation. */
export interface VerificationKey {
  kid: string;
  mspId: string;
  jwk: eLicence.PresentationPublicJwk;
}

/** A failure reason of a presentation check. */
export type PresentationReason = eLicence.PresentationReason;

/** The text of a disclosure: base64url of `[salt, name, value]` as JSON. */
export function encodeDisclosure(d: Disclosure): string {
  return Buffer.from(JSON.stringify([d.salt, d.name, d.value]), 'utf8').toString('base64url');
}

/** The SD-JWT digest of a disclosure text: base64url(SHA-256(text)). */
export function disclosureDigest(encoded: string): string {
  return createHash('sha256').update(encoded, 'ascii').digest('base64url');
}

/** The ledger's salted hash of a claim value: lower-case hex SHA-256 of `salt|value`. */
export function ledgerClaimHash(salt: string, value: string): string {
  return createHash('sha256').update(`${salt}|${value}`, 'utf8').digest('hex');
}

/** What a presentation is made of. */
export interface NewPresentation {
  issuerMsp: string;
  licenceId: string;
  typeCode: string;
  statusUrl: string;
  disclosures: Disclosure[];
  /** Seconds since the epoch. */
  now: number;
  ttlSec: number;
}

/** Signs a presentation with the issuing organisation's key; returns the token and its payload. */
export async function signPresentation(
  p: NewPresentation,
  key: { kid: string; privateKey: KeyObject },
): Promise<{ token: string; payload: PresentationPayload }> {
  const encoded = p.disclosures.map(encodeDisclosure);
  const payload: PresentationPayload = {
    iss: p.issuerMsp,
    iat: p.now,
    exp: p.now + p.ttlSec,
    licence_id: p.licenceId,
    licence_type: p.typeCode,
    status_url: p.statusUrl,
    _sd_alg: 'sha-256',
    _sd: encoded.map(disclosureDigest).sort(),
    claim_hashes: Object.fromEntries(p.disclosures.map((d) => [d.name, ledgerClaimHash(d.salt, d.value)])),
  };
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: eLicence.PRESENTATION_ALG, typ: eLicence.PRESENTATION_TYP, kid: key.kid })
    .sign(key.privateKey);
  return { token: `${jws}~${encoded.map((e) => `${e}~`).join('')}`, payload };
}

/** The outcome of the offline checks (signature, expiry, disclosures). */
export type CheckedPresentation =
  | { ok: true; payload: PresentationPayload; kid: string; disclosures: Disclosure[] }
  | {
      ok: false;
      reason: PresentationReason;
      payload?: PresentationPayload;
      kid?: string;
      disclosures?: Disclosure[];
    };

function decodeJson(segment: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const B64URL43 = /^[A-Za-z0-9_-]{43}$/;
const SALT = /^[0-9a-f]{32,128}$/;

function isPayload(v: unknown): v is PresentationPayload {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return (
    typeof p.iss === 'string' &&
    Number.isSafeInteger(p.iat) &&
    Number.isSafeInteger(p.exp) &&
    typeof p.licence_id === 'string' &&
    typeof p.licence_type === 'string' &&
    typeof p.status_url === 'string' &&
    p._sd_alg === 'sha-256' &&
    Array.isArray(p._sd) &&
    p._sd.every((d) => typeof d === 'string' && B64URL43.test(d)) &&
    typeof p.claim_hashes === 'object' &&
    p.claim_hashes !== null &&
    !Array.isArray(p.claim_hashes) &&
    Object.values(p.claim_hashes).every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h))
  );
}

/**
 * Checks a presentation offline: form, key (the `kid` among `keys`, of the organisation the
 * payload names as `iss`), ES256 signature, expiry at `nowSec`, and every disclosure (listed in
 * `_sd`, not repeated, its value matching `claim_hashes`). The licence's status needs the ledger.
 */
export async function checkPresentation(
  token: string,
  keys: readonly VerificationKey[],
  nowSec: number,
): Promise<CheckedPresentation> {
  if (token.length > MAX_PRESENTATION_CHARS || !token.endsWith('~'))
    return { ok: false, reason: 'MALFORMED' };
  const parts = token.split('~');
  const jws = parts[0] ?? '';
  const encoded = parts.slice(1, -1);
  const segments = jws.split('.');
  if (segments.length !== 3) return { ok: false, reason: 'MALFORMED' };
  const header = decodeJson(segments[0] ?? '') as Record<string, unknown> | undefined;
  const unverified = decodeJson(segments[1] ?? '');
  if (
    !header ||
    header.alg !== eLicence.PRESENTATION_ALG ||
    header.typ !== eLicence.PRESENTATION_TYP ||
    typeof header.kid !== 'string' ||
    !isPayload(unverified)
  ) {
    return { ok: false, reason: 'MALFORMED' };
  }
  const kid = header.kid;
  const key = keys.find((k) => k.kid === kid && k.mspId === unverified.iss);
  if (!key) return { ok: false, reason: 'UNKNOWN_KEY', kid, payload: unverified };
  let payload: PresentationPayload;
  try {
    const verified = await compactVerify(jws, await importJWK({ ...key.jwk }, 'ES256'), {
      algorithms: ['ES256'],
    });
    const parsed: unknown = JSON.parse(new TextDecoder().decode(verified.payload));
    if (!isPayload(parsed)) return { ok: false, reason: 'MALFORMED', kid };
    payload = parsed;
  } catch {
    return { ok: false, reason: 'BAD_SIGNATURE', kid, payload: unverified };
  }
  const disclosures: Disclosure[] = [];
  for (const e of encoded) {
    const arr = decodeJson(e);
    if (
      !Array.isArray(arr) ||
      arr.length !== 3 ||
      !arr.every((x) => typeof x === 'string') ||
      !SALT.test(arr[0] as string)
    ) {
      return { ok: false, reason: 'MALFORMED', kid, payload };
    }
    disclosures.push({ salt: arr[0] as string, name: arr[1] as string, value: arr[2] as string });
  }
  if (payload.exp <= nowSec) return { ok: false, reason: 'PRESENTATION_EXPIRED', kid, payload, disclosures };
  const seen = new Set<string>();
  for (const [i, d] of disclosures.entries()) {
    const ok =
      payload._sd.includes(disclosureDigest(encoded[i] ?? '')) &&
      !seen.has(d.name) &&
      payload.claim_hashes[d.name] === ledgerClaimHash(d.salt, d.value);
    if (!ok) return { ok: false, reason: 'DISCLOSURE_MISMATCH', kid, payload, disclosures };
    seen.add(d.name);
  }
  return { ok: true, payload, kid, disclosures };
}
