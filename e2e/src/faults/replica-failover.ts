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
import {
  carefulWrite,
  expectNoneLostNorDuplicated,
  figures,
  licenceType,
  load,
  sleep,
  type FaultFigures,
} from '../fault-load';
import { gatewayUrl, tokenOf } from '../gateway-client';
import { eventually, killNode, startNode, stopNode } from '../network-ops';
import { networkSh, readNetworkInfo, stateDir } from '../test-network';

const API = '/api/v1';

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
): Promise<FaultFigures> {
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
    const writes = load(run, () => Date.now() >= faultAt + 15_000);
    await sleep(4_000);
    faultAt = Date.now();
    killNode('gateway-1');
    const all = await writes;
    const f = figures(all, faultAt);
    console.log(`gateway replica killed: ${JSON.stringify(f)}`);
    expect(all.filter((o) => o.startedAt <= faultAt).length).toBeGreaterThan(0);
    await expectNoneLostNorDuplicated(all);

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
