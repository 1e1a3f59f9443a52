/**
 * Secret elections with real RFC 9474 blind signatures: the voter blinds a
 * token they made, the "gateway" blind-signs it with the authority's private key
 * after RequestToken committed, the voter finalizes, and the ballot box casts.
 */
import { createHash, generateKeyPairSync, randomBytes, webcrypto } from 'crypto';
import { RSABSSA, type BlindRSA } from '@cloudflare/blindrsa-ts';
import { writeJson } from '@govledger/chaincode-common';
import { TestLedger } from '@govledger/chaincode-common/testing';
import {
  tokenMessage,
  type Ballot as BallotRecord,
  type Election as ElectionRecord,
  type Tally as TallyRecord,
} from '../src';
import { ballotKey } from '../src/keys';
import { T, evaluate, expectRefused, newLedger, openElection, pid, subject, submit, who } from './helpers';

type Key = webcrypto.CryptoKey;

const randomized = RSABSSA.SHA384.PSS.Randomized();
const deterministic = RSABSSA.SHA384.PSS.Deterministic();

let authority: { publicKey: Key; privateKey: Key };
let rogue: { publicKey: Key; privateKey: Key };
let spkiPem: string;
let publicJwk: webcrypto.JsonWebKey;

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

beforeAll(async () => {
  // key generation is the slow part: once per file
  authority = (await randomized.generateKey({
    publicExponent: Uint8Array.from([1, 0, 1]),
    modulusLength: 2048,
  })) as {
    publicKey: Key;
    privateKey: Key;
  };
  rogue = (await randomized.generateKey({
    publicExponent: Uint8Array.from([1, 0, 1]),
    modulusLength: 2048,
  })) as {
    publicKey: Key;
    privateKey: Key;
  };
  const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', authority.publicKey));
  spkiPem = `-----BEGIN PUBLIC KEY-----\n${spki.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PUBLIC KEY-----\n`;
  publicJwk = await webcrypto.subtle.exportKey('jwk', authority.publicKey);
}, 60_000);

function secretElection(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return openElection({
    electionId: 'E-SECRET-1',
    title: 'Community budget: build the library?',
    ballot: { kind: 'yesNoAbstain' },
    quorum: { kind: 'perMilleOfRoll', perMille: 500 },
    passThresholdPerMille: 500,
    mode: {
      kind: 'secret',
      authority: {
        variant: 'RSABSSA-SHA384-PSS-Randomized',
        publicKey: { format: 'spki-pem', pem: spkiPem },
      },
    },
    ...overrides,
  });
}

/** A token as the voter's app holds it after the blind-signing round. */
interface Token {
  token: string;
  signature: string;
  receipt: string;
}

/**
 * The whole client + gateway round: the voter makes a token message bound to the
 * election, prepares and blinds it; the gateway blind-signs only the blinded
 * message; the voter finalizes (which also verifies the signature).
 */
async function obtainToken(
  electionId: string,
  suite: BlindRSA = randomized,
  signer: { publicKey: Key; privateKey: Key } = authority,
): Promise<Token> {
  const message = new TextEncoder().encode(tokenMessage(electionId, randomBytes(32).toString('hex')));
  const prepared = suite.prepare(message);
  const { blindedMsg, inv } = await suite.blind(signer.publicKey, prepared);
  const blindSignature = await suite.blindSign(signer.privateKey, blindedMsg); // gateway side
  const signature = await suite.finalize(signer.publicKey, prepared, blindSignature, inv);
  return {
    token: b64url(prepared),
    signature: b64url(signature),
    receipt: createHash('sha256').update(prepared).digest('hex'),
  };
}

async function secretWithRoll(
  ledger: TestLedger,
  overrides: Record<string, unknown> = {},
): Promise<ElectionRecord> {
  const e = await submit<ElectionRecord>(ledger, who.adminA, 'CreateElection', secretElection(overrides), {
    time: T.create,
  });
  await submit(
    ledger,
    who.adminA,
    'RegisterVoters',
    {
      electionId: e.electionId,
      batchId: 'B1',
      voters: [who.a1, who.a2, who.b1].map(subject),
    },
    { time: T.beforeOpen },
  );
  return e;
}

describe('the runtime', () => {
  it('has WebCrypto on globalThis (Node 20)', () => {
    expect(typeof globalThis.crypto?.subtle?.verify).toBe('function');
  });
});

describe('the authority public key', () => {
  it('is stored normalised, the same from SPKI PEM and from JWK, with no private part', async () => {
    const ledger = newLedger();
    const fromPem = await submit<ElectionRecord>(ledger, who.adminA, 'CreateElection', secretElection(), {
      time: T.create,
    });
    const fromJwk = await submit<ElectionRecord>(
      ledger,
      who.adminA,
      'CreateElection',
      secretElection({
        electionId: 'E-SECRET-JWK',
        mode: {
          kind: 'secret',
          authority: {
            variant: 'RSABSSA-SHA384-PSS-Deterministic',
            publicKey: { format: 'jwk', jwk: publicJwk },
          },
        },
      }),
      { time: T.create },
    );
    if (fromPem.mode.kind !== 'secret' || fromJwk.mode.kind !== 'secret') throw new Error('not secret');
    expect(fromPem.mode.authority).toMatchObject({
      variant: 'RSABSSA-SHA384-PSS-Randomized',
      modulusBits: 2048,
      jwk: { kty: 'RSA', n: publicJwk.n, e: 'AQAB' },
    });
    expect(fromPem.mode.authority.publicKeyPem).toBe(spkiPem);
    expect(fromJwk.mode.authority.fingerprint).toBe(fromPem.mode.authority.fingerprint);
    expect(fromJwk.mode.authority.publicKeyPem).toBe(fromPem.mode.authority.publicKeyPem);
    expect(JSON.stringify(ledger.snapshot())).not.toMatch(/"d"|PRIVATE/);
  });

  it('refuses private keys, small keys, other exponents, non-RSA keys and garbage', async () => {
    const ledger = newLedger();
    const withKey = (publicKey: unknown) =>
      secretElection({
        mode: { kind: 'secret', authority: { variant: 'RSABSSA-SHA384-PSS-Randomized', publicKey } },
      });
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const e3 = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = (k: { publicKey: { export(o: object): string | Buffer } }) =>
      String(k.publicKey.export({ type: 'spki', format: 'pem' }));
    const privatePem = String(small.privateKey.export({ type: 'pkcs8', format: 'pem' }));
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
      [{ format: 'jwk', jwk: { ...publicJwk, n: 'AQAB' } }, 'INVALID_PUBLIC_KEY'],
      [{ format: 'jwk', jwk: small.privateKey.export({ format: 'jwk' }) }, 'INVALID_ARGUMENT'],
      [{ format: 'der', der: 'AAAA' }, 'INVALID_ARGUMENT'],
    ];
    for (const [publicKey, code] of cases) {
      await expectRefused(
        ledger,
        who.adminA,
        'CreateElection',
        withKey(publicKey),
        { code, status: 400 },
        { time: T.create },
      );
    }
    await expectRefused(
      ledger,
      who.adminA,
      'CreateElection',
      secretElection({
        mode: {
          kind: 'secret',
          authority: {
            variant: 'RSABSSA-SHA512-PSS-Randomized',
            publicKey: { format: 'spki-pem', pem: spkiPem },
          },
        },
      }),
      { code: 'INVALID_ARGUMENT', status: 400 },
      { time: T.create },
    );
  });
});

describe('RequestToken', () => {
  it('records that an eligible voter got their token, never the token, and refuses a second request', async () => {
    const ledger = newLedger();
    const e = await secretWithRoll(ledger);
    if (e.mode.kind !== 'secret') throw new Error('not secret');
    const r = await submit(
      ledger,
      who.a1,
      'RequestToken',
      { electionId: e.electionId },
      { time: T.beforeOpen },
    );
    expect(r).toMatchObject({
      electionId: e.electionId,
      voter: subject(who.a1),
      requestedAt: T.beforeOpen,
      keyFingerprint: e.mode.authority.fingerprint,
    });
    expect(ledger.events.at(-1)).toMatchObject({
      name: 'TokenRequested',
      payload: { electionId: e.electionId, voter: subject(who.a1), txId: r.txId },
    });
    const status = await evaluate(ledger, who.adminA, 'GetVoterStatus', {
      electionId: e.electionId,
      ...subject(who.a1),
    });
    expect(status).toMatchObject({
      onRoll: true,
      voted: null,
      tokenRequest: { voter: subject(who.a1), txId: r.txId },
    });
    await expectRefused(
      ledger,
      who.a1,
      'RequestToken',
      { electionId: e.electionId },
      {
        code: 'TOKEN_ALREADY_ISSUED',
        status: 409,
      },
      { time: T.during },
    );
  });

  it('refuses ineligible voters and requests from the closing time on', async () => {
    const ledger = newLedger();
    await secretWithRoll(ledger);
    const ref = { electionId: 'E-SECRET-1' };
    for (const caller of [who.b2, who.noPid, who.ballotBoxA, who.adminA]) {
      await expectRefused(
        ledger,
        caller,
        'RequestToken',
        ref,
        { code: 'INELIGIBLE_VOTER', status: 403 },
        { time: T.during },
      );
    }
    await expectRefused(
      ledger,
      who.a2,
      'RequestToken',
      ref,
      { code: 'VOTING_CLOSED', status: 409 },
      { time: T.closes },
    );
    await submit(ledger, who.a2, 'RequestToken', ref, { time: T.lastMs });
  });
});

describe('a full secret election with blind signatures', () => {
  let ledger: TestLedger;
  const tokens: Record<string, Token> = {};

  beforeAll(async () => {
    ledger = newLedger();
    await secretWithRoll(ledger);
    for (const voter of ['a1', 'a2', 'b1'] as const) {
      // 1. the voter records their token request; 2. after it commits the gateway blind-signs
      await submit(ledger, who[voter], 'RequestToken', { electionId: 'E-SECRET-1' }, { time: T.beforeOpen });
      tokens[voter] = await obtainToken('E-SECRET-1');
    }
  }, 60_000);

  it('refuses a ballot before opening, even with a valid token', async () => {
    const t = tokens.a1 as Token;
    await expectRefused(
      ledger,
      who.ballotBoxA,
      'CastSecretBallot',
      {
        electionId: 'E-SECRET-1',
        choices: ['yes'],
        token: t.token,
        signature: t.signature,
      },
      { code: 'VOTING_NOT_OPEN', status: 409 },
      { time: T.beforeOpen },
    );
  });

  it('refuses a voter casting a secret ballot directly (only the ballot box may)', async () => {
    const t = tokens.a1 as Token;
    await expectRefused(
      ledger,
      who.a1,
      'CastSecretBallot',
      {
        electionId: 'E-SECRET-1',
        choices: ['yes'],
        token: t.token,
        signature: t.signature,
      },
      { code: 'FORBIDDEN', status: 403 },
      { time: T.during },
    );
    await expectRefused(
      ledger,
      who.a1,
      'CastBallot',
      { electionId: 'E-SECRET-1', choices: ['yes'] },
      {
        code: 'WRONG_MODE',
        status: 409,
      },
      { time: T.during },
    );
  });

  it('casts through either ballot box; the ballot carries the receipt, not the voter', async () => {
    const a1 = tokens.a1 as Token;
    const r = await submit(
      ledger,
      who.ballotBoxB,
      'CastSecretBallot',
      {
        electionId: 'E-SECRET-1',
        choices: ['yes'],
        token: a1.token,
        signature: a1.signature,
      },
      { time: T.during },
    );
    expect(r).toEqual({ electionId: 'E-SECRET-1', receipt: a1.receipt, castAt: T.during, replaced: false });
    expect(ledger.events.at(-1)).toMatchObject({
      name: 'BallotCast',
      payload: { mode: 'secret', receipt: a1.receipt },
    });
    const ballot = await evaluate<BallotRecord>(ledger, who.a1, 'GetReceipt', {
      electionId: 'E-SECRET-1',
      receipt: a1.receipt,
    });
    expect(ballot).toEqual({
      docType: 'ballot',
      electionId: 'E-SECRET-1',
      mode: 'secret',
      receipt: a1.receipt,
      choices: ['yes'],
      castAt: T.during,
      version: 1,
      token: a1.token,
      signature: a1.signature,
    });
    // nothing on the ledger links a voter's pid to the ballot, nor the token to the voter's request
    const state = ledger.snapshot();
    const ballotText = state[ballotKey('E-SECRET-1', a1.receipt)] as string;
    for (const voter of [who.a1, who.a2, who.b1]) expect(ballotText).not.toContain(pid(voter));
    for (const [key, value] of Object.entries(state)) {
      if (key.includes('token')) {
        expect(value).not.toContain(a1.receipt);
        expect(value).not.toContain(a1.token);
      }
    }
  });

  it('refuses a reused token, whatever the choice', async () => {
    const a1 = tokens.a1 as Token;
    for (const choices of [['yes'], ['no']]) {
      await expectRefused(
        ledger,
        who.ballotBoxA,
        'CastSecretBallot',
        {
          electionId: 'E-SECRET-1',
          choices,
          token: a1.token,
          signature: a1.signature,
        },
        { code: 'TOKEN_ALREADY_USED', status: 409 },
        { time: T.during },
      );
    }
  });

  it('refuses a tampered signature, a signature from another key and a signature for another token', async () => {
    const a2 = tokens.a2 as Token;
    const b1 = tokens.b1 as Token;
    const sig = Buffer.from(a2.signature, 'base64url');
    sig[10] = (sig[10] ?? 0) ^ 0x01;
    const forged = await obtainToken('E-SECRET-1', randomized, rogue);
    const cases = [
      { token: a2.token, signature: b64url(sig) },
      { token: forged.token, signature: forged.signature },
      { token: a2.token, signature: b1.signature },
      { token: a2.token, signature: a2.signature.slice(0, 40) },
    ];
    for (const c of cases) {
      await expectRefused(
        ledger,
        who.ballotBoxA,
        'CastSecretBallot',
        { electionId: 'E-SECRET-1', choices: ['no'], ...c },
        {
          code: 'BAD_SIGNATURE',
          status: 400,
        },
        { time: T.during },
      );
    }
  });

  it('refuses a token bound to another election or not a token at all', async () => {
    const other = await obtainToken('E-SECRET-2');
    const plain = Buffer.from(tokenMessage('E-SECRET-1', 'ab')).toString('base64url');
    for (const c of [
      { token: other.token, signature: other.signature },
      { token: plain, signature: (tokens.a2 as Token).signature },
      { token: 'AAE', signature: (tokens.a2 as Token).signature },
    ]) {
      await expectRefused(
        ledger,
        who.ballotBoxA,
        'CastSecretBallot',
        { electionId: 'E-SECRET-1', choices: ['no'], ...c },
        {
          code: 'INVALID_TOKEN',
          status: 400,
        },
        { time: T.during },
      );
    }
  });

  it('checks the choices like an open ballot', async () => {
    const a2 = tokens.a2 as Token;
    const cast = (choices: string[]) => ({
      electionId: 'E-SECRET-1',
      choices,
      token: a2.token,
      signature: a2.signature,
    });
    await expectRefused(
      ledger,
      who.ballotBoxA,
      'CastSecretBallot',
      cast(['maybe']),
      { code: 'INVALID_OPTION', status: 400 },
      {
        time: T.during,
      },
    );
    await expectRefused(
      ledger,
      who.ballotBoxA,
      'CastSecretBallot',
      cast(['yes', 'no']),
      {
        code: 'TOO_MANY_CHOICES',
        status: 400,
      },
      { time: T.during },
    );
  });

  it('counts the ballots, stores the result and recounts with every signature re-verified', async () => {
    await submit(
      ledger,
      who.ballotBoxA,
      'CastSecretBallot',
      {
        electionId: 'E-SECRET-1',
        choices: ['no'],
        token: (tokens.a2 as Token).token,
        signature: (tokens.a2 as Token).signature,
      },
      { time: T.during },
    );
    const b1 = tokens.b1 as Token;
    await expectRefused(
      ledger,
      who.ballotBoxA,
      'CastSecretBallot',
      {
        electionId: 'E-SECRET-1',
        choices: ['yes'],
        token: b1.token,
        signature: b1.signature,
      },
      { code: 'VOTING_CLOSED', status: 409 },
      { time: T.closes },
    );
    await expectRefused(
      ledger,
      who.auditorB,
      'TallyElection',
      { electionId: 'E-SECRET-1' },
      {
        code: 'ELECTION_NOT_CLOSED',
        status: 409,
      },
      { time: T.during },
    );
    const tally = await submit<TallyRecord>(
      ledger,
      who.adminB,
      'TallyElection',
      { electionId: 'E-SECRET-1' },
      { time: T.after },
    );
    expect(tally.result).toEqual({
      turnout: 2,
      rollSize: 3,
      quorum: { kind: 'perMilleOfRoll', required: 2, met: true },
      counts: [
        { option: 'yes', votes: 1 },
        { option: 'no', votes: 1 },
        { option: 'abstain', votes: 0 },
      ],
      winners: [],
      tie: false,
      passed: false,
    });
    const verified = await evaluate(ledger, who.adminA, 'VerifyTally', { electionId: 'E-SECRET-1' });
    expect(verified).toMatchObject({ confirmed: true, mismatches: [], invalidBallotCount: 0 });
    const receipts = await evaluate<{ ballots: BallotRecord[] }>(ledger, who.b1, 'ListBallots', {
      electionId: 'E-SECRET-1',
    });
    expect(receipts.ballots.map((b) => b.receipt).sort()).toEqual(
      [(tokens.a1 as Token).receipt, (tokens.a2 as Token).receipt].sort(),
    );
  });

  it('flags a ballot slipped in behind the chaincode with a bad signature when recounting', async () => {
    const fake = await obtainToken('E-SECRET-1', randomized, rogue);
    const ballot: BallotRecord = {
      docType: 'ballot',
      electionId: 'E-SECRET-1',
      mode: 'secret',
      receipt: fake.receipt,
      choices: ['yes'],
      castAt: T.during,
      version: 1,
      token: fake.token,
      signature: fake.signature,
    };
    await ledger.submit(who.adminA, (ctx) => writeJson(ctx, ballotKey('E-SECRET-1', fake.receipt), ballot));
    const v = await evaluate<{ confirmed: boolean; invalidBallots: unknown[] }>(
      ledger,
      who.adminA,
      'VerifyTally',
      {
        electionId: 'E-SECRET-1',
      },
    );
    expect(v.confirmed).toBe(false);
    expect(v.invalidBallots).toEqual([{ receipt: fake.receipt, reason: 'bad signature' }]);
  });
});

describe('the deterministic variant', () => {
  it('accepts tokens prepared without a random prefix and refuses tokens with one', async () => {
    const ledger = newLedger();
    await secretWithRoll(ledger, {
      electionId: 'E-DET',
      mode: {
        kind: 'secret',
        authority: {
          variant: 'RSABSSA-SHA384-PSS-Deterministic',
          publicKey: { format: 'jwk', jwk: publicJwk },
        },
      },
    });
    await submit(ledger, who.b1, 'RequestToken', { electionId: 'E-DET' }, { time: T.beforeOpen });
    const t = await obtainToken('E-DET', deterministic);
    const r = await submit(
      ledger,
      who.ballotBoxA,
      'CastSecretBallot',
      {
        electionId: 'E-DET',
        choices: ['abstain'],
        token: t.token,
        signature: t.signature,
      },
      { time: T.during },
    );
    expect(r.receipt).toBe(t.receipt);
    const prefixed = await obtainToken('E-DET', randomized);
    await expectRefused(
      ledger,
      who.ballotBoxA,
      'CastSecretBallot',
      {
        electionId: 'E-DET',
        choices: ['yes'],
        token: prefixed.token,
        signature: prefixed.signature,
      },
      { code: 'INVALID_TOKEN', status: 400 },
      { time: T.during },
    );
  }, 30_000);
});
