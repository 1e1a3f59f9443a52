/**
 * Gateway replicas (issue 17): the replica-failover fault on its own (the fault suite,
 * faults.test.ts, runs the same function). Run alone:
 * `cd e2e && npx jest test/gateway-replicas.test.ts`.
 */
import { replicaFailover } from '../src/faults/replica-failover';

describe('two gateway replicas behind one address', () => {
  it('finish an offline session on the other replica; lose and duplicate no acknowledged write, and answer every in-flight request, when one is killed', async () => {
    const f = await replicaFailover({ offlineAcrossReplicas: true });
    expect(f.requests).toBeGreaterThan(f.inFlightAtFault);
  }, 420_000);
});
