import { BIZ_CLAIMS, Harness, ID, T, claimHash, doc, privateInput, salt, holder, PKEY } from './harness';
import { keyEndorsers, sha256Hex, stableStringify, writeJson } from '@govledger/chaincode-common';
import type { ApplicationView, ApprovalResult, Licence, VerifyResult } from '../src';

const COLL_A = 'licencePrivate_CityAMSP';
const AKEY = (id: string) => `\u0000application\u0000${id}\u0000`;

const transient = { licencePrivate: privateInput(BIZ_CLAIMS, 'app') };
/** The staged record's key: under the licence id it will get (the application id) and its hash. */
const APP_PKEY = PKEY('APP-1', sha256Hex(stableStringify(transient.licencePrivate)));

describe('one submission, parallel approvals', () => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness();
    await h.seedTypes();
    h.ledger.setTime('2026-03-01T09:00:00Z');
  });

  const submit = (id = 'APP-1', who = ID.enterpriseA1, options: Record<string, unknown> = { transient }) =>
    h.submit<ApplicationView>(who, 'SubmitApplication', { applicationId: id, typeCode: T.ABiz }, options);

  it('keeps only hashes in public state and the clear data in the owning org collection', async () => {
    const app = await submit('APP-1', ID.enterpriseA1, { transient, time: '2026-03-01T09:00:00Z' });
    const bytes = stableStringify(transient.licencePrivate);
    expect(app).toEqual({
      applicationId: 'APP-1',
      typeCode: T.ABiz,
      ownerMsp: 'CityAMSP',
      applicant: holder('enterprise-a1'),
      holderKind: 'enterprise',
      requiredDepts: ['market', 'fire', 'environment'],
      claimHashes: {
        businessScope: claimHash('app', 'businessScope', 'retail'),
        companyName: claimHash('app', 'companyName', 'Acme Trading Ltd'),
        registeredCapital: claimHash('app', 'registeredCapital', '5000000.00'),
      },
      privateDataHash: sha256Hex(bytes),
      privateCollection: COLL_A,
      status: 'pending',
      submittedAt: '2026-03-01T09:00:00.000Z',
      closedAt: null,
      licenceId: null,
      timeline: [{ event: 'submitted', at: '2026-03-01T09:00:00.000Z' }],
      materials: [],
      deadlines: [],
      approvedDepts: [],
      pendingDepts: ['market', 'fire', 'environment'],
      elapsedMs: 0,
      deadlineProgress: [],
    });
    expect(h.ledger.getPrivate(COLL_A, APP_PKEY)).toBe(bytes);
    const publicText = JSON.stringify(h.ledger.snapshot()) + JSON.stringify(h.ledger.events);
    for (const secret of [...Object.values(BIZ_CLAIMS), transient.licencePrivate.holder.idNumber]) {
      expect(publicText).not.toContain(secret);
    }
    expect(await h.ledger.evaluate(ID.adminA, (ctx) => keyEndorsers(ctx, AKEY('APP-1')))).toEqual([
      'CityAMSP',
      'CityBMSP',
    ]);
    expect(h.lastEvent()).toEqual({
      name: 'ApplicationSubmitted',
      payload: {
        facts: ['ApplicationSubmitted'],
        applicationId: 'APP-1',
        typeCode: T.ABiz,
        ownerMsp: 'CityAMSP',
        applicant: holder('enterprise-a1'),
        requiredDepts: ['market', 'fire', 'environment'],
        autoApprovedDepts: [],
      },
    });
  });

  it.each([
    [['market', 'fire', 'environment']],
    [['environment', 'market', 'fire']],
    [['fire', 'environment', 'market']],
  ])('issues the licence on the last approval, in any order (%j)', async (order) => {
    const approver: Record<string, (typeof ID)[keyof typeof ID]> = {
      market: ID.approverMarketA,
      fire: ID.approverFireA,
      environment: ID.approverEnvA,
    };
    await submit('APP-1', ID.enterpriseA1, { transient, time: '2026-03-01T09:00:00Z' });
    const [first, second, last] = order as [string, string, string];

    const r1 = await h.submit<ApprovalResult>(
      approver[first] as (typeof ID)[keyof typeof ID],
      'ApproveApplication',
      { applicationId: 'APP-1' },
      { time: '2026-03-01T10:00:00Z' },
    );
    expect(r1.licence).toBeNull();
    expect(r1.application).toMatchObject({ status: 'pending', approvedDepts: [first], elapsedMs: 3_600_000 });
    expect(h.lastEvent()).toEqual({
      name: 'ApplicationApproved',
      payload: {
        facts: ['ApplicationApproved'],
        applicationId: 'APP-1',
        typeCode: T.ABiz,
        ownerMsp: 'CityAMSP',
        applicant: holder('enterprise-a1'),
        dept: first,
        pendingDepts: ['market', 'fire', 'environment'].filter((d) => d !== first),
      },
    });

    const r2 = await h.submit<ApprovalResult>(
      approver[second] as (typeof ID)[keyof typeof ID],
      'ApproveApplication',
      { applicationId: 'APP-1', documentHash: doc('ignored-not-last') },
      { time: '2026-03-02T10:00:00Z' },
    );
    expect(r2.licence).toBeNull();
    expect(r2.application.pendingDepts).toEqual([last]);
    expect(h.ledger.keys().some((k) => k.startsWith('\u0000licence\u0000'))).toBe(false);

    const r3 = await h.submit<ApprovalResult>(
      approver[last] as (typeof ID)[keyof typeof ID],
      'ApproveApplication',
      { applicationId: 'APP-1', documentHash: doc('APP-1') },
      { time: '2026-03-03T09:00:00Z' },
    );
    expect(r3.licence).toMatchObject({
      licenceId: 'APP-1',
      typeCode: T.ABiz,
      holder: holder('enterprise-a1'),
      issuerMsp: 'CityAMSP',
      issuerDept: 'market',
      applicationId: 'APP-1',
      documentHash: doc('APP-1'),
      issuedAt: '2026-03-03T09:00:00.000Z',
      validFrom: '2026-03-03T09:00:00.000Z',
      validUntil: '2031-03-02T09:00:00.000Z',
      status: 'active',
      version: 1,
    });
    const app = r3.application;
    expect(app).toMatchObject({
      status: 'issued',
      licenceId: 'APP-1',
      closedAt: '2026-03-03T09:00:00.000Z',
      pendingDepts: [],
      approvedDepts: order,
      elapsedMs: 2 * 86_400_000,
    });
    expect(app.timeline.map((e) => [e.event, e.at, 'dept' in e ? e.dept : null])).toEqual([
      ['submitted', '2026-03-01T09:00:00.000Z', null],
      ['approved', '2026-03-01T10:00:00.000Z', first],
      ['approved', '2026-03-02T10:00:00.000Z', second],
      ['approved', '2026-03-03T09:00:00.000Z', last],
      ['issued', '2026-03-03T09:00:00.000Z', null],
    ]);
    const licence = r3.licence as Licence;
    expect(licence.claimHashes).toEqual(app.claimHashes);
    expect(licence.privateDataHash).toEqual(app.privateDataHash);
    // the staged record is the licence's: the same key, nothing moved or copied
    expect(h.ledger.getPrivate(COLL_A, PKEY('APP-1', licence.privateDataHash))).toBe(
      stableStringify(transient.licencePrivate),
    );
    expect(h.ledger.privateKeys(COLL_A)).toEqual([APP_PKEY]);
    expect(h.lastEvent()).toMatchObject({
      name: 'LicenceIssued',
      payload: {
        facts: ['ApplicationApproved', 'LicenceIssued'],
        licenceId: 'APP-1',
        applicationId: 'APP-1',
        dept: last,
      },
    });
    expect(await h.evaluate(ID.auditorB, 'GetApplication', { applicationId: 'APP-1' })).toEqual(app);
  });

  it('lets City B verify the issued licence (recognised) with selectively disclosed claims', async () => {
    await submit();
    await h.submit(ID.approverMarketA, 'ApproveApplication', { applicationId: 'APP-1' });
    await h.submit(ID.approverFireA, 'ApproveApplication', { applicationId: 'APP-1' });
    await h.submit(ID.approverEnvA, 'ApproveApplication', {
      applicationId: 'APP-1',
      documentHash: doc('APP-1'),
    });
    await h.submit(ID.adminB, 'RecordRecognition', { localTypeCode: T.BBiz, foreignTypeCode: T.ABiz });
    const v = await h.evaluate<VerifyResult>(ID.issuerB, 'VerifyLicence', {
      licenceId: 'APP-1',
      documentHash: doc('APP-1'),
      claims: [{ name: 'companyName', value: 'Acme Trading Ltd', salt: salt('app:companyName') }],
      privateDataHash: sha256Hex(stableStringify(transient.licencePrivate)),
    });
    expect(v).toMatchObject({
      status: 'valid',
      valid: true,
      recognition: { recognised: true, localTypeCode: T.BBiz },
      claims: [{ name: 'companyName', known: true, match: true }],
      privateDataMatch: true,
    });
  });

  describe('decision errors', () => {
    beforeEach(async () => {
      await submit('APP-1', ID.enterpriseA1, { transient, time: '2026-03-01T09:00:00Z' });
    });

    it('refuses approving twice (ALREADY_DECIDED)', async () => {
      await h.submit(ID.approverFireA, 'ApproveApplication', { applicationId: 'APP-1' });
      expect(
        await h.refused(ID.approverFireA, 'ApproveApplication', { applicationId: 'APP-1' }),
      ).toMatchObject({
        code: 'ALREADY_DECIDED',
        status: 409,
      });
      expect(
        await h.refused(ID.approverFireA, 'RejectApplication', {
          applicationId: 'APP-1',
          reasonCode: 'X',
          reason: 'changed my mind',
        }),
      ).toMatchObject({ code: 'ALREADY_DECIDED', status: 409 });
    });

    it('refuses a department the type does not require (DEPT_NOT_REQUIRED)', async () => {
      expect(
        await h.refused(ID.approverIndustryA, 'ApproveApplication', { applicationId: 'APP-1' }),
      ).toMatchObject({ code: 'DEPT_NOT_REQUIRED', status: 403 });
      expect(
        await h.refused(ID.approverIndustryA, 'RejectApplication', {
          applicationId: 'APP-1',
          reasonCode: 'X',
          reason: 'no',
        }),
      ).toMatchObject({ code: 'DEPT_NOT_REQUIRED', status: 403 });
    });

    it("refuses another organisation's approver (NOT_ISSUING_ORG)", async () => {
      expect(
        await h.refused(ID.approverFireB, 'ApproveApplication', { applicationId: 'APP-1' }),
      ).toMatchObject({
        code: 'NOT_ISSUING_ORG',
        status: 403,
      });
    });

    it('refuses callers without role approver or without a department (FORBIDDEN)', async () => {
      for (const who of [ID.officerFireA, ID.issuerA, ID.adminA, ID.enterpriseA1, ID.approverNoDeptA]) {
        expect(await h.refused(who, 'ApproveApplication', { applicationId: 'APP-1' })).toMatchObject({
          code: 'FORBIDDEN',
          status: 403,
        });
      }
    });

    it('refuses an unknown application (APPLICATION_NOT_FOUND)', async () => {
      expect(
        await h.refused(ID.approverFireA, 'ApproveApplication', { applicationId: 'NOPE' }),
      ).toMatchObject({
        code: 'APPLICATION_NOT_FOUND',
        status: 404,
      });
      expect(await h.refusedQuery(ID.auditorA, 'GetApplication', { applicationId: 'NOPE' })).toMatchObject({
        code: 'APPLICATION_NOT_FOUND',
        status: 404,
      });
    });

    it('refuses the completing approval without a document hash, writing nothing (DOCUMENT_HASH_REQUIRED)', async () => {
      await h.submit(ID.approverMarketA, 'ApproveApplication', { applicationId: 'APP-1' });
      await h.submit(ID.approverFireA, 'ApproveApplication', { applicationId: 'APP-1' });
      expect(
        await h.refused(ID.approverEnvA, 'ApproveApplication', { applicationId: 'APP-1' }),
      ).toMatchObject({
        code: 'DOCUMENT_HASH_REQUIRED',
        status: 400,
      });
      const r = await h.submit<ApprovalResult>(ID.approverEnvA, 'ApproveApplication', {
        applicationId: 'APP-1',
        documentHash: doc('APP-1'),
      });
      expect(r.licence?.licenceId).toBe('APP-1');
    });

    it('refuses the completing approval when the type was retired meanwhile (TYPE_NOT_ACTIVE)', async () => {
      await h.submit(ID.approverMarketA, 'ApproveApplication', { applicationId: 'APP-1' });
      await h.submit(ID.approverFireA, 'ApproveApplication', { applicationId: 'APP-1' });
      await h.submit(ID.adminA, 'UpdateLicenceType', { code: T.ABiz, status: 'retired' });
      expect(
        await h.refused(ID.approverEnvA, 'ApproveApplication', {
          applicationId: 'APP-1',
          documentHash: doc('x'),
        }),
      ).toMatchObject({ code: 'TYPE_NOT_ACTIVE', status: 409 });
    });

    it('refuses the completing approval when the collection lacks the private record (PRIVATE_DATA_HASH_MISMATCH)', async () => {
      await h.submit(ID.approverMarketA, 'ApproveApplication', { applicationId: 'APP-1' });
      await h.submit(ID.approverFireA, 'ApproveApplication', { applicationId: 'APP-1' });
      await h.ledger.submit(ID.adminA, (ctx) => ctx.stub.deletePrivateData(COLL_A, APP_PKEY));
      expect(
        await h.refused(ID.approverEnvA, 'ApproveApplication', {
          applicationId: 'APP-1',
          documentHash: doc('x'),
        }),
      ).toMatchObject({ code: 'PRIVATE_DATA_HASH_MISMATCH', status: 409 });
    });

    it('refuses the completing approval when a licence with the application id exists (LICENCE_ALREADY_EXISTS)', async () => {
      await h.submit(ID.approverMarketA, 'ApproveApplication', { applicationId: 'APP-1' });
      await h.submit(ID.approverFireA, 'ApproveApplication', { applicationId: 'APP-1' });
      // Only possible by writing around the chaincode (the id is reserved at submission).
      await h.ledger.submit(ID.adminA, (ctx) =>
        writeJson(ctx, '\u0000licence\u0000APP-1\u0000', { forged: true }),
      );
      expect(
        await h.refused(ID.approverEnvA, 'ApproveApplication', {
          applicationId: 'APP-1',
          documentHash: doc('x'),
        }),
      ).toMatchObject({ code: 'LICENCE_ALREADY_EXISTS', status: 409 });
    });

    it('keeps the required departments fixed at submission', async () => {
      await h.submit(ID.adminA, 'UpdateLicenceType', {
        code: T.ABiz,
        requiredApprovals: ['market', 'industry'],
      });
      expect(
        await h.refused(ID.approverIndustryA, 'ApproveApplication', { applicationId: 'APP-1' }),
      ).toMatchObject({ code: 'DEPT_NOT_REQUIRED' });
      const app = await h.evaluate<ApplicationView>(ID.auditorA, 'GetApplication', {
        applicationId: 'APP-1',
      });
      expect(app.pendingDepts).toEqual(['market', 'fire', 'environment']);
    });

    it('rejects with a reason: closes the application, purges the private record, emits ApplicationRejected', async () => {
      await h.submit(ID.approverMarketA, 'ApproveApplication', { applicationId: 'APP-1' });
      expect(h.ledger.getPrivateVersions(COLL_A, APP_PKEY)).toHaveLength(1);
      const app = await h.submit<ApplicationView>(
        ID.approverFireA,
        'RejectApplication',
        { applicationId: 'APP-1', reasonCode: 'FIRE_EXITS', reason: 'fire exits do not meet the code' },
        { time: '2026-03-05T09:00:00Z' },
      );
      expect(app).toMatchObject({
        status: 'rejected',
        closedAt: '2026-03-05T09:00:00.000Z',
        licenceId: null,
        pendingDepts: [],
        approvedDepts: ['market'],
        elapsedMs: 4 * 86_400_000,
      });
      expect(app.timeline[app.timeline.length - 1]).toEqual({
        event: 'rejected',
        at: '2026-03-05T09:00:00.000Z',
        dept: 'fire',
        by: 'x509::/CN=approver-fire-a::/CN=ca.CityAMSP',
        reasonCode: 'FIRE_EXITS',
        reason: 'fire exits do not meet the code',
      });
      expect(h.ledger.getPrivate(COLL_A, APP_PKEY)).toBeUndefined();
      // purged, not merely deleted: the member peer keeps no earlier version either
      expect(h.ledger.getPrivateVersions(COLL_A, APP_PKEY)).toEqual([]);
      expect(h.lastEvent()).toEqual({
        name: 'ApplicationRejected',
        payload: {
          facts: ['ApplicationRejected'],
          applicationId: 'APP-1',
          typeCode: T.ABiz,
          ownerMsp: 'CityAMSP',
          applicant: holder('enterprise-a1'),
          dept: 'fire',
          reasonCode: 'FIRE_EXITS',
        },
      });
      expect(
        await h.refused(ID.approverEnvA, 'ApproveApplication', {
          applicationId: 'APP-1',
          documentHash: doc('x'),
        }),
      ).toMatchObject({ code: 'APPLICATION_CLOSED', status: 409 });
      expect(
        await h.refused(ID.approverEnvA, 'RejectApplication', {
          applicationId: 'APP-1',
          reasonCode: 'X',
          reason: 'x',
        }),
      ).toMatchObject({ code: 'APPLICATION_CLOSED', status: 409 });
    });

    it('refuses any decision after the licence was issued (APPLICATION_CLOSED)', async () => {
      await h.submit(ID.approverMarketA, 'ApproveApplication', { applicationId: 'APP-1' });
      await h.submit(ID.approverFireA, 'ApproveApplication', { applicationId: 'APP-1' });
      await h.submit(ID.approverEnvA, 'ApproveApplication', {
        applicationId: 'APP-1',
        documentHash: doc('x'),
      });
      expect(
        await h.refused(ID.approverEnvA, 'RejectApplication', {
          applicationId: 'APP-1',
          reasonCode: 'X',
          reason: 'x',
        }),
      ).toMatchObject({ code: 'APPLICATION_CLOSED', status: 409 });
      expect(
        await h.refused(ID.approverMarketA, 'ApproveApplication', {
          applicationId: 'APP-1',
          documentHash: doc('x'),
        }),
      ).toMatchObject({ code: 'APPLICATION_CLOSED', status: 409 });
    });

    it('refuses malformed decisions', async () => {
      for (const [tx, req] of [
        ['ApproveApplication', { applicationId: 'APP-1', documentHash: 'nope' }],
        ['ApproveApplication', { applicationId: 'APP-1', approve: true }],
        ['RejectApplication', { applicationId: 'APP-1', reasonCode: 'X' }],
        ['RejectApplication', { applicationId: 'APP-1', reasonCode: 'X', reason: '' }],
      ] as const) {
        expect(await h.refused(ID.approverFireA, tx, req)).toMatchObject({
          code: 'INVALID_ARGUMENT',
          status: 400,
        });
      }
    });
  });

  describe('submission errors', () => {
    it("refuses an applicant whose kind does not match the type's holder kind (HOLDER_KIND_MISMATCH)", async () => {
      const r = await h.refused(
        ID.citizenA1,
        'SubmitApplication',
        { applicationId: 'APP-1', typeCode: T.ABiz },
        { transient },
      );
      expect(r).toMatchObject({ code: 'HOLDER_KIND_MISMATCH', status: 403 });
    });

    it('refuses an applicant of another jurisdiction (APPLICANT_ORG_MISMATCH)', async () => {
      const r = await h.refused(
        ID.enterpriseB1,
        'SubmitApplication',
        { applicationId: 'APP-1', typeCode: T.ABiz },
        { transient },
      );
      expect(r).toMatchObject({ code: 'APPLICANT_ORG_MISMATCH', status: 403 });
    });

    it('refuses callers that are not citizens or enterprises, or carry no gov.pid (FORBIDDEN)', async () => {
      for (const who of [ID.issuerA, ID.approverFireA, ID.adminA, ID.citizenNoPidA]) {
        const r = await h.refused(
          who,
          'SubmitApplication',
          { applicationId: 'APP-1', typeCode: T.APro },
          { transient },
        );
        expect(r).toMatchObject({ code: 'FORBIDDEN', status: 403 });
      }
    });

    it('refuses a type that requires no approvals (NO_APPROVALS_REQUIRED), an unknown or retired type', async () => {
      const pro = { licencePrivate: privateInput({ qualification: 'q', level: 'l' }) };
      expect(
        await h.refused(
          ID.citizenA1,
          'SubmitApplication',
          { applicationId: 'APP-1', typeCode: T.APro },
          { transient: pro },
        ),
      ).toMatchObject({ code: 'NO_APPROVALS_REQUIRED', status: 409 });
      expect(
        await h.refused(
          ID.citizenA1,
          'SubmitApplication',
          { applicationId: 'APP-1', typeCode: 'NOPE' },
          { transient },
        ),
      ).toMatchObject({ code: 'TYPE_NOT_FOUND', status: 404 });
      await h.submit(ID.adminA, 'UpdateLicenceType', { code: T.ABiz, status: 'retired' });
      expect(
        await h.refused(
          ID.enterpriseA1,
          'SubmitApplication',
          { applicationId: 'APP-1', typeCode: T.ABiz },
          { transient },
        ),
      ).toMatchObject({
        code: 'TYPE_NOT_ACTIVE',
        status: 409,
      });
    });

    it('refuses a duplicate application id, and ids shared between licences and applications', async () => {
      await submit('APP-1');
      expect(
        await h.refused(
          ID.enterpriseA2,
          'SubmitApplication',
          { applicationId: 'APP-1', typeCode: T.ABiz },
          { transient },
        ),
      ).toMatchObject({ code: 'APPLICATION_ALREADY_EXISTS', status: 409 });
      await h.issueBiz('L1');
      expect(
        await h.refused(
          ID.enterpriseA1,
          'SubmitApplication',
          { applicationId: 'L1', typeCode: T.ABiz },
          { transient },
        ),
      ).toMatchObject({ code: 'LICENCE_ALREADY_EXISTS', status: 409 });
      const r = await h.refused(
        ID.issuerA,
        'IssueLicence',
        { licenceId: 'APP-1', typeCode: T.ABiz, holder: holder('x'), documentHash: doc('x') },
        { transient },
      );
      expect(r).toMatchObject({ code: 'LICENCE_ALREADY_EXISTS', status: 409 });
    });

    it('refuses claims that are not the type claims, and a missing transient record', async () => {
      expect(
        await h.refused(
          ID.enterpriseA1,
          'SubmitApplication',
          { applicationId: 'APP-1', typeCode: T.ABiz },
          { transient: { licencePrivate: privateInput({ companyName: 'x' }) } },
        ),
      ).toMatchObject({ code: 'CLAIMS_MISMATCH', status: 400 });
      expect(
        await h.refused(ID.enterpriseA1, 'SubmitApplication', { applicationId: 'APP-1', typeCode: T.ABiz }),
      ).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
      expect(
        await h.refused(
          ID.enterpriseA1,
          'SubmitApplication',
          { applicationId: 'APP 1', typeCode: T.ABiz },
          { transient },
        ),
      ).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
    });
  });

  it('reports elapsed time of a pending application against the query time', async () => {
    await submit('APP-1', ID.enterpriseA1, { transient, time: '2026-03-01T09:00:00Z' });
    const app = await h.evaluate<ApplicationView>(
      ID.enterpriseA1,
      'GetApplication',
      { applicationId: 'APP-1' },
      { time: '2026-03-01T21:30:00Z' },
    );
    expect(app.elapsedMs).toBe(12.5 * 3_600_000);
  });
});
