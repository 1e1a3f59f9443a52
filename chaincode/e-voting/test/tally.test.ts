/** Close and tally: the counting rules, batched tallying, the recount and determinism. */
import { TestLedger } from '@govledger/chaincode-common/testing';
import { writeJson } from '@govledger/chaincode-common';
import {
  computeOutcome,
  type Ballot as BallotRecord,
  type Election as ElectionRecord,
  type Tally as TallyRecord,
} from '../src';
import { ballotKey, tallyKey } from '../src/keys';
import { T, evaluate, expectRefused, newLedger, openElection, subject, submit, who } from './helpers';

function election(
  overrides: Partial<ElectionRecord> & { kind?: ElectionRecord['ballot']['kind']; maxChoices?: number } = {},
): ElectionRecord {
  const kind = overrides.kind ?? 'single';
  const options =
    kind === 'yesNoAbstain'
      ? ['yes', 'no', 'abstain'].map((id) => ({ id, label: id }))
      : ['a', 'b', 'c', 'd'].map((id) => ({ id, label: id.toUpperCase() }));
  return {
    docType: 'election',
    electionId: 'E',
    title: 'E',
    ballot: { kind, options, maxChoices: overrides.maxChoices ?? 1 },
    opensAt: T.opens,
    closesAt: T.closes,
    eligibility: { kind: 'roll' },
    quorum: { kind: 'none' },
    passThresholdPerMille: 0,
    mode: { kind: 'open', secondBallot: 'refuse' },
    organiser: { mspId: 'CityAMSP', createdBy: 'x' },
    createdAt: T.create,
    txId: 't',
    ...overrides,
  };
}

describe('computeOutcome (integer rules)', () => {
  it('applies the quorum kinds: none, a count, a per-mille of the roll rounded up', () => {
    const counts = { a: 3 };
    expect(computeOutcome(election(), counts, 3, 10).quorum).toEqual({
      kind: 'none',
      required: 0,
      met: true,
    });
    expect(
      computeOutcome(election({ quorum: { kind: 'count', minBallots: 3 } }), counts, 3, 10).quorum.met,
    ).toBe(true);
    expect(
      computeOutcome(election({ quorum: { kind: 'count', minBallots: 4 } }), counts, 3, 10).quorum.met,
    ).toBe(false);
    // 500 per mille of 7 = 3.5 -> 4 ballots needed
    const half = election({ quorum: { kind: 'perMilleOfRoll', perMille: 500 } });
    expect(computeOutcome(half, { a: 3 }, 3, 7).quorum).toEqual({
      kind: 'perMilleOfRoll',
      required: 4,
      met: false,
    });
    expect(computeOutcome(half, { a: 4 }, 4, 7).quorum).toEqual({
      kind: 'perMilleOfRoll',
      required: 4,
      met: true,
    });
    // 333 per mille of 3000 = 999 exactly
    const third = election({ quorum: { kind: 'perMilleOfRoll', perMille: 333 } });
    expect(computeOutcome(third, { a: 999 }, 999, 3000).quorum).toMatchObject({ required: 999, met: true });
    expect(computeOutcome(third, { a: 998 }, 998, 3000).quorum.met).toBe(false);
  });

  it('lets nothing pass without quorum', () => {
    const e = election({ quorum: { kind: 'count', minBallots: 10 } });
    expect(computeOutcome(e, { a: 9 }, 9, null)).toMatchObject({ winners: [], passed: false, tie: false });
  });

  it('yes/no/abstain: yes must be strictly more than the threshold share of yes + no; abstentions only count for turnout', () => {
    const e = election({ kind: 'yesNoAbstain', passThresholdPerMille: 500 });
    expect(computeOutcome(e, { yes: 3, no: 2, abstain: 10 }, 15, null)).toMatchObject({
      winners: ['yes'],
      passed: true,
    });
    expect(computeOutcome(e, { yes: 2, no: 2, abstain: 1 }, 5, null)).toMatchObject({
      winners: [],
      passed: false,
    });
    expect(computeOutcome(e, { abstain: 4 }, 4, null).passed).toBe(false);
    const twoThirds = election({ kind: 'yesNoAbstain', passThresholdPerMille: 666 });
    expect(computeOutcome(twoThirds, { yes: 2, no: 1 }, 3, null).passed).toBe(true);
    expect(computeOutcome(twoThirds, { yes: 666, no: 334 }, 1000, null).passed).toBe(false);
    expect(computeOutcome(twoThirds, { yes: 667, no: 333 }, 1000, null).passed).toBe(true);
  });

  it('single: the unique leader wins if it has more than the threshold share of the turnout', () => {
    const plurality = election();
    expect(computeOutcome(plurality, { a: 2, b: 3, c: 1 }, 6, null)).toMatchObject({
      winners: ['b'],
      passed: true,
    });
    const majority = election({ passThresholdPerMille: 500 });
    expect(computeOutcome(majority, { a: 2, b: 3, c: 1 }, 6, null)).toMatchObject({
      winners: [],
      passed: false,
    });
    expect(computeOutcome(majority, { a: 2, b: 4 }, 6, null)).toMatchObject({ winners: ['b'], passed: true });
    expect(computeOutcome(plurality, { a: 3, b: 3, c: 1 }, 7, null)).toMatchObject({
      winners: [],
      tie: true,
      passed: false,
    });
    expect(computeOutcome(plurality, {}, 0, null)).toMatchObject({ winners: [], tie: false, passed: false });
  });

  it('multi: the k options with most votes win; a tie at the k-th place excludes the tied options', () => {
    const e = election({ kind: 'multi', maxChoices: 2 });
    expect(computeOutcome(e, { a: 1, b: 5, c: 3, d: 2 }, 6, null)).toMatchObject({
      winners: ['b', 'c'],
      tie: false,
      passed: true,
    });
    expect(computeOutcome(e, { a: 1, b: 5, c: 3, d: 3 }, 6, null)).toMatchObject({
      winners: ['b'],
      tie: true,
      passed: true,
    });
    expect(computeOutcome(e, { a: 4, b: 4, c: 4 }, 6, null)).toMatchObject({
      winners: [],
      tie: true,
      passed: false,
    });
    expect(computeOutcome(e, { c: 1 }, 1, null)).toMatchObject({ winners: ['c'], passed: true });
    const approval = election({ kind: 'multi', maxChoices: 2, passThresholdPerMille: 500 });
    expect(computeOutcome(approval, { a: 4, b: 3, c: 2 }, 6, null)).toMatchObject({
      winners: ['a'],
      passed: true,
    });
  });

  it('lists counts in option order, zero for options nobody chose', () => {
    expect(computeOutcome(election(), { c: 2 }, 2, null).counts).toEqual([
      { option: 'a', votes: 0 },
      { option: 'b', votes: 0 },
      { option: 'c', votes: 2 },
      { option: 'd', votes: 0 },
    ]);
  });
});

const VOTES: [keyof typeof who, string][] = [
  ['a1', 'design-a'],
  ['a2', 'design-b'],
  ['a3', 'design-b'],
  ['b1', 'design-c'],
  ['b2', 'design-b'],
];

async function votedElection(ledger: TestLedger, overrides: Record<string, unknown> = {}): Promise<void> {
  await submit(ledger, who.adminA, 'CreateElection', openElection(overrides), { time: T.create });
  await submit(
    ledger,
    who.adminA,
    'RegisterVoters',
    {
      electionId: 'E-OPEN-1',
      batchId: 'B1',
      voters: [...VOTES.map(([v]) => subject(who[v])), subject(who.northA)],
    },
    { time: T.beforeOpen },
  );
  for (const [voter, choice] of VOTES) {
    await submit(
      ledger,
      who[voter],
      'CastBallot',
      { electionId: 'E-OPEN-1', choices: [choice] },
      { time: T.during },
    );
  }
}

describe('TallyElection', () => {
  it('refuses before the closing time and counts from closesAt on, by anyone', async () => {
    const ledger = newLedger();
    await votedElection(ledger);
    for (const time of [T.during, T.lastMs]) {
      await expectRefused(
        ledger,
        who.auditorB,
        'TallyElection',
        { electionId: 'E-OPEN-1' },
        {
          code: 'ELECTION_NOT_CLOSED',
          status: 409,
        },
        { time },
      );
    }
    const tally = await submit<TallyRecord>(
      ledger,
      who.b2,
      'TallyElection',
      { electionId: 'E-OPEN-1' },
      { time: T.closes },
    );
    expect(tally.status).toBe('final');
  });

  it('stores turnout, quorum, counts and the result, emits ElectionTallied, and refuses a second tally', async () => {
    const ledger = newLedger();
    await votedElection(ledger, {
      quorum: { kind: 'perMilleOfRoll', perMille: 800 },
      passThresholdPerMille: 500,
    });
    const tally = await submit<TallyRecord>(
      ledger,
      who.auditorB,
      'TallyElection',
      { electionId: 'E-OPEN-1' },
      {
        time: T.after,
      },
    );
    expect(tally).toMatchObject({
      status: 'final',
      counted: 5,
      steps: 1,
      talliedAt: T.after,
      result: {
        turnout: 5,
        rollSize: 6,
        quorum: { kind: 'perMilleOfRoll', required: 5, met: true },
        counts: [
          { option: 'design-a', votes: 1 },
          { option: 'design-b', votes: 3 },
          { option: 'design-c', votes: 1 },
        ],
        winners: ['design-b'],
        tie: false,
        passed: true,
      },
    });
    expect(await evaluate(ledger, who.a1, 'GetTally', { electionId: 'E-OPEN-1' })).toEqual(tally);
    expect(ledger.events.at(-1)).toMatchObject({
      name: 'ElectionTallied',
      payload: { electionId: 'E-OPEN-1', turnout: 5, quorumMet: true, passed: true, winners: ['design-b'] },
    });
    const view = await evaluate(ledger, who.a1, 'GetElection', { electionId: 'E-OPEN-1' }, { time: T.after });
    expect(view).toMatchObject({ phase: 'closed', tallyStatus: 'final' });
    await expectRefused(
      ledger,
      who.adminA,
      'TallyElection',
      { electionId: 'E-OPEN-1' },
      {
        code: 'ALREADY_TALLIED',
        status: 409,
      },
      { time: T.after },
    );
  });

  it('reports a missed quorum', async () => {
    const ledger = newLedger();
    await votedElection(ledger, { quorum: { kind: 'count', minBallots: 6 } });
    const tally = await submit<TallyRecord>(
      ledger,
      who.auditorB,
      'TallyElection',
      { electionId: 'E-OPEN-1' },
      {
        time: T.after,
      },
    );
    expect(tally.result).toMatchObject({
      turnout: 5,
      quorum: { required: 6, met: false },
      winners: [],
      passed: false,
    });
  });

  it('tallies an election without ballots', async () => {
    const ledger = newLedger();
    await submit(ledger, who.adminA, 'CreateElection', openElection(), { time: T.create });
    const tally = await submit<TallyRecord>(
      ledger,
      who.auditorB,
      'TallyElection',
      { electionId: 'E-OPEN-1' },
      {
        time: T.after,
      },
    );
    expect(tally.result).toMatchObject({ turnout: 0, rollSize: 0, passed: false });
  });

  it('counts in bounded steps with a cursor and reaches the same result as one step', async () => {
    const stepped = newLedger();
    await votedElection(stepped);
    const oneStep = newLedger();
    await votedElection(oneStep);
    const whole = await submit<TallyRecord>(
      oneStep,
      who.auditorB,
      'TallyElection',
      { electionId: 'E-OPEN-1' },
      {
        time: T.after,
      },
    );

    const first = await submit<TallyRecord>(
      stepped,
      who.auditorB,
      'TallyElection',
      { electionId: 'E-OPEN-1', maxBallots: 2 },
      {
        time: T.after,
      },
    );
    expect(first).toMatchObject({ status: 'counting', counted: 2, steps: 1 });
    expect(first.result).toBeUndefined();
    expect(stepped.events.at(-1)).toMatchObject({
      name: 'TallyProgressed',
      payload: { counted: 2, steps: 1 },
    });
    await expectRefused(
      stepped,
      who.a1,
      'VerifyTally',
      { electionId: 'E-OPEN-1' },
      { code: 'TALLY_INCOMPLETE', status: 409 },
    );
    const second = await submit<TallyRecord>(
      stepped,
      who.a1,
      'TallyElection',
      { electionId: 'E-OPEN-1', maxBallots: 2 },
      {
        time: T.after,
      },
    );
    expect(second).toMatchObject({ status: 'counting', counted: 4, steps: 2 });
    const last = await submit<TallyRecord>(
      stepped,
      who.adminB,
      'TallyElection',
      { electionId: 'E-OPEN-1', maxBallots: 2 },
      {
        time: T.after,
      },
    );
    expect(last).toMatchObject({ status: 'final', counted: 5, steps: 3 });
    expect(last.result).toEqual(whole.result);
    expect(last.digest).toBe(whole.digest);
  });

  it('refuses a batch size outside 1..5000', async () => {
    const ledger = newLedger();
    await votedElection(ledger);
    for (const maxBallots of [0, 5001, 2.5]) {
      await expectRefused(
        ledger,
        who.a1,
        'TallyElection',
        { electionId: 'E-OPEN-1', maxBallots },
        {
          code: 'INVALID_ARGUMENT',
          status: 400,
        },
        { time: T.after },
      );
    }
  });

  it('is deterministic: the same transactions give byte-identical ledgers', async () => {
    const one = newLedger();
    const two = newLedger();
    for (const ledger of [one, two]) {
      await votedElection(ledger);
      await submit(
        ledger,
        who.auditorB,
        'TallyElection',
        { electionId: 'E-OPEN-1', maxBallots: 3 },
        { time: T.after },
      );
      await submit(
        ledger,
        who.auditorB,
        'TallyElection',
        { electionId: 'E-OPEN-1', maxBallots: 3 },
        { time: T.after },
      );
    }
    expect(one.snapshot()).toEqual(two.snapshot());
    expect(one.events.map((e) => e.payload)).toEqual(two.events.map((e) => e.payload));
  });
});

describe('VerifyTally', () => {
  it('refuses before any tally', async () => {
    const ledger = newLedger();
    await votedElection(ledger);
    await expectRefused(
      ledger,
      who.a1,
      'VerifyTally',
      { electionId: 'E-OPEN-1' },
      { code: 'TALLY_NOT_FOUND', status: 404 },
    );
    await expectRefused(
      ledger,
      who.a1,
      'GetTally',
      { electionId: 'E-OPEN-1' },
      { code: 'TALLY_NOT_FOUND', status: 404 },
    );
  });

  it('confirms a correct tally (recounted by the other city)', async () => {
    const ledger = newLedger();
    await votedElection(ledger);
    const tally = await submit<TallyRecord>(
      ledger,
      who.auditorB,
      'TallyElection',
      { electionId: 'E-OPEN-1' },
      {
        time: T.after,
      },
    );
    const v = await evaluate<{
      confirmed: boolean;
      mismatches: string[];
      recount: unknown;
      invalidBallotCount: number;
    }>(ledger, who.adminA, 'VerifyTally', { electionId: 'E-OPEN-1' });
    expect(v).toMatchObject({ confirmed: true, mismatches: [], invalidBallotCount: 0 });
    expect(v.recount).toEqual({ ...tally.result, digest: tally.digest });
  });

  it('contradicts a stored result that does not match the ballots', async () => {
    const ledger = newLedger();
    await votedElection(ledger);
    const tally = await submit<TallyRecord>(
      ledger,
      who.auditorB,
      'TallyElection',
      { electionId: 'E-OPEN-1' },
      {
        time: T.after,
      },
    );
    // tamper with the stored result behind the chaincode's back
    const forged: TallyRecord = JSON.parse(JSON.stringify(tally));
    forged.result!.counts = [
      { option: 'design-a', votes: 3 },
      { option: 'design-b', votes: 1 },
      { option: 'design-c', votes: 1 },
    ];
    forged.result!.winners = ['design-a'];
    await ledger.submit(who.adminA, (ctx) => writeJson(ctx, tallyKey(ctx, 'E-OPEN-1'), forged));
    const v = await evaluate<{ confirmed: boolean; mismatches: string[] }>(ledger, who.a1, 'VerifyTally', {
      electionId: 'E-OPEN-1',
    });
    expect(v.confirmed).toBe(false);
    expect(v.mismatches).toEqual(['counts', 'winners']);
  });

  it('contradicts when ballots changed after the tally and names invalid ballots', async () => {
    const ledger = newLedger();
    await votedElection(ledger);
    await submit(ledger, who.auditorB, 'TallyElection', { electionId: 'E-OPEN-1' }, { time: T.after });
    const intruder = 'f'.repeat(64);
    const ballot: BallotRecord = {
      docType: 'ballot',
      electionId: 'E-OPEN-1',
      mode: 'open',
      receipt: intruder,
      choices: ['design-c'],
      castAt: T.after,
      version: 1,
    };
    await ledger.submit(who.adminA, (ctx) => writeJson(ctx, ballotKey('E-OPEN-1', intruder), ballot));
    const v = await evaluate<{
      confirmed: boolean;
      mismatches: string[];
      invalidBallots: unknown[];
      invalidBallotCount: number;
    }>(ledger, who.a1, 'VerifyTally', { electionId: 'E-OPEN-1' });
    expect(v.confirmed).toBe(false);
    expect(v.mismatches).toEqual(expect.arrayContaining(['turnout', 'counts', 'digest']));
    expect(v.invalidBallotCount).toBe(1);
    expect(v.invalidBallots).toEqual([{ receipt: intruder, reason: 'voter not on the roll' }]);
    const unchecked = await evaluate<{ invalidBallotCount: number }>(ledger, who.a1, 'VerifyTally', {
      electionId: 'E-OPEN-1',
      checkBallots: false,
    });
    expect(unchecked.invalidBallotCount).toBe(0);
  });
});
