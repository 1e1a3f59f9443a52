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

/** The order n of P-256, and n / 2 as 32 bytes (a signature's S above it is high). */
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const P256_HALF_N = Buffer.from((P256_N >> 1n).toString(16).padStart(64, '0'), 'hex');

/** A DER INTEGER of an unsigned big-endian number (leading zeros dropped, one added when the top bit is set). */
function derInteger(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const pad = bytes[i] & 0x80 ? 1 : 0;
  const out = Buffer.alloc(2 + pad + bytes.length - i);
  out[0] = 0x02;
  out[1] = pad + bytes.length - i;
  bytes.copy(out, 2 + pad, i);
  return out;
}

/**
 * Signs `message` (not a digest) with SHA-256 and a P-256 key; low-S DER. OpenSSL signs (r || s);
 * a high S becomes n − s, and both are DER-encoded here (a 70-byte SEQUENCE at most, so one length
 * byte), which costs a fraction of building the signature object of @noble/curves for it.
 */
export function signP256(key: KeyObject, message: Uint8Array): Uint8Array {
  const compact = crypto.sign('sha256', message, { key, dsaEncoding: 'ieee-p1363' });
  const r = compact.subarray(0, 32);
  let sBytes = compact.subarray(32, 64);
  if (Buffer.compare(sBytes, P256_HALF_N) > 0) {
    const low = P256_N - BigInt(`0x${sBytes.toString('hex')}`);
    sBytes = Buffer.from(low.toString(16).padStart(64, '0'), 'hex');
  }
  const body = Buffer.concat([derInteger(r), derInteger(sBytes)]);
  return new Uint8Array(Buffer.concat([Buffer.from([0x30, body.length]), body]));
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
