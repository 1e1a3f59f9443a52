/**
 * Issue 18 parts 5-6 on the real network, through the gateway: materials fetched, not
 * re-submitted; automatic approval; decision deadlines.
 *
 * City A's housing department attests a fact about citizen-a1 (data-sharing). City A's admin
 * creates a person licence type whose environment approval is automatic on such an attestation
 * and whose market decision has a two-second deadline. citizen-a1 applies referencing the
 * attestation instead of re-entering it: e-licence reads it from data-sharing in the submission
 * (a chaincode-to-chaincode call on the same channel, under the citizen's identity), records it,
 * and approves environment by the rule. Another citizen cannot use it. Once the deadline passes,
 * the application shows market overdue; the gateway's scheduler (the suite restarts the gateway
 * with a one-second overdue-approvals interval and a supervisor identity, then restores it)
 * raises the warning without anyone calling the sweep; a sweep called by hand raises nothing more
 * (one warning per application and department, ever); supervisors list it; the market approval
 * then issues the licence.
 */
import { dataSharing, eLicence } from '@govledger/fixtures';
import { createHash, randomBytes } from 'crypto';
import { http, type HttpResult } from '../../src/gateway-client';
import { restartGateway } from '../../src/network-ops';

/** The gateway's scheduled checks, as the suite turns them on: only the overdue-approvals sweep, every second. */
const SCHEDULE_ENV = {
  SCHEDULE_IDENTITY: 'CityAMSP/auditor-a',
  SCHEDULE_OVERDUE_APPROVALS_INTERVAL_MS: '1000',
  SCHEDULE_UNSPENT_SWEEP_INTERVAL_MS: '0',
  SCHEDULE_TICK_MS: '1000',
};

const API = '/api/v1';
const SHA256 = /^[0-9a-f]{64}$/;
const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const salt = () => randomBytes(32).toString('hex');

interface Written<T> {
  transactionId: string;
  blockNumber: string;
  result: T;
}
interface Problem {
  status: number;
  code: string;
}
interface Application {
  applicationId: string;
  status: string;
  approvedDepts: string[];
  pendingDepts: string[];
  timeline: { event: string; dept?: string; rule?: number; material?: string; by?: string }[];
  materials: Record<string, unknown>[];
  deadlines: { dept: string; dueAt: string }[];
  deadlineProgress: {
    dept: string;
    dueAt: string;
    elapsedMs: number;
    remainingMs: number;
    overdue: boolean;
  }[];
}
interface Warning {
  applicationId: string;
  typeCode: string;
  ownerMsp: string;
  dept: string;
  applicant: { mspId: string; pid: string };
  dueAt: string;
  raisedAt: string;
}

async function write<T>(user: string, method: string, path: string, body: unknown, status = 200): Promise<T> {
  const res = await http<Written<T>>(user, method, path, body);
  if (res.status !== status) {
    throw new Error(
      `${user} ${method} ${path}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`,
    );
  }
  expect(res.body.transactionId).toMatch(SHA256);
  return res.body.result;
}

async function read<T>(user: string, path: string): Promise<T> {
  const res = await http<T>(user, 'GET', path);
  if (res.status !== 200) throw new Error(`${user} GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function problem(pending: Promise<HttpResult>, status: number, code: string): Promise<void> {
  const res = await pending;
  expect({ status: res.status, code: (res.body as Problem).code }).toEqual({ status, code });
}

async function until<T>(what: string, readIt: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 80; i++) {
    last = await readIt();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} never held; last read: ${JSON.stringify(last)}`);
}

/** The materials / automatic approval / deadlines suite (issue 18 parts 5-6). */
export function materialsSuite(): void {
  describe('materials fetched, not re-submitted; automatic approval; deadlines', () => {
    const run = Date.now().toString(36);
    const CATEGORY = `XR-HF-${run}`;
    const FIELD = dataSharing.CONTRIBUTION_STATUS;
    const ATTESTATION_ID = `XR-ATT-${run}`;
    const TYPE = `A-HSUB-${run}`;
    const APP_ID = `XR-APP-${run}`;
    const DEADLINE_S = 2;
    const householdSize = { value: `4-persons-${run}`, salt: salt() };
    const licencePrivate = {
      holder: { legalName: `Li Si ${run}`, idNumber: `11010119900101${run.slice(-4)}` },
      claims: { householdSize },
      salt: salt(),
    };
    const personalValues = [
      licencePrivate.holder.legalName,
      licencePrivate.holder.idNumber,
      householdSize.value,
    ];
    let citizen: { mspId: string; pid: string };

    beforeAll(async () => {
      const me = await read<{ org: string; pid: string }>('citizen-a1', `${API}/me`);
      citizen = { mspId: me.org, pid: me.pid };
      expect(citizen.pid).toMatch(SHA256);
    });

    it("City A housing attests a fact about citizen-a1; City A's type approves environment on it", async () => {
      await write(
        'officer-housing-a',
        'POST',
        `${API}/data-categories`,
        dataSharing.socialInsuranceCategory(CATEGORY, [FIELD]),
        201,
      );
      const attestation = await write<{ attestationId: string; state: string }>(
        'officer-housing-a',
        'POST',
        `${API}/attestations`,
        dataSharing.attestation({
          attestationId: ATTESTATION_ID,
          categoryCode: CATEGORY,
          field: FIELD,
          citizen,
          factHash: sha256(`${salt()}|paid-24-months`),
          now: Date.now(),
        }),
        201,
      );
      expect(attestation).toMatchObject({ attestationId: ATTESTATION_ID, state: 'active' });
      const type = await write<Record<string, unknown>>(
        'admin-a',
        'POST',
        `${API}/licence-types`,
        eLicence.housingSubsidyType(TYPE, CATEGORY, FIELD, DEADLINE_S),
        201,
      );
      expect(type).toMatchObject({
        code: TYPE,
        autoApprovals: [
          { dept: 'environment', when: { kind: 'attestation', categoryCode: CATEGORY, field: FIELD } },
        ],
        decisionDeadlines: [{ dept: 'market', seconds: DEADLINE_S }],
      });
    });

    it('another citizen cannot draw on citizen-a1’s attestation (403 MATERIAL_NOT_OWNED)', async () => {
      await problem(
        http(
          'citizen-a2',
          'POST',
          `${API}/applications`,
          eLicence.applicationWithMaterials(`${APP_ID}-X`, TYPE, licencePrivate, [
            { kind: 'attestation', attestationId: ATTESTATION_ID },
          ]),
        ),
        403,
        'MATERIAL_NOT_OWNED',
      );
    });

    it('citizen-a1 references the attestation: verified from data-sharing, recorded, environment approved by the rule', async () => {
      const app = await write<Application>(
        'citizen-a1',
        'POST',
        `${API}/applications`,
        eLicence.applicationWithMaterials(APP_ID, TYPE, licencePrivate, [
          { kind: 'attestation', attestationId: ATTESTATION_ID },
        ]),
        201,
      );
      expect(app).toMatchObject({
        applicationId: APP_ID,
        status: 'pending',
        approvedDepts: ['environment'],
        pendingDepts: ['market'],
        materials: [
          {
            kind: 'attestation',
            attestationId: ATTESTATION_ID,
            categoryCode: CATEGORY,
            field: FIELD,
            holder: { mspId: 'CityAMSP', dept: 'housing' },
          },
        ],
      });
      expect(app.timeline.map((e) => e.event)).toEqual(['submitted', 'auto-approved']);
      expect(app.timeline[1]).toMatchObject({
        dept: 'environment',
        rule: 0,
        material: `attestation:${ATTESTATION_ID}`,
      });
      expect(app.timeline[1].by).toBeUndefined();
      expect(app.deadlines.map((d) => d.dept)).toEqual(['market']);
      for (const value of personalValues) expect(JSON.stringify(app)).not.toContain(value);
      // the environment department has nothing left to decide
      await problem(
        http('approver-env-a', 'POST', `${API}/applications/${APP_ID}/approvals`, {}),
        409,
        'ALREADY_DECIDED',
      );
    });

    it("once the deadline passes: market shows overdue, the gateway's scheduler raises one warning (once), supervisors list it", async () => {
      const overdue = await until(
        'market overdue on the application',
        () => read<Application>('admin-b', `${API}/applications/${APP_ID}`),
        (a) => a.deadlineProgress.some((d) => d.dept === 'market' && d.overdue),
      );
      const market = overdue.deadlineProgress.find((d) => d.dept === 'market');
      expect(market?.remainingMs).toBeLessThanOrEqual(0);
      expect(market?.elapsedMs).toBeGreaterThanOrEqual(DEADLINE_S * 1000);

      // nobody calls the sweep: the gateway's scheduler does
      let ours: Warning[];
      await restartGateway(SCHEDULE_ENV);
      try {
        const listed = await until(
          'the scheduled warning',
          () =>
            read<{ records: Warning[] }>(
              'auditor-b',
              `${API}/application-overdue-warnings?ownerMsp=CityAMSP&dept=market&pageSize=200`,
            ),
          (p) => p.records.some((w) => w.applicationId === APP_ID),
        );
        ours = listed.records.filter((w) => w.applicationId === APP_ID);
      } finally {
        await restartGateway({});
      }
      expect(ours).toEqual([
        {
          applicationId: APP_ID,
          typeCode: TYPE,
          ownerMsp: 'CityAMSP',
          dept: 'market',
          applicant: citizen,
          dueAt: overdue.deadlines[0].dueAt,
          raisedAt: expect.any(String),
        },
      ]);
      // a sweep by hand finds nothing more to raise for it
      const again = await write<{ raised: Warning[] }>(
        'auditor-a',
        'POST',
        `${API}/application-overdue-warnings/sweeps`,
        {},
      );
      expect(again.raised.filter((w) => w.applicationId === APP_ID)).toEqual([]);

      for (const [user, query] of [
        ['auditor-b', 'ownerMsp=CityAMSP&pageSize=200'],
        ['approver-market-a', 'ownerMsp=CityAMSP&dept=market&pageSize=200'],
      ] as const) {
        const listed = await until(
          `the warning for ${user}`,
          () => read<{ records: Warning[] }>(user, `${API}/application-overdue-warnings?${query}`),
          (p) => p.records.some((w) => w.applicationId === APP_ID),
        );
        expect(listed.records.filter((w) => w.applicationId === APP_ID)).toEqual(ours);
      }
      await problem(
        http('approver-market-a', 'GET', `${API}/application-overdue-warnings?ownerMsp=CityAMSP&dept=fire`),
        403,
        'FORBIDDEN',
      );
    });

    it('market approves (late) by hand and the licence is issued', async () => {
      const done = await write<{ application: Application; licence: { licenceId: string } | null }>(
        'approver-market-a',
        'POST',
        `${API}/applications/${APP_ID}/approvals`,
        eLicence.approval(eLicence.licenceDocumentHash(APP_ID)),
      );
      expect(done.application).toMatchObject({ status: 'issued', pendingDepts: [], deadlineProgress: [] });
      expect(done.licence).toMatchObject({ licenceId: APP_ID });
    });
  });
}
