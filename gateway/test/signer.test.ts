import { hash } from '@hyperledger/fabric-gateway';
import { p256 } from '@noble/curves/nist';
import crypto from 'node:crypto';
import { newSigning, signP256 } from '../src/signer';

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
