/**
 * Token issuance by k of n authorities on its own, with a fake ledger, key
 * stores and signing log: what it checks before anything reaches Fabric, that
 * the voter's request commits under the voter's identity, that each authority
 * signs only after its own organisation's IssueToken committed, once, and that
 * it relays the chaincode.
 */
import { createHash } from 'node:crypto';
import { eVoting } from '@govledger/wire';
import type { Caller } from '../src/auth';
import type { AuthorityPublic, IssuedToken } from '../src/election-keys';
import {
  IssuanceErrorCode,
  issueAsAuthority,
  requestToken,
  type TokenIssuanceDeps,
} from '../src/elections/token-issuance';
import { ChaincodeRefusal, EndorseError, type Invocation } from '../src/fabric/ledger';
import { HttpProblem } from '../src/http/problem';

const PID = 'ab'.repeat(32);
const FP = { CityAMSP: 'aa'.repeat(32), CityBMSP: 'bb'.repeat(32) } as Record<string, string>;
const voter: Caller = { subject: 'alice', org: 'CityAMSP', roles: ['citizen'], pid: PID };
const subject = { mspId: 'CityAMSP', pid: PID };
const blinded = (fill: number) => Buffer.alloc(256, fill).toString('base64url');
const hashOf = (fill: number) => createHash('sha256').update(Buffer.alloc(256, fill)).digest('hex');
const both = (a = 7, b = 8) => [
  { mspId: 'CityAMSP', blindedMsg: blinded(a) },
  { mspId: 'CityBMSP', blindedMsg: blinded(b) },
];

interface Call {
  caller: Caller;
  invocation: Invocation;
}

interface Fake {
  deps: TokenIssuanceDeps;
  submitted: Call[];
  signed: string[];
  log: Map<string, IssuedToken>;
  mode: string;
  phase: eVoting.Phase;
  registered: string[];
  held: Record<string, string>;
  served: string[];
  /** The chaincode: a transaction's result, or a thrown refusal. */
  chaincode: Record<string, (request: Record<string, unknown>, caller: Caller) => unknown>;
  status: { tokenRequest: unknown; issuances: unknown[] };
}

function fake(): Fake {
  const f: Fake = {
    submitted: [],
    signed: [],
    log: new Map(),
    mode: 'secret',
    phase: 'open',
    registered: ['CityAMSP', 'CityBMSP'],
    held: { ...FP },
    served: ['CityAMSP', 'CityBMSP'],
    chaincode: {
      RequestToken: (_r, c) => ({ electionId: 'E-1', voter: { mspId: c.org, pid: c.pid }, txId: 'tx-req' }),
      IssueToken: (r) => ({ ...r, txId: 'tx-issue' }),
    },
    status: { tokenRequest: null, issuances: [] },
    deps: undefined as unknown as TokenIssuanceDeps,
  };
  const keys = (mspId: string) => ({
    async get(): Promise<AuthorityPublic | undefined> {
      const fingerprint = f.held[mspId];
      return fingerprint
        ? { variant: 'RSABSSA-SHA384-PSS-Randomized', publicKeyPem: '', fingerprint, modulusBits: 2048 }
        : undefined;
    },
    async blindSign(_id: string, msg: Uint8Array) {
      f.signed.push(`${mspId}:${Buffer.from(msg).toString('base64url')}`);
      return Uint8Array.from([msg[0] ?? 0, mspId === 'CityAMSP' ? 0xa : 0xb]);
    },
  });
  const k = (e: string, a: string, v: string) => `${e}|${a}|${v}`;
  f.deps = {
    chaincode: 'e-voting',
    transactions: {
      async evaluate(_caller, invocation) {
        if (invocation.transaction === 'GetVoterStatus') return f.status;
        if (invocation.transaction !== 'GetElection') throw new Error(`unexpected ${invocation.transaction}`);
        return {
          election: { mode: { kind: f.mode } },
          phase: f.phase,
          authorities: f.registered.map((mspId) => ({
            mspId,
            key: { fingerprint: FP[mspId], modulusBits: 2048 },
          })),
        };
      },
      async submit(caller, invocation) {
        f.submitted.push({ caller, invocation });
        const handler = f.chaincode[invocation.transaction];
        if (!handler) throw new Error(`unexpected ${invocation.transaction}`);
        const result = handler(JSON.parse(invocation.args[0] as string) as Record<string, unknown>, caller);
        const txId = (result as { txId: string }).txId;
        return { kind: 'committed' as const, transactionId: txId, blockNumber: 7n, result, replayed: false };
      },
    },
    keysOf: (mspId) => (f.served.includes(mspId) ? keys(mspId) : undefined),
    authorityCaller: (mspId) =>
      f.served.includes(mspId)
        ? { subject: `admin-${mspId}`, org: mspId, roles: ['election-admin'] }
        : undefined,
    log: {
      get: async (e, a, v) => f.log.get(k(e, a, v)),
      async reserve(e, a, v, blindedHash, txId) {
        if (f.log.has(k(e, a, v))) return false;
        f.log.set(k(e, a, v), { electionId: e, authority: a, voter: v, blindedHash, txId });
        return true;
      },
      async signed(e, a, v, blindSig) {
        const rec = f.log.get(k(e, a, v));
        if (rec) rec.blindSig = blindSig;
      },
    },
  };
  return f;
}

async function refusal(p: Promise<unknown>): Promise<HttpProblem | ChaincodeRefusal> {
  try {
    await p;
  } catch (err) {
    if (err instanceof HttpProblem || err instanceof ChaincodeRefusal) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

const codeOf = (e: HttpProblem | ChaincodeRefusal) => (e instanceof HttpProblem ? e.code : e.body.code);
const refuse =
  (code: string, status = 409) =>
  () => {
    throw new ChaincodeRefusal('endorse', { code, status, message: code } as never);
  };

describe('requestToken', () => {
  it("records the voter's request with hashes only, then each authority issues under its own organisation and signs", async () => {
    const f = fake();
    const r = await requestToken(f.deps, voter, 'E-1', both());
    expect(r).toEqual({
      electionId: 'E-1',
      requestTxId: 'tx-req',
      signatures: [
        {
          mspId: 'CityAMSP',
          blindSig: Buffer.from([7, 0xa]).toString('base64url'),
          transactionId: 'tx-issue',
        },
        {
          mspId: 'CityBMSP',
          blindSig: Buffer.from([8, 0xb]).toString('base64url'),
          transactionId: 'tx-issue',
        },
      ],
      pending: [],
    });
    expect(f.submitted.map((c) => [c.invocation.transaction, c.caller.org, c.caller.subject])).toEqual([
      ['RequestToken', 'CityAMSP', 'alice'],
      ['IssueToken', 'CityAMSP', 'admin-CityAMSP'],
      ['IssueToken', 'CityBMSP', 'admin-CityBMSP'],
    ]);
    expect(JSON.parse(f.submitted[0]?.invocation.args[0] as string)).toEqual({
      electionId: 'E-1',
      blinded: [
        { mspId: 'CityAMSP', blindedHash: hashOf(7) },
        { mspId: 'CityBMSP', blindedHash: hashOf(8) },
      ],
    });
    expect(JSON.parse(f.submitted[2]?.invocation.args[0] as string)).toEqual({
      electionId: 'E-1',
      voter: subject,
      blindedHash: hashOf(8),
    });
    expect(f.signed).toEqual([`CityAMSP:${blinded(7)}`, `CityBMSP:${blinded(8)}`]);
  });

  it('gives a retry with the same blinded messages the same signatures, and refuses other messages', async () => {
    const f = fake();
    const first = await requestToken(f.deps, voter, 'E-1', both());
    f.chaincode.RequestToken = refuse(eVoting.ErrorCode.TokenAlreadyIssued);
    f.status.tokenRequest = {
      txId: 'tx-req',
      blinded: [
        { mspId: 'CityAMSP', blindedHash: hashOf(7) },
        { mspId: 'CityBMSP', blindedHash: hashOf(8) },
      ],
    };
    const again = await requestToken(f.deps, voter, 'E-1', both());
    expect(again).toEqual(first);
    expect(f.signed).toHaveLength(2);
    expect(f.submitted.filter((c) => c.invocation.transaction === 'IssueToken')).toHaveLength(2);
    const other = await refusal(requestToken(f.deps, voter, 'E-1', both(7, 9)));
    expect(codeOf(other)).toBe(eVoting.ErrorCode.TokenAlreadyIssued);
    expect(f.signed).toHaveLength(2);
  });

  it('leaves authorities this gateway does not act for pending', async () => {
    const f = fake();
    f.served = ['CityAMSP'];
    const r = await requestToken(f.deps, voter, 'E-1', both());
    expect(r.signatures.map((s) => s.mspId)).toEqual(['CityAMSP']);
    expect(r.pending).toEqual(['CityBMSP']);
  });

  it('refuses bad blinded messages, open and closed elections and authorities without a registered key', async () => {
    const cases: [(f: Fake) => void, { mspId: string; blindedMsg: string }[], string][] = [
      [
        () => undefined,
        [{ mspId: 'CityAMSP', blindedMsg: 'AAAA' }, both()[1]!],
        IssuanceErrorCode.InvalidRequest,
      ],
      [
        () => undefined,
        [{ mspId: 'CityAMSP', blindedMsg: `${blinded(7)}A` }, both()[1]!],
        IssuanceErrorCode.InvalidRequest,
      ],
      [(f) => (f.mode = 'open'), both(), eVoting.ErrorCode.WrongMode],
      [(f) => (f.phase = 'closed'), both(), eVoting.ErrorCode.VotingClosed],
      [(f) => (f.registered = ['CityAMSP']), both(), eVoting.ErrorCode.AuthorityKeyMissing],
    ];
    for (const [setup, body, code] of cases) {
      const f = fake();
      setup(f);
      expect(codeOf(await refusal(requestToken(f.deps, voter, 'E-1', body)))).toBe(code);
      expect(f.submitted).toHaveLength(0);
      expect(f.signed).toHaveLength(0);
    }
  });

  it("relays the chaincode's refusals and signs nothing", async () => {
    const f = fake();
    f.chaincode.RequestToken = refuse(eVoting.ErrorCode.IneligibleVoter, 403);
    expect(codeOf(await refusal(requestToken(f.deps, voter, 'E-1', both())))).toBe(
      eVoting.ErrorCode.IneligibleVoter,
    );
    const g = fake();
    g.chaincode.IssueToken = refuse(eVoting.ErrorCode.BlindedMismatch);
    expect(codeOf(await refusal(requestToken(g.deps, voter, 'E-1', both())))).toBe(
      eVoting.ErrorCode.BlindedMismatch,
    );
    expect([...f.signed, ...g.signed]).toEqual([]);
  });

  it("signs nothing when the committed token request is not the caller's", async () => {
    const f = fake();
    f.chaincode.RequestToken = () => ({ voter: { mspId: 'CityBMSP', pid: PID }, txId: 'tx-req' });
    const r = await refusal(requestToken(f.deps, voter, 'E-1', both()));
    expect(codeOf(r)).toBe(IssuanceErrorCode.RequestMismatch);
    expect(f.signed).toEqual([]);
  });
});

describe('issueAsAuthority', () => {
  it("tries again while the other organisation's endorser lags the step just committed", async () => {
    const f = fake();
    const answers = [
      () => {
        throw new EndorseError('rejected', 'ProposalResponsePayloads do not match');
      },
      refuse(eVoting.ErrorCode.TokenNotRequested),
      (r: Record<string, unknown>) => ({ ...r, txId: 'tx-late' }),
    ];
    f.chaincode.IssueToken = (r) => (answers.shift() as (r: Record<string, unknown>) => unknown)(r);
    const r = await issueAsAuthority(f.deps, 'CityAMSP', 'E-1', subject, blinded(7));
    expect(r.transactionId).toBe('tx-late');
    expect(f.submitted.filter((c) => c.invocation.transaction === 'IssueToken')).toHaveLength(3);
    // a refusal that is no lag is not tried again
    const g = fake();
    g.chaincode.IssueToken = refuse(eVoting.ErrorCode.BlindedMismatch);
    await refusal(issueAsAuthority(g.deps, 'CityAMSP', 'E-1', subject, blinded(7)));
    expect(g.submitted).toHaveLength(1);
  });

  it('refuses an authority it does not act for, a key it does not hold and a key other than the registered one', async () => {
    for (const [setup, code] of [
      [(f: Fake) => (f.served = ['CityBMSP']), IssuanceErrorCode.KeyNotHeld],
      [(f: Fake) => delete f.held.CityAMSP, IssuanceErrorCode.KeyNotHeld],
      [(f: Fake) => (f.held.CityAMSP = 'ff'.repeat(32)), IssuanceErrorCode.KeyMismatch],
    ] as const) {
      const f = fake();
      setup(f);
      expect(codeOf(await refusal(issueAsAuthority(f.deps, 'CityAMSP', 'E-1', subject, blinded(7))))).toBe(
        code,
      );
      expect(f.signed).toEqual([]);
    }
  });

  it('signs for an issuance the ledger holds but the log lost (a crash between commit and log), and only for its hash', async () => {
    const f = fake();
    f.chaincode.IssueToken = refuse(eVoting.ErrorCode.TokenAlreadyIssued);
    f.status.issuances = [{ authority: 'CityAMSP', blindedHash: hashOf(7), txId: 'tx-0' }];
    const r = await issueAsAuthority(f.deps, 'CityAMSP', 'E-1', subject, blinded(7));
    expect(r.transactionId).toBe('tx-0');
    const other = await refusal(issueAsAuthority(f.deps, 'CityAMSP', 'E-1', subject, blinded(9)));
    expect(codeOf(other)).toBe(eVoting.ErrorCode.TokenAlreadyIssued);
    expect(f.signed).toEqual([`CityAMSP:${blinded(7)}`]);
  });

  it('keeps the same pid under two organisations apart in its signing log', async () => {
    const f = fake();
    await issueAsAuthority(f.deps, 'CityAMSP', 'E-1', subject, blinded(7));
    await issueAsAuthority(f.deps, 'CityAMSP', 'E-1', { mspId: 'CityBMSP', pid: PID }, blinded(9));
    expect(f.signed).toHaveLength(2);
    expect([...f.log.keys()].sort()).toEqual([
      `E-1|CityAMSP|CityAMSP/${PID}`,
      `E-1|CityAMSP|CityBMSP/${PID}`,
    ]);
  });
});
