import { saltedHash, sha256Hex, toBytes } from '@govledger/chaincode-common';
import { seal } from '@govledger/e-licence/dist/private-data';
import { eLicence } from '@govledger/wire';
import fc from 'fast-check';
import {
  newPrivateRecord,
  privateRecordHash,
  privateRecordJson,
  sealPrivateRecord,
  type PrivateRecord,
} from '../src/private-record';

const salt = (c: string) => c.repeat(32);

/** What the e-licence chaincode computes (src/private-data.ts `seal`): SHA-256 of toBytes({holder, claims, salt}). */
function chaincodeHash(r: PrivateRecord): string {
  return sha256Hex(toBytes({ holder: r.holder, claims: r.claims, salt: r.salt }));
}

const RECORD: PrivateRecord = {
  holder: { uscc: '91310000MA1FL8TQ2X', legalName: 'Acme Trading Ltd' },
  claims: {
    registeredCapital: { value: '5000000.00', salt: salt('b') },
    companyName: { salt: salt('a'), value: 'Acme Trading Ltd' },
  },
  salt: salt('c'),
};

describe('the private-record hash', () => {
  it('is the SHA-256 of the canonical JSON, as the chaincode stores and hashes it', () => {
    expect(privateRecordJson(RECORD)).toBe(
      `{"claims":{"companyName":{"salt":"${salt('a')}","value":"Acme Trading Ltd"},` +
        `"registeredCapital":{"salt":"${salt('b')}","value":"5000000.00"}},` +
        `"holder":{"legalName":"Acme Trading Ltd","uscc":"91310000MA1FL8TQ2X"},"salt":"${salt('c')}"}`,
    );
    expect(privateRecordHash(RECORD)).toBe(chaincodeHash(RECORD));
    expect(privateRecordHash(privateRecordJson(RECORD))).toBe(chaincodeHash(RECORD));
  });

  it('equals the chaincode hash for any record', () => {
    const hex = fc.stringMatching(/^[0-9a-f]{32,64}$/);
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,20}$/);
    const record = fc.record({
      holder: fc.dictionary(name, fc.string({ unit: 'grapheme', maxLength: 40 }), { maxKeys: 6 }),
      claims: fc.dictionary(
        name,
        fc.record({ value: fc.string({ unit: 'grapheme', maxLength: 40 }), salt: hex }),
        {
          maxKeys: 6,
        },
      ),
      salt: hex,
    });
    fc.assert(
      fc.property(record, (r) => {
        const sealed = sealPrivateRecord(r);
        expect(sealed.privateDataHash).toBe(chaincodeHash(r));
        expect(sealed.recordJson).toBe(Buffer.from(toBytes(r)).toString('utf8'));
        for (const [n, c] of Object.entries(r.claims))
          expect(sealed.claimHashes[n]).toBe(saltedHash(c.salt, c.value));
      }),
      { numRuns: 200 },
    );
  });

  it('equals what the e-licence chaincode seals from the transient record it is sent', () => {
    // the chaincode's own path: parse the transient field with the wire schema, then `seal`
    const check = (sent: ReturnType<typeof newPrivateRecord>) => {
      const input = eLicence.LicencePrivateTransient.parse(JSON.parse(JSON.stringify(sent.record)));
      const sealed = seal({ holder: input.holder, claims: input.claims, salt: input.salt });
      expect(sealed.hash).toBe(sent.privateDataHash);
      expect(Buffer.from(sealed.bytes).toString('utf8')).toBe(sent.recordJson);
      expect(sealed.claimHashes).toEqual(sent.claimHashes);
    };
    check(sealPrivateRecord(RECORD));
    check(
      newPrivateRecord(
        { legalName: 'Zürich Café — 株式会社', address: 'Line "1", Line 2' },
        { companyName: 'Café', registeredCapital: '5000000.00', businessScope: '😀 retail' },
      ),
    );
  });

  it('hashes only the members the chaincode accepts', () => {
    const extra = { ...RECORD, note: 'not part of the record' } as PrivateRecord;
    const claimExtra = {
      ...RECORD,
      claims: { ...RECORD.claims, companyName: { ...RECORD.claims.companyName, hint: 'x' } },
    } as PrivateRecord;
    expect(privateRecordHash(extra)).toBe(chaincodeHash(RECORD));
    expect(privateRecordHash(claimExtra)).toBe(chaincodeHash(RECORD));
    expect(sealPrivateRecord(extra).record).toEqual(RECORD);
  });

  it('builds a record from clear values with a fresh salt per claim and for the record', () => {
    const sealed = newPrivateRecord(
      { legalName: 'Acme' },
      { companyName: 'Acme', registeredCapital: '1.00' },
    );
    const salts = [sealed.record.salt, ...Object.values(sealed.record.claims).map((c) => c.salt)];
    expect(new Set(salts).size).toBe(3);
    expect(sealed.privateDataHash).toBe(chaincodeHash(sealed.record));
    expect(Object.keys(sealed.claimHashes)).toEqual(['companyName', 'registeredCapital']);
  });

  it('refuses a record salt the chaincode would refuse', () => {
    expect(() => privateRecordHash({ ...RECORD, salt: 'nope' })).toThrow(TypeError);
  });
});
