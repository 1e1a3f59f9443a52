import { keyEndorsers, sha256Hex, stableStringify } from '@govledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import type { TestIdentity } from '@govledger/chaincode-common/testing';
import {
  BIZ_CLAIMS,
  Harness,
  ID,
  LICENSING_CITIES,
  PKEY,
  T,
  doc,
  holder,
  pid,
  privateInput,
} from './harness';
import { generatedCollections, licensingCities } from './network-collections';
import {
  isLicensingCity,
  type ApplicationView,
  type ApprovalResult,
  type Licence,
  type VerifyResult,
} from '../src';

const COLL_A = 'licencePrivate_CityAMSP';
const COLL_B = 'licencePrivate_CityBMSP';
const COLL_C = 'licencePrivate_CityCMSP';
const ON_A = { peerMspId: 'CityAMSP' };
const ON_B = { peerMspId: 'CityBMSP' };
const ON_C = { peerMspId: 'CityCMSP' };

const user = (mspId: string, name: string, attrs: Record<string, string>): TestIdentity => ({
  mspId,
  name,
  attrs,
});

/** City C's identities, as `network.sh addorg CityC --licensing` enrols them. */
const C = {
  admin: user('CityCMSP', 'admin-c', { 'gov.role': 'admin' }),
  issuer: user('CityCMSP', 'issuer-c', { 'gov.dept': 'market', 'gov.role': 'issuer' }),
  enterprise: user('CityCMSP', 'enterprise-c1', {
    'gov.role': 'enterprise',
    'gov.pid': pid('enterprise-c1'),
  }),
};

/** A City B type an enterprise applies for: one department (fire) decides. */
const B_PERMIT = 'B-PERMIT';

const bPermitType = {
  code: B_PERMIT,
  name: 'City B trading permit',
  dept: 'market',
  holderKind: 'enterprise',
  validity: { kind: 'days', days: 730 },
  claims: ['companyName', 'registeredCapital', 'businessScope'],
  requiredApprovals: ['fire'],
};

const cBizType = { ...bPermitType, code: 'C-BIZ', name: 'City C business licence', requiredApprovals: [] };

describe('licensing cities are data: the committed definition has their collection', () => {
  const envBefore = process.env.GOVLEDGER_PEER_ORGS;
  beforeAll(() => {
    process.env.GOVLEDGER_PEER_ORGS = 'CityAMSP,CityBMSP,AuditMSP,CityCMSP';
  });
  afterAll(() => {
    process.env.GOVLEDGER_PEER_ORGS = envBefore;
  });

  it('answers licensing exactly for the organisations whose collection is defined', async () => {
    const h = new Harness();
    const probe = (msp: string) => h.ledger.evaluate(ID.adminA, (ctx) => isLicensingCity(ctx, msp));
    expect(await probe('CityAMSP')).toBe(true);
    expect(await probe('CityBMSP')).toBe(true);
    expect(await probe('AuditMSP')).toBe(false);
    expect(await probe('CityCMSP')).toBe(false);
    const withC = new Harness([...LICENSING_CITIES, 'CityCMSP']);
    expect(await withC.ledger.evaluate(ID.adminA, (ctx) => isLicensingCity(ctx, 'CityCMSP'))).toBe(true);
  });

  it('passes on any other ledger failure instead of answering "not licensing"', async () => {
    const ctx = {
      stub: { getPrivateDataHash: () => Promise.reject(new Error('peer unavailable')) },
    } as unknown as Context;
    await expect(isLicensingCity(ctx, 'CityAMSP')).rejects.toThrow('peer unavailable');
  });

  it('refuses City C as a type owner until the consortium adds its collection (ORG_NOT_LICENSING)', async () => {
    const h = new Harness();
    expect(await h.refused(C.admin, 'CreateLicenceType', cBizType, ON_C)).toMatchObject({
      code: 'ORG_NOT_LICENSING',
      status: 403,
      message: expect.stringContaining(`has no collection ${COLL_C}`),
    });
  });

  it('lets City C, once licensing, define a type and issue with the data in its collection only', async () => {
    const h = new Harness([...LICENSING_CITIES, 'CityCMSP']);
    await h.seedTypes();
    await h.submit(C.admin, 'CreateLicenceType', cBizType, ON_C);
    const transient = { licencePrivate: privateInput(BIZ_CLAIMS, 'c') };
    // City A's peer cannot stage into City C's collection
    expect(
      await h.refused(
        C.issuer,
        'IssueLicence',
        {
          licenceId: 'C-1',
          typeCode: 'C-BIZ',
          holder: holder('enterprise-c1', 'CityCMSP'),
          documentHash: doc('c'),
        },
        { transient, ...ON_A },
      ),
    ).toMatchObject({ code: 'ENDORSER_NOT_COLLECTION_MEMBER', status: 403 });
    const licence = await h.submit<Licence>(
      C.issuer,
      'IssueLicence',
      {
        licenceId: 'C-1',
        typeCode: 'C-BIZ',
        holder: holder('enterprise-c1', 'CityCMSP'),
        documentHash: doc('c'),
      },
      { transient, ...ON_C },
    );
    expect(licence).toMatchObject({ issuerMsp: 'CityCMSP', privateCollection: COLL_C, status: 'active' });
    const key = PKEY('C-1', sha256Hex(stableStringify(transient.licencePrivate)));
    expect(h.ledger.getPrivate(COLL_C, key)).toBe(stableStringify(transient.licencePrivate));
    expect(h.ledger.privateKeys(COLL_A)).toEqual([]);
    expect(h.ledger.privateKeys(COLL_B)).toEqual([]);
    // owned like any city's record: City C (first) and one other organisation
    expect(
      await h.ledger.evaluate(ID.adminA, (ctx) => keyEndorsers(ctx, '\u0000licence\u0000C-1\u0000')),
    ).toEqual(['CityCMSP', 'AuditMSP', 'CityAMSP', 'CityBMSP']);
  });

  it('recognises among all cities: City C recognises a B type, City A recognises the C type', async () => {
    const h = new Harness([...LICENSING_CITIES, 'CityCMSP']);
    await h.seedTypes();
    await h.submit(C.admin, 'CreateLicenceType', cBizType, ON_C);
    await h.submit(C.admin, 'RecordRecognition', { localTypeCode: 'C-BIZ', foreignTypeCode: T.BBiz });
    await h.submit(ID.adminA, 'RecordRecognition', { localTypeCode: T.ABiz, foreignTypeCode: 'C-BIZ' });
    await h.submit<Licence>(
      ID.issuerB,
      'IssueLicence',
      { licenceId: 'B-1', typeCode: T.BBiz, holder: holder('enterprise-b1'), documentHash: doc('b') },
      { transient: { licencePrivate: privateInput(BIZ_CLAIMS, 'b') }, ...ON_B },
    );
    await h.submit<Licence>(
      C.issuer,
      'IssueLicence',
      {
        licenceId: 'C-2',
        typeCode: 'C-BIZ',
        holder: holder('enterprise-c1', 'CityCMSP'),
        documentHash: doc('c2'),
      },
      { transient: { licencePrivate: privateInput(BIZ_CLAIMS, 'c2') }, ...ON_C },
    );
    const byC = await h.evaluate<VerifyResult>(C.admin, 'VerifyLicence', { licenceId: 'B-1' });
    expect(byC.recognition).toEqual({
      org: 'CityCMSP',
      recognised: true,
      basis: 'mutual-recognition',
      localTypeCode: 'C-BIZ',
    });
    const byA = await h.evaluate<VerifyResult>(ID.adminA, 'VerifyLicence', { licenceId: 'C-2' });
    expect(byA.recognition).toMatchObject({ org: 'CityAMSP', recognised: true, localTypeCode: T.ABiz });
    const byB = await h.evaluate<VerifyResult>(ID.adminB, 'VerifyLicence', { licenceId: 'C-2' });
    expect(byB.recognition).toMatchObject({ org: 'CityBMSP', recognised: false, basis: 'none' });
  });

  it('matches the collections generated from network/consortium.json, before and after City C joins', () => {
    const names = (members: string[]) =>
      (generatedCollections(members) as { name: string }[]).map((c) => c.name);
    expect(names(['CityAMSP', 'CityBMSP', 'AuditMSP'])).toEqual(
      LICENSING_CITIES.map((m) => `licencePrivate_${m}`),
    );
    expect(names(['CityAMSP', 'CityBMSP', 'AuditMSP', 'CityCMSP'])).toEqual([COLL_A, COLL_B, COLL_C]);
    expect(licensingCities()).toEqual(['CityAMSP', 'CityBMSP', 'CityCMSP']);
  });
});

describe('applying in another city', () => {
  let h: Harness;
  const transient = {
    licencePrivate: privateInput(BIZ_CLAIMS, 'cross', { legalName: 'Acme A Ltd', idNumber: '91110000X' }),
  };
  const bytes = stableStringify(transient.licencePrivate);
  const key = PKEY('APP-X', sha256Hex(bytes));
  const apply = { applicationId: 'APP-X', typeCode: B_PERMIT, issuingMsp: 'CityBMSP' };

  beforeEach(async () => {
    h = new Harness();
    await h.seedTypes();
    await h.submit(ID.adminB, 'CreateLicenceType', bPermitType);
  });

  it("stages on City B's peer only, into City B's collection; City A's public state gets hashes", async () => {
    expect(
      await h.refused(ID.enterpriseA1, 'SubmitApplication', apply, { transient, ...ON_A }),
    ).toMatchObject({
      code: 'ENDORSER_NOT_COLLECTION_MEMBER',
      status: 403,
      message: expect.stringContaining(
        `uses ${COLL_B} and must be endorsed by a peer of CityBMSP, not of CityAMSP`,
      ),
    });
    const app = await h.submit<ApplicationView>(ID.enterpriseA1, 'SubmitApplication', apply, {
      transient,
      ...ON_B,
    });
    expect(app).toMatchObject({
      applicationId: 'APP-X',
      ownerMsp: 'CityBMSP',
      applicant: holder('enterprise-a1'),
      privateCollection: COLL_B,
      status: 'pending',
      pendingDepts: ['fire'],
    });
    expect(h.ledger.getPrivate(COLL_B, key)).toBe(bytes);
    expect(h.ledger.privateKeys(COLL_A)).toEqual([]);
    const publicText = JSON.stringify(h.ledger.snapshot()) + JSON.stringify(h.ledger.events);
    for (const secret of ['Acme A Ltd', '91110000X', ...Object.values(BIZ_CLAIMS)]) {
      expect(publicText).not.toContain(secret);
    }
  });

  it("is decided by City B's departments and issued by City B to the (City A, pid) applicant", async () => {
    await h.submit(ID.enterpriseA1, 'SubmitApplication', apply, { transient, ...ON_B });
    expect(
      await h.refused(ID.approverFireA, 'ApproveApplication', {
        applicationId: 'APP-X',
        documentHash: doc('x'),
      }),
    ).toMatchObject({ code: 'NOT_ISSUING_ORG', status: 403 });
    const done = await h.submit<ApprovalResult>(ID.approverFireB, 'ApproveApplication', {
      applicationId: 'APP-X',
      documentHash: doc('x'),
    });
    expect(done.licence).toMatchObject({
      licenceId: 'APP-X',
      issuerMsp: 'CityBMSP',
      holder: holder('enterprise-a1'),
      privateCollection: COLL_B,
      status: 'active',
    });
    expect(done.application.status).toBe('issued');
    const mine = await h.evaluate<{ records: Licence[] }>(ID.enterpriseA1, 'ListLicencesByHolder', {
      holder: holder('enterprise-a1'),
    });
    expect(mine.records.map((l) => `${l.issuerMsp}:${l.licenceId}`)).toContain('CityBMSP:APP-X');
  });

  it("keeps the licence's private record from City A: not its admin, not its issuer, not on its peer", async () => {
    await h.submit(ID.enterpriseA1, 'SubmitApplication', apply, { transient, ...ON_B });
    await h.submit(ID.approverFireB, 'ApproveApplication', {
      applicationId: 'APP-X',
      documentHash: doc('x'),
    });
    for (const who of [ID.adminA, ID.issuerA]) {
      for (const peer of [ON_A, ON_B]) {
        await expect(
          h.ledger.evaluate(
            who,
            (ctx) => h.contract.GetLicencePrivateData(ctx, '{"licenceId":"APP-X"}'),
            peer,
          ),
        ).rejects.toMatchObject({ message: expect.stringContaining('NOT_ISSUING_ORG') });
      }
    }
    const own = await h.evaluate<{ recordJson: string }>(
      ID.adminB,
      'GetLicencePrivateData',
      { licenceId: 'APP-X' },
      ON_B,
    );
    expect(own.recordJson).toBe(bytes);
    expect(h.ledger.privateKeys(COLL_A)).toEqual([]);
    // the holder, registered in City A, reads its own record on City B's peer (to present it)
    const holders = await h.evaluate<{ recordJson: string }>(
      ID.enterpriseA1,
      'GetLicencePrivateData',
      { licenceId: 'APP-X' },
      ON_B,
    );
    expect(holders.recordJson).toBe(bytes);
  });

  it('refuses an issuing city that does not own the type, and no issuing city (APPLICANT_ORG_MISMATCH)', async () => {
    for (const req of [
      { applicationId: 'APP-X', typeCode: B_PERMIT },
      { applicationId: 'APP-X', typeCode: B_PERMIT, issuingMsp: 'CityAMSP' },
      { applicationId: 'APP-X', typeCode: T.ABiz, issuingMsp: 'CityBMSP' },
    ]) {
      for (const peer of [ON_A, ON_B]) {
        expect(
          await h.refused(ID.enterpriseA1, 'SubmitApplication', req, { transient, ...peer }),
        ).toMatchObject({
          code: 'APPLICANT_ORG_MISMATCH',
          status: 403,
        });
      }
    }
    // the public step alone, with hashes of nothing staged, is refused the same way
    expect(
      await h.refused(
        ID.enterpriseA1,
        'SubmitApplication',
        { ...apply, issuingMsp: 'CityAMSP', privateDataHash: sha256Hex('x'), claimHashes: {} },
        { direct: true },
      ),
    ).toMatchObject({ code: 'APPLICANT_ORG_MISMATCH' });
  });

  it('keeps the holder-kind rule across cities (a City A citizen cannot apply for an enterprise type)', async () => {
    expect(await h.refused(ID.citizenA1, 'SubmitApplication', apply, { transient, ...ON_B })).toMatchObject({
      code: 'HOLDER_KIND_MISMATCH',
      status: 403,
    });
  });
});
