/**
 * Hashes that let the public ledger prove facts without holding them.
 */
import { createHash } from 'crypto';

/** Lower-case hex SHA-256 of a UTF-8 string or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The salted hash of one value, as kept on the ledger: `sha256(salt + "|" + value)`
 * in lower-case hex. The salt is hex (so it never contains `|`); whoever knows the
 * value and the salt can recompute it, nobody else can guess the value from it.
 */
export function saltedHash(salt: string, value: string): string {
  return sha256Hex(`${salt}|${value}`);
}

/** Constant-shape comparison of two hex digests (both lower-cased). */
export function sameDigest(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
