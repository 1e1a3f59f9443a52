/**
 * Faults under load (issue 17): four careful writers (src/fault-load.ts) keep creating licence
 * types through the gateway while a node fails. After each fault every request must have a final
 * answer, every acknowledged write must be on the ledger, and no key may have committed two
 * transactions. A crashed node (kill -9) is brought back by the network's supervisord, without a
 * human; a deliberate stop (network.sh stop-node) stays stopped until started again.
 * The recovery times are printed (README "Recovery times"); the targets of the issue are asserted:
 * the leader case's in-flight requests answered within 20 s, a killed chaincode server or peer
 * back within 15 s.
 * Other fault cases (gateway replicas, backups) live in files of their own and reuse fault-load.ts.
 */
import { replicaFailover } from '../src/faults/replica-failover';
import { gatewayUrl, tokenOf } from '../src/gateway-client';
import {
  carefulWrite,
  expectNoneLostNorDuplicated,
  expectReplays,
  licenceType,
  runFault,
} from '../src/fault-load';
import {
  eventually,
  killNode,
  nodeCommand,
  ordererHeight,
  peerHeight,
  raftLeader,
  restartCount,
  startNode,
  stopNode,
  waitRestarted,
} from '../src/network-ops';

const API = '/api/v1';
const ORDERERS = ['orderer1', 'orderer2', 'orderer3'];

/** Every orderer reaches the height of the highest one (a restarted orderer caught up). */
async function orderersInStep(): Promise<void> {
  await eventually(
    'every orderer reaches the same height',
    () => {
      const h = ORDERERS.map((o) => ordererHeight(o));
      return h.every((x) => x === h[0]);
    },
    60_000,
  );
}

describe('faults under load', () => {
  it('answers every in-flight write within 20 s after the Raft leader is killed; supervision restarts it', async () => {
    const leader = await raftLeader();
    const restartsBefore = restartCount(leader);
    let back: Promise<number> = Promise.resolve(0);
    const { outcomes, faultAt, figures } = await runFault({
      name: `leader ${leader} killed`,
      inject: () => {
        const killed = killNode(leader);
        back = waitRestarted(leader, killed, Date.now());
      },
    });
    const backAfterMs = await back;
    console.log(`leader ${leader} restarted by supervision ${backAfterMs} ms after the kill`);
    expect(figures.inFlightAtFault).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.startedAt <= faultAt).length).toBeGreaterThan(0);
    expect(figures.inFlightAnsweredAfterMs).toBeLessThan(20_000);
    await expectNoneLostNorDuplicated(outcomes);
    expect(restartCount(leader)).toBe(restartsBefore + 1);
    await orderersInStep();
    await eventually('the cluster has a leader', async () => (await raftLeader()).length > 0, 30_000);
  });

  it('loses quorum with 2 of 3 orderers stopped for 10 s and answers every write once it is restored', async () => {
    const leader = await raftLeader();
    const stopped = [leader, ORDERERS.find((o) => o !== leader) as string];
    const { outcomes, figures, answeredAfterRestoreMs } = await runFault({
      name: `quorum lost (${stopped.join(', ')} stopped 10 s)`,
      inject: async () => {
        await Promise.all(stopped.map((o) => nodeCommand('stop-node', o)));
      },
      holdMs: 10_000,
      restore: async () => {
        await Promise.all(stopped.map((o) => nodeCommand('start-node', o)));
      },
      loadMs: 20_000,
    });
    // the outage was seen: requests failed or waited while no leader could be elected
    expect(figures.freshWritesBackAfterMs + figures.slowestAnswerAfterFaultMs).toBeGreaterThan(5_000);
    expect(answeredAfterRestoreMs).toBeLessThan(30_000);
    await expectNoneLostNorDuplicated(outcomes);
    await orderersInStep();
  });

  it("keeps every write when City B's peer is killed; supervision brings it back within 15 s", async () => {
    let killed = 0;
    let backAfterMs = 0;
    let back: Promise<number> = Promise.resolve(0);
    const { outcomes, faultAt } = await runFault({
      name: 'peer0.CityB killed',
      inject: () => {
        killed = killNode('peer0.CityB');
        const at = Date.now();
        back = waitRestarted('peer0.CityB', killed, at, () => peerHeight('CityB') > 0, 60_000);
      },
    });
    backAfterMs = await back;
    console.log(`peer0.CityB back (answers channel queries) ${backAfterMs} ms after the kill`);
    expect(backAfterMs).toBeLessThan(15_000);
    expect(outcomes.filter((o) => o.startedAt > faultAt).length).toBeGreaterThan(0);
    await expectNoneLostNorDuplicated(outcomes);
    await eventually(
      'both peers at the same height',
      () => peerHeight('CityA') === peerHeight('CityB'),
      60_000,
    );
  });

  it('answers a stopped chaincode server as 503 CHAINCODE_UNAVAILABLE, retry-safe; a killed one is back within 15 s without a human', async () => {
    const cc = 'cc-e-licence-CityA';
    stopNode(cc);
    let probe: { status: number; body: { code?: string; retrySafe?: boolean } };
    try {
      const res = await fetch(`${gatewayUrl()}${API}/licence-types`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokenOf('admin-a')}`, 'content-type': 'application/json' },
        body: JSON.stringify(licenceType(`FLT-P${Date.now().toString(36)}`)),
      });
      probe = { status: res.status, body: (await res.json()) as typeof probe.body };
    } finally {
      startNode(cc);
    }
    expect(probe).toMatchObject({ status: 503, body: { code: 'CHAINCODE_UNAVAILABLE', retrySafe: true } });

    const restartsBefore = restartCount(cc);
    let back: Promise<number> = Promise.resolve(0);
    const { outcomes, figures } = await runFault({
      name: `${cc} killed`,
      inject: () => {
        const killed = killNode(cc);
        back = waitRestarted(cc, killed, Date.now(), () => true, 60_000);
      },
    });
    const backAfterMs = await back;
    console.log(`${cc} restarted by supervision ${backAfterMs} ms after the kill`);
    expect(backAfterMs).toBeLessThan(15_000);
    expect(figures.freshWritesBackAfterMs).toBeLessThan(15_000);
    expect(restartCount(cc)).toBe(restartsBefore + 1);
    await expectNoneLostNorDuplicated(outcomes);
  });

  it('restarts a killed gateway; clients re-sending with the same Idempotency-Key get the original transaction', async () => {
    let killed = 0;
    let back: Promise<number> = Promise.resolve(0);
    const { outcomes, faultAt } = await runFault({
      name: 'gateway killed',
      inject: () => {
        killed = killNode('gateway');
        const at = Date.now();
        back = waitRestarted(
          'gateway',
          killed,
          at,
          async () => (await fetch(`${gatewayUrl()}/livez`).catch(() => undefined))?.ok === true,
          60_000,
        );
      },
    });
    const backAfterMs = await back;
    console.log(`gateway restarted by supervision and live ${backAfterMs} ms after the kill`);
    expect(outcomes.filter((o) => o.startedAt <= faultAt && o.answeredAt > faultAt).length).toBeGreaterThan(
      0,
    );
    await expectNoneLostNorDuplicated(outcomes);
    await expectReplays(outcomes);
    // one more write after it all: the restarted gateway serves as before
    const after = await carefulWrite(`FLT-G${Date.now().toString(36)}`, `fault-g-${Date.now()}`);
    expect(after.tries).toBe(1);
    await expectNoneLostNorDuplicated([after]);
  });

  it('loses and duplicates no acknowledged write, and answers every in-flight request, when one of two gateway replicas is killed (after an offline session finished across them)', async () => {
    const f = await replicaFailover({ offlineAcrossReplicas: true });
    expect(f.requests).toBeGreaterThan(f.inFlightAtFault);
  }, 420_000);
});
