/**
 * The foundation, proven on a real network: a project chaincode deployed by
 * network.sh deploy; a City A identity writes, a City B identity reads it back
 * through @hyperledger/fabric-gateway; the chaincode itself refuses a City B
 * identity that tries to change City A's record.
 */
import { actAs, closeAll, refused } from '../src/fabric-client';

const code = `NET-${Date.now()}`;

afterAll(() => closeAll());

describe('two cities on one channel', () => {
  it('commits a City A transaction that a City B user reads back', async () => {
    const adminA = actAs('admin-a');
    const created = await adminA.submit<{ code: string; ownerMsp: string }>(
      'e-licence',
      'CreateLicenceType',
      {
        code,
        name: 'Food business licence',
        dept: 'market',
        holderKind: 'enterprise',
        validity: { kind: 'days', days: 365 },
        claims: ['businessName', 'address'],
        requiredApprovals: ['market', 'fire'],
      },
    );
    expect(created).toMatchObject({ code });

    const adminB = actAs('admin-b');
    const read = await adminB.evaluate<{ code: string; ownerMsp: string; name: string }>(
      'e-licence',
      'GetLicenceType',
      { code },
    );
    expect(read).toMatchObject({ code, name: 'Food business licence' });
    expect(JSON.stringify(read)).toContain('CityAMSP');
  });

  it("refuses, in the chaincode itself, a City B admin changing City A's licence type", async () => {
    const adminB = actAs('admin-b');
    const err = await refused(adminB.submit('e-licence', 'UpdateLicenceType', { code, name: 'Renamed' }));
    expect(err.status).toBe(403);
  });
});
