/**
 * An organisation admin registers and enrols a new officer at its own Fabric CA
 * through the gateway; the new officer then acts under a certificate whose
 * attributes the chaincode checks. The rules of issue 12: only roles the
 * organisation's allow-list names, one holder per pid at any organisation, and
 * an admin certificate (not a token claim) behind every registration.
 */
import { randomBytes } from 'crypto';
import { readFileSync } from 'fs';
import { SignJWT } from 'jose';
import path from 'path';
import { userPid } from '../src/fabric-client';
import { gatewayUrl, http } from '../src/gateway-client';
import { stateDir } from '../src/test-network';

function devSecret(): string {
  const env = readFileSync(path.join(stateDir(), 'gateway', 'secrets.env'), 'utf8');
  const m = /^JWT_HS256_SECRET=(.+)$/m.exec(env);
  if (!m?.[1]) throw new Error('no JWT_HS256_SECRET in the gateway secrets');
  return m[1].trim();
}

/** A development token for any claims (the gateway's HS256 secret of the test network). */
function mint(sub: string, org: string, roles: string[], dept?: string): Promise<string> {
  return new SignJWT(dept ? { org, roles, dept } : { org, roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer('govledger-dev')
    .setAudience('govledger-gateway')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(devSecret()));
}

/** POSTs a registration with a bearer token. */
async function registerWith(
  token: string,
  body: unknown,
): Promise<{ status: number; body: { code?: string } }> {
  const res = await fetch(`${gatewayUrl()}/api/v1/admin/identities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { code?: string } };
}

const unique = () => Date.now().toString(36) + randomBytes(2).toString('hex');

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

    const token = await mint(name, 'CityBMSP', ['officer'], 'housing');
    const res = await fetch(`${gatewayUrl()}/api/v1/access-logs/department?pageSize=5`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { records: { requesterMsp?: string; requesterDept?: string }[] };
    expect(Array.isArray(page.records)).toBe(true);
  });

  it("refuses City B's admin a City A citizen's pid, and any admin a pid already enrolled", async () => {
    const pidA1 = userPid('citizen-a1');
    if (!pidA1) throw new Error('citizen-a1 has no pid in the network state');
    const copied = await http<{ code: string }>('admin-b', 'POST', '/api/v1/admin/identities', {
      name: `citizen-${unique()}-b`,
      roles: ['citizen'],
      pid: pidA1,
    });
    expect(copied.status).toBe(409);
    expect(copied.body.code).toBe('PID_ALREADY_ENROLLED');
    const again = await http<{ code: string }>('admin-a', 'POST', '/api/v1/admin/identities', {
      name: `citizen-${unique()}-a`,
      roles: ['citizen'],
      pid: pidA1,
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('PID_ALREADY_ENROLLED');

    // a fresh pid enrols once, at City B, and then neither city can enrol it again
    const pid = randomBytes(32).toString('hex');
    const name = `citizen-${unique()}-b`;
    const created = await http<{ mspId: string; attributes: Record<string, string> }>(
      'admin-b',
      'POST',
      '/api/v1/admin/identities',
      { name, roles: ['citizen'], pid },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      mspId: 'CityBMSP',
      attributes: { 'gov.role': 'citizen', 'gov.pid': pid },
    });
    for (const admin of ['admin-b', 'admin-a']) {
      const dup = await http<{ code: string }>(admin, 'POST', '/api/v1/admin/identities', {
        name: `citizen-${unique()}-x`,
        roles: ['citizen'],
        pid,
      });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('PID_ALREADY_ENROLLED');
    }
  });

  it("refuses a role the organisation's configuration does not let its admin issue", async () => {
    // City A has no legal officer in network/consortium.json, and no organisation mints admins by default
    for (const roles of [['legal-officer'], ['admin'], ['officer', 'legal-officer']]) {
      const res = await http<{ code: string }>('admin-a', 'POST', '/api/v1/admin/identities', {
        name: `x-${unique()}-a`,
        roles,
        dept: 'housing',
      });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('ROLE_NOT_ISSUABLE');
    }
  });

  it('refuses a token that claims admin for an identity whose certificate is not an admin one', async () => {
    const forged = await mint('officer-housing-b', 'CityBMSP', ['admin']);
    const res = await registerWith(forged, {
      name: `officer-${unique()}-b`,
      roles: ['officer'],
      dept: 'housing',
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ADMIN_CERTIFICATE_REQUIRED');
    const list = await fetch(`${gatewayUrl()}/api/v1/admin/identities`, {
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(list.status).toBe(403);
    // and a City A admin's token under City B's organisation has no City B admin certificate
    const crossed = await mint('admin-a', 'CityBMSP', ['admin']);
    const res2 = await registerWith(crossed, {
      name: `officer-${unique()}-b`,
      roles: ['officer'],
      dept: 'housing',
    });
    expect(res2.status).toBe(403);
    expect(res2.body.code).toBe('ADMIN_CERTIFICATE_REQUIRED');
  });
});
