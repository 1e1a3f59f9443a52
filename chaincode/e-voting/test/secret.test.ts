/**
 * Secret elections with real RFC 9474 blind signatures from k of n
 * authorities: each city's authority registers its own key, the voter records
 * a blinded-message hash per authority, each authority records its issuance
 * before it blind-signs, and the ballot box casts batches of ballots that carry
 * signatures of k distinct authorities. No single authority can mint a ballot,
 * and ballots never outnumber the voters issued tokens.
 */
import { generateKeyPairSync, webcrypto } from 'crypto';
import { writeJson } from '@govledger/chaincode-common';
import { TestLedger } from '@govledger/chaincode-common/testing';
import {
  tokenMessage,
  type AuthorityRecord,
  type Ballot as BallotRecord,
  type ElectionView,
  type Tally as TallyRecord,
  type VerifyTallyResult,
} from '../src';
import { checkAuthorities } from '../src/authz';
import { ballotKey } from '../src/keys';
import { T, evaluate, expectRefused, newLedger, pid, subject, submit, who } from './helpers';
import {
  b64url,
  ballotOf,
  blindToken,
  deterministic,
  newKey,
  obtainToken,
  randomized,
  secretElection,
  setUpSecret,
  signToken,
  spkiPem,
  type KeyPair,
  type Token,
} from './secret-helpers';

jest.setTimeout(60_000);

let keyA: KeyPair;
let keyB: KeyPair;
let rogue: KeyPair;
let both: Record<string, KeyPair>;

beforeAll(async () => {
  // key generation is the slow part: once per file
  [keyA, keyB, rogue] = await Promise.all([newKey(), newKey(), newKey()]);
  both = { CityAMSP: keyA, CityBMSP: keyB };
}, 60_000);

const E = 'E-SECRET-1';

/** Casts one batch through City A's ballot box. */
function castBatch(ledger: TestLedger, ballots: unknown[], time: string = T.during, box = who.ballotBoxA) {
  return submit<{ receipts: string[]; txId: string; castAt: string }>(
    ledger,
    box,
    'CastSecretBallots',
    { electionId: E, ballots },
    { time },
  );
}

describe('the runtime', () => {
  it('has WebCrypto on globalThis (Node 20)', () => {
    expect(typeof globalThis.crypto?.subtle?.verify).toBe('function');
  });
});

describe('authorities and threshold of a secret election', () => {
  const withMode = (mode: Record<string, unknown>) => secretElection({ mode: { kind: 'secret', ...mode } });

  it('refuses k = 1 with two authorities, a lone authority in a two-city consortium, and outsiders', async () => {
    const ledger = newLedger();
    const cases: [Record<string, unknown>, string, number][] = [
      [
        { authorities: [{ mspId: 'CityAMSP' }, { mspId: 'CityBMSP' }], threshold: 1 },
        'INVALID_THRESHOLD',
        400,
      ],
      [{ authorities: [{ mspId: 'CityAMSP' }], threshold: 1 }, 'INVALID_THRESHOLD', 400],
      [
        { authorities: [{ mspId: 'CityAMSP' }, { mspId: 'RogueMSP' }], threshold: 2 },
        'INVALID_THRESHOLD',
        400,
      ],
      [
        { authorities: [{ mspId: 'CityAMSP' }, { mspId: 'CityBMSP' }], threshold: 3 },
        'INVALID_ARGUMENT',
        400,
      ],
      [
        { authorities: [{ mspId: 'CityAMSP' }, { mspId: 'CityAMSP' }], threshold: 2 },
        'INVALID_ARGUMENT',
        400,
      ],
    ];
    for (const [mode, code, status] of cases) {
      await expectRefused(
        ledger,
        who.adminA,
        'CreateElection',
        withMode(mode),
        { code, status },
        { time: T.create },
      );
    }
  });

  it('accepts one authority with k = 1 only in a consortium of one organisation', () => {
    const saved = process.env.GOVLEDGER_PEER_ORGS;
    try {
      process.env.GOVLEDGER_PEER_ORGS = 'CityAMSP';
      expect(() => checkAuthorities(['CityAMSP'], 1)).not.toThrow();
      process.env.GOVLEDGER_PEER_ORGS = 'CityAMSP,CityBMSP,AuditOfficeMSP';
      expect(() => checkAuthorities(['CityAMSP', 'CityBMSP', 'AuditOfficeMSP'], 2)).not.toThrow();
      expect(() => checkAuthorities(['CityAMSP', 'CityBMSP', 'AuditOfficeMSP'], 1)).toThrow(
        expect.objectContaining({ code: 'INVALID_THRESHOLD' }),
      );
    } finally {
      process.env.GOVLEDGER_PEER_ORGS = saved;
    }
  });
});

describe('RegisterAuthorityKey', () => {
  it("stores each authority's key normalised, registered by its own organisation, with no private part", async () => {
    const ledger = newLedger();
    await submit(ledger, who.adminA, 'CreateElection', secretElection(), { time: T.create });
    const pem = await spkiPem(keyA);
    const a = await submit<AuthorityRecord>(
      ledger,
      who.adminA,
      'RegisterAuthorityKey',
      { electionId: E, publicKey: { format: 'spki-pem', pem } },
      { time: T.create },
    );
    const jwk = await webcrypto.subtle.exportKey('jwk', keyB.publicKey);
    const b = await submit<AuthorityRecord>(
      ledger,
      who.adminB,
      'RegisterAuthorityKey',
      { electionId: E, publicKey: { format: 'jwk', jwk } },
      { time: T.beforeOpen },
    );
    expect(a).toMatchObject({
      mspId: 'CityAMSP',
      key: { variant: 'RSABSSA-SHA384-PSS-Randomized', modulusBits: 2048 },
    });
    expect(a.key.publicKeyPem).toBe(pem);
    expect(b).toMatchObject({ mspId: 'CityBMSP', key: { jwk: { kty: 'RSA', n: jwk.n, e: 'AQAB' } } });
    expect(ledger.events.at(-1)).toMatchObject({
      name: 'AuthorityKeyRegistered',
      payload: { authority: 'CityBMSP' },
    });
    const view = await evaluate<ElectionView>(ledger, who.a1, 'GetElection', { electionId: E });
    expect(view.authorities?.map((x) => x.mspId)).toEqual(['CityAMSP', 'CityBMSP']);
    expect(view).toMatchObject({ issuedTokens: 0, secretBallots: 0 });
    expect(JSON.stringify(ledger.snapshot())).not.toMatch(/"d"|PRIVATE/);
  });

  it('refuses another organisation, a second key, a key another authority registered and late keys', async () => {
    const ledger = newLedger();
    await submit(ledger, who.adminA, 'CreateElection', secretElection(), { time: T.create });
    const reg = (publicKey: unknown) => ({ electionId: E, publicKey });
    const pemA = { format: 'spki-pem', pem: await spkiPem(keyA) };
    for (const caller of [who.issuerA, who.a1, who.ballotBoxB]) {
      await expectRefused(
        ledger,
        caller,
        'RegisterAuthorityKey',
        reg(pemA),
        { code: 'FORBIDDEN', status: 403 },
        { time: T.create },
      );
    }
    const rogueAdmin = { ...who.adminA, mspId: 'RogueMSP', name: 'election-admin-rogue' };
    await expectRefused(
      ledger,
      rogueAdmin,
      'RegisterAuthorityKey',
      reg(pemA),
      { code: 'FORBIDDEN', status: 403 },
      { time: T.create },
    );
    await submit(ledger, who.adminA, 'RegisterAuthorityKey', reg(pemA), { time: T.create });
    await expectRefused(
      ledger,
      who.adminA,
      'RegisterAuthorityKey',
      reg({ format: 'spki-pem', pem: await spkiPem(rogue) }),
      { code: 'AUTHORITY_KEY_EXISTS', status: 409 },
      { time: T.create },
    );
    // City B registering City A's key would let City A's one signature count twice
    await expectRefused(
      ledger,
      who.adminB,
      'RegisterAuthorityKey',
      reg(pemA),
      { code: 'DUPLICATE_AUTHORITY_KEY', status: 409 },
      { time: T.create },
    );
    await expectRefused(
      ledger,
      who.adminB,
      'RegisterAuthorityKey',
      reg({ format: 'spki-pem', pem: await spkiPem(keyB) }),
      { code: 'AUTHORITY_KEYS_FROZEN', status: 409 },
      { time: T.opens },
    );
  });

  it('refuses private keys, small keys, other exponents, non-RSA keys and garbage', async () => {
    const ledger = newLedger();
    await submit(ledger, who.adminA, 'CreateElection', secretElection(), { time: T.create });
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const e3 = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = (k: { publicKey: { export(o: object): string | Buffer } }) =>
      String(k.publicKey.export({ type: 'spki', format: 'pem' }));
    const privatePem = String(small.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const jwk = await webcrypto.subtle.exportKey('jwk', keyA.publicKey);
    const cases: [unknown, string][] = [
      [{ format: 'spki-pem', pem: privatePem }, 'INVALID_PUBLIC_KEY'],
      [{ format: 'spki-pem', pem: pem(small) }, 'INVALID_PUBLIC_KEY'],
      [{ format: 'spki-pem', pem: pem(e3) }, 'INVALID_PUBLIC_KEY'],
      [{ format: 'spki-pem', pem: pem(ec) }, 'INVALID_PUBLIC_KEY'],
      [
        {
          format: 'spki-pem',
          pem: `-----BEGIN PUBLIC KEY-----\n${'A'.repeat(200)}\n-----END PUBLIC KEY-----`,
        },
        'INVALID_PUBLIC_KEY',
      ],
      [{ format: 'jwk', jwk: { ...jwk, n: 'AQAB' } }, 'INVALID_PUBLIC_KEY'],
      [{ format: 'jwk', jwk: small.privateKey.export({ format: 'jwk' }) }, 'INVALID_ARGUMENT'],
      [{ format: 'der', der: 'AAAA' }, 'INVALID_ARGUMENT'],
    ];
    for (const [publicKey, code] of cases) {
      await expectRefused(
        ledger,
        who.adminA,
        'RegisterAuthorityKey',
        { electionId: E, publicKey },
        { code, status: 400 },
        { time: T.create },
      );
    }
    await expectRefused(
      ledger,
      who.adminA,
      'CreateElection',
      secretElection({
        electionId: 'E-X',
        mode: {
          kind: 'secret',
          variant: 'RSABSSA-SHA512-PSS-Randomized',
          authorities: [{ mspId: 'CityAMSP' }, { mspId: 'CityBMSP' }],
          threshold: 2,
        },
      }),
      { code: 'INVALID_ARGUMENT', status: 400 },
      { time: T.create },
    );
  });
});

describe('RequestToken and IssueToken', () => {
  it('records the blinded hashes (never the token), then one issuance per authority; the voter counts at k', async () => {
    const ledger = newLedger();
    await setUpSecret(ledger, both);
    const blind = await blindToken(E, both);
    const blinded = Object.entries(blind.blinded).map(([mspId, b]) => ({ mspId, blindedHash: b.hash }));
    const r = await submit(
      ledger,
      who.a1,
      'RequestToken',
      { electionId: E, blinded },
      { time: T.beforeOpen },
    );
    expect(r).toMatchObject({ electionId: E, voter: subject(who.a1), requestedAt: T.beforeOpen, blinded });
    expect(ledger.events.at(-1)).toMatchObject({
      name: 'TokenRequested',
      payload: { electionId: E, voter: subject(who.a1), txId: r.txId },
    });
    await expectRefused(
      ledger,
      who.a1,
      'RequestToken',
      { electionId: E, blinded },
      { code: 'TOKEN_ALREADY_ISSUED', status: 409 },
      { time: T.during },
    );

    const hashA = blind.blinded.CityAMSP?.hash as string;
    const hashB = blind.blinded.CityBMSP?.hash as string;
    const issue = (voter = subject(who.a1), blindedHash = hashA) => ({ electionId: E, voter, blindedHash });
    // only an election admin of an authority organisation issues, as that authority
    for (const caller of [who.a1, who.issuerA, who.ballotBoxA]) {
      await expectRefused(
        ledger,
        caller,
        'IssueToken',
        issue(),
        { code: 'FORBIDDEN', status: 403 },
        { time: T.during },
      );
    }
    await expectRefused(
      ledger,
      who.adminA,
      'IssueToken',
      issue(subject(who.b2)),
      { code: 'INELIGIBLE_VOTER', status: 403 },
      { time: T.during },
    );
    await expectRefused(
      ledger,
      who.adminA,
      'IssueToken',
      issue(subject(who.a2)),
      { code: 'TOKEN_NOT_REQUESTED', status: 409 },
      { time: T.during },
    );
    await expectRefused(
      ledger,
      who.adminA,
      'IssueToken',
      issue(subject(who.a1), hashB),
      { code: 'BLINDED_MISMATCH', status: 409 },
      { time: T.during },
    );
    const issuedA = await submit(ledger, who.adminA, 'IssueToken', issue(), { time: T.during });
    expect(issuedA).toMatchObject({ authority: 'CityAMSP', voter: subject(who.a1), blindedHash: hashA });
    await expectRefused(
      ledger,
      who.adminA,
      'IssueToken',
      issue(),
      { code: 'TOKEN_ALREADY_ISSUED', status: 409 },
      { time: T.during },
    );
    const view = () => evaluate<ElectionView>(ledger, who.a1, 'GetElection', { electionId: E });
    expect((await view()).issuedTokens).toBe(0);
    await submit(ledger, who.adminB, 'IssueToken', issue(subject(who.a1), hashB), { time: T.during });
    expect((await view()).issuedTokens).toBe(1);
    const status = await evaluate<{ issuances: { authority: string }[]; tokenRequest: unknown }>(
      ledger,
      who.adminB,
      'GetVoterStatus',
      { electionId: E, ...subject(who.a1) },
    );
    expect(status.issuances.map((i) => i.authority)).toEqual(['CityAMSP', 'CityBMSP']);
    expect(status).toMatchObject({
      onRoll: true,
      voted: null,
      tokenRequest: { voter: subject(who.a1), blinded },
    });
    await expectRefused(
      ledger,
      who.adminB,
      'IssueToken',
      issue(subject(who.a1), hashB),
      { code: 'TOKEN_ALREADY_ISSUED', status: 409 },
      { time: T.during },
    );
    await expectRefused(
      ledger,
      who.adminB,
      'IssueToken',
      issue(subject(who.a1), hashB),
      { code: 'VOTING_CLOSED', status: 409 },
      { time: T.closes },
    );
  });

  it('refuses ineligible voters, too few authorities, non-authorities and requests from the closing time on', async () => {
    const ledger = newLedger();
    await setUpSecret(ledger, both);
    const h = 'ab'.repeat(32);
    const req = (mspIds: string[]) => ({
      electionId: E,
      blinded: mspIds.map((mspId) => ({ mspId, blindedHash: h })),
    });
    for (const caller of [who.b2, who.noPid, who.ballotBoxA, who.adminA]) {
      await expectRefused(
        ledger,
        caller,
        'RequestToken',
        req(['CityAMSP', 'CityBMSP']),
        { code: 'INELIGIBLE_VOTER', status: 403 },
        { time: T.during },
      );
    }
    await expectRefused(
      ledger,
      who.a2,
      'RequestToken',
      req(['CityAMSP']),
      { code: 'INSUFFICIENT_SIGNATURES', status: 400 },
      { time: T.during },
    );
    await expectRefused(
      ledger,
      who.a2,
      'RequestToken',
      req(['CityAMSP', 'RogueMSP']),
      { code: 'AUTHORITY_KEY_MISSING', status: 409 },
      { time: T.during },
    );
    await expectRefused(
      ledger,
      who.a2,
      'RequestToken',
      req(['CityAMSP', 'CityBMSP']),
      { code: 'VOTING_CLOSED', status: 409 },
      { time: T.closes },
    );
    await submit(ledger, who.a2, 'RequestToken', req(['CityAMSP', 'CityBMSP']), { time: T.lastMs });
  });

  it('refuses an issuance by an authority that registered no key', async () => {
    const ledger = newLedger();
    await setUpSecret(ledger, { CityAMSP: keyA });
    await expectRefused(
      ledger,
      who.adminB,
      'IssueToken',
      { electionId: E, voter: subject(who.a1), blindedHash: 'ab'.repeat(32) },
      { code: 'AUTHORITY_KEY_MISSING', status: 409 },
      { time: T.during },
    );
  });
});

describe('a full secret election, k = 2 of 2', () => {
  let ledger: TestLedger;
  const tokens: Record<string, Token> = {};

  beforeAll(async () => {
    ledger = newLedger();
    await setUpSecret(ledger, both);
    for (const voter of ['a1', 'a2', 'b1'] as const)
      tokens[voter] = await obtainToken(ledger, who[voter], E, both);
  }, 60_000);

  const t = (v: 'a1' | 'a2' | 'b1') => tokens[v] as Token;

  it('refuses a ballot before opening, even with a valid token', async () => {
    await expectRefused(
      ledger,
      who.ballotBoxA,
      'CastSecretBallots',
      { electionId: E, ballots: [ballotOf(t('a1'), ['yes'])] },
      { code: 'VOTING_NOT_OPEN', status: 409 },
      { time: T.beforeOpen },
    );
  });

  it('refuses a voter casting a secret ballot directly (only a ballot box may)', async () => {
    await expectRefused(
      ledger,
      who.a1,
      'CastSecretBallots',
      { electionId: E, ballots: [ballotOf(t('a1'), ['yes'])] },
      { code: 'FORBIDDEN', status: 403 },
      { time: T.during },
    );
    await expectRefused(
      ledger,
      who.a1,
      'CastBallot',
      { electionId: E, choices: ['yes'] },
      { code: 'WRONG_MODE', status: 409 },
      { time: T.during },
    );
  });

  it("refuses one authority's signature alone, from either city", async () => {
    for (const only of ['CityAMSP', 'CityBMSP']) {
      const one = t('a1').signatures.filter((s) => s.mspId === only);
      await expectRefused(
        ledger,
        who.ballotBoxA,
        'CastSecretBallots',
        { electionId: E, ballots: [ballotOf(t('a1'), ['yes'], one)] },
        { code: 'INSUFFICIENT_SIGNATURES', status: 400 },
        { time: T.during },
      );
    }
  });

  it('refuses a tampered signature, another key, a signature for another token and a non-authority', async () => {
    const a2 = t('a2');
    const sig = Buffer.from(a2.signatures[0]?.signature as string, 'base64url');
    sig[10] = (sig[10] ?? 0) ^ 0x01;
    const forged = await signToken(await blindToken(E, { CityAMSP: rogue, CityBMSP: keyB }), {
      CityAMSP: rogue,
      CityBMSP: keyB,
    });
    const cases: Token[] = [
      {
        ...a2,
        signatures: [
          { mspId: 'CityAMSP', signature: b64url(sig) },
          a2.signatures[1] as Token['signatures'][number],
        ],
      },
      forged,
      { ...a2, signatures: t('b1').signatures },
      {
        ...a2,
        signatures: [
          ...a2.signatures,
          { mspId: 'RogueMSP', signature: a2.signatures[0]?.signature as string },
        ],
      },
    ];
    for (const c of cases) {
      await expectRefused(
        ledger,
        who.ballotBoxA,
        'CastSecretBallots',
        { electionId: E, ballots: [ballotOf(c, ['no'])] },
        { code: 'BAD_SIGNATURE', status: 400 },
        { time: T.during },
      );
    }
  });

  it('refuses a token bound to another election or not a token at all', async () => {
    const otherBlind = await blindToken('E-SECRET-2', both);
    const other = await signToken(otherBlind, both);
    const plain = Buffer.from(tokenMessage(E, 'ab')).toString('base64url');
    for (const token of [other.token, plain, 'AAE']) {
      await expectRefused(
        ledger,
        who.ballotBoxA,
        'CastSecretBallots',
        { electionId: E, ballots: [ballotOf({ ...t('a2'), token }, ['no'])] },
        { code: 'INVALID_TOKEN', status: 400 },
        { time: T.during },
      );
    }
  });

  it('checks the choices like an open ballot', async () => {
    await expectRefused(
      ledger,
      who.ballotBoxA,
      'CastSecretBallots',
      { electionId: E, ballots: [ballotOf(t('a2'), ['maybe'])] },
      { code: 'INVALID_OPTION', status: 400 },
      { time: T.during },
    );
    await expectRefused(
      ledger,
      who.ballotBoxA,
      'CastSecretBallots',
      { electionId: E, ballots: [ballotOf(t('a2'), ['yes', 'no'])] },
      { code: 'TOO_MANY_CHOICES', status: 400 },
      { time: T.during },
    );
  });

  it('casts a batch with k signatures each; the ballots carry receipts, not voters; a bad ballot refuses the batch', async () => {
    // one bad ballot in a batch: nothing is written
    await expectRefused(
      ledger,
      who.ballotBoxB,
      'CastSecretBallots',
      { electionId: E, ballots: [ballotOf(t('a1'), ['yes']), ballotOf(t('a1'), ['no'])] },
      { code: 'TOKEN_ALREADY_USED', status: 409 },
      { time: T.during },
    );
    const r = await castBatch(
      ledger,
      [ballotOf(t('a2'), ['no']), ballotOf(t('a1'), ['yes'])],
      T.during,
      who.ballotBoxB,
    );
    expect(r.receipts).toEqual([t('a2').receipt, t('a1').receipt]);
    expect(ledger.events.at(-1)).toMatchObject({
      name: 'BallotsCast',
      payload: { mode: 'secret', count: 2 },
    });
    const ballot = await evaluate<BallotRecord>(ledger, who.a1, 'GetReceipt', {
      electionId: E,
      receipt: t('a1').receipt,
    });
    expect(ballot).toEqual({
      docType: 'ballot',
      electionId: E,
      mode: 'secret',
      receipt: t('a1').receipt,
      choices: ['yes'],
      castAt: T.during,
      version: 1,
      token: t('a1').token,
      signatures: t('a1').signatures,
      txId: r.txId,
    });
    // nothing on the ledger links a voter's pid to the ballot, nor the token to the voter's request
    const state = ledger.snapshot();
    const ballotText = state[ballotKey(E, t('a1').receipt)] as string;
    for (const voter of [who.a1, who.a2, who.b1]) expect(ballotText).not.toContain(pid(voter));
    for (const [key, value] of Object.entries(state)) {
      if (key.includes('token') || key.includes('issuance')) {
        expect(value).not.toContain(t('a1').receipt);
        expect(value).not.toContain(t('a1').token);
      }
    }
  });

  it('refuses a reused token, whatever the choice', async () => {
    for (const choices of [['yes'], ['no']]) {
      await expectRefused(
        ledger,
        who.ballotBoxA,
        'CastSecretBallots',
        { electionId: E, ballots: [ballotOf(t('a1'), choices)] },
        { code: 'TOKEN_ALREADY_USED', status: 409 },
        { time: T.during },
      );
    }
  });

  it('refuses a ballot with both keys but no recorded issuance: ballots never outnumber issued tokens', async () => {
    // both keys' holders colluding (or a stolen key pair) sign a token outside the ledger's issuance
    const stuffed = await signToken(await blindToken(E, both), both);
    // 3 voters issued, 2 ballots cast: b1's token and the stuffed one would make 4
    await expectRefused(
      ledger,
      who.ballotBoxA,
      'CastSecretBallots',
      { electionId: E, ballots: [ballotOf(t('b1'), ['yes']), ballotOf(stuffed, ['yes'])] },
      { code: 'BALLOTS_EXCEED_ISSUED', status: 409 },
      { time: T.during },
    );
    await castBatch(ledger, [ballotOf(stuffed, ['yes'])]);
    // now b1's genuine token finds no room: the excess is visible at cast, not silently counted
    await expectRefused(
      ledger,
      who.ballotBoxA,
      'CastSecretBallots',
      { electionId: E, ballots: [ballotOf(t('b1'), ['yes'])] },
      { code: 'BALLOTS_EXCEED_ISSUED', status: 409 },
      { time: T.during },
    );
    const view = await evaluate<ElectionView>(ledger, who.a1, 'GetElection', { electionId: E });
    expect(view).toMatchObject({ issuedTokens: 3, secretBallots: 3 });
  });

  it('counts the ballots, stores the result and recounts with every signature re-verified', async () => {
    await expectRefused(
      ledger,
      who.ballotBoxA,
      'CastSecretBallots',
      { electionId: E, ballots: [ballotOf(t('b1'), ['yes'])] },
      { code: 'VOTING_CLOSED', status: 409 },
      { time: T.closes },
    );
    await expectRefused(
      ledger,
      who.auditorB,
      'TallyElection',
      { electionId: E },
      { code: 'ELECTION_NOT_CLOSED', status: 409 },
      { time: T.during },
    );
    const tally = await submit<TallyRecord>(
      ledger,
      who.adminB,
      'TallyElection',
      { electionId: E },
      { time: T.after },
    );
    expect(tally.result).toEqual({
      turnout: 3,
      rollSize: 3,
      quorum: { kind: 'perMilleOfRoll', required: 2, met: true },
      counts: [
        { option: 'yes', votes: 2 },
        { option: 'no', votes: 1 },
        { option: 'abstain', votes: 0 },
      ],
      winners: ['yes'],
      tie: false,
      passed: true,
      issuedTokens: 3,
      integrity: { ok: true, overRoll: 0, overIssued: 0 },
    });
    const verified = await evaluate<VerifyTallyResult>(ledger, who.adminA, 'VerifyTally', { electionId: E });
    expect(verified).toMatchObject({
      complete: true,
      confirmed: true,
      mismatches: [],
      invalidBallotCount: 0,
    });
    const receipts = await evaluate<{ ballots: BallotRecord[] }>(ledger, who.b1, 'ListBallots', {
      electionId: E,
    });
    expect(receipts.ballots).toHaveLength(3);
  });

  it('detects a ballot written directly into the ledger beyond the issued tokens, even with valid signatures', async () => {
    const extra = await signToken(await blindToken(E, both), both);
    const ballot: BallotRecord = {
      docType: 'ballot',
      electionId: E,
      mode: 'secret',
      receipt: extra.receipt,
      choices: ['no'],
      castAt: T.during,
      version: 1,
      token: extra.token,
      signatures: extra.signatures,
    };
    await ledger.submit(who.adminA, (ctx) => writeJson(ctx, ballotKey(E, extra.receipt), ballot));
    const v = await evaluate<VerifyTallyResult>(ledger, who.adminA, 'VerifyTally', { electionId: E });
    expect(v.confirmed).toBe(false);
    expect(v.invalidBallotCount).toBe(0); // every signature verifies: only the count gives it away
    expect(v.mismatches).toEqual(expect.arrayContaining(['turnout', 'integrity']));
    expect(v.recount?.integrity).toEqual({ ok: false, overRoll: 1, overIssued: 1 });
    expect(v.recount?.passed).toBe(false);

    const rogueBallot = await signToken(await blindToken(E, { CityAMSP: keyA, CityBMSP: rogue }), {
      CityAMSP: keyA,
      CityBMSP: rogue,
    });
    await ledger.submit(who.adminA, (ctx) =>
      writeJson(ctx, ballotKey(E, rogueBallot.receipt), {
        ...ballot,
        receipt: rogueBallot.receipt,
        token: rogueBallot.token,
        signatures: rogueBallot.signatures,
      }),
    );
    const w = await evaluate<VerifyTallyResult>(ledger, who.adminA, 'VerifyTally', { electionId: E });
    expect(w.invalidBallots).toEqual([{ receipt: rogueBallot.receipt, reason: 'bad signature of CityBMSP' }]);
  });
});

describe('a tally over stuffed ballots', () => {
  it('fails the election (nothing passes) and VerifyTally never confirms it', async () => {
    const ledger = newLedger();
    await setUpSecret(ledger, both);
    const a1 = await obtainToken(ledger, who.a1, E, both);
    await castBatch(ledger, [ballotOf(a1, ['yes'])]);
    for (let i = 0; i < 3; i++) {
      const s = await signToken(await blindToken(E, both), both);
      const ballot: BallotRecord = {
        docType: 'ballot',
        electionId: E,
        mode: 'secret',
        receipt: s.receipt,
        choices: ['yes'],
        castAt: T.during,
        version: 1,
        token: s.token,
        signatures: s.signatures,
      };
      await ledger.submit(who.adminA, (ctx) => writeJson(ctx, ballotKey(E, s.receipt), ballot));
    }
    const tally = await submit<TallyRecord>(
      ledger,
      who.adminB,
      'TallyElection',
      { electionId: E },
      { time: T.after },
    );
    // turnout 4 on a roll of 3 with 1 token issued
    expect(tally.result).toMatchObject({
      turnout: 4,
      rollSize: 3,
      issuedTokens: 1,
      passed: false,
      winners: [],
      integrity: { ok: false, overRoll: 1, overIssued: 3 },
    });
    const v = await evaluate<VerifyTallyResult>(ledger, who.adminA, 'VerifyTally', { electionId: E });
    expect(v).toMatchObject({
      complete: true,
      confirmed: false,
      mismatches: ['integrity'],
      invalidBallotCount: 0,
    });
  }, 30_000);
});

describe('the deterministic variant', () => {
  it('accepts tokens prepared without a random prefix and refuses tokens with one', async () => {
    const ledger = newLedger();
    await setUpSecret(ledger, both, {
      electionId: 'E-DET',
      mode: {
        kind: 'secret',
        variant: 'RSABSSA-SHA384-PSS-Deterministic',
        authorities: [{ mspId: 'CityAMSP' }, { mspId: 'CityBMSP' }],
        threshold: 2,
      },
    });
    const d = await obtainToken(ledger, who.b1, 'E-DET', both, T.beforeOpen, deterministic);
    const r = await submit<{ receipts: string[] }>(
      ledger,
      who.ballotBoxA,
      'CastSecretBallots',
      { electionId: 'E-DET', ballots: [ballotOf(d, ['abstain'])] },
      { time: T.during },
    );
    expect(r.receipts).toEqual([d.receipt]);
    const prefixed = await signToken(await blindToken('E-DET', both, randomized), both, randomized);
    await expectRefused(
      ledger,
      who.ballotBoxA,
      'CastSecretBallots',
      { electionId: 'E-DET', ballots: [ballotOf(prefixed, ['yes'])] },
      { code: 'INVALID_TOKEN', status: 400 },
      { time: T.during },
    );
  }, 30_000);
});
