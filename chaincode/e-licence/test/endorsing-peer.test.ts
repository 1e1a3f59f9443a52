/**
 * The endorsement rule of the licence collections: every transaction that
 * writes (or must read) `licencePrivate_<MSP>` runs on a peer of <MSP>
 * (ctx.stub.getMspID()); on any other peer it is refused with
 * ENDORSER_NOT_COLLECTION_MEMBER (403) and writes nothing.
 */
import { BIZ_CLAIMS, Harness, ID, T, doc, pid, privateInput, type TxName } from './harness';
import { refusal, type TestIdentity } from '@govledger/chaincode-common/testing';
import { stableStringify } from '@govledger/chaincode-common';
import type { ApprovalResult, Licence, RenewResult, VerifyResult } from '../src';

const COLL_A = 'licencePrivate_CityAMSP';
const COLL_B = 'licencePrivate_CityBMSP';
const LPKEY = (id: string) => `\u0000licencePrivate\u0000${id}\u0000`;
const APKEY = (id: string) => `\u0000applicationPrivate\u0000${id}\u0000`;

const ON_A = { peerMspId: 'CityAMSP' };
const ON_B = { peerMspId: 'CityBMSP' };
const ON_AUDIT = { peerMspId: 'AuditMSP' };

const bizPrivate = (seed: string) => ({ licencePrivate: privateInput(BIZ_CLAIMS, seed) });

/** One transaction that touches City A's collection, with what it needs set up first. */
interface Case {
  name: string;
  who: TestIdentity;
  tx: TxName;
  req: Record<string, unknown>;
  transient?: Record<string, unknown>;
  setUp(h: Harness): Promise<void>;
  /** What the member peer's successful run left in the collection. */
  check(h: Harness, result: unknown): void;
}

async function submitApplication(h: Harness, id: string): Promise<void> {
  await h.submit(
    ID.enterpriseA1,
    'SubmitApplication',
    { applicationId: id, typeCode: T.ABiz },
    { transient: bizPrivate(`app:${id}`), ...ON_A },
  );
}

const CASES: Case[] = [
  {
    name: 'IssueLicence',
    who: ID.issuerA,
    tx: 'IssueLicence',
    req: { licenceId: 'L-NEW', typeCode: T.ABiz, holderPid: pid('enterprise-a1'), documentHash: doc('n') },
    transient: bizPrivate('new'),
    setUp: async () => {},
    check: (h) =>
      expect(h.ledger.getPrivate(COLL_A, LPKEY('L-NEW'))).toBe(
        stableStringify(privateInput(BIZ_CLAIMS, 'new')),
      ),
  },
  {
    name: 'AmendLicence',
    who: ID.issuerA,
    tx: 'AmendLicence',
    req: { licenceId: 'L1', documentHash: doc('amended') },
    transient: bizPrivate('amended'),
    setUp: async (h) => {
      await h.issueBiz('L1', {}, ON_A);
    },
    check: (h) =>
      expect(h.ledger.getPrivate(COLL_A, LPKEY('L1'))).toBe(
        stableStringify(privateInput(BIZ_CLAIMS, 'amended')),
      ),
  },
  {
    name: 'RenewLicence',
    who: ID.issuerA,
    tx: 'RenewLicence',
    req: { licenceId: 'L1', newLicenceId: 'L2', documentHash: doc('renewed') },
    setUp: async (h) => {
      await h.issueBiz('L1', {}, ON_A);
    },
    check: (h, result) => {
      expect((result as RenewResult).licence.licenceId).toBe('L2');
      expect(h.ledger.getPrivate(COLL_A, LPKEY('L2'))).toBe(h.ledger.getPrivate(COLL_A, LPKEY('L1')));
    },
  },
  {
    name: 'SubmitApplication',
    who: ID.enterpriseA1,
    tx: 'SubmitApplication',
    req: { applicationId: 'APP-1', typeCode: T.ABiz },
    transient: bizPrivate('app'),
    setUp: async () => {},
    check: (h) =>
      expect(h.ledger.getPrivate(COLL_A, APKEY('APP-1'))).toBe(
        stableStringify(privateInput(BIZ_CLAIMS, 'app')),
      ),
  },
  {
    name: 'ApproveApplication (not completing: every decision runs on a member peer)',
    who: ID.approverMarketA,
    tx: 'ApproveApplication',
    req: { applicationId: 'APP-1' },
    setUp: async (h) => submitApplication(h, 'APP-1'),
    check: (h, result) => {
      expect((result as ApprovalResult).licence).toBeNull();
      expect(h.ledger.privateKeys(COLL_A)).toEqual([APKEY('APP-1')]);
    },
  },
  {
    name: 'ApproveApplication (completing: moves the private record to the licence)',
    who: ID.approverEnvA,
    tx: 'ApproveApplication',
    req: { applicationId: 'APP-1', documentHash: doc('APP-1') },
    setUp: async (h) => {
      await submitApplication(h, 'APP-1');
      await h.submit(ID.approverMarketA, 'ApproveApplication', { applicationId: 'APP-1' }, ON_A);
      await h.submit(ID.approverFireA, 'ApproveApplication', { applicationId: 'APP-1' }, ON_A);
    },
    check: (h, result) => {
      expect((result as ApprovalResult).licence?.licenceId).toBe('APP-1');
      expect(h.ledger.privateKeys(COLL_A)).toEqual([LPKEY('APP-1')]);
    },
  },
  {
    name: 'RejectApplication (deletes the private record)',
    who: ID.approverFireA,
    tx: 'RejectApplication',
    req: { applicationId: 'APP-1', reasonCode: 'FIRE_RISK', reason: 'no fire exits' },
    setUp: async (h) => submitApplication(h, 'APP-1'),
    check: (h) => expect(h.ledger.privateKeys(COLL_A)).toEqual([]),
  },
];

describe('transactions on a licence collection run on a peer of its organisation', () => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness();
    await h.seedTypes();
  });

  describe.each(CASES)('$name', (c) => {
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

    it("is accepted on City A's peer", async () => {
      const result = await h.submit(c.who, c.tx, c.req, { ...ON_A, transient: c.transient });
      c.check(h, result);
    });
  });

  it("holds for City B's collection too: a City B issuance is refused on City A's peer, accepted on City B's", async () => {
    const req = {
      licenceId: 'LB',
      typeCode: T.BBiz,
      holderPid: pid('enterprise-b1'),
      documentHash: doc('LB'),
    };
    const transient = bizPrivate('b');
    const r = await h.refused(ID.issuerB, 'IssueLicence', req, { ...ON_A, transient });
    expect(r).toMatchObject({ code: 'ENDORSER_NOT_COLLECTION_MEMBER', status: 403 });
    expect(r.message).toContain(COLL_B);

    const l = await h.submit<Licence>(ID.issuerB, 'IssueLicence', req, { ...ON_B, transient });
    expect(l.privateCollection).toBe(COLL_B);
    expect(h.ledger.getPrivate(COLL_B, LPKEY('LB'))).toBe(stableStringify(transient.licencePrivate));
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
      { licenceId: 'LX', typeCode: T.ABiz, holderPid: pid('enterprise-a1'), documentHash: doc('LX') },
      { ...ON_B, transient: bizPrivate('x') },
    );
    expect(r).toMatchObject({ code: 'NOT_TYPE_OWNER', status: 403 });
  });

  it('leaves transactions that do not touch a collection alone (verify a private-data hash on any peer)', async () => {
    const l = await h.issueBiz('L1', {}, ON_A);
    for (const peer of [ON_A, ON_B, ON_AUDIT]) {
      const v = await h.evaluate<VerifyResult>(
        ID.auditorB,
        'VerifyLicence',
        { licenceId: 'L1', privateDataHash: l.privateDataHash },
        peer,
      );
      expect(v).toMatchObject({ valid: true, privateDataMatch: true });
    }
  });
});
