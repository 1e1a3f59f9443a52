/**
 * SmartBFT ordering on a network of its own (network.sh up --consensus bft): four
 * orderers, so one may fail (f = 1). A City A write is read back by City B; with
 * the leader stopped the other three elect a new one and keep committing; the
 * restarted orderer catches up to the same height. The suite brings its network
 * up on free ports in a temporary folder and tears it down even when it fails
 * (E2E_BFT_STATE_DIR names a running BFT network to use instead, left running).
 */
import { mkdtempSync } from 'fs';
import os from 'os';
import path from 'path';
import { actAs, closeAll } from '../src/fabric-client';
import { eventually, ordererBftGauge, ordererHeight, startNode, stopNode } from '../src/network-ops';
import { findFreePortBase, networkSh, readNetworkInfo, useStateDir } from '../src/test-network';

const given = process.env.E2E_BFT_STATE_DIR;
const dir = given || mkdtempSync(path.join(os.tmpdir(), 'govledger-e2e-bft-'));
const ORDERERS = ['orderer1', 'orderer2', 'orderer3', 'orderer4'];

function down(): void {
  if (given) return;
  try {
    networkSh(['down', '--state-dir', dir]);
  } catch (err) {
    console.error(`could not tear the BFT network down: ${(err as Error).message}`);
  }
}

beforeAll(async () => {
  useStateDir(dir);
  if (given) return;
  const base = await findFreePortBase();
  console.log(`bringing up a BFT network in ${dir} on ports ${base}+`);
  try {
    networkSh(['up', '--consensus', 'bft', '--state-dir', dir, '--port-base', String(base)]);
    networkSh(['deploy', 'e-licence', '--state-dir', dir]);
  } catch (err) {
    down();
    throw err;
  }
  // up builds the snapshot Fabric build (bin/snapshot) first when it is missing: minutes on a fresh clone
}, 20 * 60_000);

afterAll(() => {
  closeAll();
  down();
}, 2 * 60_000);

function licenceType(code: string, name: string) {
  return {
    code,
    name,
    dept: 'market',
    holderKind: 'enterprise',
    validity: { kind: 'permanent' },
    claims: ['businessName'],
    requiredApprovals: [],
  };
}

/** The channel height on every listed orderer, once they all agree. */
async function agreedHeight(orderers: string[]): Promise<number> {
  let heights: number[] = [];
  await eventually(
    `${orderers.join(', ')} reach the same height`,
    () => {
      heights = orderers.map((o) => ordererHeight(o));
      return heights.every((h) => h === heights[0]);
    },
    30_000,
  );
  return heights[0];
}

describe('SmartBFT ordering service (4 orderers, f = 1)', () => {
  it('runs the channel on four BFT consenters', async () => {
    const info = readNetworkInfo(dir);
    expect(info.consensus).toBe('bft');
    expect(info.orderers.map((o) => o.name)).toEqual(ORDERERS);
    for (const o of ORDERERS) expect(await ordererBftGauge(o, 'cluster_size')).toBe(4);
  });

  it('commits a City A transaction that a City B user reads back', async () => {
    const code = `BFT-${Date.now()}`;
    const created = await actAs('admin-a').submit<{ code: string }>(
      'e-licence',
      'CreateLicenceType',
      licenceType(code, 'Ordered by SmartBFT'),
    );
    expect(created.code).toBe(code);
    const read = await actAs('admin-b').evaluate<{ code: string; name: string }>(
      'e-licence',
      'GetLicenceType',
      { code },
    );
    expect(read).toMatchObject({ code, name: 'Ordered by SmartBFT' });
    expect(JSON.stringify(read)).toContain('CityAMSP');
  });

  it('keeps committing with the leader stopped, and the restarted orderer catches up', async () => {
    const leaderId = await ordererBftGauge('orderer1', 'leader_id');
    const leader = `orderer${leaderId}`;
    const others = ORDERERS.filter((o) => o !== leader);
    const before = await agreedHeight(ORDERERS);
    const admin = actAs('admin-a');
    const stamp = Date.now();

    stopNode(leader);
    try {
      expect(() => ordererHeight(leader)).toThrow();
      for (let i = 0; i < 3; i++) {
        await admin.submit('e-licence', 'CreateLicenceType', licenceType(`BFT-${stamp}-${i}`, 'Leader down'));
      }
      const during = await agreedHeight(others);
      expect(during).toBeGreaterThanOrEqual(before + 3);
      const newLeader = await ordererBftGauge(others[0], 'leader_id');
      expect(newLeader).not.toBe(leaderId);
      const read = await actAs('admin-b').evaluate<{ code: string }>('e-licence', 'GetLicenceType', {
        code: `BFT-${stamp}-2`,
      });
      expect(read.code).toBe(`BFT-${stamp}-2`);
    } finally {
      startNode(leader);
    }

    const target = ordererHeight(others[0]);
    await eventually(
      `${leader} catches up to height ${target}`,
      () => ordererHeight(leader) >= target,
      90_000,
    );
    // all four order together again: one more transaction reaches every orderer
    await admin.submit('e-licence', 'CreateLicenceType', licenceType(`BFT-${stamp}-after`, 'All four back'));
    expect(await agreedHeight(ORDERERS)).toBeGreaterThan(target);
  });
});
