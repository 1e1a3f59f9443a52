/**
 * Identity administration rules (issue 12): an admin certificate, not a token claim; only the
 * organisation's issuable roles; one holder per pid, at this or any other organisation, kept
 * across restarts; always at the admin's own organisation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  assertAdminCertificate,
  certificateAttributes,
  certificateRoles,
  FABRIC_ATTRS_OID,
} from '../src/auth';
import { openDatabase } from '../src/writes/database';
import { PidRegistry } from '../src/identity-admin';
import { HttpProblem } from '../src/http/problem';
import { ADMIN_A, ADMIN_B, ALICE, makeHarness, OFFICER_A, SUB_ADMIN_A, type Harness } from './harness';

const PID_A = 'a1'.repeat(32);
const PID_B = 'b2'.repeat(32);
const URL = '/api/v1/admin/identities';

let h: Harness;
let adminA: string;
let adminB: string;
beforeEach(async () => {
  h = await makeHarness();
  await h.wallet.put({ mspId: 'CityAMSP', label: 'admin-a', ...ADMIN_A });
  await h.wallet.put({ mspId: 'CityBMSP', label: 'admin-b', ...ADMIN_B });
  adminA = await h.bearer({ sub: 'admin-a', org: 'CityAMSP', roles: ['admin'] });
  adminB = await h.bearer({ sub: 'admin-b', org: 'CityBMSP', roles: ['admin'] });
});
afterEach(() => h.close());

const register = (bearer: string, body: object) =>
  request(h.gateway.app).post(URL).set('Authorization', bearer).send(body);

describe('certificate attributes', () => {
  it('reads the JSON Fabric CA writes in extension 1.2.3.4.5.6.7.8.1', () => {
    expect(FABRIC_ATTRS_OID).toBe('1.2.3.4.5.6.7.8.1');
    expect(certificateAttributes(ADMIN_A.certificate)).toEqual({
      'gov.role': 'admin',
      'hf.Affiliation': '',
      'hf.EnrollmentID': 'admin-a',
      'hf.Type': 'client',
    });
    expect(certificateRoles(OFFICER_A.certificate)).toEqual(['officer', 'approver']);
    expect(certificateRoles(SUB_ADMIN_A.certificate)).toEqual(['sub-admin', 'administrator']);
  });

  it('finds none in a certificate without the extension, and refuses text that is not a certificate', () => {
    expect(certificateAttributes(ALICE.certificate)).toEqual({});
    expect(certificateRoles(ALICE.certificate)).toEqual([]);
    expect(() => certificateAttributes('not a certificate')).toThrow();
    expect(certificateRoles('not a certificate')).toEqual([]);
  });

  it('accepts only an identity whose certificate carries the admin role', () => {
    const caller = { subject: 'x', org: 'CityAMSP', roles: ['admin'] };
    expect(() => assertAdminCertificate(caller, ADMIN_A)).not.toThrow();
    for (const identity of [undefined, ALICE, OFFICER_A, SUB_ADMIN_A]) {
      let thrown: unknown;
      try {
        assertAdminCertificate(caller, identity);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(HttpProblem);
      expect(thrown).toMatchObject({ status: 403, code: 'ADMIN_CERTIFICATE_REQUIRED' });
    }
  });
});

describe('the admin certificate, not the token, grants administration', () => {
  it.each([
    ['a certificate without attributes', 'alice', ALICE],
    ['a certificate with other roles', 'officer-a', OFFICER_A],
    ['roles that only contain the word admin', 'sub-admin-a', SUB_ADMIN_A],
  ])(
    'refuses a token claiming admin over %s (403 ADMIN_CERTIFICATE_REQUIRED)',
    async (_what, label, creds) => {
      if (label !== 'alice') await h.wallet.put({ mspId: 'CityAMSP', label, ...creds });
      const bearer = await h.bearer({ sub: label, org: 'CityAMSP', roles: ['admin'] });
      const res = await register(bearer, { name: 'inspector-8', roles: ['officer'], dept: 'fire' }).expect(
        403,
      );
      expect(res.body.code).toBe('ADMIN_CERTIFICATE_REQUIRED');
      const list = await request(h.gateway.app).get(URL).set('Authorization', bearer).expect(403);
      expect(list.body.code).toBe('ADMIN_CERTIFICATE_REQUIRED');
      expect(h.ca.requests).toHaveLength(0);
      expect(await h.wallet.get('CityAMSP', 'inspector-8')).toBeUndefined();
    },
  );

  it('refuses a token claiming admin for a subject with no identity in the wallet', async () => {
    const bearer = await h.bearer({ sub: 'ghost', org: 'CityAMSP', roles: ['admin'] });
    const res = await register(bearer, { name: 'inspector-8', roles: ['officer'] }).expect(403);
    expect(res.body.code).toBe('ADMIN_CERTIFICATE_REQUIRED');
  });

  it("refuses City A's admin certificate under a City B token (the wallet is per organisation)", async () => {
    const bearer = await h.bearer({ sub: 'admin-a', org: 'CityBMSP', roles: ['admin'] });
    const res = await register(bearer, { name: 'inspector-8', roles: ['officer'] }).expect(403);
    expect(res.body.code).toBe('ADMIN_CERTIFICATE_REQUIRED');
  });
});

describe('issuable roles', () => {
  it("refuses a role outside the organisation's allow-list (403 ROLE_NOT_ISSUABLE)", async () => {
    // City A's consortium users have no legal officer: by default its admins cannot issue one.
    const res = await register(adminA, {
      name: 'legal-officer-a',
      roles: ['officer', 'legal-officer'],
      dept: 'housing',
    }).expect(403);
    expect(res.body.code).toBe('ROLE_NOT_ISSUABLE');
    expect(res.body.detail).toContain('legal-officer');
    expect(h.ca.requests).toHaveLength(0);
  });

  it('does not let an admin mint admins unless the configuration lists the role', async () => {
    const res = await register(adminA, { name: 'admin-a2', roles: ['admin'] }).expect(403);
    expect(res.body.code).toBe('ROLE_NOT_ISSUABLE');
    h.ca.roles.CityAMSP = ['admin'];
    await register(adminA, { name: 'admin-a2', roles: ['admin'] }).expect(201);
  });

  it('follows the configured allow-list of each organisation', async () => {
    h.ca.roles.CityAMSP = ['citizen'];
    const res = await register(adminA, { name: 'inspector-9', roles: ['officer'] }).expect(403);
    expect(res.body.code).toBe('ROLE_NOT_ISSUABLE');
    expect(res.body.detail).toContain('they may issue: citizen');
    h.ca.roles.CityAMSP = [];
    expect(
      (await register(adminA, { name: 'c1', roles: ['citizen'], pid: PID_A }).expect(403)).body.code,
    ).toBe('ROLE_NOT_ISSUABLE');
  });
});

describe('pseudonymous ids', () => {
  it('registers a citizen with its pid at the admin organisation and records the pid', async () => {
    const res = await register(adminA, { name: 'citizen-x', roles: ['citizen'], pid: PID_A }).expect(201);
    expect(res.body).toEqual({
      name: 'citizen-x',
      mspId: 'CityAMSP',
      attributes: { 'gov.role': 'citizen', 'gov.pid': PID_A },
    });
    expect(h.ca.requests).toEqual([
      {
        mspId: 'CityAMSP',
        request: {
          name: 'citizen-x',
          type: 'client',
          affiliation: '',
          attrs: { 'gov.role': 'citizen', 'gov.pid': PID_A },
        },
      },
    ]);
    expect(await h.wallet.get('CityAMSP', 'citizen-x')).toMatchObject({ attrs: { 'gov.pid': PID_A } });
    expect(await new PidRegistry(h.db).get('CityAMSP', PID_A)).toEqual({
      mspId: 'CityAMSP',
      pid: PID_A,
      name: 'citizen-x',
      state: 'registered',
    });
  });

  it('refuses a pid the gateway already enrolled at the organisation (409 PID_ALREADY_ENROLLED)', async () => {
    await register(adminA, { name: 'citizen-x', roles: ['citizen'], pid: PID_A }).expect(201);
    const res = await register(adminA, { name: 'citizen-y', roles: ['citizen'], pid: PID_A }).expect(409);
    expect(res.body.code).toBe('PID_ALREADY_ENROLLED');
    expect(res.body.detail).toContain('citizen-x');
    expect(h.ca.requests).toHaveLength(1);
    expect(await h.wallet.get('CityAMSP', 'citizen-y')).toBeUndefined();
  });

  it("refuses a pid the CA's registry holds (registered outside the gateway), and releases the reservation", async () => {
    h.ca.registered.push({
      mspId: 'CityAMSP',
      name: 'citizen-a1',
      attrs: { 'gov.role': 'citizen', 'gov.pid': PID_A },
    });
    const res = await register(adminA, { name: 'citizen-y', roles: ['citizen'], pid: PID_A }).expect(409);
    expect(res.body.code).toBe('PID_ALREADY_ENROLLED');
    expect(h.ca.requests).toHaveLength(0);
    expect(await new PidRegistry(h.db).get('CityAMSP', PID_A)).toBeUndefined();
  });

  it("refuses City B's admin a City A pid, without naming City A's holder", async () => {
    h.ca.registered.push({
      mspId: 'CityAMSP',
      name: 'citizen-a1',
      attrs: { 'gov.role': 'citizen', 'gov.pid': PID_A },
    });
    const res = await register(adminB, { name: 'citizen-b9', roles: ['citizen'], pid: PID_A }).expect(409);
    expect(res.body.code).toBe('PID_ALREADY_ENROLLED');
    expect(res.body.detail).not.toContain('citizen-a1');
    expect(res.body.detail).not.toContain('CityAMSP');
    // and a pid City A enrolled through the gateway (its record, not only the CA's registry)
    await register(adminA, { name: 'citizen-x', roles: ['citizen'], pid: PID_B }).expect(201);
    h.ca.registered.length = 0;
    const again = await register(adminB, { name: 'citizen-b9', roles: ['citizen'], pid: PID_B }).expect(409);
    expect(again.body.code).toBe('PID_ALREADY_ENROLLED');
    expect(h.ca.requests.map((r) => r.mspId)).toEqual(['CityAMSP']);
  });

  it('remembers enrolled pids across a restart (the SQLite record)', async () => {
    await register(adminA, { name: 'citizen-x', roles: ['citizen'], pid: PID_A }).expect(201);
    h.close();
    h = await makeHarness({}, { dir: h.dir }); // a new process: fresh fake CA registry, same database
    const bearer = await h.bearer({ sub: 'admin-a', org: 'CityAMSP', roles: ['admin'] });
    const res = await register(bearer, { name: 'citizen-y', roles: ['citizen'], pid: PID_A }).expect(409);
    expect(res.body.code).toBe('PID_ALREADY_ENROLLED');
    const other = await h.bearer({ sub: 'admin-b', org: 'CityBMSP', roles: ['admin'] });
    expect(
      (await register(other, { name: 'citizen-b9', roles: ['citizen'], pid: PID_A }).expect(409)).body.code,
    ).toBe('PID_ALREADY_ENROLLED');
    expect(h.ca.requests).toHaveLength(0);
  });

  it('lets only one of two concurrent registrations of a pid through', async () => {
    h.ca.registerDelayMs = 300; // the first is still at the CA when the second arrives
    const [a, b] = await Promise.all([
      register(adminA, { name: 'citizen-x', roles: ['citizen'], pid: PID_A }),
      register(adminB, { name: 'citizen-y', roles: ['citizen'], pid: PID_A }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect(h.ca.requests).toHaveLength(1);
  });

  it('fails closed when a CA registry cannot be read (503), and frees the pid for a retry', async () => {
    h.ca.unavailable = true;
    const res = await register(adminA, { name: 'citizen-x', roles: ['citizen'], pid: PID_A }).expect(503);
    expect(res.body.code).toBe('CA_UNAVAILABLE');
    expect(h.ca.requests).toHaveLength(0);
    h.ca.unavailable = false;
    await register(adminA, { name: 'citizen-x', roles: ['citizen'], pid: PID_A }).expect(201);
  });

  it('frees the pid when the CA refuses the registration', async () => {
    h.ca.registered.push({ mspId: 'CityAMSP', name: 'citizen-x', attrs: { 'gov.role': 'citizen' } });
    const res = await register(adminA, { name: 'citizen-x', roles: ['citizen'], pid: PID_A }).expect(409);
    expect(res.body.code).toBe('IDENTITY_EXISTS');
    expect(await new PidRegistry(h.db).get('CityAMSP', PID_A)).toBeUndefined();
    await register(adminA, { name: 'citizen-z', roles: ['citizen'], pid: PID_A }).expect(201);
  });
});

describe('own organisation only', () => {
  it("registers at the admin's own organisation CA and wallet", async () => {
    const res = await register(adminB, { name: 'officer-b9', roles: ['officer'], dept: 'housing' }).expect(
      201,
    );
    expect(res.body.mspId).toBe('CityBMSP');
    expect(h.ca.requests[0].mspId).toBe('CityBMSP');
    expect(await h.wallet.get('CityBMSP', 'officer-b9')).toBeDefined();
    expect(await h.wallet.get('CityAMSP', 'officer-b9')).toBeUndefined();
  });

  it('has no field that names another organisation', async () => {
    await register(adminB, { name: 'officer-b9', roles: ['officer'], mspId: 'CityAMSP' }).expect(400);
    await register(adminB, { name: 'officer-b9', roles: ['officer'], org: 'CityAMSP' }).expect(400);
    expect(h.ca.requests).toHaveLength(0);
  });
});

describe('PidRegistry', () => {
  it('replaces a reservation left pending past the stale delay, never a registered one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-pids-'));
    const db = openDatabase(path.join(dir, 'g.db'));
    try {
      const pids = new PidRegistry(db, 1000);
      await pids.reserve('CityAMSP', PID_A, 'x', 10_000);
      await expect(pids.reserve('CityBMSP', PID_A, 'y', 10_500)).rejects.toThrow(HttpProblem);
      await pids.reserve('CityBMSP', PID_A, 'y', 11_001); // the first process died while pending
      expect(await pids.get('CityAMSP', PID_A)).toBeUndefined();
      await pids.markRegistered('CityBMSP', PID_A, 11_002);
      await expect(pids.reserve('CityAMSP', PID_A, 'z', 99_999_999)).rejects.toThrow(HttpProblem);
      await pids.release('CityBMSP', PID_A);
      expect((await pids.get('CityBMSP', PID_A))?.state).toBe('registered');
    } finally {
      db.close();
    }
  });
});
