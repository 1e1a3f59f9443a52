/**
 * The signing authorities of secret elections and their RSA keys (RFC 9474
 * RSABSSA, verified with @cloudflare/blindrsa-ts).
 *
 * A secret election names n authorities, one per participating organisation,
 * and a threshold k. Each authority registers its own public key with a
 * transaction signed by its own organisation (RegisterAuthorityKey); the ledger
 * holds only public keys, one record per authority. A token is a message the
 * voter made themselves, bound to one election:
 *
 *   message  = UTF-8 tokenMessage(electionId, nonce)   (the wire contract: TOKEN_DOMAIN|electionId|nonce,
 *                                                        nonce = 64 lower-case hex)
 *   prepared = prepare(message)   (32 random bytes || message for the Randomized
 *                                  variants, the message itself for Deterministic)
 *
 * The ballot carries `prepared` (the token) and the finalized signatures of at
 * least k distinct authorities on it; the receipt (and nullifier) is
 * SHA-256(prepared) in lower-case hex. Verification is plain RSA-PSS (SHA-384,
 * MGF1-SHA-384, salt 48 or 0 bytes) and deterministic.
 */
import { createPublicKey, webcrypto, type KeyObject } from 'crypto';
import { BlindRSA, getSuiteByName } from '@cloudflare/blindrsa-ts';
import type { Context } from 'fabric-contract-api';
import {
  ChaincodeError,
  emitEvent,
  getCaller,
  keyExists,
  protectRecord,
  readJson,
  sha256Hex,
  txTimeIso,
  txTimeMs,
  writeJson,
} from '@govledger/chaincode-common';
import { requireAuthorityAdmin } from './authz';
import { loadElection, phaseAt, requireMode } from './election';
import { errors } from './errors';
import { authorityKey } from './keys';
import type { AuthorityKey, AuthorityRecord, AuthoritySignature, Election, Mode } from './model';
import {
  Limits,
  preparePrefixLength,
  tokenMessage,
  TokenNonce,
  type BlindRsaVariant,
  type PublicKey,
  type RegisterAuthorityKeyRequest,
} from './schemas';

// The library uses the global WebCrypto object (`crypto.subtle`). Node 20 provides
// it; should a runtime lack it, install Node's implementation.
if ((globalThis as { crypto?: unknown }).crypto === undefined) {
  Object.defineProperty(globalThis, 'crypto', { value: webcrypto, configurable: true, writable: true });
}

function subtle(): webcrypto.SubtleCrypto {
  return (globalThis as unknown as { crypto: webcrypto.Crypto }).crypto.subtle;
}

/** True when the prepared token is a well-formed token message for this election. */
export function tokenIsBound(variant: BlindRsaVariant, token: Uint8Array, electionId: string): boolean {
  const prefixLength = preparePrefixLength(variant);
  if (token.length <= prefixLength) return false;
  const message = Buffer.from(token.subarray(prefixLength)).toString('utf8');
  const head = tokenMessage(electionId, '');
  return message.startsWith(head) && TokenNonce.test(message.slice(head.length));
}

/** The voter's receipt for a token: SHA-256 of the prepared token bytes, lower-case hex. */
export function receiptOf(token: Uint8Array): string {
  return sha256Hex(token);
}

/** Decodes canonical unpadded base64url, or returns undefined. */
export function decodeBase64url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? new Uint8Array(bytes) : undefined;
}

const PEM_PUBLIC_KEY = /^-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PUBLIC KEY-----$/;

function badKey(reason: string): ChaincodeError {
  return errors.invalidPublicKey(reason);
}

/**
 * Parses and checks the authority public key (RSA, 2048-4096 bits, e = 65537,
 * importable by WebCrypto as RSA-PSS/SHA-384) and normalises it for the ledger.
 * A private key in any form is refused.
 */
export async function parseAuthorityKey(variant: BlindRsaVariant, input: PublicKey): Promise<AuthorityKey> {
  let key: KeyObject;
  try {
    if (input.format === 'spki-pem') {
      const pem = input.pem.trim();
      if (!PEM_PUBLIC_KEY.test(pem)) throw badKey('pem must be one SPKI "-----BEGIN PUBLIC KEY-----" block');
      key = createPublicKey({ key: pem, format: 'pem' });
    } else {
      key = createPublicKey({ key: { kty: 'RSA', n: input.jwk.n, e: input.jwk.e }, format: 'jwk' });
    }
  } catch (err) {
    if (err instanceof ChaincodeError) throw err;
    throw badKey('the public key cannot be parsed');
  }
  if (key.type !== 'public' || key.asymmetricKeyType !== 'rsa') {
    throw badKey(
      `the key must be an RSA public key (rsaEncryption); got ${key.asymmetricKeyType ?? key.type}`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < Limits.minModulusBits || bits > Limits.maxModulusBits) {
    throw badKey(`the modulus must have ${Limits.minModulusBits}-${Limits.maxModulusBits} bits; has ${bits}`);
  }
  if (key.asymmetricKeyDetails?.publicExponent !== 65537n) {
    throw badKey('the public exponent must be 65537');
  }
  const exported = key.export({ format: 'jwk' });
  if (typeof exported.n !== 'string' || typeof exported.e !== 'string') throw badKey('the key has no n or e');
  const der = key.export({ type: 'spki', format: 'der' });
  const authority: AuthorityKey = {
    variant,
    publicKeyPem: String(key.export({ type: 'spki', format: 'pem' })),
    jwk: { kty: 'RSA', n: exported.n, e: exported.e },
    fingerprint: sha256Hex(der),
    modulusBits: bits,
  };
  try {
    await verifyKey(authority);
  } catch {
    throw badKey('WebCrypto refuses the key for RSA-PSS with SHA-384');
  }
  return authority;
}

const keyCache = new Map<string, Promise<webcrypto.CryptoKey>>();
const KEY_CACHE_SIZE = 64;

/** The WebCrypto verification key of an authority (memoised by fingerprint: a pure function of the key). */
function verifyKey(authority: AuthorityKey): Promise<webcrypto.CryptoKey> {
  const cached = keyCache.get(authority.fingerprint);
  if (cached) return cached;
  const imported = subtle().importKey('jwk', authority.jwk, { name: 'RSA-PSS', hash: 'SHA-384' }, false, [
    'verify',
  ]);
  if (keyCache.size >= KEY_CACHE_SIZE) keyCache.clear();
  keyCache.set(authority.fingerprint, imported);
  imported.catch(() => keyCache.delete(authority.fingerprint));
  return imported;
}

/**
 * Verifies the finalized blind signature on a prepared token against the
 * election's authority key, with the election's RSABSSA variant. Never throws
 * for a bad signature: returns false.
 */
export async function verifyTokenSignature(
  authority: AuthorityKey,
  token: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (signature.length !== Math.ceil(authority.modulusBits / 8)) return false;
  try {
    const suite = getSuiteByName(BlindRSA, authority.variant);
    return await suite.verify(await verifyKey(authority), signature, token);
  } catch {
    return false;
  }
}

/** The secret mode of an election. */
export type SecretMode = Extract<Mode, { kind: 'secret' }>;

/** The registered keys of an election's authorities, by MSP id (an authority without a key is absent). */
export async function loadAuthorities(
  ctx: Context,
  election: Election,
  mode: SecretMode,
): Promise<Map<string, AuthorityRecord>> {
  const found = new Map<string, AuthorityRecord>();
  for (const mspId of mode.authorities) {
    const record = await readJson<AuthorityRecord>(ctx, authorityKey(ctx, election.electionId, mspId));
    if (record) found.set(mspId, record);
  }
  return found;
}

/**
 * RegisterAuthorityKey: an election admin of an authority organisation
 * registers that authority's own public key, before voting opens, once. The
 * caller's MSP is the authority (no one registers a key in another
 * organisation's name). A key another authority of the election registered
 * already is refused (DUPLICATE_AUTHORITY_KEY): one key must never count as two
 * authorities. The record is protected for the authority.
 */
export async function registerAuthorityKey(
  ctx: Context,
  req: RegisterAuthorityKeyRequest,
): Promise<AuthorityRecord> {
  const caller = getCaller(ctx);
  const election = await loadElection(ctx, req.electionId);
  const mode = requireMode(election, 'secret');
  requireAuthorityAdmin(caller, election, mode);
  if (phaseAt(election, txTimeMs(ctx)) !== 'scheduled') {
    throw errors.authorityKeysFrozen(
      `authority keys of ${election.electionId} are registered before voting opens at ${election.opensAt}`,
    );
  }
  const key = authorityKey(ctx, election.electionId, caller.mspId);
  if (await keyExists(ctx, key)) {
    throw errors.authorityKeyExists(`${caller.mspId} registered its key for ${election.electionId} already`);
  }
  const parsed = await parseAuthorityKey(mode.variant, req.publicKey);
  for (const other of (await loadAuthorities(ctx, election, mode)).values()) {
    if (other.key.fingerprint === parsed.fingerprint) {
      throw errors.duplicateAuthorityKey(`${other.mspId} registered this public key already`);
    }
  }
  const record: AuthorityRecord = {
    docType: 'authority',
    electionId: election.electionId,
    mspId: caller.mspId,
    key: parsed,
    registeredBy: caller.id,
    registeredAt: txTimeIso(ctx),
    txId: ctx.stub.getTxID(),
  };
  await writeJson(ctx, key, record);
  await protectRecord(ctx, key, caller.mspId);
  emitEvent(ctx, 'AuthorityKeyRegistered', {
    electionId: election.electionId,
    organiser: election.organiser.mspId,
    authority: caller.mspId,
    fingerprint: parsed.fingerprint,
  });
  return record;
}

/**
 * The distinct authorities whose signatures on the token verify. A signature
 * naming an organisation that is not an authority of the election, or one
 * without a registered key, or that does not verify, makes `bad` name it: a
 * ballot must carry no bad signature at all.
 */
export async function checkSignatures(
  authorities: ReadonlyMap<string, AuthorityRecord>,
  token: Uint8Array,
  signatures: readonly AuthoritySignature[],
): Promise<{ valid: string[]; bad: string[] }> {
  const valid: string[] = [];
  const bad: string[] = [];
  for (const s of signatures) {
    const authority = authorities.get(s.mspId);
    const bytes = decodeBase64url(s.signature);
    if (authority && bytes && (await verifyTokenSignature(authority.key, token, bytes))) {
      if (!valid.includes(s.mspId)) valid.push(s.mspId);
    } else {
      bad.push(s.mspId);
    }
  }
  return { valid, bad };
}
