/**
 * network.sh addorg on the running channel: the Audit Office's peer joins,
 * reaches the channel height, and endorses queries of the deployed chaincodes
 * (installed and approved for AuditMSP by addorg).
 */
import { actAs, closeAll } from '../src/fabric-client';
import { eventually, peerHeight } from '../src/network-ops';
import { networkSh, readNetworkInfo, stateDir } from '../src/test-network';

afterAll(() => closeAll());

describe('adding the Audit Office to the running channel', () => {
  it('joins a third organisation whose peer catches up and serves the chaincodes', async () => {
    const code = `AUDIT-${Date.now()}`;
    await actAs('admin-a').submit('e-licence', 'CreateLicenceType', {
      code,
      name: 'Before the auditor joined',
      dept: 'market',
      holderKind: 'person',
      validity: { kind: 'permanent' },
      claims: ['name'],
      requiredApprovals: [],
    });

    networkSh(['addorg', '--state-dir', stateDir()]);
    const info = readNetworkInfo(stateDir());
    expect(info.organisations.map((o) => o.mspId)).toEqual(['CityAMSP', 'CityBMSP', 'AuditMSP']);

    const target = peerHeight('CityA');
    await eventually(`peer0.Audit reaches height ${target}`, () => peerHeight('Audit') >= target);
    expect(peerHeight('Audit')).toBeGreaterThanOrEqual(target);

    const auditor = actAs('auditor-audit');
    expect(auditor.mspId).toBe('AuditMSP');
    const read = await auditor.evaluate<{ code: string }>('e-licence', 'GetLicenceType', { code });
    expect(read.code).toBe(code);
  });
});
