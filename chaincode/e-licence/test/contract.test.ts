import { BIZ_CLAIMS, Harness, ID, T, doc, privateInput, salt, type TxName, holder } from './harness';
import { generatedCollections, licensingCities } from './network-collections';
import 'reflect-metadata';
import { readFileSync } from 'fs';
import { join } from 'path';
import fc from 'fast-check';
import { saltedHash } from '@govledger/chaincode-common';
import {
  ELicenceContract,
  ELicenceErrorCode,
  ELicenceErrorStatus,
  ELicenceEvent,
  collectionOf,
  contracts,
  type Licence,
  type VerifyResult,
} from '../src';

interface TxMetadata {
  name: string;
  tag: string[];
  parameters: { name: string; schema: { type: string } }[];
}

const SUBMIT: TxName[] = [
  'CreateLicenceType',
  'UpdateLicenceType',
  'RecordRecognition',
  'WithdrawRecognition',
  'StageLicencePrivateData',
  'IssueLicence',
  'SuspendLicence',
  'ReinstateLicence',
  'RevokeLicence',
  'RenewLicence',
  'AmendLicence',
  'StageApplicationPrivateData',
  'SubmitApplication',
  'ApproveApplication',
  'RejectApplication',
  'RegisterPresentationKey',
  'CheckLicence',
  'RecordPresentationCheck',
  'RaiseOverdueWarnings',
];
const EVALUATE: TxName[] = [
  'GetLicenceType',
  'ListLicenceTypes',
  'ListRecognitions',
  'VerifyLicence',
  'GetLicence',
  'GetLicencePrivateData',
  'ListLicencesByHolder',
  'ListLicencesByTypeAndStatus',
  'GetLicenceHistory',
  'GetApplication',
  'ListPresentationKeys',
  'ListLicenceUsage',
  'ListOverdueWarnings',
];

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const networkDir = join(__dirname, '..', '..', '..', 'network', 'chaincodes', 'e-licence');

describe('contract shape', () => {
  const metadata = (Reflect.getMetadata('fabric:transactions', ELicenceContract.prototype) ??
    []) as TxMetadata[];

  it('exports exactly one contract', () => {
    expect(contracts).toEqual([ELicenceContract]);
    expect(new ELicenceContract().getName()).toBe('ELicenceContract');
  });

  it('declares every transaction with one string argument, submit or evaluate as documented', () => {
    expect(metadata.map((m) => m.name).sort()).toEqual([...SUBMIT, ...EVALUATE].sort());
    for (const m of metadata) {
      expect(m.parameters).toEqual([expect.objectContaining({ schema: { type: 'string' } })]);
      expect(m.tag).toContain(SUBMIT.includes(m.name as TxName) ? 'SUBMIT' : 'EVALUATE');
    }
  });

  it.each([...SUBMIT, ...EVALUATE])(
    '%s refuses a non-JSON or non-object argument with INVALID_ARGUMENT',
    async (tx) => {
      const h = new Harness();
      for (const arg of ['', 'not json', '[]', 'null', '42']) {
        expect(await h.refused(ID.adminA, tx, arg)).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
      }
      expect(await h.refused(ID.adminA, tx, { unexpectedField: 1 })).toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
    },
  );

  it('gives every error code one fixed status and documents it in the README', () => {
    const codes = Object.values(ELicenceErrorCode);
    expect(Object.keys(ELicenceErrorStatus).sort()).toEqual([...codes].sort());
    for (const code of codes) {
      expect(code).toMatch(/^[A-Z][A-Z_]*$/);
      expect(readme).toContain(`| \`${code}\` | ${ELicenceErrorStatus[code]} |`);
    }
  });

  it('documents every transaction and event in the README', () => {
    for (const tx of [...SUBMIT, ...EVALUATE]) {
      const kind = SUBMIT.includes(tx) ? 'submit' : 'evaluate';
      expect(readme).toContain(`| \`${tx}\` | ${kind} |`);
    }
    for (const ev of Object.values(ELicenceEvent)) expect(readme).toContain(`| \`${ev}\` |`);
  });

  it('generates one collection per licensing org from collections.json, as the chaincode names them', () => {
    const collections = generatedCollections() as {
      name: string;
      policy: string;
      requiredPeerCount: number;
      maxPeerCount: number;
      blockToLive?: number;
      memberOnlyRead: boolean;
      memberOnlyWrite: boolean;
    }[];
    const cities = licensingCities();
    expect(cities).toEqual(expect.arrayContaining(['CityAMSP', 'CityBMSP']));
    expect(collections.map((c) => c.name)).toEqual(cities.map(collectionOf));
    for (const [i, msp] of cities.entries()) {
      expect(collections[i]).toMatchObject({
        policy: `OR('${msp}.member')`,
        requiredPeerCount: 0,
        maxPeerCount: 1,
        // a holder registered in another city reads its own record on the issuing city's peer
        // (to present it); the chaincode refuses everyone else outside the issuing city
        memberOnlyRead: false,
        // an applicant of another city stages into the issuing city's collection; the
        // collection's endorsement policy (its member's peer alone) and the chaincode guard writes
        memberOnlyWrite: false,
      });
      // the retention is the consortium's (deploy.sh computes blockToLive), never 0 here
      expect(collections[i].blockToLive).toBeUndefined();
    }
    const consortium = JSON.parse(readFileSync(join(networkDir, '..', '..', 'consortium.json'), 'utf8')) as {
      privateDataRetention: Record<string, { retentionDays?: number; blocksPerDay?: number }>;
    };
    expect(consortium.privateDataRetention.licencePrivate).toMatchObject({
      retentionDays: expect.any(Number),
      blocksPerDay: expect.any(Number),
    });
    expect(consortium.privateDataRetention.licencePrivate.retentionDays).toBeGreaterThan(0);
    const chaincode = JSON.parse(readFileSync(join(networkDir, 'chaincode.json'), 'utf8')) as {
      collections: string;
    };
    expect(chaincode.collections).toBe('collections.json');
  });
});

describe('determinism', () => {
  async function scenario(): Promise<string> {
    const h = new Harness();
    await h.seedTypes();
    h.ledger.setTime('2026-02-01T00:00:00Z');
    await h.submit(ID.adminB, 'RecordRecognition', { localTypeCode: T.BBiz, foreignTypeCode: T.ABiz });
    await h.issueBiz('L1');
    await h.submit(ID.issuerA, 'SuspendLicence', { licenceId: 'L1', reasonCode: 'OTHER' });
    await h.submit(
      ID.enterpriseA1,
      'SubmitApplication',
      { applicationId: 'APP-1', typeCode: T.ABiz },
      {
        transient: { licencePrivate: privateInput(BIZ_CLAIMS, 'app') },
      },
    );
    for (const who of [ID.approverFireA, ID.approverEnvA]) {
      await h.submit(who, 'ApproveApplication', { applicationId: 'APP-1' });
    }
    await h.submit(ID.approverMarketA, 'ApproveApplication', {
      applicationId: 'APP-1',
      documentHash: doc('APP-1'),
    });
    return h.fingerprint();
  }

  it('writes byte-identical state, private data and events for the same transactions', async () => {
    const [a, b] = [await scenario(), await scenario()];
    expect(a).toBe(b);
    expect(a).toContain('APP-1');
  });
});

describe('selective disclosure (property)', () => {
  it('matches exactly the disclosed claims whose value and salt are right', async () => {
    const h = new Harness();
    await h.seedTypes();
    h.ledger.setTime('2026-02-01T00:00:00Z');
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({ qualification: fc.string({ maxLength: 40 }), level: fc.string({ maxLength: 40 }) }),
        fc.subarray(['qualification', 'level'] as const),
        fc.boolean(),
        async (claims, disclosed, tamper) => {
          n += 1;
          const id = `P${n}`;
          await h.submit(
            ID.issuerA,
            'IssueLicence',
            { licenceId: id, typeCode: T.APro, holder: holder('citizen-a1'), documentHash: doc(id) },
            { transient: { licencePrivate: privateInput(claims, id) } },
          );
          const shown = disclosed.map((name) => ({
            name,
            value: tamper ? `${claims[name]}!` : claims[name],
            salt: salt(`${id}:${name}`),
          }));
          const v = await h.evaluate<VerifyResult>(ID.auditorB, 'VerifyLicence', {
            licenceId: id,
            claims: shown,
          });
          expect(v.claims).toEqual(disclosed.map((name) => ({ name, known: true, match: !tamper })));
          expect(v.valid).toBe(!tamper || disclosed.length === 0);
          const licence = await h.evaluate<Licence>(ID.auditorB, 'GetLicence', { licenceId: id });
          expect(licence.claimHashes).toEqual({
            level: saltedHash(salt(`${id}:level`), claims.level),
            qualification: saltedHash(salt(`${id}:qualification`), claims.qualification),
          });
        },
      ),
      { numRuns: 25, seed: 20260101 },
    );
  });
});

describe('network definition', () => {
  const dir = join(__dirname, '..', '..', '..', 'network', 'chaincodes', 'e-licence');
  it("commits the channel's majority as the chaincode-level policy; each collection needs its member only", () => {
    const chaincode = JSON.parse(readFileSync(join(dir, 'chaincode.json'), 'utf8')) as {
      endorsementPolicy: string;
    };
    expect(chaincode.endorsementPolicy).toBe('/Channel/Application/Endorsement');
    const collections = generatedCollections() as {
      name: string;
      endorsementPolicy: { signaturePolicy: string };
    }[];
    for (const msp of licensingCities()) {
      expect(collections.find((c) => c.name === collectionOf(msp))?.endorsementPolicy).toEqual({
        signaturePolicy: `OR('${msp}.peer')`,
      });
    }
  });
});
