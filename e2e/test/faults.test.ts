/**
 * Faults under load (issue 17): writers keep sending licence-type creations through the gateway,
 * each with its own Idempotency-Key and the patience of a careful client (it sends the same
 * request again, with the same key, after any 5xx, a 409 IDEMPOTENCY_KEY_IN_USE or a dropped
 * connection), while a node is killed with SIGKILL. Every request must get a final answer, every
 * acknowledged write must be on the ledger, and no key may ever answer with two transaction ids.
 * The recovery times are printed (README "Recovery times"); they are figures, not assertions.
 */
import { gatewayUrl, tokenOf } from '../src/gateway-client';
import { eventually, killNode, ordererHeight, raftLeader, startNode } from '../src/network-ops';

const API = '/api/v1';
const WRITERS = 4;
/** How long a careful client keeps trying one request before it gives up. */
const PATIENCE_MS = 90_000;

/** What one careful request went through. */
interface Outcome {
  key: string;
  code: string;
  startedAt: number;
  answeredAt: number;
  status: number;
  /** Every transaction id any answer to this key named. */
  txIds: Set<string>;
  /** The transaction id of the final 2xx answer. */
  acknowledged?: string;
  tries: number;
  problems: string[];
}

function licenceType(code: string) {
  return {
    code,
    name: 'Fault probe',
    dept: 'market',
    holderKind: 'enterprise',
    validity: { kind: 'permanent' },
    claims: ['businessName'],
    requiredApprovals: [],
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends one write until it gets a final answer (2xx, or a 4xx other than "key in use"). */
async function carefulWrite(code: string, key: string): Promise<Outcome> {
  const o: Outcome = {
    key,
    code,
    startedAt: Date.now(),
    answeredAt: 0,
    status: 0,
    txIds: new Set(),
    tries: 0,
    problems: [],
  };
  const token = tokenOf('admin-a');
  while (Date.now() - o.startedAt < PATIENCE_MS) {
    o.tries++;
    let retryAfterMs = 500;
    try {
      const res = await fetch(`${gatewayUrl()}${API}/licence-types`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify(licenceType(code)),
      });
      const body = (await res.json().catch(() => ({}))) as { code?: string; transactionId?: string };
      const txId = res.headers.get('x-transaction-id') ?? body.transactionId;
      if (txId) o.txIds.add(txId);
      if (res.status < 300 || (res.status < 500 && body.code !== 'IDEMPOTENCY_KEY_IN_USE')) {
        o.status = res.status;
        o.answeredAt = Date.now();
        if (res.status < 300 && txId) o.acknowledged = txId;
        if (res.status >= 300) o.problems.push(`${res.status} ${body.code ?? ''}`);
        return o;
      }
      o.problems.push(`${res.status} ${body.code ?? ''}`);
      const after = Number(res.headers.get('retry-after'));
      if (Number.isFinite(after) && after > 0) retryAfterMs = Math.min(after * 1000, 2000);
    } catch (err) {
      o.problems.push(`connection: ${(err as Error).message}`);
    }
    await sleep(retryAfterMs);
  }
  o.answeredAt = Date.now();
  return o;
}

/** Runs WRITERS careful writers until `until()` says stop; returns every outcome. */
async function load(run: string, until: () => boolean): Promise<Outcome[]> {
  const all: Outcome[] = [];
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; !until(); i++) {
        all.push(await carefulWrite(`FLT-${run}-${w}-${i}`, `fault-${run}-${w}-${i}`));
      }
    }),
  );
  return all;
}

/**
 * The figures of a fault, in ms: when the last request in flight at the fault was answered
 * (from the fault), the slowest answer to a request sent after it, and the median answer before
 * it (the baseline).
 */
function figures(outcomes: Outcome[], faultAt: number) {
  const inFlight = outcomes.filter((o) => o.startedAt <= faultAt && o.answeredAt > faultAt);
  const before = outcomes.filter((o) => o.answeredAt <= faultAt).map((o) => o.answeredAt - o.startedAt);
  const after = outcomes.filter((o) => o.startedAt > faultAt).map((o) => o.answeredAt - o.startedAt);
  before.sort((a, b) => a - b);
  return {
    requests: outcomes.length,
    inFlightAtFault: inFlight.length,
    inFlightAnsweredAfterMs: Math.max(0, ...inFlight.map((o) => o.answeredAt - faultAt)),
    slowestAnswerAfterFaultMs: Math.max(0, ...after),
    medianAnswerBeforeFaultMs: before.length ? before[Math.floor(before.length / 2)] : undefined,
    resentByClient: outcomes.filter((o) => o.tries > 1).length,
  };
}

/**
 * Every outcome was acknowledged, its record is on the ledger, and of all the transaction ids its
 * answers named (a re-sent request whose first transaction was lost gets a new one) exactly one
 * committed valid: the acknowledged one. Nothing was lost, nothing written twice.
 */
async function expectNoneLostNorDuplicated(outcomes: Outcome[]): Promise<void> {
  const failed = outcomes.filter((o) => o.status < 200 || o.status >= 300);
  expect(failed.map((o) => `${o.key}: ${o.status} after ${o.problems.join(', ')}`)).toEqual([]);
  const token = tokenOf('admin-b');
  const submitter = tokenOf('admin-a');
  const wrong: string[] = [];
  for (const o of outcomes) {
    const res = await fetch(`${gatewayUrl()}${API}/licence-types/${o.code}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.status !== 200) wrong.push(`${o.key}: record ${o.code} answers ${res.status}`);
    const valid: string[] = [];
    for (const txId of o.txIds) {
      const t = await fetch(`${gatewayUrl()}${API}/transactions/${txId}`, {
        headers: { authorization: `Bearer ${submitter}` },
      });
      const body = (await t.json().catch(() => ({}))) as { status?: string };
      if (t.status === 200 && body.status === 'committed') valid.push(txId);
    }
    if (valid.length !== 1 || valid[0] !== o.acknowledged)
      wrong.push(`${o.key}: acknowledged ${o.acknowledged}, committed valid [${valid.join(', ')}]`);
  }
  expect(wrong).toEqual([]);
}

describe('faults under load', () => {
  it('answers every in-flight write after the Raft leader is killed, losing and duplicating none', async () => {
    const leader = await raftLeader();
    const run = `L${Date.now().toString(36)}`;
    let faultAt = Number.POSITIVE_INFINITY;
    const loadEnd = () => Date.now() > faultAt + 15_000;
    const writes = load(run, loadEnd);
    await sleep(3_000);
    faultAt = Date.now();
    killNode(leader);
    let outcomes: Outcome[];
    try {
      outcomes = await writes;
    } finally {
      startNode(leader);
    }
    console.log(`leader ${leader} killed: ${JSON.stringify(figures(outcomes, faultAt))}`);
    expect(outcomes.filter((o) => o.startedAt <= faultAt).length).toBeGreaterThan(0);
    await expectNoneLostNorDuplicated(outcomes);
    const others = ['orderer1', 'orderer2', 'orderer3'].filter((o) => o !== leader);
    const target = ordererHeight(others[0] ?? 'orderer1');
    await eventually(`${leader} catches up to ${target}`, () => ordererHeight(leader) >= target, 60_000);
    await eventually('the cluster has a leader again', async () => (await raftLeader()).length > 0, 30_000);
  });

  it('answers a killed chaincode server as 503 CHAINCODE_UNAVAILABLE, retry-safe, and writes again once it is back', async () => {
    const run = `C${Date.now().toString(36)}`;
    killNode('cc-e-licence-CityA');
    let probe: { status: number; body: { code?: string; retrySafe?: boolean; stage?: string } };
    try {
      const res = await fetch(`${gatewayUrl()}${API}/licence-types`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokenOf('admin-a')}`, 'content-type': 'application/json' },
        body: JSON.stringify(licenceType(`FLT-${run}-probe`)),
      });
      probe = { status: res.status, body: (await res.json()) as typeof probe.body };
    } finally {
      startNode('cc-e-licence-CityA');
    }
    expect(probe).toMatchObject({ status: 503, body: { code: 'CHAINCODE_UNAVAILABLE', retrySafe: true } });
    const back = await carefulWrite(`FLT-${run}-after`, `fault-${run}-after`);
    await expectNoneLostNorDuplicated([back]);
  });
});
