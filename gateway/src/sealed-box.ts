/**
 * Encryption at rest: AES-256-GCM with a random 96-bit nonce per message and
 * additional authenticated data that binds a ciphertext to its place (so a
 * sealed file cannot be swapped for another one).
 */
import crypto from 'node:crypto';

/** A sealed message as stored on disk. */
export interface Sealed {
  /** Format version. */
  v: 1;
  /** Algorithm name. */
  alg: 'A256GCM';
  /** Nonce, base64. */
  iv: string;
  /** Authentication tag, base64. */
  tag: string;
  /** Ciphertext, base64. */
  data: string;
}

/** Encrypts `plaintext` with a 32-byte key, binding it to `aad`. */
export function seal(key: Buffer, plaintext: Buffer, aad: string): Sealed {
  if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    v: 1,
    alg: 'A256GCM',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/** Decrypts a sealed message; throws when the key, the AAD or the ciphertext is wrong. */
export function open(key: Buffer, sealed: Sealed, aad: string): Buffer {
  if (sealed.v !== 1 || sealed.alg !== 'A256GCM') throw new Error('unsupported sealed format');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
}

/** True when a parsed JSON value has the shape of a {@link Sealed} message. */
export function isSealed(value: unknown): value is Sealed {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.v === 1 &&
    v.alg === 'A256GCM' &&
    typeof v.iv === 'string' &&
    typeof v.tag === 'string' &&
    typeof v.data === 'string'
  );
}
