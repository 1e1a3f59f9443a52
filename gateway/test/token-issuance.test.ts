/**
 * The blind-signature issuance on its own, with a fake ledger, key store and
 * signing log: what it checks before anything reaches Fabric, that it signs only
 * after the voter's token request committed, and that it relays the chaincode.
 */
import { createHash } from 'node:crypto';
import { eVoting } from '@govledger/wire';
import type { Caller } from '../src/auth';
import type { AuthorityPublic, IssuedToken } from '../src/election-keys';
import {
  IssuanceErrorCode,
  issueBlindSignature,
  type TokenIssuanceDeps,
} from '../src/elections/token-issuance';
import type { Invocation } from '../src/fabric/ledger';
import { HttpProblem } from '../src/http/problem';
import type { WriteOptions } from '../src/writes/transactions';

const PID = 'ab'.repeat(32);
const FINGERPRINT = 'cd'.repeat(32);
const voter: Caller = { subject: 'alice', org: 'CityAMSP', roles: ['citizen'], pid: PID };
const held: AuthorityPublic = {
  variant: 'RSABSSA-SHA384-PSS-Randomized',
  publicKeyPem: '-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n',
  fingerprint: FINGERPRINT,
  modulusBits: 2048,
};
const blinded = (fill: number) => Buffer.alloc(256, fill).toString('base64url');

interface Fake {
  deps: TokenIssuanceDeps;
  submitted: { caller: Caller; invocation: Invocation; options: WriteOptions }[];
  signed: string[];
  log: Map<string, IssuedToken>;
  election: { mode: { kind: string; authority?: { fingerprint?: string } } };
  phase: eVoting.Phase;
  key: AuthorityPublic | undefined;
  requestToken: () => unknown;
}

function fake(): Fake {
  const f: Fake = {
    submitted: [],
    signed: [],
    log: new Map(),
    election: { mode: { kind: 'secret', authority: { fingerprint: FINGERPRINT } } },
    phase: 'open',
    key: held,
    requestToken: () => ({ electionId: 'E-1', voter: { mspId: 'CityAMSP', pid: PID }, txId: 'tx-1' }),
    deps: undefined as unknown as TokenIssuanceDeps,
  };
  f.deps = {
    chaincode: 'e-voting',
    transactions: {
      async evaluate(_caller, invocation) {
        if (invocation.transaction !== 'GetElection') throw new Error(`unexpected ${invocation.transaction}`);
        return { election: f.election, phase: f.phase };
      },
      async submit(caller, invocation, options) {
        f.submitted.push({ caller, invocation, options });
        const result = f.requestToken();
        return {
          kind: 'committed' as const,
          transactionId: 'tx-1',
          blockNumber: 7n,
          result,
          replayed: false,
        };
      },
    },
    keys: {
      async get() {
        return f.key;
      },
      async blindSign(_id, msg) {
        f.signed.push(Buffer.from(msg).toString('base64url'));
        return Uint8Array.from([msg[0] ?? 0, 1, 2, 3]);
      },
    },
    log: {
      get: (e, p) => f.log.get(`${e}|${p}`),
      reserve(e, p, blindedHash, txId) {
        if (f.log.has(`${e}|${p}`)) return false;
        f.log.set(`${e}|${p}`, { electionId: e, pid: p, blindedHash, txId });
        return true;
      },
      signed(e, p, blindSig) {
        const rec = f.log.get(`${e}|${p}`);
        if (rec) rec.blindSig = blindSig;
      },
    },
  };
  return f;
}

async function refusal(p: Promise<unknown>): Promise<HttpProblem> {
  try {
    await p;
  } catch (err) {
    if (err instanceof HttpProblem) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('issueBlindSignature', () => {
  it("records the voter's token request, waits for the commit, then signs the blinded message once", async () => {
    const f = fake();
    const issued = await issueBlindSignature(f.deps, voter, 'E-1', blinded(7));
    expect(issued).toEqual({
      electionId: 'E-1',
      blindSig: Buffer.from([7, 1, 2, 3]).toString('base64url'),
      transactionId: 'tx-1',
    });
    expect(f.submitted).toHaveLength(1);
    expect(f.submitted[0]).toMatchObject({
      caller: voter,
      invocation: { chaincode: 'e-voting', transaction: 'RequestToken', args: ['{"electionId":"E-1"}'] },
      options: { async: false },
    });
    expect(f.signed).toEqual([blinded(7)]);
    expect(f.log.get(`E-1|CityAMSP/${PID}`)).toMatchObject({
      txId: 'tx-1',
      blindSig: Uint8Array.from([7, 1, 2, 3]),
    });
  });

  it('gives a retry of the same blinded message the same signature, without a second token request', async () => {
    const f = fake();
    const first = await issueBlindSignature(f.deps, voter, 'E-1', blinded(7));
    const again = await issueBlindSignature(f.deps, voter, 'E-1', blinded(7));
    expect(again).toEqual(first);
    expect(f.submitted).toHaveLength(1);
    expect(f.signed).toHaveLength(1);
  });

  it('signs a logged request whose signature was not stored (a crash between sign and store)', async () => {
    const f = fake();
    const hash = createHash('sha256').update(Buffer.alloc(256, 7)).digest('hex');
    f.log.set(`E-1|CityAMSP/${PID}`, { electionId: 'E-1', pid: PID, blindedHash: hash, txId: 'tx-0' });
    const issued = await issueBlindSignature(f.deps, voter, 'E-1', blinded(7));
    expect(issued.transactionId).toBe('tx-0');
    expect(f.submitted).toHaveLength(0);
    expect(f.log.get(`E-1|CityAMSP/${PID}`)?.blindSig).toBeDefined();
  });

  it('never signs a second blinded message for a voter (TOKEN_ALREADY_ISSUED)', async () => {
    const f = fake();
    await issueBlindSignature(f.deps, voter, 'E-1', blinded(7));
    const r = await refusal(issueBlindSignature(f.deps, voter, 'E-1', blinded(8)));
    expect({ status: r.status, code: r.code }).toEqual({
      status: 409,
      code: eVoting.ErrorCode.TokenAlreadyIssued,
    });
    expect(f.submitted).toHaveLength(1);
    expect(f.signed).toEqual([blinded(7)]);
  });

  it("relays the chaincode's refusal of the token request and signs nothing", async () => {
    const f = fake();
    f.requestToken = () => {
      throw new HttpProblem(403, eVoting.ErrorCode.IneligibleVoter, 'not on the roll');
    };
    const r = await refusal(issueBlindSignature(f.deps, voter, 'E-1', blinded(7)));
    expect({ status: r.status, code: r.code }).toEqual({ status: 403, code: 'INELIGIBLE_VOTER' });
    expect(f.signed).toHaveLength(0);
    expect(f.log.size).toBe(0);
  });

  it("signs nothing when the committed token request is not the caller's", async () => {
    const f = fake();
    f.requestToken = () => ({
      electionId: 'E-1',
      voter: { mspId: 'CityAMSP', pid: 'ef'.repeat(32) },
      txId: 'tx-1',
    });
    const r = await refusal(issueBlindSignature(f.deps, voter, 'E-1', blinded(7)));
    expect({ status: r.status, code: r.code }).toEqual({
      status: 502,
      code: IssuanceErrorCode.RequestMismatch,
    });
    expect(f.signed).toHaveLength(0);
  });

  it('signs nothing when the committed request is the same pid under another organisation', async () => {
    const f = fake();
    f.requestToken = () => ({ electionId: 'E-1', voter: { mspId: 'CityBMSP', pid: PID }, txId: 'tx-1' });
    const r = await refusal(issueBlindSignature(f.deps, voter, 'E-1', blinded(7)));
    expect({ status: r.status, code: r.code }).toEqual({
      status: 502,
      code: IssuanceErrorCode.RequestMismatch,
    });
    expect(f.signed).toHaveLength(0);
  });

  it('keeps the same pid under two organisations apart in its signing log', async () => {
    const f = fake();
    f.log.set(`E-1|CityBMSP/${PID}`, {
      electionId: 'E-1',
      pid: `CityBMSP/${PID}`,
      blindedHash: '0'.repeat(64),
      txId: 'tx-b',
    });
    const issued = await issueBlindSignature(f.deps, voter, 'E-1', blinded(7));
    expect(issued.transactionId).toBe('tx-1');
    expect(f.submitted).toHaveLength(1);
    expect(f.log.get(`E-1|CityAMSP/${PID}`)).toMatchObject({ txId: 'tx-1' });
  });

  it.each([
    ['not base64url', 'AB'],
    ['the wrong length', 'AAAA'],
  ])('refuses a blinded message that is %s before anything reaches Fabric', async (_what, msg) => {
    const f = fake();
    const r = await refusal(issueBlindSignature(f.deps, voter, 'E-1', msg));
    expect({ status: r.status, code: r.code }).toEqual({
      status: 400,
      code: IssuanceErrorCode.InvalidRequest,
    });
    expect(f.submitted).toHaveLength(0);
  });

  it('refuses open and closed elections and keys it does not hold or that are not the election key', async () => {
    const cases: [(f: Fake) => void, number, string][] = [
      [(f) => (f.election = { mode: { kind: 'open' } }), 409, 'WRONG_MODE'],
      [(f) => (f.phase = 'closed'), 409, 'VOTING_CLOSED'],
      [(f) => (f.key = undefined), 409, IssuanceErrorCode.KeyNotHeld],
      [(f) => (f.key = { ...held, fingerprint: '0'.repeat(64) }), 409, IssuanceErrorCode.KeyMismatch],
    ];
    for (const [setup, status, code] of cases) {
      const f = fake();
      setup(f);
      const r = await refusal(issueBlindSignature(f.deps, voter, 'E-1', blinded(7)));
      expect({ status: r.status, code: r.code }).toEqual({ status, code });
      expect(f.submitted).toHaveLength(0);
      expect(f.signed).toHaveLength(0);
    }
  });
});
