/**
 * Raft survives the loss of one of three orderers: with a follower stopped,
 * transactions still commit; restarted, it catches up to the same height.
 */
import { actAs, closeAll } from '../src/fabric-client';
import { eventually, ordererHeight, raftLeader, startNode, stopNode } from '../src/network-ops';

afterAll(() => closeAll());

function licenceType(code: string) {
  return {
    code,
    name: 'Fault-tolerance probe',
    dept: 'market',
    holderKind: 'enterprise',
    validity: { kind: 'permanent' },
    claims: ['businessName'],
    requiredApprovals: [],
  };
}

describe('ordering service fault tolerance (Raft, 3 orderers)', () => {
  it('keeps committing with one orderer down and the stopped orderer catches up after restart', async () => {
    const admin = actAs('admin-a');
    // a follower: stopping the leader is the faults suite's case (an election, writes re-sent)
    const leader = await raftLeader();
    const [stopped, running] = ['orderer1', 'orderer2', 'orderer3'].filter((o) => o !== leader);
    const before = ordererHeight(leader);
    stopNode(stopped);
    try {
      const stamp = Date.now();
      for (let i = 0; i < 3; i++) {
        await admin.submit('e-licence', 'CreateLicenceType', licenceType(`FAULT-${stamp}-${i}`));
      }
      const during = ordererHeight(leader);
      expect(during).toBeGreaterThanOrEqual(before + 3);
      await eventually(`${running} reaches ${during}`, () => ordererHeight(running) >= during, 30_000);
      expect(() => ordererHeight(stopped)).toThrow();
      const read = await actAs('admin-b').evaluate<{ code: string }>('e-licence', 'GetLicenceType', {
        code: `FAULT-${stamp}-2`,
      });
      expect(read.code).toBe(`FAULT-${stamp}-2`);
    } finally {
      startNode(stopped);
    }
    const target = ordererHeight(leader);
    await eventually(`${stopped} reaches height ${target}`, () => ordererHeight(stopped) >= target, 60_000);
    expect(ordererHeight(stopped)).toBe(ordererHeight(leader));
  });
});
