/**
 * Salted claim hashes: the ledger keeps, for each claim of a licence and for each attested fact,
 * `sha256hex(salt + "|" + value)` and never the value. Whoever is handed the value and its salt
 * recomputes the hash; nobody can guess the value from it. Salts are lower-case hex (32-128
 * characters, so they never contain `|`) drawn from a CSPRNG, one per claim.
 */
import { randomBytes } from 'node:crypto';
import { sha256Hex } from './sha256';

/** The salts the chaincodes accept: lower-case hex, 32 to 128 characters. */
export const SALT_PATTERN = /^[0-9a-f]{32,128}$/;

/** A claim's clear value and its salt (what the holder keeps, and discloses to a verifier). */
export interface SaltedClaim {
  value: string;
  salt: string;
}

/** A disclosed claim, as `POST /api/v1/licences/{licenceId}/verification` takes it. */
export interface DisclosedClaim extends SaltedClaim {
  name: string;
}

/** A fresh random salt: `bytes` bytes (16-64, default 32) from the CSPRNG, as lower-case hex. */
export function newSalt(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 16 || bytes > 64) {
    throw new RangeError('a salt has 16 to 64 bytes (32 to 128 hex characters)');
  }
  return randomBytes(bytes).toString('hex');
}

/** Throws unless the salt is one the chaincodes accept. */
export function assertSalt(salt: string): void {
  if (!SALT_PATTERN.test(salt)) throw new TypeError('a salt must be lower-case hex of 32-128 characters');
}

/** The salted hash of one value, `sha256hex(salt + "|" + value)`, as the ledger keeps it. */
export function claimHash(salt: string, value: string): string {
  assertSalt(salt);
  return sha256Hex(`${salt}|${value}`);
}

/** Gives every clear value its own fresh salt. */
export function saltClaims(values: Readonly<Record<string, string>>): Record<string, SaltedClaim> {
  const out: Record<string, SaltedClaim> = {};
  for (const [name, value] of Object.entries(values)) out[name] = { value, salt: newSalt() };
  return out;
}

/** The hash of each claim by name: what a licence's public `claimHashes` holds. */
export function claimHashes(claims: Readonly<Record<string, SaltedClaim>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(claims).sort()) {
    const claim = claims[name] as SaltedClaim;
    out[name] = claimHash(claim.salt, claim.value);
  }
  return out;
}

/** The named claims (all by default) as a verifier is shown them; throws on a name not in the claims. */
export function discloseClaims(
  claims: Readonly<Record<string, SaltedClaim>>,
  names: readonly string[] = Object.keys(claims),
): DisclosedClaim[] {
  return names.map((name) => {
    const claim = claims[name];
    if (!claim) throw new RangeError(`no claim named ${name}`);
    return { name, value: claim.value, salt: claim.salt };
  });
}
