/**
 * Issue 18 parts 5-6: materials referenced instead of re-submitted (licences of
 * this chaincode, attestations read from data-sharing), automatic approval by
 * the type's rules, decision deadlines and idempotent overdue warnings.
 */
import type { Context } from 'fabric-contract-api';
import type { TestIdentity, TxOptions } from '@govledger/chaincode-common/testing';
import { Harness, ID, doc, holder, salt } from './harness';
import type { ApplicationView, ApprovalResult, LicenceType } from '../src';
import type { eLicence } from '@govledger/wire';

const FIRE_TYPE = {
  code: 'A-FIRE',
  name: 'Fire-safety certificate',
  dept: 'fire',
  holderKind: 'enterprise',
  validity: { kind: 'days', days: 365 },
  claims: ['premisesAddress'],
  requiredApprovals: [],
};

/** A shop permit: fire approves automatically on a fire-safety certificate of the same premises. */
const SHOP_TYPE = {
  code: 'A-SHOP',
  name: 'Shop permit',
  dept: 'market',
  holderKind: 'enterprise',
  validity: { kind: 'days', days: 365 },
  claims: ['premisesAddress', 'tradeName'],
  requiredApprovals: ['market', 'fire', 'environment'],
  autoApprovals: [
    { dept: 'fire', when: { kind: 'licence', typeCode: 'A-FIRE', sameClaims: ['premisesAddress'] } },
  ],
  decisionDeadlines: [
    { dept: 'market', seconds: 86_400 },
    { dept: 'fire', seconds: 60 },
    { dept: 'environment', seconds: 3_600 },
  ],
};

/** A care allowance (person): environment approves automatically on a housing-fund attestation. */
const CARE_TYPE = {
  code: 'A-CARE',
  name: 'Care allowance',
  dept: 'market',
  holderKind: 'person',
  validity: { kind: 'permanent' },
  claims: ['careLevel'],
  requiredApprovals: ['market', 'environment'],
  autoApprovals: [
    { dept: 'environment', when: { kind: 'attestation', categoryCode: 'HOUSING_FUND', field: 'paidMonths' } },
  ],
};

const PREMISES = '12 Harbour Road, Unit 3';

/** A claim with the salt of seed `seed`. */
const claim = (seed: string, name: string, value: string) => ({ value, salt: salt(`${seed}:${name}`) });

function fireCertificate(seed = 'fire') {
  return {
    holder: { legalName: 'Acme Trading Ltd' },
    claims: { premisesAddress: claim(seed, 'premisesAddress', PREMISES) },
    salt: salt(`${seed}:record`),
  };
}

/** An A-SHOP application whose premises claim reuses the certificate's salt (same hash) or not. */
function shopInput(premisesSeed = 'fire', premises = PREMISES) {
  return {
    holder: { legalName: 'Acme Trading Ltd' },
    claims: {
      premisesAddress: claim(premisesSeed, 'premisesAddress', premises),
      tradeName: claim('shop', 'tradeName', 'Acme Corner Shop'),
    },
    salt: salt('shop:record'),
  };
}

/** An attestation as data-sharing's GetAttestation answers it. */
function attestation(id: string, citizen = holder('citizen-a1'), extra: Record<string, unknown> = {}) {
  return {
    attestationId: id,
    categoryCode: 'HOUSING_FUND',
    field: 'paidMonths',
    citizen,
    factHash: 'a'.repeat(64),
    holder: { mspId: 'CityAMSP', dept: 'housing' },
    issuedAt: '2026-01-01T00:00:00.000Z',
    validUntil: '2027-01-01T00:00:00.000Z',
    status: 'active',
    publishedBy: 'x509::CN=officer-housing-a',
    revokedAt: null,
    state: 'active',
    ...extra,
  };
}

type Answer = { status: number; message?: string; payload?: Uint8Array };

describe('materials, automatic approval and deadlines', () => {
  let h: Harness;
  /** What the fake data-sharing chaincode answers, by attestation id. */
  let dataSharing: Map<string, Answer>;
  /** Every chaincode-to-chaincode call made: chaincode, args, channel. */
  let calls: [string, string[], string][];

  const answer = (value: unknown): Answer => ({
    status: 200,
    payload: Buffer.from(JSON.stringify(value)),
  });

  beforeEach(async () => {
    h = new Harness();
    dataSharing = new Map();
    calls = [];
    // the test ledger has no second chaincode: give every transaction's stub a fake data-sharing
    const patch = (ctx: Context) => {
      (ctx.stub as unknown as Record<string, unknown>).invokeChaincode = async (
        name: string,
        args: string[],
        channel: string,
      ) => {
        calls.push([name, args, channel]);
        const { attestationId } = JSON.parse(args[1]) as { attestationId: string };
        return (
          dataSharing.get(attestationId) ?? {
            status: 500,
            message: JSON.stringify({
              code: 'ATTESTATION_NOT_FOUND',
              status: 404,
              message: `no attestation ${attestationId}`,
            }),
          }
        );
      };
    };
    const submit = h.ledger.submit.bind(h.ledger);
    const evaluate = h.ledger.evaluate.bind(h.ledger);
    h.ledger.submit = <T>(who: TestIdentity, fn: (ctx: Context) => Promise<T>, o?: TxOptions) =>
      submit(who, (ctx) => (patch(ctx), fn(ctx)), o);
    h.ledger.evaluate = <T>(who: TestIdentity, fn: (ctx: Context) => Promise<T>, o?: TxOptions) =>
      evaluate(who, (ctx) => (patch(ctx), fn(ctx)), o);

    h.ledger.setTime('2026-03-01T08:00:00Z');
    await h.submit(ID.adminA, 'CreateLicenceType', FIRE_TYPE);
    await h.submit(ID.adminA, 'CreateLicenceType', SHOP_TYPE);
    await h.submit(ID.adminA, 'CreateLicenceType', CARE_TYPE);
    await h.submit(
      ID.issuerFireA,
      'IssueLicence',
      {
        licenceId: 'FIRE-1',
        typeCode: 'A-FIRE',
        holder: holder('enterprise-a1'),
        documentHash: doc('FIRE-1'),
      },
      { transient: { licencePrivate: fireCertificate() } },
    );
    h.ledger.setTime('2026-03-01T09:00:00Z');
  });

  const applyShop = (
    id: string,
    materials: unknown[] | undefined,
    input = shopInput(),
    who = ID.enterpriseA1,
    time?: string,
  ) =>
    h.submit<ApplicationView>(
      who,
      'SubmitApplication',
      { applicationId: id, typeCode: 'A-SHOP', ...(materials ? { materials } : {}) },
      { transient: { licencePrivate: input }, time: time ?? '2026-03-01T09:00:00Z' },
    );

  const applyCare = (id: string, materials: unknown[], who = ID.citizenA1) =>
    h.submit<ApplicationView>(
      who,
      'SubmitApplication',
      { applicationId: id, typeCode: 'A-CARE', materials },
      {
        transient: {
          licencePrivate: {
            holder: { legalName: 'Li Si' },
            claims: { careLevel: claim('care', 'careLevel', '2') },
            salt: salt('care:record'),
          },
        },
        time: '2026-03-01T09:00:00Z',
      },
    );

  describe('licence types declare the rules', () => {
    it('stores autoApprovals and decisionDeadlines on the type, empty when not given', async () => {
      const shop = await h.evaluate<LicenceType>(ID.auditorB, 'GetLicenceType', { code: 'A-SHOP' });
      expect(shop.autoApprovals).toEqual(SHOP_TYPE.autoApprovals);
      expect(shop.decisionDeadlines).toEqual(SHOP_TYPE.decisionDeadlines);
      const fire = await h.evaluate<LicenceType>(ID.auditorB, 'GetLicenceType', { code: 'A-FIRE' });
      expect(fire.autoApprovals).toEqual([]);
      expect(fire.decisionDeadlines).toEqual([]);
    });

    it.each([
      [
        'a rule for a department the type does not require',
        {
          autoApprovals: [{ dept: 'industry', when: { kind: 'attestation', categoryCode: 'X', field: 'y' } }],
        },
        'autoApprovals.0.dept',
      ],
      [
        'a sameClaims name that is not a claim of the type',
        {
          autoApprovals: [
            { dept: 'fire', when: { kind: 'licence', typeCode: 'A-FIRE', sameClaims: ['floorArea'] } },
          ],
        },
        'autoApprovals.0.when.sameClaims',
      ],
      [
        'rules that leave no department to decide by hand',
        {
          requiredApprovals: ['fire'],
          autoApprovals: [
            { dept: 'fire', when: { kind: 'licence', typeCode: 'A-FIRE', sameClaims: ['premisesAddress'] } },
          ],
          decisionDeadlines: [],
        },
        'autoApprovals',
      ],
      [
        'a deadline for a department the type does not require',
        { decisionDeadlines: [{ dept: 'industry', seconds: 60 }] },
        'decisionDeadlines.0.dept',
      ],
    ])('refuses INVALID_APPROVAL_RULES for %s (create and update)', async (_what, change, field) => {
      const created = await h.refused(ID.adminA, 'CreateLicenceType', {
        ...SHOP_TYPE,
        code: 'A-SHOP2',
        ...change,
      });
      expect(created).toMatchObject({ code: 'INVALID_APPROVAL_RULES', status: 400 });
      const updated = await h.refused(ID.adminA, 'UpdateLicenceType', { code: 'A-SHOP', ...change });
      expect(updated).toMatchObject({ code: 'INVALID_APPROVAL_RULES', status: 400 });
      expect(field).toBeTruthy();
    });

    it('refuses malformed rules at the wire schema (400 INVALID_ARGUMENT)', async () => {
      for (const bad of [
        { decisionDeadlines: [{ dept: 'market', seconds: 0 }] },
        {
          decisionDeadlines: [
            { dept: 'market', seconds: 60 },
            { dept: 'market', seconds: 120 },
          ],
        },
        { autoApprovals: [{ dept: 'fire', when: { kind: 'licence', typeCode: 'A-FIRE' } }] },
      ]) {
        expect(await h.refused(ID.adminA, 'UpdateLicenceType', { code: 'A-SHOP', ...bad })).toMatchObject({
          code: 'INVALID_ARGUMENT',
        });
      }
    });

    it('lets the owner change the rules, revalidated against the whole type', async () => {
      const t = await h.submit<LicenceType>(ID.adminA, 'UpdateLicenceType', {
        code: 'A-SHOP',
        decisionDeadlines: [{ dept: 'market', seconds: 120 }],
      });
      expect(t.decisionDeadlines).toEqual([{ dept: 'market', seconds: 120 }]);
      expect(t.autoApprovals).toEqual(SHOP_TYPE.autoApprovals);
      // dropping fire from the required departments would orphan its rule
      expect(
        await h.refused(ID.adminA, 'UpdateLicenceType', { code: 'A-SHOP', requiredApprovals: ['market'] }),
      ).toMatchObject({ code: 'INVALID_APPROVAL_RULES' });
    });
  });

  describe('a referenced licence', () => {
    it('is verified, recorded, and approves fire automatically when the premises hash is the same', async () => {
      const app = await applyShop('SHOP-1', [{ kind: 'licence', licenceId: 'FIRE-1' }]);
      expect(app.materials).toEqual([
        {
          kind: 'licence',
          licenceId: 'FIRE-1',
          typeCode: 'A-FIRE',
          issuerMsp: 'CityAMSP',
          version: 1,
          validUntil: expect.any(String),
          checkedAt: '2026-03-01T09:00:00.000Z',
        },
      ]);
      expect(app.timeline).toEqual([
        { event: 'submitted', at: '2026-03-01T09:00:00.000Z' },
        {
          event: 'auto-approved',
          at: '2026-03-01T09:00:00.000Z',
          dept: 'fire',
          rule: 0,
          material: 'licence:FIRE-1',
        },
      ]);
      expect(app.approvedDepts).toEqual(['fire']);
      expect(app.pendingDepts).toEqual(['market', 'environment']);
      // no deadline for the department a rule approved
      expect(app.deadlines).toEqual([
        { dept: 'market', dueAt: '2026-03-02T09:00:00.000Z' },
        { dept: 'environment', dueAt: '2026-03-01T10:00:00.000Z' },
      ]);
      expect(h.lastEvent().payload).toMatchObject({ autoApprovedDepts: ['fire'] });
      // no chaincode-to-chaincode call for a licence
      expect(calls).toEqual([]);

      // the fire approver has nothing left to decide; the other two approve by hand and issue
      expect(
        await h.refused(ID.approverFireA, 'ApproveApplication', { applicationId: 'SHOP-1' }),
      ).toMatchObject({
        code: 'ALREADY_DECIDED',
      });
      await h.submit(ID.approverMarketA, 'ApproveApplication', { applicationId: 'SHOP-1' });
      const done = await h.submit<ApprovalResult>(ID.approverEnvA, 'ApproveApplication', {
        applicationId: 'SHOP-1',
        documentHash: doc('SHOP-1'),
      });
      expect(done.licence?.licenceId).toBe('SHOP-1');
      expect(done.application.status).toBe('issued');
      expect(done.application.deadlineProgress).toEqual([]);
    });

    it('records the material but leaves fire manual when the premises differ (other salt or value)', async () => {
      for (const [id, input] of [
        ['SHOP-2', shopInput('other')],
        ['SHOP-3', shopInput('fire', '14 Harbour Road')],
      ] as const) {
        const app = await applyShop(id, [{ kind: 'licence', licenceId: 'FIRE-1' }], input);
        expect(app.materials.map((m) => m.kind)).toEqual(['licence']);
        expect(app.timeline.map((e) => e.event)).toEqual(['submitted']);
        expect(app.pendingDepts).toEqual(['market', 'fire', 'environment']);
      }
    });

    it('leaves every department manual without materials', async () => {
      const app = await applyShop('SHOP-4', undefined);
      expect(app.materials).toEqual([]);
      expect(app.approvedDepts).toEqual([]);
      expect(app.deadlines.map((d) => d.dept)).toEqual(['market', 'fire', 'environment']);
    });

    it('refuses an unknown licence (404), another holder’s (403), and writes nothing', async () => {
      expect(
        await h.refused(
          ID.enterpriseA1,
          'SubmitApplication',
          {
            applicationId: 'SHOP-5',
            typeCode: 'A-SHOP',
            materials: [{ kind: 'licence', licenceId: 'NOPE' }],
          },
          { transient: { licencePrivate: shopInput() } },
        ),
      ).toMatchObject({ code: 'MATERIAL_NOT_FOUND', status: 404 });
      expect(
        await h.refused(
          ID.enterpriseA2,
          'SubmitApplication',
          {
            applicationId: 'SHOP-5',
            typeCode: 'A-SHOP',
            materials: [{ kind: 'licence', licenceId: 'FIRE-1' }],
          },
          { transient: { licencePrivate: shopInput() } },
        ),
      ).toMatchObject({ code: 'MATERIAL_NOT_OWNED', status: 403 });
    });

    it.each([
      ['suspended', 'SuspendLicence', { reasonCode: 'INVESTIGATION' }],
      ['revoked', 'RevokeLicence', { reasonCode: 'NON_COMPLIANCE' }],
    ] as const)('refuses a %s licence (409 MATERIAL_NOT_VALID)', async (status, tx, extra) => {
      await h.submit(ID.issuerFireA, tx, { licenceId: 'FIRE-1', ...extra });
      const r = await h.refused(
        ID.enterpriseA1,
        'SubmitApplication',
        {
          applicationId: 'SHOP-6',
          typeCode: 'A-SHOP',
          materials: [{ kind: 'licence', licenceId: 'FIRE-1' }],
        },
        { transient: { licencePrivate: shopInput() } },
      );
      expect(r).toMatchObject({ code: 'MATERIAL_NOT_VALID', status: 409 });
      expect(r.message).toContain(status);
    });

    it('refuses an expired licence, judged at the transaction time', async () => {
      const r = await h.refused(
        ID.enterpriseA1,
        'SubmitApplication',
        {
          applicationId: 'SHOP-7',
          typeCode: 'A-SHOP',
          materials: [{ kind: 'licence', licenceId: 'FIRE-1' }],
        },
        { transient: { licencePrivate: shopInput() }, time: '2027-03-02T09:00:00Z' },
      );
      expect(r).toMatchObject({ code: 'MATERIAL_NOT_VALID' });
      expect(r.message).toContain('expired');
    });

    it('refuses a material named twice (400 INVALID_ARGUMENT)', async () => {
      const ref = { kind: 'licence', licenceId: 'FIRE-1' };
      expect(
        await h.refused(
          ID.enterpriseA1,
          'SubmitApplication',
          {
            applicationId: 'SHOP-8',
            typeCode: 'A-SHOP',
            materials: [ref, ref],
          },
          { transient: { licencePrivate: shopInput() } },
        ),
      ).toMatchObject({ code: 'INVALID_ARGUMENT' });
    });
  });

  describe('a referenced attestation (data-sharing, same channel)', () => {
    it('is read with GetAttestation and approves environment automatically', async () => {
      dataSharing.set('ATT-1', answer(attestation('ATT-1')));
      const app = await applyCare('CARE-1', [{ kind: 'attestation', attestationId: 'ATT-1' }]);
      expect(calls).toEqual([
        ['data-sharing', ['DataSharingContract:GetAttestation', '{"attestationId":"ATT-1"}'], ''],
      ]);
      expect(app.materials).toEqual([
        {
          kind: 'attestation',
          attestationId: 'ATT-1',
          categoryCode: 'HOUSING_FUND',
          field: 'paidMonths',
          holder: { mspId: 'CityAMSP', dept: 'housing' },
          validUntil: '2027-01-01T00:00:00.000Z',
          checkedAt: '2026-03-01T09:00:00.000Z',
        },
      ]);
      expect(app.timeline[1]).toEqual({
        event: 'auto-approved',
        at: '2026-03-01T09:00:00.000Z',
        dept: 'environment',
        rule: 0,
        material: 'attestation:ATT-1',
      });
      expect(app.pendingDepts).toEqual(['market']);
      // the fact hash is not copied onto the application
      expect(JSON.stringify(app)).not.toContain('a'.repeat(64));
    });

    it('does not approve for an attestation of another category or field', async () => {
      dataSharing.set('ATT-2', answer(attestation('ATT-2', holder('citizen-a1'), { field: 'balance' })));
      const app = await applyCare('CARE-2', [{ kind: 'attestation', attestationId: 'ATT-2' }]);
      expect(app.approvedDepts).toEqual([]);
    });

    it.each([
      [
        'about another citizen',
        () => answer(attestation('ATT-3', holder('citizen-a2'))),
        'MATERIAL_NOT_OWNED',
        403,
      ],
      [
        'revoked',
        () => answer(attestation('ATT-3', holder('citizen-a1'), { status: 'revoked' })),
        'MATERIAL_NOT_VALID',
        409,
      ],
      [
        'expired at the transaction time',
        () => answer(attestation('ATT-3', holder('citizen-a1'), { validUntil: '2026-03-01T09:00:00.000Z' })),
        'MATERIAL_NOT_VALID',
        409,
      ],
      [
        'refused by data-sharing as not the caller’s',
        () => ({
          status: 500,
          message: JSON.stringify({ code: 'NOT_OWN_DATA', status: 403, message: 'no' }),
        }),
        'MATERIAL_NOT_OWNED',
        403,
      ],
      ['not found', () => undefined, 'MATERIAL_NOT_FOUND', 404],
      [
        'unreadable (data-sharing failed)',
        () => ({ status: 500, message: 'chaincode data-sharing not found' }),
        'MATERIAL_UNAVAILABLE',
        500,
      ],
      ['answered with something else', () => answer({ hello: 'world' }), 'MATERIAL_UNAVAILABLE', 500],
    ])('refuses an attestation %s, writing nothing', async (_what, make, code, status) => {
      const a = make();
      if (a) dataSharing.set('ATT-3', a);
      const r = await h.refused(
        ID.citizenA1,
        'SubmitApplication',
        {
          applicationId: 'CARE-3',
          typeCode: 'A-CARE',
          materials: [{ kind: 'attestation', attestationId: 'ATT-3' }],
        },
        {
          transient: {
            licencePrivate: {
              holder: { legalName: 'Li Si' },
              claims: { careLevel: claim('care', 'careLevel', '2') },
              salt: salt('care:record'),
            },
          },
        },
      );
      expect(r).toMatchObject({ code, status });
    });
  });

  describe('deadlines and overdue warnings', () => {
    const warnKey = (dept: string, id: string) =>
      `\u0000overdueWarning\u0000CityAMSP\u0000${dept}\u0000${id}\u0000`;

    it('shows elapsed and remaining time per pending department at the read time', async () => {
      await applyShop('SHOP-10', undefined);
      const view = await h.evaluate<ApplicationView>(
        ID.auditorB,
        'GetApplication',
        { applicationId: 'SHOP-10' },
        { time: '2026-03-01T09:30:00Z' },
      );
      expect(view.deadlineProgress).toEqual([
        {
          dept: 'market',
          dueAt: '2026-03-02T09:00:00.000Z',
          elapsedMs: 1_800_000,
          remainingMs: 84_600_000,
          overdue: false,
        },
        {
          dept: 'fire',
          dueAt: '2026-03-01T09:01:00.000Z',
          elapsedMs: 1_800_000,
          remainingMs: -1_740_000,
          overdue: true,
        },
        {
          dept: 'environment',
          dueAt: '2026-03-01T10:00:00.000Z',
          elapsedMs: 1_800_000,
          remainingMs: 1_800_000,
          overdue: false,
        },
      ]);
    });

    it('raises one warning per application and department once overdue, idempotently', async () => {
      await applyShop('SHOP-11', undefined);
      // before any due date: nothing
      const early = await h.submit<eLicence.OverdueSweepResult>(
        ID.auditorA,
        'RaiseOverdueWarnings',
        {},
        {
          time: '2026-03-01T09:00:30Z',
        },
      );
      expect(early).toEqual({ raised: [], more: false });

      const sweep = await h.submit<eLicence.OverdueSweepResult>(
        ID.auditorA,
        'RaiseOverdueWarnings',
        {},
        {
          time: '2026-03-01T09:30:00Z',
        },
      );
      expect(sweep).toEqual({
        raised: [
          {
            applicationId: 'SHOP-11',
            typeCode: 'A-SHOP',
            ownerMsp: 'CityAMSP',
            dept: 'fire',
            applicant: holder('enterprise-a1'),
            dueAt: '2026-03-01T09:01:00.000Z',
            raisedAt: '2026-03-01T09:30:00.000Z',
          },
        ],
        more: false,
      });
      expect(h.lastEvent()).toEqual({
        name: 'ApplicationsOverdue',
        payload: {
          facts: ['ApplicationsOverdue'],
          warnings: [
            {
              applicationId: 'SHOP-11',
              typeCode: 'A-SHOP',
              ownerMsp: 'CityAMSP',
              dept: 'fire',
              applicant: holder('enterprise-a1'),
              dueAt: '2026-03-01T09:01:00.000Z',
            },
          ],
        },
      });
      const events = h.ledger.events.length;
      // the same sweep again: nothing new, no event
      const again = await h.submit<eLicence.OverdueSweepResult>(
        ID.adminB,
        'RaiseOverdueWarnings',
        {},
        {
          time: '2026-03-01T09:31:00Z',
        },
      );
      expect(again.raised).toEqual([]);
      expect(h.ledger.events.length).toBe(events);
      expect(h.ledger.get(warnKey('fire', 'SHOP-11'))).toMatchObject({ dueAt: '2026-03-01T09:01:00.000Z' });

      // later: environment is overdue too, fire is not warned twice
      const later = await h.submit<eLicence.OverdueSweepResult>(
        ID.approverMarketA,
        'RaiseOverdueWarnings',
        {},
        {
          time: '2026-03-01T11:00:00Z',
        },
      );
      expect(later.raised.map((w) => w.dept)).toEqual(['environment']);
    });

    it('raises no warning for a department that decided in time, or an application closed', async () => {
      await applyShop('SHOP-12', undefined);
      await h.submit(
        ID.approverFireA,
        'ApproveApplication',
        { applicationId: 'SHOP-12' },
        { time: '2026-03-01T09:00:30Z' },
      );
      await applyShop('SHOP-13', undefined, shopInput(), ID.enterpriseA1, '2026-03-01T09:00:40Z');
      await h.submit(
        ID.approverMarketA,
        'RejectApplication',
        { applicationId: 'SHOP-13', reasonCode: 'INCOMPLETE', reason: 'missing plan' },
        { time: '2026-03-01T09:00:50Z' },
      );
      const sweep = await h.submit<eLicence.OverdueSweepResult>(
        ID.auditorA,
        'RaiseOverdueWarnings',
        {},
        {
          time: '2026-03-03T00:00:00Z',
        },
      );
      expect(sweep.raised.map((w) => `${w.applicationId}/${w.dept}`)).toEqual([
        'SHOP-12/environment',
        'SHOP-12/market',
      ]);
      // the index keeps no entry of a decided or closed application
      expect(h.ledger.keys().filter((k) => k.startsWith('\u0000applicationDue\u0000'))).toEqual([]);
    });

    it('stops at its limit and says there is more', async () => {
      await applyShop('SHOP-14', undefined);
      const first = await h.submit<eLicence.OverdueSweepResult>(
        ID.auditorA,
        'RaiseOverdueWarnings',
        { limit: 1 },
        {
          time: '2026-03-03T00:00:00Z',
        },
      );
      expect(first.raised.map((w) => w.dept)).toEqual(['fire']);
      expect(first.more).toBe(true);
      const second = await h.submit<eLicence.OverdueSweepResult>(
        ID.auditorA,
        'RaiseOverdueWarnings',
        { limit: 5 },
        {
          time: '2026-03-03T00:00:01Z',
        },
      );
      expect(second.raised.map((w) => w.dept)).toEqual(['environment', 'market']);
      expect(second.more).toBe(false);
    });

    it('lets only officials sweep (403 for a citizen or an enterprise)', async () => {
      for (const who of [ID.citizenA1, ID.enterpriseA1, ID.issuerA]) {
        expect(await h.refused(who, 'RaiseOverdueWarnings', {})).toMatchObject({
          code: 'FORBIDDEN',
          status: 403,
        });
      }
    });

    it('lists warnings to supervisors only: auditors, the owner’s admins, its approvers for their department', async () => {
      await applyShop('SHOP-15', undefined);
      await h.submit(ID.auditorA, 'RaiseOverdueWarnings', {}, { time: '2026-03-03T00:00:00Z' });
      const all = await h.evaluate<{ records: eLicence.OverdueWarning[] }>(
        ID.auditorB,
        'ListOverdueWarnings',
        {
          ownerMsp: 'CityAMSP',
        },
      );
      expect(all.records.map((w) => w.dept)).toEqual(['environment', 'fire', 'market']);
      const admin = await h.evaluate<{ records: eLicence.OverdueWarning[] }>(
        ID.adminA,
        'ListOverdueWarnings',
        {
          ownerMsp: 'CityAMSP',
          dept: 'fire',
        },
      );
      expect(admin.records.map((w) => w.applicationId)).toEqual(['SHOP-15']);
      const own = await h.evaluate<{ records: eLicence.OverdueWarning[] }>(
        ID.approverFireA,
        'ListOverdueWarnings',
        {
          ownerMsp: 'CityAMSP',
          dept: 'fire',
        },
      );
      expect(own.records).toHaveLength(1);
      for (const [who, req] of [
        [ID.approverFireA, { ownerMsp: 'CityAMSP', dept: 'market' }],
        [ID.approverFireA, { ownerMsp: 'CityAMSP' }],
        [ID.adminB, { ownerMsp: 'CityAMSP' }],
        [ID.enterpriseA1, { ownerMsp: 'CityAMSP' }],
      ] as const) {
        expect(await h.refusedQuery(who, 'ListOverdueWarnings', req)).toMatchObject({ code: 'FORBIDDEN' });
      }
    });
  });
});
