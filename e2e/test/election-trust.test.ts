/**
 * Elections no single party can stuff (issue 15), on the real network and
 * through the REST gateway: 22 voters enrolled at both cities get tokens from
 * both cities' authorities (each authority's key made and held for its own
 * organisation, registered by its own election admin, every issuance recorded
 * by that organisation before it signs), vote through the anonymous ballot box,
 * and the ledger shows the ballots committed in a few shuffled batches, not one
 * transaction per voter. The tally and the paged recount confirm; one city's
 * authority alone cannot add a ballot.
 *
 * Runs alone: `cd e2e && flock /work/wt/e2e.lock npx jest test/election-trust.test.ts`.
 */
import { RSABSSA } from '@cloudflare/blindrsa-ts';
import { eVoting } from '@govledger/wire';
import { createHash, randomBytes, webcrypto } from 'crypto';
import { readFileSync } from 'fs';
import { SignJWT } from 'jose';
import path from 'path';
import { waitUntil } from '../src/clock';
import { actAs, closeAll, refused } from '../src/fabric-client';
import { gatewayUrl, http } from '../src/gateway-client';
import { stateDir } from '../src/test-network';

jest.setTimeout(600_000);

const suite = RSABSSA.SHA384.PSS.Randomized();
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const run = Date.now().toString(36);
const E = `E-TRUST-${run}`;
const PER_CITY = 11;
/** The gateway's default: a batch is submitted once this many ballots wait (BALLOT_BOX_MIN_BATCH). */
const MIN_BATCH = 10;
/** The gateway's default close flush lead (BALLOT_BOX_CLOSE_LEAD_MS). */
const CLOSE_LEAD_MS = 10_000;
type Key = webcrypto.CryptoKey;

function devSecret(): string {
  const env = readFileSync(path.join(stateDir(), 'gateway', 'secrets.env'), 'utf8');
  const m = /^JWT_HS256_SECRET=(.+)$/m.exec(env);
  if (!m?.[1]) throw new Error('no JWT_HS256_SECRET in the gateway secrets');
  return m[1].trim();
}

/** A development token for a citizen the test enrolled. */
function citizenToken(sub: string, org: string, pid: string): Promise<string> {
  return new SignJWT({ org, roles: ['citizen'], pid })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer('govledger-dev')
    .setAudience('govledger-gateway')
    .setIssuedAt()
    .setExpirationTime('30m')
    .sign(new TextEncoder().encode(devSecret()));
}

async function as<T>(
  token: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${gatewayUrl()}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Runs `fn` over `items` with at most `n` at a time. */
async function pool<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

interface Voter {
  name: string;
  mspId: string;
  pid: string;
  token: string;
}
interface Ballot {
  choices: string[];
  token: string;
  signatures: { mspId: string; signature: string }[];
}

const voters: Voter[] = [];
const ballots = new Map<string, Ballot>();
let opensAt: string;
let closesAt: string;
let keys: Record<string, Key>;

/** The voter's app: one token, blinded under each authority's key; the gateway's authorities sign; it finalizes. */
async function obtainBallot(v: Voter, choice: string): Promise<Ballot> {
  const prepared = suite.prepare(
    new TextEncoder().encode(eVoting.tokenMessage(E, randomBytes(32).toString('hex'))),
  );
  const blinds = await Promise.all(
    Object.entries(keys).map(async ([mspId, key]) => ({ mspId, key, ...(await suite.blind(key, prepared)) })),
  );
  const res = await as<{
    signatures: { mspId: string; blindSig: string }[];
    pending: string[];
    code?: string;
  }>(v.token, 'POST', `/api/v1/elections/${E}/tokens`, {
    blinded: blinds.map((b) => ({ mspId: b.mspId, blindedMsg: b64url(b.blindedMsg) })),
  });
  if (res.status !== 200) throw new Error(`token for ${v.name}: ${res.status} ${JSON.stringify(res.body)}`);
  expect(res.body.pending).toEqual([]);
  const signatures = [];
  for (const b of blinds) {
    const blindSig = res.body.signatures.find((s) => s.mspId === b.mspId)?.blindSig as string;
    const sig = await suite.finalize(b.key, prepared, Buffer.from(blindSig, 'base64url'), b.inv);
    signatures.push({ mspId: b.mspId, signature: b64url(sig) });
  }
  return { choices: [choice], token: b64url(prepared), signatures };
}

beforeAll(async () => {
  // 22 new citizens, enrolled by each city's admin at its own CA with a fresh pid
  const wanted = Array.from({ length: 2 * PER_CITY }, (_, i) => {
    const city = i < PER_CITY ? 'a' : 'b';
    return {
      name: `voter-${run}-${i}-${city}`,
      admin: `admin-${city}`,
      mspId: city === 'a' ? 'CityAMSP' : 'CityBMSP',
    };
  });
  const enrolled = await pool(wanted, 3, async (w) => {
    const pid = randomBytes(32).toString('hex');
    const res = await http<{ mspId: string }>(w.admin, 'POST', '/api/v1/admin/identities', {
      name: w.name,
      roles: ['citizen'],
      pid,
    });
    if (res.status !== 201) throw new Error(`enrol ${w.name}: ${res.status} ${JSON.stringify(res.body)}`);
    return { name: w.name, mspId: w.mspId, pid, token: await citizenToken(w.name, w.mspId, pid) };
  });
  voters.push(...enrolled);
});

afterAll(() => closeAll());

describe('an election of both cities that no single city can stuff', () => {
  it('creates the election with both cities as authorities (k = 2); each city registers its own key', async () => {
    opensAt = new Date(Date.now() + 45_000).toISOString();
    closesAt = new Date(Date.parse(opensAt) + 120_000).toISOString();
    const base = {
      electionId: E,
      title: 'Joint bridge: build it?',
      ballot: { kind: 'yesNoAbstain' },
      opensAt,
      closesAt,
      eligibility: { kind: 'roll' },
      quorum: { kind: 'perMilleOfRoll', perMille: 500 },
      passThresholdPerMille: 500,
    };
    // one authority with k = 1 is refused in a consortium of two cities
    const lone = await http<{ code: string }>('election-admin-a', 'POST', '/api/v1/elections', {
      ...base,
      electionId: `${E}-LONE`,
      mode: { kind: 'secret', authorities: [{ mspId: 'CityAMSP' }], threshold: 1 },
    });
    expect([lone.status, lone.body.code]).toEqual([400, 'INVALID_THRESHOLD']);
    const created = await http('election-admin-a', 'POST', '/api/v1/elections', {
      ...base,
      mode: { kind: 'secret', authorities: [{ mspId: 'CityAMSP' }, { mspId: 'CityBMSP' }], threshold: 2 },
    });
    expect(created.status).toBe(201);
    for (const admin of ['election-admin-a', 'election-admin-b']) {
      const r = await http<{ mspId: string }>(admin, 'POST', `/api/v1/elections/${E}/authority-keys`, {});
      expect(r.status).toBe(201);
    }
    const roll = await http<{ result: { added: number } }>(
      'election-admin-a',
      'POST',
      `/api/v1/elections/${E}/roll-batches`,
      {
        batchId: 'roll-1',
        voters: [
          ...voters.map((v) => ({ mspId: v.mspId, pid: v.pid })),
          { mspId: 'CityAMSP', pid: actAs('citizen-a3').pid as string },
        ],
      },
    );
    expect(roll.status).toBe(201);
    expect(roll.body.result.added).toBe(voters.length + 1);
    const view = await http<eVoting.ElectionView>('citizen-a1', 'GET', `/api/v1/elections/${E}`);
    expect(view.body.authorities?.map((a) => a.mspId)).toEqual(['CityAMSP', 'CityBMSP']);
    keys = {};
    for (const a of view.body.authorities ?? []) {
      keys[a.mspId] = await webcrypto.subtle.importKey(
        'jwk',
        a.key.jwk,
        { name: 'RSA-PSS', hash: 'SHA-384' },
        true,
        ['verify'],
      );
    }
  });

  it('issues every voter a token signed by both cities, each issuance recorded by its own city', async () => {
    const results = await pool(voters, 4, async (v) => {
      const choice = voters.indexOf(v) % 3 === 0 ? 'no' : 'yes';
      return [v.name, await obtainBallot(v, choice)] as const;
    });
    for (const [name, ballot] of results) ballots.set(name, ballot);
    const sample = voters[PER_CITY] as Voter;
    const status = await http<eVoting.VoterStatus>(
      'election-admin-b',
      'GET',
      `/api/v1/elections/${E}/voters/${sample.mspId}/${sample.pid}`,
    );
    expect(status.body.issuances?.map((i) => i.authority)).toEqual(['CityAMSP', 'CityBMSP']);
    // City A's peer may lag City B's last commit by a block
    let issued: number | null = null;
    for (let i = 0; i < 20 && issued !== voters.length; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 500));
      issued = (await http<eVoting.ElectionView>('citizen-a1', 'GET', `/api/v1/elections/${E}`)).body
        .issuedTokens;
    }
    expect(issued).toBe(voters.length);
  });

  it("refuses a ballot that only one city's authority signed, even submitted with that city's own identities", async () => {
    await waitUntil(opensAt, 1_000);
    // citizen-a3 (on the roll) records a request; City A's authority alone answers it
    const a3 = actAs('citizen-a3');
    const prepared = suite.prepare(
      new TextEncoder().encode(eVoting.tokenMessage(E, randomBytes(32).toString('hex'))),
    );
    const blinds = await Promise.all(
      Object.entries(keys).map(async ([mspId, key]) => ({
        mspId,
        key,
        ...(await suite.blind(key, prepared)),
      })),
    );
    await a3.submit('e-voting', 'RequestToken', {
      electionId: E,
      blinded: blinds.map((b) => ({ mspId: b.mspId, blindedHash: sha256(b.blindedMsg) })),
    });
    const a = blinds.find((b) => b.mspId === 'CityAMSP')!;
    const signed = await fetch(
      `${gatewayUrl()}/api/v1/elections/${E}/authorities/CityAMSP/blind-signatures`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ voter: { mspId: a3.mspId, pid: a3.pid }, blindedMsg: b64url(a.blindedMsg) }),
      },
    );
    expect(signed.status).toBe(200);
    const { blindSig } = (await signed.json()) as { blindSig: string };
    const sigA = b64url(await suite.finalize(a.key, prepared, Buffer.from(blindSig, 'base64url'), a.inv));
    const box = actAs('ballot-box-a');
    const alone = await refused(
      box.submit('e-voting', 'CastSecretBallots', {
        electionId: E,
        ballots: [
          { choices: ['yes'], token: b64url(prepared), signatures: [{ mspId: 'CityAMSP', signature: sigA }] },
        ],
      }),
    );
    expect(alone.code).toBe('INSUFFICIENT_SIGNATURES');
    // City A cannot pass its own signature off as City B's
    const posing = await refused(
      box.submit('e-voting', 'CastSecretBallots', {
        electionId: E,
        ballots: [
          {
            choices: ['yes'],
            token: b64url(prepared),
            signatures: [
              { mspId: 'CityAMSP', signature: sigA },
              { mspId: 'CityBMSP', signature: sigA },
            ],
          },
        ],
      }),
    );
    expect(posing.code).toBe('BAD_SIGNATURE');
    // nor issue as City B: its election admin issues only as City A
    const asB = await refused(
      actAs('election-admin-a').submit('e-voting', 'IssueToken', {
        electionId: E,
        voter: { mspId: a3.mspId, pid: a3.pid },
        blindedHash: sha256(blinds.find((b) => b.mspId === 'CityBMSP')!.blindedMsg),
      }),
    );
    expect(asB.code).toBe('BLINDED_MISMATCH');
  });

  it('takes the ballots at the anonymous ballot box and commits them in a few shuffled batches', async () => {
    await waitUntil(opensAt, 1_000);
    const receipts: string[] = [];
    // the voters drop their ballots one after another, in issuance order
    for (const v of voters) {
      const ballot = ballots.get(v.name) as Ballot;
      const res = await fetch(`${gatewayUrl()}/api/v1/ballot-box/elections/${E}/ballots`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ballot),
      });
      const body = (await res.json()) as { receipt: string; state: string };
      expect([res.status, body.state]).toEqual([202, 'queued']);
      receipts.push(body.receipt);
    }
    // the close flush: everything the box holds is cast before voting closes
    await waitUntil(new Date(Date.parse(closesAt) - CLOSE_LEAD_MS).toISOString(), 5_000);
    for (let i = 0; i < 30; i++) {
      const states = await Promise.all(
        receipts.map(async (r) => {
          const res = await fetch(`${gatewayUrl()}/api/v1/ballot-box/elections/${E}/ballots/${r}`);
          return ((await res.json()) as { state: string }).state;
        }),
      );
      if (states.every((s) => s === 'cast')) break;
      expect(states.filter((s) => s === 'rejected')).toEqual([]);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const page = await http<{ ballots: eVoting.Ballot[] }>(
      'citizen-b1',
      'GET',
      `/api/v1/elections/${E}/ballots?pageSize=100`,
    );
    expect(page.body.ballots.map((b) => b.receipt).sort()).toEqual([...receipts].sort());
    const byTx = new Map<string, number>();
    for (const b of page.body.ballots) byTx.set(b.txId as string, (byTx.get(b.txId as string) ?? 0) + 1);
    const sizes = [...byTx.values()].sort((a, b) => a - b);
    // 22 ballots in at most three transactions: batches of at least the minimum size, then the close
    // flush of what is left; never one transaction per voter
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(voters.length);
    expect(sizes.length).toBeLessThanOrEqual(3);
    expect(sizes.filter((n) => n >= MIN_BATCH).length).toBeGreaterThanOrEqual(2);
    for (const b of page.body.ballots)
      expect(JSON.stringify(b)).not.toMatch(new RegExp(voters.map((v) => v.pid).join('|')));
  });

  it('tallies after the close; the paged recount confirms turnout within the roll and the issued tokens', async () => {
    await waitUntil(closesAt, 1_000);
    let tally: eVoting.Tally | undefined;
    for (let i = 0; i < 5 && tally?.status !== 'final'; i++) {
      const r = await http<{ result: eVoting.Tally }>(
        'citizen-b2',
        'POST',
        `/api/v1/elections/${E}/tally`,
        {},
      );
      expect(r.status).toBe(200);
      tally = r.body.result;
    }
    const no = voters.filter((_, i) => i % 3 === 0).length;
    expect(tally?.result).toMatchObject({
      turnout: voters.length,
      rollSize: voters.length + 1,
      issuedTokens: voters.length,
      integrity: { ok: true, overRoll: 0, overIssued: 0 },
      counts: [
        { option: 'yes', votes: voters.length - no },
        { option: 'no', votes: no },
        { option: 'abstain', votes: 0 },
      ],
      passed: true,
      winners: ['yes'],
    });
    const v = await http<eVoting.VerifyTallyResult & { pages: number }>(
      'election-admin-b',
      'POST',
      `/api/v1/elections/${E}/tally/verification`,
      { checkBallots: true },
    );
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({ complete: true, confirmed: true, mismatches: [], invalidBallotCount: 0 });
  });
});
