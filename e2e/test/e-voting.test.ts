/**
 * e-voting on the real network (issues 6 and 15): an open roll-call vote and a
 * secret election with RSA blind signatures of both cities' authorities (k = 2),
 * each registering its own key and recording its own issuances, voters from both
 * cities, ballots cast in a batch by a ballot box, a double vote refused, the
 * tally run by City B and verified by City A, and voters finding their ballots
 * by receipt. (The gateway's ballot box and key custody: election-trust.test.ts.)
 */
import { RSABSSA } from '@cloudflare/blindrsa-ts';
import { eVoting } from '@govledger/wire';
import { createHash, randomBytes, webcrypto } from 'crypto';
import { inMs, waitUntil } from '../src/clock';
import { actAs, closeAll, refused, type UserSession } from '../src/fabric-client';

type Key = webcrypto.CryptoKey;
const suite = RSABSSA.SHA384.PSS.Randomized();
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const run = Date.now().toString(36);

const OPEN_ID = `E-OPEN-${run}`;
const SECRET_ID = `E-SECRET-${run}`;
const voters = ['citizen-a1', 'citizen-a2', 'citizen-b1', 'citizen-b2'];

let opensAt: string;
let closesAt: string;
/** Each city's authority key pair (in the network, each city's gateway holds its own). */
const authority: Record<string, { publicKey: Key; privateKey: Key }> = {};
const admins: Record<string, string> = { CityAMSP: 'election-admin-a', CityBMSP: 'election-admin-b' };
type Token = { token: string; signatures: { mspId: string; signature: string }[]; receipt: string };
const session: Record<string, UserSession> = {};

interface TallyRecord {
  status: 'counting' | 'final';
  result?: {
    turnout: number;
    rollSize: number | null;
    quorum: { met: boolean };
    counts: { option: string; votes: number }[];
    winners: string[];
    passed: boolean;
  };
}

async function tallyToTheEnd(who: UserSession, electionId: string): Promise<TallyRecord> {
  for (let i = 0; i < 10; i++) {
    const t = await who.submit<TallyRecord>('e-voting', 'TallyElection', { electionId });
    if (t.status === 'final') return t;
  }
  throw new Error('tally did not finish in 10 steps');
}

/** A voter as the roll knows them: home organisation and pseudonymous id. */
function voterOf(s: UserSession): { mspId: string; pid: string } {
  return { mspId: s.mspId, pid: s.pid as string };
}

/** The receipt of an open ballot, as the chaincode README documents it: SHA-256 of `<mspId>/<pid>`. */
function openReceipt(s: UserSession): string {
  return createHash('sha256')
    .update(`${s.mspId}/${s.pid as string}`)
    .digest('hex');
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * The voter's app and both authorities: a token bound to the election, blinded
 * once per authority key; the voter records the blinded hashes; each city's
 * election admin records its issuance, and only then does that authority sign.
 */
async function obtainToken(voter: UserSession, electionId: string): Promise<Token> {
  const message = new TextEncoder().encode(eVoting.tokenMessage(electionId, randomBytes(32).toString('hex')));
  const prepared = suite.prepare(message);
  const blinds = await Promise.all(
    Object.entries(authority).map(async ([mspId, k]) => ({
      mspId,
      k,
      ...(await suite.blind(k.publicKey, prepared)),
    })),
  );
  const request = await voter.submit<{ voter: { mspId: string; pid: string } }>('e-voting', 'RequestToken', {
    electionId,
    blinded: blinds.map((b) => ({ mspId: b.mspId, blindedHash: sha256(b.blindedMsg) })),
  });
  expect(request.voter).toEqual(voterOf(voter));
  const signatures = [];
  for (const b of blinds) {
    await session[admins[b.mspId] as string].submit('e-voting', 'IssueToken', {
      electionId,
      voter: voterOf(voter),
      blindedHash: sha256(b.blindedMsg),
    });
    const blindSig = await suite.blindSign(b.k.privateKey, b.blindedMsg);
    signatures.push({
      mspId: b.mspId,
      signature: b64url(await suite.finalize(b.k.publicKey, prepared, blindSig, b.inv)),
    });
  }
  return { token: b64url(prepared), signatures, receipt: sha256(prepared) };
}

beforeAll(async () => {
  for (const name of [
    ...voters,
    'election-admin-a',
    'election-admin-b',
    'ballot-box-a',
    'ballot-box-b',
    'enterprise-b1',
  ]) {
    session[name] = actAs(name);
  }
  for (const mspId of ['CityAMSP', 'CityBMSP']) {
    authority[mspId] = (await suite.generateKey({
      publicExponent: Uint8Array.from([1, 0, 1]),
      modulusLength: 2048,
    })) as { publicKey: Key; privateKey: Key };
  }
}, 60_000);

afterAll(() => closeAll());

describe('an open vote and a secret election, voters from both cities', () => {
  const tokens: Record<string, Token> = {};

  it('creates both elections and registers the roll before voting opens', async () => {
    opensAt = inMs(25_000);
    closesAt = inMs(55_000);
    const admin = session['election-admin-a'];
    const common = {
      opensAt,
      closesAt,
      eligibility: { kind: 'roll' },
      quorum: { kind: 'perMilleOfRoll', perMille: 500 },
      passThresholdPerMille: 500,
    };
    await admin.submit('e-voting', 'CreateElection', {
      electionId: OPEN_ID,
      title: 'Riverside park design',
      ballot: {
        kind: 'single',
        options: [
          { id: 'design-a', label: 'Design A' },
          { id: 'design-b', label: 'Design B' },
        ],
      },
      mode: { kind: 'open', secondBallot: 'refuse' },
      ...common,
    });
    await admin.submit('e-voting', 'CreateElection', {
      electionId: SECRET_ID,
      title: 'Build the new library?',
      ballot: { kind: 'yesNoAbstain' },
      mode: {
        kind: 'secret',
        variant: 'RSABSSA-SHA384-PSS-Randomized',
        authorities: [{ mspId: 'CityAMSP' }, { mspId: 'CityBMSP' }],
        threshold: 2,
      },
      ...common,
    });
    // each authority registers its own key, signed by its own organisation
    for (const [mspId, k] of Object.entries(authority)) {
      const jwk = await webcrypto.subtle.exportKey('jwk', k.publicKey);
      const r = await session[admins[mspId] as string].submit<{ mspId: string }>(
        'e-voting',
        'RegisterAuthorityKey',
        {
          electionId: SECRET_ID,
          publicKey: { format: 'jwk', jwk: { kty: 'RSA', n: jwk.n, e: jwk.e } },
        },
      );
      expect(r.mspId).toBe(mspId);
    }
    const roll = voters.map((v) => voterOf(session[v]));
    for (const electionId of [OPEN_ID, SECRET_ID]) {
      const r = await admin.submit<{ added: number }>('e-voting', 'RegisterVoters', {
        electionId,
        batchId: 'roll-1',
        voters: roll,
      });
      expect(r.added).toBe(4);
    }
    // City B's organiser may not change City A's roll
    const err = await refused(
      session['election-admin-b'].submit('e-voting', 'RegisterVoters', {
        electionId: OPEN_ID,
        batchId: 'b',
        voters: roll,
      }),
    );
    expect(err).toMatchObject({ code: 'FORBIDDEN', status: 403 });
  });

  it('refuses a ballot before opening and gives eligible voters their tokens', async () => {
    const early = await refused(
      session['citizen-a1'].submit('e-voting', 'CastBallot', { electionId: OPEN_ID, choices: ['design-a'] }),
    );
    expect(early.code).toBe('VOTING_NOT_OPEN');
    for (const v of ['citizen-a1', 'citizen-a2', 'citizen-b1'])
      tokens[v] = await obtainToken(session[v] as UserSession, SECRET_ID);
    const blinded = ['CityAMSP', 'CityBMSP'].map((mspId) => ({ mspId, blindedHash: 'ab'.repeat(32) }));
    const again = await refused(
      session['citizen-a1'].submit('e-voting', 'RequestToken', { electionId: SECRET_ID, blinded }),
    );
    expect(again.code).toBe('TOKEN_ALREADY_ISSUED');
    const outsider = await refused(
      session['enterprise-b1'].submit('e-voting', 'RequestToken', { electionId: SECRET_ID, blinded }),
    );
    expect(outsider.code).toBe('INELIGIBLE_VOTER');
  });

  it('records one ballot per voter while open and refuses a double vote and a reused token', async () => {
    await waitUntil(opensAt);
    const cast = (v: string, choice: string) =>
      session[v].submit<{ receipt: string }>('e-voting', 'CastBallot', {
        electionId: OPEN_ID,
        choices: [choice],
      });
    expect((await cast('citizen-a1', 'design-a')).receipt).toBe(openReceipt(session['citizen-a1']));
    await cast('citizen-a2', 'design-b');
    await cast('citizen-b1', 'design-b');
    expect((await refused(cast('citizen-a1', 'design-b'))).code).toBe('ALREADY_VOTED');
    expect(
      (
        await refused(
          session['enterprise-b1'].submit('e-voting', 'CastBallot', {
            electionId: OPEN_ID,
            choices: ['design-a'],
          }),
        )
      ).code,
    ).toBe('INELIGIBLE_VOTER');

    const ballot = (v: string, choice: string, t: Token = tokens[v] as Token) => ({
      choices: [choice],
      token: t.token,
      signatures: t.signatures,
    });
    const box = (who: string, ballots: unknown[]) =>
      session[who].submit<{ receipts: string[]; txId: string }>('e-voting', 'CastSecretBallots', {
        electionId: SECRET_ID,
        ballots,
      });
    // one batch of three ballots from two cities' voters, one transaction
    const batch = await box('ballot-box-b', [
      ballot('citizen-b1', 'no'),
      ballot('citizen-a1', 'yes'),
      ballot('citizen-a2', 'yes'),
    ]);
    expect(batch.receipts).toEqual(['citizen-b1', 'citizen-a1', 'citizen-a2'].map((v) => tokens[v]?.receipt));
    expect((await refused(box('ballot-box-a', [ballot('citizen-a1', 'no')]))).code).toBe(
      'TOKEN_ALREADY_USED',
    );
    const t = tokens['citizen-b1'] as Token;
    const forged = await refused(
      box('ballot-box-a', [
        {
          choices: ['no'],
          token: t.token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
          signatures: t.signatures,
        },
      ]),
    );
    expect(['BAD_SIGNATURE', 'INVALID_TOKEN']).toContain(forged.code);
    // a voter cannot use the ballot box identity's role
    const notBox = await refused(
      session['citizen-b2'].submit('e-voting', 'CastSecretBallots', {
        electionId: SECRET_ID,
        ballots: [ballot('citizen-b1', 'no')],
      }),
    );
    expect(notBox.status).toBe(403);
  });

  it('refuses late ballots and an early tally, then City B tallies and City A verifies', async () => {
    const early = await refused(
      session['citizen-b2'].submit('e-voting', 'TallyElection', { electionId: OPEN_ID }),
    );
    expect(early.code).toBe('ELECTION_NOT_CLOSED');
    await waitUntil(closesAt);
    const late = await refused(
      session['citizen-b2'].submit('e-voting', 'CastBallot', { electionId: OPEN_ID, choices: ['design-a'] }),
    );
    expect(late.code).toBe('VOTING_CLOSED');

    const open = await tallyToTheEnd(session['election-admin-b'], OPEN_ID);
    expect(open.result).toMatchObject({
      turnout: 3,
      rollSize: 4,
      quorum: { met: true },
      counts: [
        { option: 'design-a', votes: 1 },
        { option: 'design-b', votes: 2 },
      ],
      winners: ['design-b'],
      passed: true,
    });
    const secret = await tallyToTheEnd(session['citizen-b2'], SECRET_ID);
    expect(secret.result?.counts).toEqual([
      { option: 'yes', votes: 2 },
      { option: 'no', votes: 1 },
      { option: 'abstain', votes: 0 },
    ]);
    expect(secret.result?.passed).toBe(true);

    for (const electionId of [OPEN_ID, SECRET_ID]) {
      const v = await session['election-admin-a'].evaluate<{
        complete: boolean;
        confirmed: boolean;
        mismatches: string[];
      }>('e-voting', 'VerifyTally', {
        electionId,
      });
      expect(v).toMatchObject({ complete: true, confirmed: true, mismatches: [] });
    }
  });

  it('lets voters find their ballots by receipt, without linking secret ballots to voters', async () => {
    const mine = await session['citizen-b1'].evaluate<{ choices: string[] }>('e-voting', 'GetReceipt', {
      electionId: OPEN_ID,
      receipt: openReceipt(session['citizen-b1']),
    });
    expect(mine.choices).toEqual(['design-b']);
    const secret = await session['citizen-a2'].evaluate<Record<string, unknown>>('e-voting', 'GetReceipt', {
      electionId: SECRET_ID,
      receipt: tokens['citizen-a2'].receipt,
    });
    expect(secret.choices).toEqual(['yes']);
    for (const v of voters) expect(JSON.stringify(secret)).not.toContain(session[v].pid as string);
  });
});
