/**
 * Trust (issue 12): every record an organisation owns is protected at creation
 * (owner's peer AND a peer of another organisation), an organisation acts only in
 * its own name, voters are (home MSP, pid) pairs, and secret ballots come only from
 * consortium ballot boxes.
 */
import { keyPolicy, writeJson } from '@govledger/chaincode-common';
import type { TestIdentity, TestLedger } from '@govledger/chaincode-common/testing';
import { voterReceipt } from '../src';
import {
  authorityKey,
  ballotKey,
  electionKey,
  issuanceKey,
  rollBatchKey,
  tallyKey,
  tokenKey,
  voterKey,
} from '../src/keys';
import {
  T,
  evaluate,
  expectRefused,
  newLedger,
  openElection,
  pid,
  pidOf,
  receipt,
  subject,
  submit,
  who,
} from './helpers';
import { ballotOf, newKey, obtainToken, setUpSecret, type KeyPair } from './secret-helpers';

/** A citizen whose certificate, from CityA's CA, carries the pid of City B's citizen-b1. */
const b1UnderA: TestIdentity = {
  mspId: 'CityAMSP',
  name: 'impostor-b1',
  attrs: { 'gov.role': 'citizen', 'gov.pid': pidOf('citizen-b1') },
};

/** The key-level policy of a key, read inside a transaction. */
async function policyOf(ledger: TestLedger, key: (ctx: Parameters<typeof electionKey>[0]) => string) {
  return ledger.evaluate(who.a1, async (ctx) => keyPolicy(ctx, key(ctx)));
}

async function rolled(ledger: TestLedger, election = openElection()): Promise<void> {
  await submit(ledger, who.adminA, 'CreateElection', election, { time: T.create });
  await submit(
    ledger,
    who.adminA,
    'RegisterVoters',
    { electionId: election.electionId, batchId: 'B1', voters: [who.a1, who.a2, who.b1].map(subject) },
    { time: T.beforeOpen },
  );
}

let keys: Record<string, KeyPair>;

beforeAll(async () => {
  keys = { CityAMSP: await newKey(), CityBMSP: await newKey() };
}, 60_000);

const blinded = [
  { mspId: 'CityAMSP', blindedHash: 'ab'.repeat(32) },
  { mspId: 'CityBMSP', blindedHash: 'cd'.repeat(32) },
];

describe('an organisation acts only in its own name', () => {
  it('creates an election naming itself as organiser, or none', async () => {
    const ledger = newLedger();
    const named = await submit<{ organiser: { mspId: string } }>(
      ledger,
      who.adminA,
      'CreateElection',
      openElection({ organiser: 'CityAMSP' }),
      { time: T.create },
    );
    expect(named.organiser.mspId).toBe('CityAMSP');
  });

  it("refuses (403) an election created in another organisation's name", async () => {
    const ledger = newLedger();
    await expectRefused(
      ledger,
      who.adminB,
      'CreateElection',
      openElection({ organiser: 'CityAMSP' }),
      { code: 'FORBIDDEN', status: 403 },
      { time: T.create },
    );
  });

  it("refuses (403) another organisation's election admin changing its roll", async () => {
    const ledger = newLedger();
    await submit(ledger, who.adminA, 'CreateElection', openElection(), { time: T.create });
    await expectRefused(
      ledger,
      who.adminB,
      'RegisterVoters',
      { electionId: 'E-OPEN-1', batchId: 'B-ROGUE', voters: [subject(who.b2)] },
      { code: 'FORBIDDEN', status: 403 },
      { time: T.beforeOpen },
    );
  });
});

describe('owned records are protected when created (owner AND one other organisation)', () => {
  it('protects the election, its roll batch and every roll entry for the organiser', async () => {
    const ledger = newLedger();
    await rolled(ledger);
    const expected = { owner: 'CityAMSP', orgs: ['CityAMSP', 'CityBMSP'] };
    expect(await policyOf(ledger, (ctx) => electionKey(ctx, 'E-OPEN-1'))).toEqual(expected);
    expect(await policyOf(ledger, (ctx) => rollBatchKey(ctx, 'E-OPEN-1', 'B1'))).toEqual(expected);
    expect(await policyOf(ledger, (ctx) => voterKey(ctx, 'E-OPEN-1', subject(who.b1)))).toEqual(expected);
  });

  it("protects an open ballot for the voter's home organisation, and the tally for the organiser", async () => {
    const ledger = newLedger();
    await rolled(ledger);
    await submit(
      ledger,
      who.b1,
      'CastBallot',
      { electionId: 'E-OPEN-1', choices: ['design-a'] },
      { time: T.during },
    );
    expect(await policyOf(ledger, () => ballotKey('E-OPEN-1', receipt(who.b1)))).toEqual({
      owner: 'CityBMSP',
      orgs: ['CityBMSP', 'CityAMSP'],
    });
    await submit(
      ledger,
      who.b2,
      'TallyElection',
      { electionId: 'E-OPEN-1', maxBallots: 1 },
      { time: T.after },
    );
    expect(await policyOf(ledger, (ctx) => tallyKey(ctx, 'E-OPEN-1'))).toEqual({
      owner: 'CityAMSP',
      orgs: ['CityAMSP', 'CityBMSP'],
    });
  });

  it("protects a token request for the voter's organisation, an authority's key and issuance for the authority, a secret ballot for the ballot box's", async () => {
    const ledger = newLedger();
    await setUpSecret(ledger, keys, { electionId: 'E-SECRET' });
    expect(await policyOf(ledger, (ctx) => authorityKey(ctx, 'E-SECRET', 'CityBMSP'))).toEqual({
      owner: 'CityBMSP',
      orgs: ['CityBMSP', 'CityAMSP'],
    });
    const token = await obtainToken(ledger, who.b1, 'E-SECRET', keys);
    expect(await policyOf(ledger, (ctx) => tokenKey(ctx, 'E-SECRET', subject(who.b1)))).toEqual({
      owner: 'CityBMSP',
      orgs: ['CityBMSP', 'CityAMSP'],
    });
    expect(
      await policyOf(ledger, (ctx) => issuanceKey(ctx, 'E-SECRET', subject(who.b1), 'CityAMSP')),
    ).toEqual({
      owner: 'CityAMSP',
      orgs: ['CityAMSP', 'CityBMSP'],
    });
    const cast = await submit<{ receipts: string[] }>(
      ledger,
      who.ballotBoxA,
      'CastSecretBallots',
      { electionId: 'E-SECRET', ballots: [ballotOf(token, ['yes'])] },
      { time: T.during },
    );
    expect(await policyOf(ledger, () => ballotKey('E-SECRET', cast.receipts[0] as string))).toEqual({
      owner: 'CityAMSP',
      orgs: ['CityAMSP', 'CityBMSP'],
    });
  }, 60_000);
});

describe('voters are (home MSP, pid) pairs', () => {
  it('refuses a pid on the roll presented under another MSP (open ballot and token request)', async () => {
    const ledger = newLedger();
    await rolled(ledger);
    await expectRefused(
      ledger,
      b1UnderA,
      'CastBallot',
      { electionId: 'E-OPEN-1', choices: ['design-a'] },
      { code: 'INELIGIBLE_VOTER', status: 403 },
      { time: T.during },
    );
    const secret = newLedger();
    await setUpSecret(secret, keys, { electionId: 'E-SECRET' });
    await expectRefused(
      secret,
      b1UnderA,
      'RequestToken',
      { electionId: 'E-SECRET', blinded },
      { code: 'INELIGIBLE_VOTER', status: 403 },
      { time: T.during },
    );
    // nor may an authority issue to the impostor: the roll knows b1 only under City B
    await expectRefused(
      secret,
      who.adminA,
      'IssueToken',
      { electionId: 'E-SECRET', voter: subject(b1UnderA), blindedHash: 'ab'.repeat(32) },
      { code: 'INELIGIBLE_VOTER', status: 403 },
      { time: T.during },
    );
    await submit(secret, who.b1, 'RequestToken', { electionId: 'E-SECRET', blinded }, { time: T.during });
  }, 60_000);

  it('keeps the same pid under two MSPs apart: roll entries, receipts and status', async () => {
    const ledger = newLedger();
    await submit(ledger, who.adminA, 'CreateElection', openElection(), { time: T.create });
    const both = [subject(who.b1), subject(b1UnderA)];
    expect(both[0]?.pid).toBe(both[1]?.pid);
    const r = await submit(
      ledger,
      who.adminA,
      'RegisterVoters',
      { electionId: 'E-OPEN-1', batchId: 'B1', voters: both },
      { time: T.beforeOpen },
    );
    expect(r).toMatchObject({ added: 2, alreadyRegistered: 0 });
    const a = await submit<{ receipt: string }>(
      ledger,
      b1UnderA,
      'CastBallot',
      { electionId: 'E-OPEN-1', choices: ['design-a'] },
      { time: T.during },
    );
    expect(a.receipt).toBe(voterReceipt(subject(b1UnderA)));
    expect(a.receipt).not.toBe(receipt(who.b1));
    const statusB = await evaluate(ledger, who.a1, 'GetVoterStatus', {
      electionId: 'E-OPEN-1',
      ...subject(who.b1),
    });
    expect(statusB).toMatchObject({ voter: subject(who.b1), onRoll: true, voted: false });
    const statusA = await evaluate(ledger, who.a1, 'GetVoterStatus', {
      electionId: 'E-OPEN-1',
      ...subject(b1UnderA),
    });
    expect(statusA).toMatchObject({ onRoll: true, voted: true });
  });

  it('refuses a roll entry or a status request that names a bare pid', async () => {
    const ledger = newLedger();
    await submit(ledger, who.adminA, 'CreateElection', openElection(), { time: T.create });
    await expectRefused(
      ledger,
      who.adminA,
      'RegisterVoters',
      { electionId: 'E-OPEN-1', batchId: 'B1', voters: [pid(who.a1)] },
      { code: 'INVALID_ARGUMENT', status: 400 },
      { time: T.beforeOpen },
    );
    await expectRefused(
      ledger,
      who.adminA,
      'RegisterVoters',
      { electionId: 'E-OPEN-1', batchId: 'B1', pids: [pid(who.a1)] },
      { code: 'INVALID_ARGUMENT', status: 400 },
      { time: T.beforeOpen },
    );
    await expect(
      evaluate(ledger, who.a1, 'GetVoterStatus', { electionId: 'E-OPEN-1', pid: pid(who.a1) }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it("flags an open ballot whose receipt is not its voter's when recounting", async () => {
    const ledger = newLedger();
    await rolled(ledger);
    await submit(
      ledger,
      who.a1,
      'CastBallot',
      { electionId: 'E-OPEN-1', choices: ['design-a'] },
      { time: T.during },
    );
    await submit(ledger, who.auditorB, 'TallyElection', { electionId: 'E-OPEN-1' }, { time: T.after });
    // a ballot slipped in behind the chaincode, under b1's receipt but naming a1
    await ledger.submit(who.adminA, (ctx) =>
      writeJson(ctx, ballotKey('E-OPEN-1', receipt(who.b1)), {
        docType: 'ballot',
        electionId: 'E-OPEN-1',
        mode: 'open',
        receipt: receipt(who.b1),
        voter: subject(who.a1),
        choices: ['design-b'],
        castAt: T.during,
        version: 1,
      }),
    );
    const v = await evaluate<{ invalidBallots: unknown[] }>(ledger, who.a2, 'VerifyTally', {
      electionId: 'E-OPEN-1',
    });
    expect(v.invalidBallots).toEqual([{ receipt: receipt(who.b1), reason: "receipt is not the voter's" }]);
  });
});

describe('secret ballots come only from consortium ballot boxes', () => {
  it('refuses (403) a ballot box of an organisation outside the consortium', async () => {
    const ledger = newLedger();
    await setUpSecret(ledger, keys, { electionId: 'E-SECRET' });
    await expectRefused(
      ledger,
      { mspId: 'RogueMSP', name: 'ballot-box-rogue', attrs: { 'gov.role': 'ballot-box' } },
      'CastSecretBallots',
      {
        electionId: 'E-SECRET',
        ballots: [
          { choices: ['yes'], token: 'AAAA', signatures: [{ mspId: 'CityAMSP', signature: 'AAAA' }] },
        ],
      },
      { code: 'FORBIDDEN', status: 403 },
      { time: T.during },
    );
  }, 60_000);
});
