/**
 * Verify-by-hash: personal data reaches only the collection's organisation.
 *
 * - The private-only staging transactions (StageLicencePrivateData,
 *   StageApplicationPrivateData) write only collection keys and run only on a
 *   peer of the collection's organisation (ctx.stub.getMspID()); elsewhere they
 *   are refused with ENDORSER_NOT_COLLECTION_MEMBER (403) and write nothing.
 * - The public transactions (IssueLicence, AmendLicence, RenewLicence,
 *   SubmitApplication, the approvals and rejections) run on any peer, so the
 *   channel's majority endorses them; every endorser checks the staged record
 *   with GetPrivateDataHash and refuses PRIVATE_DATA_HASH_MISMATCH (409) when it
 *   is absent or different.
 */
import { BIZ_CLAIMS, Harness, ID, PKEY, T, doc, holder, privateInput, type TxName } from './harness';
import { refusal, type TestIdentity } from '@govledger/chaincode-common/testing';
import { sha256Hex, stableStringify } from '@govledger/chaincode-common';
import type { eLicence } from '@govledger/wire';
import type { ApprovalResult, Licence, RenewResult, VerifyResult } from '../src';

const COLL_A = 'licencePrivate_CityAMSP';
const COLL_B = 'licencePrivate_CityBMSP';

const ON_A = { peerMspId: 'CityAMSP' };
const ON_B = { peerMspId: 'CityBMSP' };
const ON_AUDIT = { peerMspId: 'AuditMSP' };

const bizPrivate = (seed: string) => ({ licencePrivate: privateInput(BIZ_CLAIMS, seed) });
const hashOf = (seed: string) => sha256Hex(stableStringify(privateInput(BIZ_CLAIMS, seed)));

/** One staging transaction on City A's collection, with what it needs set up first. */
interface StageCase {
  name: string;
  who: TestIdentity;
  tx: TxName;
  req: Record<string, unknown>;
  transient?: Record<string, unknown>;
  setUp(h: Harness): Promise<void>;
  /** The key the member peer's successful run wrote. */
  key(h: Harness): string;
}

const STAGE_CASES: StageCase[] = [
  {
    name: 'StageLicencePrivateData (issue)',
    who: ID.issuerA,
    tx: 'StageLicencePrivateData',
    req: { purpose: 'issue', licenceId: 'L-NEW', typeCode: T.ABiz },
    transient: bizPrivate('new'),
    setUp: async () => {},
    key: () => PKEY('L-NEW', hashOf('new')),
  },
  {
    name: 'StageLicencePrivateData (amend)',
    who: ID.issuerA,
    tx: 'StageLicencePrivateData',
    req: { purpose: 'amend', licenceId: 'L1' },
    transient: bizPrivate('amended'),
    setUp: async (h) => {
      await h.issueBiz('L1');
    },
    key: () => PKEY('L1', hashOf('amended')),
  },
  {
    name: 'StageLicencePrivateData (renew: a copy for the new id)',
    who: ID.issuerA,
    tx: 'StageLicencePrivateData',
    req: { purpose: 'renew', licenceId: 'L1', newLicenceId: 'L2' },
    setUp: async (h) => {
      await h.issueBiz('L1');
    },
    key: () => PKEY('L2', hashOf('p')),
  },
  {
    name: 'StageApplicationPrivateData',
    who: ID.enterpriseA1,
    tx: 'StageApplicationPrivateData',
    req: { applicationId: 'APP-1', typeCode: T.ABiz },
    transient: bizPrivate('app'),
    setUp: async () => {},
    key: () => PKEY('APP-1', hashOf('app')),
  },
];

describe('private-only staging runs only on a peer of the collection organisation', () => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness();
    await h.seedTypes();
  });

  describe.each(STAGE_CASES)('$name', (c) => {
    beforeEach(async () => c.setUp(h));

    it.each([
      ['City B', ON_B],
      ['the Audit Office', ON_AUDIT],
    ])("is refused on %s's peer, with nothing written", async (_peer, peer) => {
      const r = await h.refused(c.who, c.tx, c.req, { ...peer, transient: c.transient });
      expect(r).toMatchObject({ code: 'ENDORSER_NOT_COLLECTION_MEMBER', status: 403 });
      expect(r.message).toContain(COLL_A);
      expect(r.message).toContain(`not of ${peer.peerMspId}`);
      expect(r.message).toContain('endorsingOrganizations [CityAMSP]');
    });

    it("is accepted on City A's peer and writes only the collection key", async () => {
      const publicBefore = JSON.stringify({ state: h.ledger.snapshot(), events: h.ledger.events });
      const keysBefore = h.ledger.privateKeys(COLL_A);
      const staged = await h.submit<eLicence.StagedPrivateRecord>(c.who, c.tx, c.req, {
        ...ON_A,
        transient: c.transient,
      });
      expect(JSON.stringify({ state: h.ledger.snapshot(), events: h.ledger.events })).toBe(publicBefore);
      expect(h.ledger.privateKeys(COLL_A)).toEqual([...keysBefore, c.key(h)].sort());
      expect(staged.collection).toBe(COLL_A);
      expect(sha256Hex(Buffer.from(h.ledger.getPrivate(COLL_A, c.key(h)) as string, 'utf8'))).toBe(
        staged.privateDataHash,
      );
    });
  });

  it("holds for City B's collection too: City B's staging is refused on City A's peer, accepted on City B's", async () => {
    const req = {
      licenceId: 'LB',
      typeCode: T.BBiz,
      holder: holder('enterprise-b1'),
      documentHash: doc('LB'),
    };
    const transient = bizPrivate('b');
    const r = await h.refused(ID.issuerB, 'IssueLicence', req, { ...ON_A, transient });
    expect(r).toMatchObject({ code: 'ENDORSER_NOT_COLLECTION_MEMBER', status: 403 });
    expect(r.message).toContain(COLL_B);

    const l = await h.submit<Licence>(ID.issuerB, 'IssueLicence', req, { ...ON_B, transient });
    expect(l.privateCollection).toBe(COLL_B);
    expect(h.ledger.getPrivate(COLL_B, PKEY('LB', l.privateDataHash))).toBe(
      stableStringify(transient.licencePrivate),
    );
    expect(h.ledger.privateKeys(COLL_A)).toEqual([]);
  });

  it("refuses reading the private record on another organisation's peer; the member peer reads it", async () => {
    await h.issueBiz('L1', {}, ON_A);
    const json = JSON.stringify({ licenceId: 'L1' });
    const r = await refusal(
      h.ledger.evaluate(ID.issuerA, (ctx) => h.contract.GetLicencePrivateData(ctx, json), ON_B),
    );
    expect(r).toMatchObject({ code: 'ENDORSER_NOT_COLLECTION_MEMBER', status: 403 });
    const mine = await h.evaluate<{ recordJson: string }>(
      ID.issuerA,
      'GetLicencePrivateData',
      { licenceId: 'L1' },
      ON_A,
    );
    expect(mine.recordJson).toBe(stableStringify(privateInput(BIZ_CLAIMS)));
  });

  it("answers the caller's own refusals first: City B's issuer on City B's peer gets NOT_TYPE_OWNER", async () => {
    const r = await h.refused(
      ID.issuerB,
      'IssueLicence',
      { licenceId: 'LX', typeCode: T.ABiz, holder: holder('enterprise-a1'), documentHash: doc('LX') },
      { ...ON_B, transient: bizPrivate('x') },
    );
    expect(r).toMatchObject({ code: 'NOT_TYPE_OWNER', status: 403 });
  });
});

describe('public steps run on every peer and check the staged record by hash', () => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness();
    await h.seedTypes();
  });

  /** Stages a new licence's record on City A's peer and returns the hashes. */
  const stageIssue = (id: string, seed: string) =>
    h.submit<eLicence.StagedPrivateRecord>(
      ID.issuerA,
      'StageLicencePrivateData',
      { purpose: 'issue', licenceId: id, typeCode: T.ABiz },
      { ...ON_A, transient: bizPrivate(seed) },
    );
  const issueReq = (id: string, staged: eLicence.StagedPrivateRecord) => ({
    licenceId: id,
    typeCode: T.ABiz,
    holder: holder('enterprise-a1'),
    documentHash: doc(id),
    privateDataHash: staged.privateDataHash,
    claimHashes: staged.claimHashes,
  });

  it.each([
    ['City A', ON_A],
    ['City B', ON_B],
    ['the Audit Office', ON_AUDIT],
  ])("issues on %s's peer without the personal data (no transient data)", async (_peer, peer) => {
    const staged = await stageIssue('L1', 's');
    const l = await h.submit<Licence>(ID.issuerA, 'IssueLicence', issueReq('L1', staged), peer);
    expect(l).toMatchObject({
      licenceId: 'L1',
      privateDataHash: hashOf('s'),
      claimHashes: staged.claimHashes,
    });
  });

  it('refuses PRIVATE_DATA_HASH_MISMATCH when nothing was staged under the hash, on every peer', async () => {
    const staged = await stageIssue('L1', 's');
    const other = { ...issueReq('L1', staged), privateDataHash: hashOf('never-staged') };
    for (const peer of [ON_A, ON_B]) {
      const r = await h.refused(ID.issuerA, 'IssueLicence', other, peer);
      expect(r).toMatchObject({ code: 'PRIVATE_DATA_HASH_MISMATCH', status: 409 });
    }
    const elsewhere = await h.refused(ID.issuerA, 'IssueLicence', issueReq('L9', staged), ON_B);
    expect(elsewhere).toMatchObject({ code: 'PRIVATE_DATA_HASH_MISMATCH', status: 409 });
  });

  it('refuses PRIVATE_DATA_HASH_MISMATCH when the record under the key has other bytes', async () => {
    const staged = await stageIssue('L1', 's');
    await h.ledger.submit(ID.adminA, (ctx) =>
      ctx.stub.putPrivateData(COLL_A, PKEY('L1', staged.privateDataHash), Buffer.from('{"tampered":true}')),
    );
    for (const peer of [ON_A, ON_B]) {
      const r = await h.refused(ID.issuerA, 'IssueLicence', issueReq('L1', staged), peer);
      expect(r).toMatchObject({ code: 'PRIVATE_DATA_HASH_MISMATCH', status: 409 });
    }
  });

  it("reads only the staged record's hash, never the record, even on the member's peer", async () => {
    // a private read would make the peer gateway plan members-only endorsement (no majority)
    const staged = await stageIssue('L1', 's');
    const json = JSON.stringify(issueReq('L1', staged));
    const l = JSON.parse(
      await h.ledger.submit(
        ID.issuerA,
        (ctx) => {
          ctx.stub.getPrivateData = () => Promise.reject(new Error('the public step read private data'));
          return h.contract.IssueLicence(ctx, json);
        },
        ON_A,
      ),
    ) as Licence;
    expect(l.privateDataHash).toBe(staged.privateDataHash);
  });

  it('refuses CLAIMS_MISMATCH on every peer when the claim hashes do not name the type claims', async () => {
    const staged = await stageIssue('L1', 's');
    const { companyName: _dropped, ...fewer } = staged.claimHashes;
    for (const peer of [ON_A, ON_B]) {
      const r = await h.refused(
        ID.issuerA,
        'IssueLicence',
        { ...issueReq('L1', staged), claimHashes: fewer },
        peer,
      );
      expect(r).toMatchObject({ code: 'CLAIMS_MISMATCH', status: 400 });
    }
  });

  it('amends, renews and submits on a non-member peer after staging, and refuses them unstaged', async () => {
    await h.issueBiz('L1', {}, ON_A);
    const amendStaged = await h.submit<eLicence.StagedPrivateRecord>(
      ID.issuerA,
      'StageLicencePrivateData',
      { purpose: 'amend', licenceId: 'L1' },
      { ...ON_A, transient: bizPrivate('v2') },
    );
    const unstaged = {
      licenceId: 'L1',
      documentHash: doc('v2'),
      privateDataHash: hashOf('v3'),
      claimHashes: amendStaged.claimHashes,
    };
    expect(await h.refused(ID.issuerA, 'AmendLicence', unstaged, ON_B)).toMatchObject({
      code: 'PRIVATE_DATA_HASH_MISMATCH',
    });
    const amended = await h.submit<Licence>(
      ID.issuerA,
      'AmendLicence',
      { ...unstaged, privateDataHash: amendStaged.privateDataHash },
      ON_B,
    );
    expect([amended.version, amended.privateDataHash]).toEqual([2, hashOf('v2')]);

    const renewReq = { licenceId: 'L1', newLicenceId: 'L2', documentHash: doc('L2') };
    expect(await h.refused(ID.issuerA, 'RenewLicence', renewReq, { ...ON_B, direct: true })).toMatchObject({
      code: 'PRIVATE_DATA_HASH_MISMATCH',
    });
    await h.submit(
      ID.issuerA,
      'StageLicencePrivateData',
      { purpose: 'renew', licenceId: 'L1', newLicenceId: 'L2' },
      ON_A,
    );
    const renewed = await h.submit<RenewResult>(ID.issuerA, 'RenewLicence', renewReq, {
      ...ON_B,
      direct: true,
    });
    expect(renewed.licence.privateDataHash).toBe(hashOf('v2'));

    const submitReq = {
      applicationId: 'APP-1',
      typeCode: T.ABiz,
      privateDataHash: hashOf('app'),
      claimHashes: amendStaged.claimHashes,
    };
    expect(await h.refused(ID.enterpriseA1, 'SubmitApplication', submitReq, ON_B)).toMatchObject({
      code: 'PRIVATE_DATA_HASH_MISMATCH',
    });
  });

  it('decides applications on any peer: the completing approval issues, a rejection deletes the record', async () => {
    for (const id of ['APP-1', 'APP-2']) {
      await h.submit(
        ID.enterpriseA1,
        'SubmitApplication',
        { applicationId: id, typeCode: T.ABiz },
        { ...ON_A, transient: bizPrivate(id) },
      );
    }
    await h.submit(ID.approverMarketA, 'ApproveApplication', { applicationId: 'APP-1' }, ON_B);
    await h.submit(ID.approverFireA, 'ApproveApplication', { applicationId: 'APP-1' }, ON_AUDIT);
    const done = await h.submit<ApprovalResult>(
      ID.approverEnvA,
      'ApproveApplication',
      { applicationId: 'APP-1', documentHash: doc('APP-1') },
      ON_B,
    );
    expect(done.licence?.licenceId).toBe('APP-1');
    await h.submit(
      ID.approverFireA,
      'RejectApplication',
      { applicationId: 'APP-2', reasonCode: 'FIRE_RISK', reason: 'no fire exits' },
      ON_B,
    );
    expect(h.ledger.privateKeys(COLL_A)).toEqual([PKEY('APP-1', hashOf('APP-1'))]);
  });

  it('verifies a private-data hash on any peer', async () => {
    const l = await h.issueBiz('L1', {}, ON_A);
    for (const peer of [ON_A, ON_B, ON_AUDIT]) {
      const v = await h.evaluate<VerifyResult>(
        ID.auditorB,
        'VerifyLicence',
        { licenceId: 'L1', privateDataHash: l.privateDataHash },
        peer,
      );
      expect(v).toMatchObject({ valid: true, privateDataMatch: true, privateDataOnChain: true });
    }
  });
});
