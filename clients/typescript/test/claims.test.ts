import { saltedHash, sha256Hex } from '@govledger/chaincode-common';
import { Schemas } from '@govledger/wire';
import fc from 'fast-check';
import { claimHash, claimHashes, discloseClaims, newSalt, saltClaims, SALT_PATTERN } from '../src/claims';

const SALT = '0123456789abcdef0123456789abcdef';

describe('salted claim hashes', () => {
  it('is sha256hex(salt + "|" + value), the hash the chaincode keeps', () => {
    expect(claimHash(SALT, '5000000.00')).toBe(saltedHash(SALT, '5000000.00'));
    expect(claimHash(SALT, '5000000.00')).toBe(sha256Hex(`${SALT}|5000000.00`));
    // pinned: a change of the rule cannot pass unnoticed
    expect(claimHash(SALT, 'Acme Trading Ltd')).toBe(
      'f62c5eee206cda0cbeeda3dc85bad8ae373d7280341677ce2c21d90e02c39677',
    );
  });

  it('equals the chaincode hash for any salt and any value', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9a-f]{32,128}$/),
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        (salt, value) => {
          expect(claimHash(salt, value)).toBe(saltedHash(salt, value));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a salt the chaincodes would refuse', () => {
    for (const bad of [
      '',
      'ABCDEF0123456789ABCDEF0123456789',
      'short',
      `${SALT}|x`,
      'g'.repeat(32),
      'a'.repeat(130),
    ]) {
      expect(() => claimHash(bad, 'v')).toThrow(TypeError);
    }
  });

  it('accepts exactly the salts the wire contract accepts', () => {
    const candidates = fc.oneof(
      fc.stringMatching(/^[0-9a-f]{32,128}$/),
      fc.stringMatching(/^[0-9a-fA-F|g ]{0,140}$/),
      fc.string({ maxLength: 140 }),
    );
    fc.assert(
      fc.property(candidates, (salt) => {
        expect(SALT_PATTERN.test(salt)).toBe(Schemas.salt.safeParse(salt).success);
      }),
      { numRuns: 500 },
    );
  });

  it('draws fresh salts of the accepted form', () => {
    const salts = new Set(Array.from({ length: 50 }, () => newSalt()));
    expect(salts.size).toBe(50);
    for (const s of salts) expect(s).toMatch(SALT_PATTERN);
    expect(newSalt(16)).toHaveLength(32);
    expect(newSalt(64)).toHaveLength(128);
    expect(() => newSalt(8)).toThrow(RangeError);
  });

  it('salts each claim separately and hashes them by name, as a licence holds them', () => {
    const claims = saltClaims({ companyName: 'Acme Trading Ltd', registeredCapital: '5000000.00' });
    expect(claims.companyName.salt).not.toBe(claims.registeredCapital.salt);
    expect(claimHashes(claims)).toEqual({
      companyName: saltedHash(claims.companyName.salt, 'Acme Trading Ltd'),
      registeredCapital: saltedHash(claims.registeredCapital.salt, '5000000.00'),
    });
  });

  it('discloses the chosen claims with their salts, and no other', () => {
    const claims = { a: { value: '1', salt: SALT }, b: { value: '2', salt: SALT } };
    expect(discloseClaims(claims, ['b'])).toEqual([{ name: 'b', value: '2', salt: SALT }]);
    expect(discloseClaims(claims).map((c) => c.name)).toEqual(['a', 'b']);
    expect(() => discloseClaims(claims, ['c'])).toThrow(/no claim named c/);
  });
});
