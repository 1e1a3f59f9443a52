/**
 * Issue 18, parts 1-2, on the cross-region suite's network (cross-region.test.ts):
 * - applying in another city: an enterprise registered in City A applies for City B's licence
 *   type through the gateway, naming City B as the issuing city; City B's department approves and
 *   City B issues; the personal data is staged on City B's peer only (licencePrivate_CityBMSP) and
 *   City A can read neither it nor the licence's private record;
 * - licensing cities as data: `network.sh addorg CityC --licensing` adds City C with no code
 *   change (new organisation on the channel, e-licence upgraded to the next sequence with the
 *   regenerated collections); City C then defines a type, issues a licence into its own
 *   collection, and recognition works among all three cities.
 */
import { createHash, randomBytes } from 'crypto';
import { readFileSync } from 'fs';
import path from 'path';
import { gatewayUrl, http, type HttpResult } from '../../src/gateway-client';
import { networkSh, readNetworkInfo, stateDir } from '../../src/test-network';

const API = '/api/v1';
const run = Date.now().toString(36);
const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

const pidOf = (user: string) => readFileSync(path.join(stateDir(), 'users', user, 'pid'), 'utf8').trim();

/** Canonical JSON (keys sorted at every level), as the chaincode hashes the private record. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** A private record: the holder's personal data and one salted claim. */
function licencePrivate(legalName: string, companyName: string) {
  return {
    holder: { legalName, idNumber: `91${randomBytes(6).toString('hex').toUpperCase()}` },
    claims: { companyName: { value: companyName, salt: randomBytes(16).toString('hex') } },
    salt: randomBytes(16).toString('hex'),
  };
}

function typeBody(code: string, name: string, requiredApprovals: string[]) {
  return {
    code,
    name,
    dept: 'market',
    holderKind: 'enterprise',
    validity: { kind: 'days', days: 730 },
    claims: ['companyName'],
    requiredApprovals,
  };
}

interface Written<T> {
  transactionId: string;
  blockNumber: string;
  result: T;
}
interface Licence {
  licenceId: string;
  issuerMsp: string;
  holder: { mspId: string; pid: string };
  privateCollection: string;
  status: string;
}
interface Application {
  applicationId: string;
  ownerMsp: string;
  applicant: { mspId: string; pid: string };
  privateCollection: string;
  status: string;
  pendingDepts: string[];
}

async function expectStatus<T>(pending: Promise<HttpResult<T>>, status: number, what: string): Promise<T> {
  const res = await pending;
  if (res.status !== status)
    throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function write<T>(user: string, method: string, url: string, body: unknown, status = 201): Promise<T> {
  const written = await expectStatus(
    http<Written<T>>(user, method, url, body),
    status,
    `${user} ${method} ${url}`,
  );
  return written.result;
}

async function refused(pending: Promise<HttpResult>, status: number, code: string): Promise<void> {
  const res = await pending;
  expect({ status: res.status, code: (res.body as { code?: string } | undefined)?.code }).toEqual({
    status,
    code,
  });
}

/** Polls a read until it answers 200 (another organisation's peer may be a block behind). */
async function until<T>(what: string, readIt: () => Promise<HttpResult<T>>): Promise<T> {
  let last: HttpResult<T> | undefined;
  for (let i = 0; i < 40; i++) {
    last = await readIt();
    if (last.status === 200) return last.body;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} never answered 200; last: ${last?.status} ${JSON.stringify(last?.body)}`);
}

/**
 * Waits for the gateway that addorg restarted: the first requests may still meet a kept-alive
 * connection to the stopped one ("other side closed").
 */
async function gatewayBackUp(): Promise<void> {
  for (let i = 0; i < 40; i++) {
    try {
      if ((await fetch(`${gatewayUrl()}/livez`)).status === 200) return;
    } catch {
      // a connection to the stopped gateway, or the new one not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the gateway did not come back after addorg');
}

/** The committed sequence of a chaincode, from `network.sh status`. */
function committedSequence(chaincode: string): number {
  const out = networkSh(['status', '--state-dir', stateDir()], { quiet: true });
  const m = new RegExp(`^\\s+${chaincode}\\s+version \\S+\\s+sequence (\\d+)`, 'm').exec(out);
  if (!m) throw new Error(`no committed ${chaincode} in network.sh status:\n${out}`);
  return Number(m[1]);
}

/** Issue 18 parts 1-2: applying in another city, and a licensing city added as data. */
export function citiesSuite(): void {
  describe('applying in another city: a City A enterprise obtains a City B licence', () => {
    const typeB = `B-TRADE-${run}`;
    const appId = `APP-XB-${run}`;
    const record = licencePrivate('Acme North Trading Ltd', `Acme North ${run}`);
    const documentHash = sha256(`%PDF City B trading permit ${appId}`);

    it("is staged on City B's peer only, decided by City B's department and issued by City B", async () => {
      await write(
        'admin-b',
        'POST',
        `${API}/licence-types`,
        typeBody(typeB, 'City B trading permit', ['market']),
      );
      const app = await write<Application>('enterprise-a1', 'POST', `${API}/applications`, {
        applicationId: appId,
        typeCode: typeB,
        issuingMsp: 'CityBMSP',
        licencePrivate: record,
      });
      expect(app).toMatchObject({
        applicationId: appId,
        ownerMsp: 'CityBMSP',
        applicant: { mspId: 'CityAMSP', pid: pidOf('enterprise-a1') },
        privateCollection: 'licencePrivate_CityBMSP',
        status: 'pending',
        pendingDepts: ['market'],
      });
      expect(JSON.stringify(app)).not.toContain(record.holder.idNumber);

      // naming the wrong issuing city (or none: the home city) is refused before anything is staged
      await refused(
        http('enterprise-a1', 'POST', `${API}/applications`, {
          applicationId: `${appId}-home`,
          typeCode: typeB,
          licencePrivate: record,
        }),
        403,
        'APPLICANT_ORG_MISMATCH',
      );

      // City A's department cannot decide on City B's application
      await refused(
        http('approver-market-a', 'POST', `${API}/applications/${appId}/approvals`, { documentHash }),
        403,
        'NOT_ISSUING_ORG',
      );
      const decided = await write<{ application: Application; licence: Licence | null }>(
        'approver-market-b',
        'POST',
        `${API}/applications/${appId}/approvals`,
        { documentHash },
        200,
      );
      expect(decided.application.status).toBe('issued');
      expect(decided.licence).toMatchObject({
        licenceId: appId,
        issuerMsp: 'CityBMSP',
        holder: { mspId: 'CityAMSP', pid: pidOf('enterprise-a1') },
        privateCollection: 'licencePrivate_CityBMSP',
        status: 'active',
      });
      // City B holds the private record on its peer
      const own = await until('the private record on City B', () =>
        http<{ recordJson: string }>('admin-b', 'GET', `${API}/licences/${appId}/private-data`),
      );
      expect(own.recordJson).toBe(canonical(record));
      // the holder finds it among its licences, read on City A's peer
      const mine = await until('the holder index on City A', () =>
        http<{ records: Licence[] }>(
          'admin-a',
          'GET',
          `${API}/holders/CityAMSP/${pidOf('enterprise-a1')}/licences?pageSize=50`,
        ),
      );
      expect(mine.records.map((l) => `${l.issuerMsp}:${l.licenceId}`)).toContain(`CityBMSP:${appId}`);
    });

    it("keeps the licence's private record from City A", async () => {
      for (const user of ['admin-a', 'issuer-a']) {
        await refused(http(user, 'GET', `${API}/licences/${appId}/private-data`), 403, 'NOT_ISSUING_ORG');
      }
      // the public record City A reads carries hashes only
      const publicRecord = await until('the licence on City A', () =>
        http<Licence>('admin-a', 'GET', `${API}/licences/${appId}`),
      );
      for (const secret of [record.holder.legalName, record.holder.idNumber, record.claims.companyName.value])
        expect(JSON.stringify(publicRecord)).not.toContain(secret);
    });

    it('lets its holder, registered in City A, present the City B licence to anyone', async () => {
      const key = await http('admin-b', 'POST', `${API}/presentation-keys`);
      expect([201, 409]).toContain(key.status);
      const made = await http<{ presentation: string }>(
        'enterprise-a1',
        'POST',
        `${API}/licences/${appId}/presentations`,
        { claims: ['companyName'] },
      );
      expect(made.status).toBe(201);
      const checked = await http<{
        valid: boolean;
        issuerMsp: string;
        disclosed: { name: string; value: string }[];
      }>(undefined, 'POST', `${API}/public/presentations/verify`, { presentation: made.body.presentation });
      expect(checked.status).toBe(200);
      expect(checked.body).toMatchObject({
        valid: true,
        issuerMsp: 'CityBMSP',
        disclosed: [{ name: 'companyName', value: record.claims.companyName.value }],
      });
    });
  });

  describe('licensing cities as data: City C joins with network.sh addorg CityC --licensing', () => {
    const typeB = `B-SHOP-${run}`;
    const typeC = `C-BIZ-${run}`;
    const licenceB = `B-SHOP-L-${run}`;
    const licenceC = `C-BIZ-L-${run}`;

    it(
      'joins the channel; e-licence is upgraded with its collection, without a code change',
      async () => {
        const before = committedSequence('e-licence');
        const otherBefore = committedSequence('fund-tracing');
        networkSh(['addorg', 'CityC', '--licensing', '--state-dir', stateDir()]);
        await gatewayBackUp();
        const info = readNetworkInfo(stateDir());
        expect(info.organisations.map((o) => o.mspId)).toEqual(['CityAMSP', 'CityBMSP', 'CityCMSP']);
        expect(committedSequence('e-licence')).toBe(before + 1);
        // only the chaincode with licence collections changes
        expect(committedSequence('fund-tracing')).toBe(otherBefore);
      },
      10 * 60_000,
    );

    it('City C defines a type and issues a licence into its own collection only', async () => {
      await write('admin-c', 'POST', `${API}/licence-types`, typeBody(typeC, 'City C business licence', []));
      const record = licencePrivate('Acme West Ltd', `Acme West ${run}`);
      const licence = await write<Licence>('issuer-c', 'POST', `${API}/licences`, {
        licenceId: licenceC,
        typeCode: typeC,
        holder: { mspId: 'CityCMSP', pid: pidOf('enterprise-c1') },
        documentHash: sha256(`%PDF City C ${licenceC}`),
        licencePrivate: record,
      });
      expect(licence).toMatchObject({
        licenceId: licenceC,
        issuerMsp: 'CityCMSP',
        privateCollection: 'licencePrivate_CityCMSP',
        status: 'active',
      });
      const own = await until('the private record on City C', () =>
        http<{ recordJson: string }>('admin-c', 'GET', `${API}/licences/${licenceC}/private-data`),
      );
      expect(own.recordJson).toBe(canonical(record));
      for (const user of ['admin-a', 'admin-b'])
        await refused(http(user, 'GET', `${API}/licences/${licenceC}/private-data`), 403, 'NOT_ISSUING_ORG');
    });

    it('recognition works among all three cities', async () => {
      await write('admin-b', 'POST', `${API}/licence-types`, typeBody(typeB, 'City B shop licence', []));
      await write('issuer-b', 'POST', `${API}/licences`, {
        licenceId: licenceB,
        typeCode: typeB,
        holder: { mspId: 'CityBMSP', pid: pidOf('enterprise-b1') },
        documentHash: sha256(`%PDF City B ${licenceB}`),
        licencePrivate: licencePrivate('Acme South Ltd', `Acme South ${run}`),
      });
      await write('admin-c', 'POST', `${API}/recognitions`, { localTypeCode: typeC, foreignTypeCode: typeB });
      await write('admin-a', 'POST', `${API}/licence-types`, typeBody(`A-BIZ-${run}`, 'City A business', []));
      await write('admin-a', 'POST', `${API}/recognitions`, {
        localTypeCode: `A-BIZ-${run}`,
        foreignTypeCode: typeC,
      });
      type Verification = {
        valid: boolean;
        recognition: { org: string; recognised: boolean; basis: string };
      };
      const byC = await until('City B licence on City C', () =>
        http<Verification>('issuer-c', 'POST', `${API}/licences/${licenceB}/verification`, {}),
      );
      expect(byC).toMatchObject({
        valid: true,
        recognition: { org: 'CityCMSP', recognised: true, basis: 'mutual-recognition' },
      });
      const byA = await until('City C licence on City A', () =>
        http<Verification>('issuer-a', 'POST', `${API}/licences/${licenceC}/verification`, {}),
      );
      expect(byA.recognition).toMatchObject({
        org: 'CityAMSP',
        recognised: true,
        basis: 'mutual-recognition',
      });
      const byB = await until('City C licence on City B', () =>
        http<Verification>('issuer-b', 'POST', `${API}/licences/${licenceC}/verification`, {}),
      );
      expect(byB.recognition).toMatchObject({ org: 'CityBMSP', recognised: false, basis: 'none' });
    });
  });
}
