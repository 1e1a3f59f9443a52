/**
 * An organisation admin registers and enrols a new officer at its own Fabric CA
 * through the gateway; the new officer then acts under a certificate whose
 * attributes the chaincode checks.
 */
import { readFileSync } from 'fs';
import { SignJWT } from 'jose';
import path from 'path';
import { gatewayUrl, http } from '../src/gateway-client';
import { stateDir } from '../src/test-network';

function devSecret(): string {
  const env = readFileSync(path.join(stateDir(), 'gateway', 'secrets.env'), 'utf8');
  const m = /^JWT_HS256_SECRET=(.+)$/m.exec(env);
  if (!m?.[1]) throw new Error('no JWT_HS256_SECRET in the gateway secrets');
  return m[1].trim();
}

describe('identities registered through the gateway', () => {
  it('registers and enrols an officer at City B CA, who then reads its department log', async () => {
    const name = `officer-${Date.now().toString(36)}-b`;
    const created = await http<{ name: string; mspId: string; attributes: Record<string, string> }>(
      'admin-b',
      'POST',
      '/api/v1/admin/identities',
      { name, roles: ['officer'], dept: 'housing' },
    );
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      name,
      mspId: 'CityBMSP',
      attributes: { 'gov.role': 'officer', 'gov.dept': 'housing' },
    });
    const listed = await http<{ identities: string[] }>('admin-b', 'GET', '/api/v1/admin/identities');
    expect(listed.body.identities).toContain(name);

    const notAdmin = await http<{ code: string }>('officer-housing-b', 'POST', '/api/v1/admin/identities', {
      name: `${name}-x`,
      roles: ['officer'],
      dept: 'housing',
    });
    expect(notAdmin.status).toBe(403);

    const token = await new SignJWT({ org: 'CityBMSP', roles: ['officer'], dept: 'housing' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(name)
      .setIssuer('govledger-dev')
      .setAudience('govledger-gateway')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(devSecret()));
    const res = await fetch(`${gatewayUrl()}/api/v1/access-logs/department?pageSize=5`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { records: { requesterMsp?: string; requesterDept?: string }[] };
    expect(Array.isArray(page.records)).toBe(true);
  });
});
