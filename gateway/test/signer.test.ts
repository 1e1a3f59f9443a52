import { hash } from '@hyperledger/fabric-gateway';
import { p256 } from '@noble/curves/nist';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { newSigning, signP256, verifyDigestSignature } from '../src/fabric/signer';
import { ALICE, BOB } from './harness';

const N = p256.CURVE.n;

function pemKey(namedCurve: string): { privatePem: string; publicKey: crypto.KeyObject } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve });
  return { privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey };
}

describe('signP256', () => {
  const { privatePem, publicKey } = pemKey('prime256v1');
  const key = crypto.createPrivateKey(privatePem);

  it('makes DER signatures of the SHA-256 of the message that OpenSSL verifies, always with a low S', () => {
    for (let i = 0; i < 200; i++) {
      const message = Buffer.from(`proposal ${i}`);
      const der = signP256(key, message);
      expect(crypto.verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, der)).toBe(true);
      const sig = p256.Signature.fromDER(der);
      expect(sig.hasHighS()).toBe(false);
      expect(sig.s <= N / 2n).toBe(true);
    }
  });

  it('a signature does not verify another message', () => {
    const der = signP256(key, Buffer.from('one'));
    expect(crypto.verify('sha256', Buffer.from('two'), { key: publicKey, dsaEncoding: 'der' }, der)).toBe(
      false,
    );
  });
});

describe('newSigning', () => {
  it('signs whole messages (hash none) with OpenSSL for P-256 keys', async () => {
    const { privatePem, publicKey } = pemKey('prime256v1');
    const setup = newSigning(privatePem);
    expect(setup.hash).toBe(hash.none);
    const message = Buffer.from('transaction envelope payload');
    const der = await setup.signer(setup.hash(message));
    expect(crypto.verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, der)).toBe(true);
  });

  it("keeps fabric-gateway's own signer over SHA-256 digests for other curves", async () => {
    const { privatePem, publicKey } = pemKey('secp384r1');
    const setup = newSigning(privatePem);
    expect(setup.hash).toBe(hash.sha256);
    const message = Buffer.from('transaction envelope payload');
    const der = await setup.signer(setup.hash(message));
    // the P-384 signature is over the SHA-256 digest of the message
    expect(crypto.verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, der)).toBe(true);
  });
});

describe('verifyDigestSignature', () => {
  const message = Buffer.from('proposal bytes');
  const digest = crypto.createHash('sha256').update(message).digest();
  // ECDSA with SHA-256 over the message is a signature of its digest
  const signDigest = (keyPem: string) =>
    p256.Signature.fromCompact(
      crypto.sign('sha256', message, { key: crypto.createPrivateKey(keyPem), dsaEncoding: 'ieee-p1363' }),
    );

  it("accepts a low-S signature of the digest by the certificate's key", () => {
    const sig = signDigest(ALICE.privateKey);
    const low = (sig.hasHighS() ? sig.normalizeS() : sig).toDERRawBytes();
    expect(verifyDigestSignature(ALICE.certificate, digest, low)).toBe(true);
  });

  it('refuses another key, another digest, a high S and bytes that are not DER', () => {
    const sig = signDigest(ALICE.privateKey);
    const low = sig.hasHighS() ? sig.normalizeS() : sig;
    const high = new p256.Signature(low.r, N - low.s);
    expect(verifyDigestSignature(BOB.certificate, digest, low.toDERRawBytes())).toBe(false);
    const other = crypto.createHash('sha256').update('other bytes').digest();
    expect(verifyDigestSignature(ALICE.certificate, other, low.toDERRawBytes())).toBe(false);
    expect(verifyDigestSignature(ALICE.certificate, digest, high.toDERRawBytes())).toBe(false);
    expect(verifyDigestSignature(ALICE.certificate, digest, Buffer.from('not a signature'))).toBe(false);
  });

  it('leaves keys of other types to the peer', () => {
    const cert = execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:secp384r1',
        '-nodes',
        '-keyout',
        '/dev/null',
        '-subj',
        '/CN=p384',
        '-days',
        '1',
      ],
      { input: '', encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env } },
    );
    expect(verifyDigestSignature(cert, digest, Buffer.from('anything'))).toBeUndefined();
  });
});
