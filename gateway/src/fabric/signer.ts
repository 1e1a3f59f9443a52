/**
 * Transaction signing with Node's own crypto (OpenSSL). fabric-gateway's
 * `signers.newPrivateKeySigner` signs P-256 digests in JavaScript (deterministic
 * RFC 6979 with @noble/curves), about 1.5 ms of CPU a signature on this project's
 * 2-core machines; OpenSSL takes about a fifth of that, and the gateway signs
 * every proposal, every transaction and every commit-status request.
 *
 * Fabric accepts only low-S ECDSA signatures (s ≤ n/2), in DER. OpenSSL does not
 * normalise S, so half of its signatures are flipped to n − s, which is an
 * equally valid signature of the same message.
 */
import { hash, signers, type Hash, type Signer } from '@hyperledger/fabric-gateway';
import { p256 } from '@noble/curves/nist';
import crypto, { type KeyObject } from 'node:crypto';

/**
 * Whether `signature` (DER) is a low-S ECDSA signature of `digest` by the P-256 key of
 * the PEM certificate; `undefined` for keys of another type (left to the peer).
 * Fabric's peers and orderers accept only such signatures.
 */
export function verifyDigestSignature(
  certificatePem: string,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean | undefined {
  const key = new crypto.X509Certificate(certificatePem).publicKey;
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    return undefined;
  const point = key.export({ format: 'der', type: 'spki' }).subarray(-65); // 0x04 || x || y
  try {
    return p256.verify(signature, digest, point, { lowS: true, prehash: false, format: 'der' });
  } catch {
    return false; // not DER at all
  }
}

/** A signer and the hash it expects fabric-gateway to apply before calling it. */
export interface SigningSetup {
  signer: Signer;
  hash: Hash;
}

/** Signs `message` (not a digest) with SHA-256 and a P-256 key; low-S DER. */
export function signP256(key: KeyObject, message: Uint8Array): Uint8Array {
  const compact = crypto.sign('sha256', message, { key, dsaEncoding: 'ieee-p1363' });
  const signature = p256.Signature.fromCompact(compact);
  return (signature.hasHighS() ? signature.normalizeS() : signature).toDERRawBytes();
}

/**
 * The signing setup for a PEM private key: OpenSSL for P-256 keys (the message is
 * hashed by the signer, so fabric-gateway passes it whole), fabric-gateway's own
 * signer with SHA-256 for any other key type it supports.
 */
export function newSigning(privateKeyPem: string): SigningSetup {
  const key = crypto.createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return { signer: (message) => Promise.resolve(signP256(key, message)), hash: hash.none };
  }
  return { signer: signers.newPrivateKeySigner(key), hash: hash.sha256 };
}
