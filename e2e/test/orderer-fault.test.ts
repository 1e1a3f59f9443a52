/**
 * Raft survives the loss of one of three orderers: with orderer2 stopped,
 * transactions still commit; restarted, orderer2 catches up to the same height.
 */
import { actAs, closeAll } from '../src/fabric-client';
import { eventually, ordererHeight, startNode, stopNode } from '../src/network-ops';

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
    const before = ordererHeight('orderer1');
    stopNode('orderer2');
    try {
      const stamp = Date.now();
      for (let i = 0; i < 3; i++) {
        await admin.submit('e-licence', 'CreateLicenceType', licenceType(`FAULT-${stamp}-${i}`));
      }
      const during = ordererHeight('orderer1');
      expect(during).toBeGreaterThanOrEqual(before + 3);
      expect(ordererHeight('orderer3')).toBe(during);
      expect(() => ordererHeight('orderer2')).toThrow();
      const read = await actAs('admin-b').evaluate<{ code: string }>('e-licence', 'GetLicenceType', {
        code: `FAULT-${stamp}-2`,
      });
      expect(read.code).toBe(`FAULT-${stamp}-2`);
    } finally {
      startNode('orderer2');
    }
    const target = ordererHeight('orderer1');
    await eventually(`orderer2 reaches height ${target}`, () => ordererHeight('orderer2') >= target, 60_000);
    expect(ordererHeight('orderer2')).toBe(ordererHeight('orderer1'));
  });
});
