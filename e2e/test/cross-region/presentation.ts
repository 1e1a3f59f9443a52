/**
 * Issue 18 parts 3-4 on the real network, through the gateway: City A issues a licence to an
 * enterprise; City A's admin registers its presentation key (the gateway keeps the private half;
 * the public half is on the ledger); the holder asks for a presentation disclosing one claim; an
 * unauthenticated client verifies it at the public endpoint (recorded on the ledger by the
 * verifying gateway's organisation, City B's public-read identity) and offline with the published
 * JWKS (@govledger/client verifyPresentation); a City B department checks the licence with a
 * recorded verification; City A revokes it and the same presentation then fails with
 * LICENCE_REVOKED; the holder lists who checked, when and why (the department check and the public
 * ones); anyone else is refused.
 *
 * The gateway is restarted with PUBLIC_READ_IDENTITY set (and restored after), as the
 * warnings-transparency suite does for its schedule.
 */
import { verifyPresentation, type PresentationJwk } from '@govledger/client';
import { createHash, randomBytes } from 'crypto';
import { readFileSync } from 'fs';
import path from 'path';
import { http } from '../../src/gateway-client';
import { restartGateway } from '../../src/network-ops';
import { stateDir } from '../../src/test-network';

const API = '/api/v1';
const PUBLIC_ENV = { PUBLIC_READ_IDENTITY: 'CityBMSP/auditor-b', PRESENTATION_TTL_S: '300' };

const pidOf = (user: string) => readFileSync(path.join(stateDir(), 'users', user, 'pid'), 'utf8').trim();
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

interface Verified {
  valid: boolean;
  reason: string | null;
  licenceId: string | null;
  status: string | null;
  disclosed: { name: string; value: string }[];
  usageId: string | null;
}

interface Usage {
  usageId: string;
  licenceId: string;
  channel: string;
  verifier: { kind: string; mspId: string; dept: string | null; role: string | null };
  purpose: { code: string; text?: string } | null;
  disclosedClaims: string[];
  valid: boolean;
  reason: string | null;
  checkedAt: string;
}

/** The presentation suite of cross-region.test.ts. */
export function presentationSuite(): void {
  describe('holder presentations anyone can verify; every use traced (issue 18 parts 3-4)', () => {
    const run = Date.now().toString(36);
    const TYPE = `A-PRES-${run}`.toUpperCase();
    const LICENCE = `L-PRES-${run}`;
    const claims = {
      companyName: { value: `Presentable Trading ${run} Ltd`, salt: randomBytes(16).toString('hex') },
      registeredCapital: { value: '7300000.00', salt: randomBytes(16).toString('hex') },
    };
    let presentation = '';

    beforeAll(async () => {
      await restartGateway(PUBLIC_ENV);
    });

    afterAll(async () => {
      await restartGateway({});
    });

    it('City A issues a licence and registers its presentation key on the ledger', async () => {
      const type = await http('admin-a', 'POST', `${API}/licence-types`, {
        code: TYPE,
        name: 'Presentable business licence',
        dept: 'market',
        holderKind: 'enterprise',
        validity: { kind: 'days', days: 365 },
        claims: ['companyName', 'registeredCapital'],
        requiredApprovals: [],
      });
      expect(type.status).toBe(201);
      const issued = await http('issuer-a', 'POST', `${API}/licences`, {
        licenceId: LICENCE,
        typeCode: TYPE,
        holder: { mspId: 'CityAMSP', pid: pidOf('enterprise-a1') },
        documentHash: sha256(`document ${LICENCE}`),
        licencePrivate: {
          holder: { legalName: `Presentable Trading ${run} Ltd` },
          claims,
          salt: randomBytes(16).toString('hex'),
        },
      });
      expect(issued.status).toBe(201);
      const key = await http<{ result: { mspId: string; kid: string } } | { code: string }>(
        'admin-a',
        'POST',
        `${API}/presentation-keys`,
      );
      // the network is shared by the suites: the key may be registered already
      expect([201, 409]).toContain(key.status);
      if (key.status === 409) expect(key.body).toMatchObject({ code: 'PRESENTATION_KEY_EXISTS' });
      const jwks = await http<{ keys: PresentationJwk[] }>(
        undefined,
        'GET',
        `${API}/public/presentation-keys`,
      );
      expect(jwks.status).toBe(200);
      expect(jwks.body.keys.some((k) => k.mspId === 'CityAMSP')).toBe(true);
    });

    it('the holder presents one claim; an unauthenticated client verifies it online and offline', async () => {
      const refused = await http('citizen-a1', 'POST', `${API}/licences/${LICENCE}/presentations`, {
        claims: ['companyName'],
      });
      expect(refused.status).toBe(403);
      const made = await http<{ presentation: string; expiresAt: string; disclosed: string[] }>(
        'enterprise-a1',
        'POST',
        `${API}/licences/${LICENCE}/presentations`,
        { claims: ['companyName'] },
      );
      expect(made.status).toBe(201);
      presentation = made.body.presentation;
      expect(presentation.length).toBeLessThan(1500);
      expect(presentation).not.toContain(Buffer.from(claims.registeredCapital.value).toString('base64url'));

      const online = await http<Verified>(undefined, 'POST', `${API}/public/presentations/verify`, {
        presentation,
        purpose: { code: 'CONTRACTING', text: 'supplier onboarding' },
      });
      expect(online.status).toBe(200);
      expect(online.body).toMatchObject({
        valid: true,
        reason: null,
        licenceId: LICENCE,
        status: 'valid',
        disclosed: [{ name: 'companyName', value: claims.companyName.value }],
        usageId: expect.stringMatching(/^[0-9a-f]{64}$/),
      });

      const jwks = await http<{ keys: PresentationJwk[] }>(
        undefined,
        'GET',
        `${API}/public/presentation-keys`,
      );
      const offline = await verifyPresentation(presentation, jwks.body);
      expect(offline).toMatchObject({
        valid: true,
        licenceId: LICENCE,
        issuer: 'CityAMSP',
        claims: { companyName: claims.companyName.value },
        statusUnchecked: true,
      });
      // tampered: another value for the disclosed claim
      const [jws] = presentation.split('~');
      const forged = Buffer.from(
        JSON.stringify([claims.companyName.salt, 'companyName', 'Evil Corp']),
      ).toString('base64url');
      const tampered = await http<Verified>(undefined, 'POST', `${API}/public/presentations/verify`, {
        presentation: `${jws}~${forged}~`,
      });
      expect(tampered.body).toMatchObject({ valid: false, reason: 'DISCLOSURE_MISMATCH' });
      expect(await verifyPresentation(`${jws}~${forged}~`, jwks.body)).toEqual({
        valid: false,
        reason: 'DISCLOSURE_MISMATCH',
      });
    });

    it('a City B department checks the licence with a recorded verification', async () => {
      const check = await http<{ result: { verification: { valid: boolean }; usage: Usage } }>(
        'officer-housing-b',
        'POST',
        `${API}/licences/${LICENCE}/checks`,
        { purpose: { code: 'SERVICE_COUNTER', text: 'tenancy desk' } },
      );
      expect(check.status).toBe(200);
      expect(check.body.result.verification.valid).toBe(true);
      expect(check.body.result.usage).toMatchObject({
        channel: 'department',
        verifier: { kind: 'department', mspId: 'CityBMSP', dept: 'housing', role: 'officer' },
        valid: true,
      });
    });

    it('after City A revokes the licence, the same presentation fails with LICENCE_REVOKED', async () => {
      const revoked = await http('issuer-a', 'POST', `${API}/licences/${LICENCE}/revocation`, {
        reasonCode: 'FRAUD',
      });
      expect(revoked.status).toBe(200);
      const again = await http<Verified>(undefined, 'POST', `${API}/public/presentations/verify`, {
        presentation,
      });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ valid: false, reason: 'LICENCE_REVOKED', status: 'revoked' });
      expect(again.body.usageId).toMatch(/^[0-9a-f]{64}$/);
    });

    it('the holder lists who checked the licence, when and why; nobody else can', async () => {
      const list = await http<{ records: Usage[]; bookmark: string }>(
        'enterprise-a1',
        'GET',
        `${API}/me/licence-checks?licenceId=${LICENCE}&pageSize=50`,
      );
      expect(list.status).toBe(200);
      const seen = list.body.records.map((u) => [
        u.channel,
        u.verifier.kind,
        u.verifier.mspId,
        u.valid,
        u.reason,
      ]);
      expect(seen).toEqual(
        expect.arrayContaining([
          ['presentation', 'public', 'CityBMSP', true, null],
          ['presentation', 'public', 'CityBMSP', false, 'DISCLOSURE_MISMATCH'],
          ['department', 'department', 'CityBMSP', true, null],
          ['presentation', 'public', 'CityBMSP', false, 'LICENCE_REVOKED'],
        ]),
      );
      expect(list.body.records).toHaveLength(4);
      const dept = list.body.records.find((u) => u.channel === 'department');
      expect(dept?.purpose).toEqual({ code: 'SERVICE_COUNTER', text: 'tenancy desk' });
      const first = list.body.records.find((u) => u.valid && u.channel === 'presentation');
      expect(first?.purpose).toEqual({ code: 'CONTRACTING', text: 'supplier onboarding' });
      expect(first?.disclosedClaims).toEqual(['companyName']);
      // no clear value or personal data in the trace
      expect(JSON.stringify(list.body)).not.toContain(claims.companyName.value);

      const other = await http('enterprise-b1', 'GET', `${API}/me/licence-checks?licenceId=${LICENCE}`);
      expect(other.status).toBe(403);
      const staff = await http('officer-housing-b', 'GET', `${API}/me/licence-checks`);
      expect(staff.status).toBe(403);
    });
  });
}
