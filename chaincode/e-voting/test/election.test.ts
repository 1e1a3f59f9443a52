/** Elections, the roll and open-mode ballots: every rule and every refusal. */
import { TestLedger } from '@govledger/chaincode-common/testing';
import { writeJson } from '@govledger/chaincode-common';
import {
  contracts,
  EVotingContract,
  Limits,
  type Ballot as BallotRecord,
  type Election as ElectionRecord,
} from '../src';
import { rollBatchKey } from '../src/keys';
import {
  T,
  evaluate,
  expectRefused,
  newLedger,
  openElection,
  pidOf,
  receipt,
  subject,
  submit,
  who,
} from './helpers';

async function withRoll(ledger: TestLedger, election = openElection(), voters = [who.a1, who.a2, who.b1]) {
  await submit(ledger, who.adminA, 'CreateElection', election, { time: T.create });
  await submit(
    ledger,
    who.adminA,
    'RegisterVoters',
    { electionId: election.electionId, batchId: 'B1', voters: voters.map(subject) },
    { time: T.beforeOpen },
  );
}

describe('the chaincode package', () => {
  it('exports exactly one contract, the e-voting contract', () => {
    expect(contracts).toEqual([EVotingContract]);
  });
});

describe('CreateElection', () => {
  it('stores a normalised election and emits ElectionCreated', async () => {
    const ledger = newLedger();
    const created = await submit<ElectionRecord>(ledger, who.adminA, 'CreateElection', openElection(), {
      time: T.create,
    });
    expect(created).toMatchObject({
      electionId: 'E-OPEN-1',
      ballot: { kind: 'single', maxChoices: 1 },
      opensAt: T.opens,
      closesAt: T.closes,
      organiser: { mspId: 'CityAMSP' },
      createdAt: T.create,
      mode: { kind: 'open', secondBallot: 'refuse' },
    });
    const view = await evaluate<{
      election: ElectionRecord;
      phase: string;
      rollSize: number;
      tallyStatus: string;
    }>(ledger, who.b1, 'GetElection', { electionId: 'E-OPEN-1' }, { time: T.beforeOpen });
    expect(view).toEqual({
      election: created,
      phase: 'scheduled',
      rollSize: 0,
      tallyStatus: 'none',
      authorities: null,
      issuedTokens: null,
      secretBallots: null,
    });
    expect(ledger.events).toEqual([
      expect.objectContaining({
        name: 'ElectionCreated',
        payload: {
          electionId: 'E-OPEN-1',
          mode: 'open',
          opensAt: T.opens,
          closesAt: T.closes,
          organiser: 'CityAMSP',
        },
      }),
    ]);
  });

  it('gives yes/no/abstain elections their three options and multi elections their k', async () => {
    const ledger = newLedger();
    const yna = await submit<ElectionRecord>(
      ledger,
      who.adminB,
      'CreateElection',
      openElection({ electionId: 'YNA', ballot: { kind: 'yesNoAbstain' } }),
      { time: T.create },
    );
    expect(yna.ballot).toEqual({
      kind: 'yesNoAbstain',
      maxChoices: 1,
      options: [
        { id: 'yes', label: 'Yes' },
        { id: 'no', label: 'No' },
        { id: 'abstain', label: 'Abstain' },
      ],
    });
    expect(yna.organiser.mspId).toBe('CityBMSP');
    const multi = await submit<ElectionRecord>(
      ledger,
      who.adminA,
      'CreateElection',
      openElection({
        electionId: 'MULTI',
        ballot: {
          kind: 'multi',
          maxChoices: 2,
          options: [
            { id: 'x', label: 'X' },
            { id: 'y', label: 'Y' },
            { id: 'z', label: 'Z' },
          ],
        },
      }),
      { time: T.create },
    );
    expect(multi.ballot.maxChoices).toBe(2);
    const page = await evaluate<{ elections: ElectionRecord[]; bookmark: string }>(
      ledger,
      who.b1,
      'ListElections',
      {
        pageSize: 1,
      },
    );
    expect(page.elections.map((e) => e.electionId)).toEqual(['MULTI']);
    const next = await evaluate<{ elections: ElectionRecord[]; bookmark: string }>(
      ledger,
      who.b1,
      'ListElections',
      {
        pageSize: 1,
        bookmark: page.bookmark,
      },
    );
    expect(next.elections.map((e) => e.electionId)).toEqual(['YNA']);
  });

  it('refuses callers without the election-admin role (403, nothing written)', async () => {
    const ledger = newLedger();
    for (const caller of [who.issuerA, who.a1, who.ballotBoxA, who.auditorB]) {
      await expectRefused(
        ledger,
        caller,
        'CreateElection',
        openElection(),
        { code: 'FORBIDDEN', status: 403 },
        {
          time: T.create,
        },
      );
    }
  });

  it('refuses an existing id and an opening time not after the transaction time', async () => {
    const ledger = newLedger();
    await submit(ledger, who.adminA, 'CreateElection', openElection(), { time: T.create });
    await expectRefused(
      ledger,
      who.adminB,
      'CreateElection',
      openElection(),
      { code: 'ELECTION_EXISTS', status: 409 },
      {
        time: T.create,
      },
    );
    await expectRefused(
      ledger,
      who.adminA,
      'CreateElection',
      openElection({ electionId: 'LATE' }),
      { code: 'INVALID_SCHEDULE', status: 400 },
      { time: T.opens },
    );
  });

  it.each([
    ['closesAt not after opensAt', { closesAt: T.opens }, /closesAt/],
    [
      'duplicate option ids',
      {
        ballot: {
          kind: 'single',
          options: [
            { id: 'a', label: 'A' },
            { id: 'a', label: 'A2' },
          ],
        },
      },
      /unique/,
    ],
    ['one option only', { ballot: { kind: 'single', options: [{ id: 'a', label: 'A' }] } }, /options/],
    [
      'maxChoices above the option count',
      {
        ballot: {
          kind: 'multi',
          maxChoices: 3,
          options: [
            { id: 'a', label: 'A' },
            { id: 'b', label: 'B' },
          ],
        },
      },
      /maxChoices/,
    ],
    ['options on a yes/no/abstain ballot', { ballot: { kind: 'yesNoAbstain', options: [] } }, /options/],
    ['a fractional threshold', { passThresholdPerMille: 500.5 }, /passThresholdPerMille/],
    ['a threshold of 1000', { passThresholdPerMille: 1000 }, /passThresholdPerMille/],
    [
      'a per-mille quorum without a roll',
      {
        eligibility: { kind: 'rule', mspIds: ['CityAMSP'] },
        quorum: { kind: 'perMilleOfRoll', perMille: 500 },
      },
      /perMilleOfRoll/,
    ],
    ['an unknown field', { colour: 'red' }, /colour/],
    ['an unknown mode', { mode: { kind: 'postal' } }, /mode/],
    ['a missing second-ballot rule', { mode: { kind: 'open' } }, /secondBallot/],
    ['a time outside 1900-2200', { opensAt: '2201-03-01T09:00:00Z' }, /opensAt/],
    [
      'a rule on gov.pid',
      { eligibility: { kind: 'rule', mspIds: ['CityAMSP'], attributes: { 'gov.pid': 'x' } } },
      /gov.pid/,
    ],
  ])('refuses %s with INVALID_ARGUMENT naming the field', async (_what, overrides, field) => {
    const ledger = newLedger();
    const message = await expectRefused(
      ledger,
      who.adminA,
      'CreateElection',
      openElection(overrides),
      { code: 'INVALID_ARGUMENT', status: 400 },
      { time: T.create },
    );
    expect(message).toMatch(field);
  });

  it('refuses a request that is not JSON', async () => {
    const ledger = newLedger();
    await expectRefused(ledger, who.adminA, 'CreateElection', '{not json', {
      code: 'INVALID_ARGUMENT',
      status: 400,
    });
  });

  it('answers ELECTION_NOT_FOUND for an unknown election in every transaction that names one', async () => {
    const ledger = newLedger();
    const ref = { electionId: 'NOPE' };
    await expectRefused(
      ledger,
      who.adminA,
      'RegisterVoters',
      { ...ref, batchId: 'B', voters: [subject(who.a1)] },
      {
        code: 'ELECTION_NOT_FOUND',
        status: 404,
      },
    );
    await expectRefused(
      ledger,
      who.a1,
      'CastBallot',
      { ...ref, choices: ['x'] },
      { code: 'ELECTION_NOT_FOUND', status: 404 },
    );
    await expectRefused(
      ledger,
      who.a1,
      'RequestToken',
      { ...ref, blinded: [{ mspId: 'CityAMSP', blindedHash: 'ab'.repeat(32) }] },
      { code: 'ELECTION_NOT_FOUND', status: 404 },
    );
    await expectRefused(ledger, who.auditorB, 'TallyElection', ref, {
      code: 'ELECTION_NOT_FOUND',
      status: 404,
    });
    await expectRefused(ledger, who.auditorB, 'GetElection', ref, {
      code: 'ELECTION_NOT_FOUND',
      status: 404,
    });
  });
});

describe('RegisterVoters and the roll', () => {
  it('adds a batch, skips pids already on the roll and reports the roll size', async () => {
    const ledger = newLedger();
    await submit(ledger, who.adminA, 'CreateElection', openElection(), { time: T.create });
    const first = await submit(ledger, who.adminA, 'RegisterVoters', {
      electionId: 'E-OPEN-1',
      batchId: 'B1',
      voters: [subject(who.a1), subject(who.a2)],
    });
    expect(first).toEqual({ electionId: 'E-OPEN-1', batchId: 'B1', added: 2, alreadyRegistered: 0 });
    const second = await submit(ledger, who.adminA, 'RegisterVoters', {
      electionId: 'E-OPEN-1',
      batchId: 'B2',
      voters: [subject(who.a2), subject(who.b1)],
    });
    expect(second).toEqual({ electionId: 'E-OPEN-1', batchId: 'B2', added: 1, alreadyRegistered: 1 });
    expect(ledger.events.at(-1)).toMatchObject({ name: 'VotersRegistered', payload: second });
    const view = await evaluate<{ rollSize: number }>(ledger, who.b2, 'GetElection', {
      electionId: 'E-OPEN-1',
    });
    expect(view.rollSize).toBe(3);
    const status = await evaluate(ledger, who.b2, 'GetVoterStatus', {
      electionId: 'E-OPEN-1',
      ...subject(who.b1),
    });
    expect(status).toEqual({
      electionId: 'E-OPEN-1',
      voter: subject(who.b1),
      onRoll: true,
      issuances: null,
      tokenRequest: null,
      voted: false,
    });
    const absent = await evaluate(ledger, who.b2, 'GetVoterStatus', {
      electionId: 'E-OPEN-1',
      ...subject(who.b2),
    });
    expect(absent).toMatchObject({ onRoll: false });
  });

  it('refuses a reused batch id, duplicate pids, an oversized batch and bad pids', async () => {
    const ledger = newLedger();
    await withRoll(ledger);
    await expectRefused(
      ledger,
      who.adminA,
      'RegisterVoters',
      { electionId: 'E-OPEN-1', batchId: 'B1', voters: [subject(who.b2)] },
      {
        code: 'ROLL_BATCH_EXISTS',
        status: 409,
      },
      { time: T.beforeOpen },
    );
    const dup = { electionId: 'E-OPEN-1', batchId: 'B2', voters: [subject(who.b2), subject(who.b2)] };
    expect(
      await expectRefused(
        ledger,
        who.adminA,
        'RegisterVoters',
        dup,
        { code: 'INVALID_ARGUMENT', status: 400 },
        {
          time: T.beforeOpen,
        },
      ),
    ).toMatch(/unique/);
    const big = {
      electionId: 'E-OPEN-1',
      batchId: 'B3',
      voters: Array.from({ length: Limits.maxBatchPids + 1 }, (_, i) => ({
        mspId: 'CityAMSP',
        pid: pidOf(`voter-${i}`),
      })),
    };
    await expectRefused(
      ledger,
      who.adminA,
      'RegisterVoters',
      big,
      { code: 'INVALID_ARGUMENT', status: 400 },
      {
        time: T.beforeOpen,
      },
    );
    await expectRefused(
      ledger,
      who.adminA,
      'RegisterVoters',
      { electionId: 'E-OPEN-1', batchId: 'B4', voters: [{ mspId: 'CityAMSP', pid: 'Alice' }] },
      {
        code: 'INVALID_ARGUMENT',
        status: 400,
      },
      { time: T.beforeOpen },
    );
  });

  it('accepts a batch of the maximum size', async () => {
    const ledger = newLedger();
    await submit(ledger, who.adminA, 'CreateElection', openElection(), { time: T.create });
    const voters = Array.from({ length: Limits.maxBatchPids }, (_, i) => ({
      mspId: 'CityAMSP',
      pid: pidOf(`voter-${i}`),
    }));
    const r = await submit(ledger, who.adminA, 'RegisterVoters', {
      electionId: 'E-OPEN-1',
      batchId: 'BIG',
      voters,
    });
    expect(r).toMatchObject({ added: Limits.maxBatchPids });
  });

  it('refuses callers who are not election admins of the organising organisation', async () => {
    const ledger = newLedger();
    await submit(ledger, who.adminA, 'CreateElection', openElection(), { time: T.create });
    const req = { electionId: 'E-OPEN-1', batchId: 'B1', voters: [subject(who.a1)] };
    for (const caller of [who.adminB, who.a1, who.issuerA, who.ballotBoxA]) {
      await expectRefused(
        ledger,
        caller,
        'RegisterVoters',
        req,
        { code: 'FORBIDDEN', status: 403 },
        { time: T.beforeOpen },
      );
    }
  });

  it('freezes the roll when voting opens (tx time >= opensAt)', async () => {
    const ledger = newLedger();
    await withRoll(ledger);
    const req = { electionId: 'E-OPEN-1', batchId: 'LATE', voters: [subject(who.b2)] };
    await submit(
      ledger,
      who.adminA,
      'RegisterVoters',
      { ...req, batchId: 'JUST-IN-TIME' },
      { time: '2026-03-01T08:59:59.999Z' },
    );
    for (const time of [T.opens, T.during, T.after]) {
      await expectRefused(
        ledger,
        who.adminA,
        'RegisterVoters',
        req,
        { code: 'ROLL_FROZEN', status: 409 },
        { time },
      );
    }
  });

  it('has no roll for a rule election', async () => {
    const ledger = newLedger();
    await submit(
      ledger,
      who.adminA,
      'CreateElection',
      openElection({ eligibility: { kind: 'rule', mspIds: ['CityAMSP'] } }),
      {
        time: T.create,
      },
    );
    await expectRefused(
      ledger,
      who.adminA,
      'RegisterVoters',
      { electionId: 'E-OPEN-1', batchId: 'B1', voters: [subject(who.a1)] },
      {
        code: 'ROLL_NOT_APPLICABLE',
        status: 409,
      },
      { time: T.beforeOpen },
    );
    const view = await evaluate<{ rollSize: number | null }>(ledger, who.a1, 'GetElection', {
      electionId: 'E-OPEN-1',
    });
    expect(view.rollSize).toBeNull();
  });

  it('refuses a batch beyond the maximum number of batches (ROLL_FULL)', async () => {
    const ledger = newLedger();
    await submit(ledger, who.adminA, 'CreateElection', openElection(), { time: T.create });
    // seed the maximum number of batch records directly (1000 RegisterVoters calls would be slow)
    await ledger.submit(who.adminA, async (ctx) => {
      for (let i = 0; i < Limits.maxRollBatches; i++) {
        await writeJson(ctx, rollBatchKey(ctx, 'E-OPEN-1', `S${i}`), { docType: 'rollBatch', added: 1 });
      }
    });
    await expectRefused(
      ledger,
      who.adminA,
      'RegisterVoters',
      { electionId: 'E-OPEN-1', batchId: 'ONE-MORE', voters: [subject(who.a1)] },
      {
        code: 'ROLL_FULL',
        status: 409,
      },
      { time: T.beforeOpen },
    );
  });
});

describe('CastBallot (open mode)', () => {
  it('records the ballot of an eligible voter under their (home MSP, pid), with a receipt and an event', async () => {
    const ledger = newLedger();
    await withRoll(ledger);
    const cast = await submit(
      ledger,
      who.a1,
      'CastBallot',
      { electionId: 'E-OPEN-1', choices: ['design-b'] },
      { time: T.during },
    );
    expect(cast).toEqual({
      electionId: 'E-OPEN-1',
      receipt: receipt(who.a1),
      castAt: T.during,
      replaced: false,
    });
    expect(ledger.events.at(-1)).toMatchObject({
      name: 'BallotCast',
      payload: { electionId: 'E-OPEN-1', mode: 'open', receipt: receipt(who.a1), version: 1 },
    });
    const ballot = await evaluate<BallotRecord>(ledger, who.b2, 'GetReceipt', {
      electionId: 'E-OPEN-1',
      receipt: receipt(who.a1),
    });
    expect(ballot).toEqual({
      docType: 'ballot',
      electionId: 'E-OPEN-1',
      mode: 'open',
      receipt: receipt(who.a1),
      voter: subject(who.a1),
      choices: ['design-b'],
      castAt: T.during,
      version: 1,
    });
    const status = await evaluate(ledger, who.a1, 'GetVoterStatus', {
      electionId: 'E-OPEN-1',
      ...subject(who.a1),
    });
    expect(status).toMatchObject({ onRoll: true, voted: true, tokenRequest: null });
    const listed = await evaluate<{ ballots: BallotRecord[] }>(ledger, who.b2, 'ListBallots', {
      electionId: 'E-OPEN-1',
    });
    expect(listed.ballots).toEqual([ballot]);
  });

  it('accepts ballots from opensAt inclusive to closesAt exclusive', async () => {
    const ledger = newLedger();
    await withRoll(ledger);
    await submit(
      ledger,
      who.a1,
      'CastBallot',
      { electionId: 'E-OPEN-1', choices: ['design-a'] },
      { time: T.opens },
    );
    await submit(
      ledger,
      who.a2,
      'CastBallot',
      { electionId: 'E-OPEN-1', choices: ['design-a'] },
      { time: T.lastMs },
    );
    const req = { electionId: 'E-OPEN-1', choices: ['design-a'] };
    await expectRefused(
      ledger,
      who.b1,
      'CastBallot',
      req,
      { code: 'VOTING_NOT_OPEN', status: 409 },
      { time: T.beforeOpen },
    );
    await expectRefused(
      ledger,
      who.b1,
      'CastBallot',
      req,
      { code: 'VOTING_CLOSED', status: 409 },
      { time: T.closes },
    );
    await expectRefused(
      ledger,
      who.b1,
      'CastBallot',
      req,
      { code: 'VOTING_CLOSED', status: 409 },
      { time: T.after },
    );
  });

  it('refuses voters who are not on the roll or have no pid', async () => {
    const ledger = newLedger();
    await withRoll(ledger);
    const req = { electionId: 'E-OPEN-1', choices: ['design-a'] };
    for (const caller of [who.b2, who.noPid, who.adminA, who.ballotBoxA]) {
      await expectRefused(
        ledger,
        caller,
        'CastBallot',
        req,
        { code: 'INELIGIBLE_VOTER', status: 403 },
        { time: T.during },
      );
    }
  });

  it('refuses unknown options, an option twice and too many choices', async () => {
    const ledger = newLedger();
    await withRoll(ledger);
    const vote = (choices: unknown) => ({ electionId: 'E-OPEN-1', choices });
    const opts = { time: T.during };
    await expectRefused(
      ledger,
      who.a1,
      'CastBallot',
      vote(['design-z']),
      { code: 'INVALID_OPTION', status: 400 },
      opts,
    );
    await expectRefused(
      ledger,
      who.a1,
      'CastBallot',
      vote(['design-a', 'design-a']),
      { code: 'INVALID_OPTION', status: 400 },
      opts,
    );
    await expectRefused(
      ledger,
      who.a1,
      'CastBallot',
      vote(['design-a', 'design-b']),
      { code: 'TOO_MANY_CHOICES', status: 400 },
      opts,
    );
    await expectRefused(
      ledger,
      who.a1,
      'CastBallot',
      vote([]),
      { code: 'INVALID_ARGUMENT', status: 400 },
      opts,
    );
  });

  it('takes up to k of n choices in a multi election, in option order', async () => {
    const ledger = newLedger();
    const multi = openElection({
      electionId: 'MULTI',
      ballot: {
        kind: 'multi',
        maxChoices: 2,
        options: [
          { id: 'x', label: 'X' },
          { id: 'y', label: 'Y' },
          { id: 'z', label: 'Z' },
        ],
      },
    });
    await withRoll(ledger, multi);
    await submit(
      ledger,
      who.a1,
      'CastBallot',
      { electionId: 'MULTI', choices: ['z', 'x'] },
      { time: T.during },
    );
    await submit(ledger, who.a2, 'CastBallot', { electionId: 'MULTI', choices: ['y'] }, { time: T.during });
    const ballot = await evaluate<BallotRecord>(ledger, who.a1, 'GetReceipt', {
      electionId: 'MULTI',
      receipt: receipt(who.a1),
    });
    expect(ballot.choices).toEqual(['x', 'z']);
    await expectRefused(
      ledger,
      who.b1,
      'CastBallot',
      { electionId: 'MULTI', choices: ['x', 'y', 'z'] },
      {
        code: 'TOO_MANY_CHOICES',
        status: 400,
      },
      { time: T.during },
    );
  });

  it('refuses a second ballot when the election says so', async () => {
    const ledger = newLedger();
    await withRoll(ledger);
    await submit(
      ledger,
      who.a1,
      'CastBallot',
      { electionId: 'E-OPEN-1', choices: ['design-a'] },
      { time: T.during },
    );
    await expectRefused(
      ledger,
      who.a1,
      'CastBallot',
      { electionId: 'E-OPEN-1', choices: ['design-b'] },
      {
        code: 'ALREADY_VOTED',
        status: 409,
      },
      { time: T.during },
    );
  });

  it('replaces the first ballot when the election says so', async () => {
    const ledger = newLedger();
    await withRoll(ledger, openElection({ mode: { kind: 'open', secondBallot: 'replace' } }));
    await submit(
      ledger,
      who.a1,
      'CastBallot',
      { electionId: 'E-OPEN-1', choices: ['design-a'] },
      { time: T.during },
    );
    const second = await submit(
      ledger,
      who.a1,
      'CastBallot',
      { electionId: 'E-OPEN-1', choices: ['design-c'] },
      {
        time: T.lastMs,
      },
    );
    expect(second).toMatchObject({ replaced: true });
    const ballot = await evaluate<BallotRecord>(ledger, who.a1, 'GetReceipt', {
      electionId: 'E-OPEN-1',
      receipt: receipt(who.a1),
    });
    expect(ballot).toMatchObject({ choices: ['design-c'], version: 2, castAt: T.lastMs });
    const tally = await submit<{ result: { turnout: number; counts: unknown } }>(
      ledger,
      who.auditorB,
      'TallyElection',
      {
        electionId: 'E-OPEN-1',
      },
      { time: T.after },
    );
    expect(tally.result.turnout).toBe(1);
    expect(tally.result.counts).toEqual([
      { option: 'design-a', votes: 0 },
      { option: 'design-b', votes: 0 },
      { option: 'design-c', votes: 1 },
    ]);
  });

  it('admits voters by an attribute rule: organisation, role and certificate attributes', async () => {
    const ledger = newLedger();
    await submit(
      ledger,
      who.adminA,
      'CreateElection',
      openElection({
        electionId: 'RULE',
        eligibility: { kind: 'rule', mspIds: ['CityAMSP'] },
      }),
      { time: T.create },
    );
    await submit(
      ledger,
      who.adminA,
      'CreateElection',
      openElection({
        electionId: 'NORTH',
        eligibility: {
          kind: 'rule',
          mspIds: ['CityAMSP', 'CityBMSP'],
          roles: ['citizen', 'enterprise'],
          attributes: { 'gov.community': 'north' },
        },
      }),
      { time: T.create },
    );
    const vote = (electionId: string) => ({ electionId, choices: ['design-a'] });
    const opts = { time: T.during };
    await submit(ledger, who.a3, 'CastBallot', vote('RULE'), opts);
    await submit(ledger, who.northA, 'CastBallot', vote('RULE'), opts);
    await expectRefused(
      ledger,
      who.b1,
      'CastBallot',
      vote('RULE'),
      { code: 'INELIGIBLE_VOTER', status: 403 },
      opts,
    );
    await expectRefused(
      ledger,
      who.enterpriseA1,
      'CastBallot',
      vote('RULE'),
      { code: 'INELIGIBLE_VOTER', status: 403 },
      opts,
    );
    await expectRefused(
      ledger,
      who.noPid,
      'CastBallot',
      vote('RULE'),
      { code: 'INELIGIBLE_VOTER', status: 403 },
      opts,
    );
    await submit(ledger, who.northA, 'CastBallot', vote('NORTH'), opts);
    await expectRefused(
      ledger,
      who.a3,
      'CastBallot',
      vote('NORTH'),
      { code: 'INELIGIBLE_VOTER', status: 403 },
      opts,
    );
    const status = await evaluate(ledger, who.a3, 'GetVoterStatus', {
      electionId: 'RULE',
      ...subject(who.a3),
    });
    expect(status).toMatchObject({ onRoll: null, voted: true });
  });

  it('refuses the secret-mode transactions on an open election (WRONG_MODE)', async () => {
    const ledger = newLedger();
    await withRoll(ledger);
    await expectRefused(
      ledger,
      who.a1,
      'RequestToken',
      { electionId: 'E-OPEN-1', blinded: [{ mspId: 'CityAMSP', blindedHash: 'ab'.repeat(32) }] },
      { code: 'WRONG_MODE', status: 409 },
      {
        time: T.during,
      },
    );
    await expectRefused(
      ledger,
      who.ballotBoxA,
      'CastSecretBallots',
      {
        electionId: 'E-OPEN-1',
        ballots: [
          { choices: ['design-a'], token: 'AAAA', signatures: [{ mspId: 'CityAMSP', signature: 'AAAA' }] },
        ],
      },
      { code: 'WRONG_MODE', status: 409 },
      { time: T.during },
    );
  });

  it('answers RECEIPT_NOT_FOUND for an unknown receipt', async () => {
    const ledger = newLedger();
    await withRoll(ledger);
    const r = ledger.evaluate(who.a1, (ctx) =>
      contract().GetReceipt(ctx, JSON.stringify({ electionId: 'E-OPEN-1', receipt: receipt(who.a1) })),
    );
    await expect(r).rejects.toMatchObject({ code: 'RECEIPT_NOT_FOUND', status: 404 });
  });
});

function contract(): EVotingContract {
  return new EVotingContract();
}
