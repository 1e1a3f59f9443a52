/**
 * The trust rules of issue 12 for e-licence:
 * - every owned record (licence type, licence and its indexes, application,
 *   recognition) gets, at creation, the key-level policy "owner's peer AND a peer
 *   of one other organisation" (protectRecord), naming every other peer org;
 * - nobody creates a record in another organisation's name (403);
 * - holders and applicants are (home MSP, pid) pairs: the same pid under another
 *   MSP is another person.
 */
import { BIZ_CLAIMS, Harness, ID, T, doc, holder, pid, privateInput } from './harness';
import { keyPolicy, type KeyPolicyView } from '@govledger/chaincode-common';
import type { TestIdentity } from '@govledger/chaincode-common/testing';
import type { Licence, VerifyResult } from '../src';

const K = (...parts: string[]) => `\u0000${parts.join('\u0000')}\u0000`;

describe('owned records are protected for their owner and one other organisation', () => {
  let h: Harness;
  const saved = process.env.GOVLEDGER_PEER_ORGS;
  beforeEach(async () => {
    process.env.GOVLEDGER_PEER_ORGS = 'CityAMSP,CityBMSP,AuditMSP';
    h = new Harness();
    await h.seedTypes();
  });
  afterEach(() => {
    process.env.GOVLEDGER_PEER_ORGS = saved;
  });

  const policyOf = (key: string): Promise<KeyPolicyView> =>
    h.ledger.evaluate(ID.auditorB, (ctx) => keyPolicy(ctx, key));

  it('sets the policy at creation, naming the owner and every other peer organisation', async () => {
    await h.submit(ID.adminB, 'RecordRecognition', { localTypeCode: T.BBiz, foreignTypeCode: T.ABiz });
    await h.issueBiz('L1');
    await h.submit(
      ID.enterpriseA1,
      'SubmitApplication',
      { applicationId: 'APP-1', typeCode: T.ABiz },
      { transient: { licencePrivate: privateInput(BIZ_CLAIMS, 'app') } },
    );
    const ownedByA = { owner: 'CityAMSP', orgs: ['CityAMSP', 'AuditMSP', 'CityBMSP'] };
    for (const key of [
      K('licenceType', T.ABiz),
      K('licence', 'L1'),
      K('licenceByHolder', 'CityAMSP', pid('enterprise-a1'), 'L1'),
      K('licenceByTypeStatus', T.ABiz, 'active', 'L1'),
      K('application', 'APP-1'),
    ]) {
      expect([key, await policyOf(key)]).toEqual([key, ownedByA]);
    }
    expect(await policyOf(K('licenceType', T.BBiz))).toEqual({
      owner: 'CityBMSP',
      orgs: ['CityBMSP', 'AuditMSP', 'CityAMSP'],
    });
    expect(await policyOf(K('recognition', 'CityBMSP', T.ABiz))).toEqual({
      owner: 'CityBMSP',
      orgs: ['CityBMSP', 'AuditMSP', 'CityAMSP'],
    });
  });

  it('protects the status index entry a change writes', async () => {
    await h.issueBiz('L1');
    await h.submit(ID.issuerA, 'SuspendLicence', { licenceId: 'L1', reasonCode: 'OTHER' });
    expect(await policyOf(K('licenceByTypeStatus', T.ABiz, 'suspended', 'L1'))).toEqual({
      owner: 'CityAMSP',
      orgs: ['CityAMSP', 'AuditMSP', 'CityBMSP'],
    });
  });
});

describe("nobody creates a record in another organisation's name", () => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness();
    await h.seedTypes();
  });

  it.each<[string, TestIdentity]>([
    ["City B's issuer", ID.issuerB],
    ["the Audit Office's admin", ID.adminAudit],
  ])("refuses %s issuing a licence of City A's type (issuer City A), at both steps", async (_who, who) => {
    const transient = { licencePrivate: privateInput(BIZ_CLAIMS, 'x') };
    const base = {
      licenceId: 'LX',
      typeCode: T.ABiz,
      holder: holder('enterprise-a1'),
      documentHash: doc('LX'),
    };
    const staged = await h.refused(who, 'IssueLicence', base, { transient, peerMspId: 'CityAMSP' });
    expect(staged).toMatchObject({ code: 'NOT_TYPE_OWNER', status: 403 });
    const direct = await h.refused(who, 'IssueLicence', {
      ...base,
      privateDataHash: doc('p'),
      claimHashes: { companyName: doc('a'), registeredCapital: doc('b'), businessScope: doc('c') },
    });
    expect(direct).toMatchObject({ code: 'NOT_TYPE_OWNER', status: 403 });
  });

  it("refuses City B's admin recognising a type as City A's local type", async () => {
    const r = await h.refused(ID.adminB, 'RecordRecognition', {
      localTypeCode: T.ABiz,
      foreignTypeCode: T.BBiz,
    });
    expect(r).toMatchObject({ code: 'NOT_TYPE_OWNER', status: 403 });
  });

  it("refuses City B's applicant applying for City A's type", async () => {
    const r = await h.refused(
      ID.enterpriseB1,
      'SubmitApplication',
      { applicationId: 'APP-X', typeCode: T.ABiz },
      { transient: { licencePrivate: privateInput(BIZ_CLAIMS, 'x') } },
    );
    expect(r).toMatchObject({ code: 'APPLICANT_ORG_MISMATCH', status: 403 });
  });

  it("refuses City B's issuer changing City A's licence", async () => {
    await h.issueBiz('L1');
    const r = await h.refused(ID.issuerB, 'SuspendLicence', { licenceId: 'L1', reasonCode: 'OTHER' });
    expect(r).toMatchObject({ code: 'NOT_ISSUING_ORG', status: 403 });
  });
});

describe('holders are (home MSP, pid) pairs', () => {
  let h: Harness;
  /** A City A citizen whose certificate carries the pid of City B's citizen-b1. */
  const samePidInA: TestIdentity = {
    mspId: 'CityAMSP',
    name: 'impostor-a',
    attrs: { 'gov.role': 'citizen', 'gov.pid': pid('citizen-b1') },
  };
  beforeEach(async () => {
    h = new Harness();
    await h.seedTypes();
    await h.submit(
      ID.issuerA,
      'IssueLicence',
      { licenceId: 'P1', typeCode: T.APro, holder: holder('citizen-b1'), documentHash: doc('P1') },
      { transient: { licencePrivate: privateInput({ qualification: 'q', level: '1' }, 'P1') } },
    );
  });

  it('stores the holder with its home MSP', async () => {
    const l = await h.evaluate<Licence>(ID.auditorA, 'GetLicence', { licenceId: 'P1' });
    expect(l.holder).toEqual({ mspId: 'CityBMSP', pid: pid('citizen-b1') });
    const v = await h.evaluate<VerifyResult>(ID.auditorA, 'VerifyLicence', { licenceId: 'P1' });
    expect(v.holder).toEqual({ mspId: 'CityBMSP', pid: pid('citizen-b1') });
  });

  it('lists by (MSP, pid): the same pid under another MSP finds nothing', async () => {
    const mine = await h.evaluate<{ records: Licence[] }>(ID.auditorA, 'ListLicencesByHolder', {
      holder: holder('citizen-b1'),
    });
    expect(mine.records.map((l) => l.licenceId)).toEqual(['P1']);
    const other = await h.evaluate<{ records: Licence[] }>(ID.auditorA, 'ListLicencesByHolder', {
      holder: { mspId: 'CityAMSP', pid: pid('citizen-b1') },
    });
    expect(other.records).toEqual([]);
  });

  it("refuses the private record to a caller with the holder's pid under another MSP", async () => {
    const r = await h.refusedQuery(samePidInA, 'GetLicencePrivateData', { licenceId: 'P1' });
    expect(r).toMatchObject({ code: 'FORBIDDEN', status: 403 });
  });

  it('refuses a holder named by a pid alone', async () => {
    const r = await h.refused(
      ID.issuerA,
      'IssueLicence',
      { licenceId: 'P2', typeCode: T.APro, holderPid: pid('citizen-a1'), documentHash: doc('P2') },
      { transient: { licencePrivate: privateInput({ qualification: 'q', level: '1' }, 'P2') } },
    );
    expect(r).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
  });
});
