/**
 * One of two gateway replicas killed under load (issue 17, "Gateway replicas"). The single
 * gateway of the test network is replaced by `network.sh gateway --replicas 2` (two instances
 * sharing PostgreSQL behind HAProxy on the same address); careful writers send licence-type
 * creations through that one address, each with its own Idempotency-Key, and send the same
 * request again with the same key after a 5xx, a 409 IDEMPOTENCY_KEY_IN_USE or a dropped
 * connection; replica 1 is killed with SIGKILL. Asserted: every request got a final answer,
 * every acknowledged write is on the ledger under exactly one valid transaction (the one
 * acknowledged), and the keys in flight at the kill replay their original transaction. The
 * single gateway is back when it returns. {@link replicaFailover} is what the fault suite calls;
 * with `offlineAcrossReplicas` it first signs an offline session across both replicas.
 */
import { signers } from '@hyperledger/fabric-gateway';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gatewayUrl, tokenOf } from '../gateway-client';
import { eventually, killNode, startNode, stopNode } from '../network-ops';
import { networkSh, readNetworkInfo, stateDir } from '../test-network';

const API = '/api/v1';
const WRITERS = 4;
/** How long a careful client keeps trying one request before it gives up. */
const PATIENCE_MS = 100_000;

/** What one careful request went through. */
export interface FailoverOutcome {
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

/** The figures of the failover (ms), printed and returned. */
export interface FailoverFigures {
  requests: number;
  inFlightAtFault: number;
  /** When the last request in flight at the kill was answered, from the kill. */
  inFlightAnsweredAfterMs: number;
  /** The slowest answer to a request sent after the kill. */
  slowestAnswerAfterFaultMs: number;
  /** The median answer before the kill (the baseline). */
  medianAnswerBeforeFaultMs?: number;
  resentByClient: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function licenceType(code: string) {
  return {
    code,
    name: 'Replica failover probe',
    dept: 'market',
    holderKind: 'enterprise',
    validity: { kind: 'permanent' },
    claims: ['businessName'],
    requiredApprovals: [],
  };
}

/** Sends one keyed write until it gets a final answer (2xx, or a 4xx other than "key in use"). */
async function carefulWrite(code: string, key: string): Promise<FailoverOutcome> {
  const o: FailoverOutcome = {
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

/** The failover's figures (see {@link FailoverFigures}). */
function figures(outcomes: FailoverOutcome[], faultAt: number): FailoverFigures {
  const inFlight = outcomes.filter((o) => o.startedAt <= faultAt && o.answeredAt > faultAt);
  const before = outcomes.filter((o) => o.answeredAt <= faultAt).map((o) => o.answeredAt - o.startedAt);
  const after = outcomes.filter((o) => o.startedAt > faultAt).map((o) => o.answeredAt - o.startedAt);
  before.sort((a, b) => a - b);
  return {
    requests: outcomes.length,
    inFlightAtFault: inFlight.length,
    inFlightAnsweredAfterMs: Math.max(0, ...inFlight.map((o) => o.answeredAt - faultAt)),
    slowestAnswerAfterFaultMs: Math.max(0, ...after),
    ...(before.length ? { medianAnswerBeforeFaultMs: before[Math.floor(before.length / 2)] } : {}),
    resentByClient: outcomes.filter((o) => o.tries > 1).length,
  };
}

/** What is wrong with the outcomes: unanswered, lost, or written twice (empty when all is well). */
async function problemsOf(outcomes: FailoverOutcome[]): Promise<string[]> {
  const wrong = outcomes
    .filter((o) => o.status < 200 || o.status >= 300)
    .map((o) => `${o.key}: ${o.status} after ${o.problems.join(', ')}`);
  const reader = tokenOf('admin-b');
  const submitter = tokenOf('admin-a');
  for (const o of outcomes) {
    const res = await fetch(`${gatewayUrl()}${API}/licence-types/${o.code}`, {
      headers: { authorization: `Bearer ${reader}` },
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
  return wrong;
}

/** The direct address of replica `i` (1-based): the gateway's port + i. */
function replicaUrl(i: number): string {
  return `http://127.0.0.1:${readNetworkInfo(stateDir()).gatewayPort + i}`;
}

/**
 * An offline-signing session started on replica 1 and finished on replica 2, stage by stage
 * alternating (the sessions are shared in PostgreSQL), with admin-a's own key; the stage already
 * signed is refused (409) on the other replica. Returns the committed transaction id.
 */
export async function offlineSessionAcrossReplicas(run: string): Promise<string> {
  const msp = path.join(readNetworkInfo(stateDir()).usersDir, 'admin-a', 'msp');
  const certificate = readFileSync(path.join(msp, 'signcerts', 'cert.pem'), 'utf8');
  const sign = signers.newPrivateKeySigner(
    createPrivateKey(readFileSync(path.join(msp, 'keystore', 'key.pem'))),
  );
  const headers = { authorization: `Bearer ${tokenOf('admin-a')}`, 'content-type': 'application/json' };
  type View = {
    transactionId: string;
    stage: string;
    digest?: string;
    status?: string;
    blockNumber?: string;
  };
  const call = async (i: number, method: string, url: string, body?: unknown) => {
    const res = await fetch(`${replicaUrl(i)}${url}`, {
      method,
      headers,
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as View & { code?: string } };
  };
  const signature = async (digest: string | undefined) =>
    Buffer.from(await sign(Buffer.from(digest ?? '', 'base64'))).toString('base64');
  const prepared = await call(1, 'POST', `${API}/offline/transactions`, {
    chaincode: 'e-licence',
    transaction: 'CreateLicenceType',
    request: licenceType(`RPL-${run}-offline`),
    certificate,
  });
  expect(prepared.status).toBe(201);
  const url = `${API}/offline/transactions/${prepared.body.transactionId}`;
  let view = prepared.body;
  const steps = [
    [2, 'proposal', 'transaction'],
    [1, 'transaction', 'commit'],
    [2, 'commit', 'done'],
  ] as const;
  for (const [replica, stage, next] of steps) {
    const seen = await call(replica, 'GET', url);
    expect({ status: seen.status, stage: seen.body.stage }).toEqual({ status: 200, stage });
    let signed = await call(replica, 'POST', `${url}/signatures`, {
      stage,
      signature: await signature(view.digest),
    });
    // the commit status may not be known yet (504 LEDGER_TIMEOUT, retry-safe): asking again is safe
    for (let t = 0; signed.status === 504 && stage === 'commit' && t < 20; t++) {
      await sleep(500);
      signed = await call(replica, 'POST', `${url}/signatures`, {
        stage,
        signature: await signature(view.digest),
      });
    }
    expect({ status: signed.status, stage: signed.body.stage }).toEqual({ status: 200, stage: next });
    const again = await call(3 - replica, 'POST', `${url}/signatures`, {
      stage,
      signature: await signature(view.digest),
    });
    expect({ status: again.status, code: again.body.code }).toEqual({
      status: 409,
      code: 'OFFLINE_STAGE_MISMATCH',
    });
    view = signed.body;
  }
  expect(view.status).toBe('committed');
  const final = await call(1, 'GET', url);
  expect(final.body).toMatchObject({ stage: 'done', blockNumber: view.blockNumber });
  return prepared.body.transactionId;
}

/** Waits until the single address answers /livez. */
async function addressLive(): Promise<void> {
  await eventually('the gateway address answers /livez', async () => {
    const res = await fetch(`${gatewayUrl()}/livez`);
    return res.status === 200;
  });
}

/**
 * Replaces the single gateway with two replicas behind one address, kills replica 1 under load,
 * asserts that nothing acknowledged was lost or duplicated and that every request was answered,
 * restores the single gateway and returns the figures.
 */
export async function replicaFailover(
  options: { offlineAcrossReplicas?: boolean } = {},
): Promise<FailoverFigures> {
  stopNode('gateway');
  try {
    networkSh(['gateway', '--replicas', '2', '--state-dir', stateDir()], { quiet: true });
    await addressLive();
    const run = `R${Date.now().toString(36)}`;
    if (options.offlineAcrossReplicas) {
      const txId = await offlineSessionAcrossReplicas(run);
      console.log(`offline-signing session across replicas committed ${txId}`);
    }
    let faultAt = Number.POSITIVE_INFINITY;
    const all: FailoverOutcome[] = [];
    const writes = Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let i = 0; Date.now() < faultAt + 15_000; i++) {
          all.push(await carefulWrite(`RPL-${run}-${w}-${i}`, `replica-${run}-${w}-${i}`));
        }
      }),
    );
    await sleep(4_000);
    faultAt = Date.now();
    killNode('gateway-1');
    await writes;
    const f = figures(all, faultAt);
    console.log(`gateway replica killed: ${JSON.stringify(f)}`);
    expect(all.filter((o) => o.startedAt <= faultAt).length).toBeGreaterThan(0);
    expect(await problemsOf(all)).toEqual([]);

    // a client re-sending a request that was in flight at the kill gets its original transaction
    const inFlight = all.filter((o) => o.startedAt <= faultAt && o.answeredAt > faultAt);
    for (const o of inFlight) {
      const again = await carefulWrite(o.code, o.key);
      expect({ key: o.key, status: again.status, tx: again.acknowledged }).toEqual({
        key: o.key,
        status: o.status,
        tx: o.acknowledged,
      });
    }
    return f;
  } finally {
    for (const node of ['gateway-proxy', 'gateway-1', 'gateway-2']) {
      try {
        stopNode(node);
      } catch {
        // not started
      }
    }
    startNode('gateway');
    await addressLive();
  }
}
