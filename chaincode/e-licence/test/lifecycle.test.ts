import { BIZ_CLAIMS, Harness, ID, T, doc, holder, privateInput, salt, type TxName, PKEY } from './harness';
import { keyEndorsers, sha256Hex, stableStringify } from '@govledger/chaincode-common';
import type { HistoryEntry, Licence, LicenceView, RenewResult, VerifyResult } from '../src';

const COLL_A = 'licencePrivate_CityAMSP';
const LKEY = (id: string) => `\u0000licence\u0000${id}\u0000`;
/** The private key of a licence's current private record. */
const PKEY_OF = (h: Harness, id: string) =>
  PKEY(id, (h.ledger.get<Licence>(LKEY(id)) as Licence).privateDataHash);
const STATUS_KEY = (status: string, id: string) =>
  `\u0000licenceByTypeStatus\u0000${T.ABiz}\u0000${status}\u0000${id}\u0000`;

describe('licence lifecycle', () => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness();
    await h.seedTypes();
    await h.issueBiz('L1', {}, { time: '2026-02-01T00:00:00Z' });
    h.ledger.setTime('2026-02-01T00:00:00Z');
  });

  const verifyStatus = async (id = 'L1') =>
    (
      await h.evaluate<VerifyResult>(
        ID.auditorB,
        'VerifyLicence',
        { licenceId: id },
        { time: '2026-06-01T00:00:00Z' },
      )
    ).status;

  it('suspends with a reason code, moves the status index, emits LicenceSuspended; verify says suspended', async () => {
    const l = await h.submit<Licence>(
      ID.issuerA,
      'SuspendLicence',
      { licenceId: 'L1', reasonCode: 'INVESTIGATION', note: 'case 42' },
      { time: '2026-05-01T00:00:00Z' },
    );
    expect(l).toMatchObject({
      status: 'suspended',
      version: 1,
      suspension: { reasonCode: 'INVESTIGATION', at: '2026-05-01T00:00:00.000Z', note: 'case 42' },
      lastChange: { action: 'suspended', reasonCode: 'INVESTIGATION', note: 'case 42' },
    });
    expect(h.ledger.keys()).toContain(STATUS_KEY('suspended', 'L1'));
    expect(h.ledger.keys()).not.toContain(STATUS_KEY('active', 'L1'));
    expect(
      await h.ledger.evaluate(ID.adminA, (ctx) => keyEndorsers(ctx, STATUS_KEY('suspended', 'L1'))),
    ).toEqual(['CityAMSP', 'CityBMSP']);
    expect(h.lastEvent()).toMatchObject({
      name: 'LicenceSuspended',
      payload: {
        facts: ['LicenceSuspended'],
        licenceId: 'L1',
        status: 'suspended',
        reasonCode: 'INVESTIGATION',
      },
    });
    expect(await verifyStatus()).toBe('suspended');
  });

  it('refuses suspending twice and reinstating an active licence', async () => {
    await h.submit(ID.issuerA, 'SuspendLicence', { licenceId: 'L1', reasonCode: 'OTHER' });
    expect(
      await h.refused(ID.issuerA, 'SuspendLicence', { licenceId: 'L1', reasonCode: 'OTHER' }),
    ).toMatchObject({
      code: 'LICENCE_ALREADY_SUSPENDED',
      status: 409,
    });
    await h.submit(ID.issuerA, 'ReinstateLicence', { licenceId: 'L1' });
    expect(await h.refused(ID.issuerA, 'ReinstateLicence', { licenceId: 'L1' })).toMatchObject({
      code: 'LICENCE_NOT_SUSPENDED',
      status: 409,
    });
  });

  it('reinstates a suspended licence, emits LicenceReinstated; verify says valid again', async () => {
    await h.submit(ID.issuerA, 'SuspendLicence', { licenceId: 'L1', reasonCode: 'HOLDER_REQUEST' });
    const l = await h.submit<Licence>(ID.issuerA, 'ReinstateLicence', { licenceId: 'L1', note: 'cleared' });
    expect(l).toMatchObject({
      status: 'active',
      suspension: null,
      lastChange: { action: 'reinstated', note: 'cleared' },
    });
    expect(h.ledger.keys()).toContain(STATUS_KEY('active', 'L1'));
    expect(h.ledger.keys()).not.toContain(STATUS_KEY('suspended', 'L1'));
    expect(h.lastEvent().name).toBe('LicenceReinstated');
    expect(await verifyStatus()).toBe('valid');
  });

  it('revokes with a reason code (also from suspended), emits LicenceRevoked; verify says revoked', async () => {
    await h.submit(ID.issuerA, 'SuspendLicence', { licenceId: 'L1', reasonCode: 'NON_COMPLIANCE' });
    const l = await h.submit<Licence>(
      ID.issuerA,
      'RevokeLicence',
      { licenceId: 'L1', reasonCode: 'FRAUD' },
      { time: '2026-05-02T00:00:00Z' },
    );
    expect(l).toMatchObject({
      status: 'revoked',
      suspension: null,
      revocation: { reasonCode: 'FRAUD', at: '2026-05-02T00:00:00.000Z', note: null },
    });
    expect(h.ledger.keys()).toContain(STATUS_KEY('revoked', 'L1'));
    expect(h.ledger.keys()).not.toContain(STATUS_KEY('suspended', 'L1'));
    expect(h.lastEvent()).toMatchObject({
      name: 'LicenceRevoked',
      payload: { reasonCode: 'FRAUD', status: 'revoked' },
    });
    const v = await h.evaluate<VerifyResult>(ID.auditorB, 'VerifyLicence', { licenceId: 'L1' });
    expect(v).toMatchObject({ status: 'revoked', valid: false, revocation: { reasonCode: 'FRAUD' } });
  });

  it('refuses every change to a revoked licence (revoke twice included) with LICENCE_REVOKED', async () => {
    await h.submit(ID.issuerA, 'RevokeLicence', { licenceId: 'L1', reasonCode: 'ISSUED_IN_ERROR' });
    const attempts: [TxName, unknown, Record<string, unknown>][] = [
      ['RevokeLicence', { licenceId: 'L1', reasonCode: 'FRAUD' }, {}],
      ['SuspendLicence', { licenceId: 'L1', reasonCode: 'OTHER' }, {}],
      ['ReinstateLicence', { licenceId: 'L1' }, {}],
      ['RenewLicence', { licenceId: 'L1', newLicenceId: 'L1-R', documentHash: doc('r') }, {}],
      [
        'AmendLicence',
        { licenceId: 'L1', documentHash: doc('a') },
        { licencePrivate: privateInput(BIZ_CLAIMS) },
      ],
    ];
    for (const [tx, req, transient] of attempts) {
      expect(await h.refused(ID.issuerA, tx, req, { transient })).toMatchObject({
        code: 'LICENCE_REVOKED',
        status: 409,
      });
    }
  });

  describe('only the issuing organisation, issuers of the issuing department', () => {
    const ops: [TxName, unknown, Record<string, unknown>][] = [
      ['SuspendLicence', { licenceId: 'L1', reasonCode: 'OTHER' }, {}],
      ['ReinstateLicence', { licenceId: 'L1' }, {}],
      ['RevokeLicence', { licenceId: 'L1', reasonCode: 'FRAUD' }, {}],
      ['RenewLicence', { licenceId: 'L1', newLicenceId: 'L1-R', documentHash: doc('r') }, {}],
      [
        'AmendLicence',
        { licenceId: 'L1', documentHash: doc('a') },
        { licencePrivate: privateInput(BIZ_CLAIMS) },
      ],
    ];

    it.each(ops)(
      "refuses City B acting on City A's licence: %s -> NOT_ISSUING_ORG",
      async (tx, req, transient) => {
        for (const who of [ID.issuerB, ID.adminB]) {
          expect(await h.refused(who, tx, req, { transient })).toMatchObject({
            code: 'NOT_ISSUING_ORG',
            status: 403,
          });
        }
      },
    );

    it.each(ops)(
      'refuses other departments and roles of City A: %s -> FORBIDDEN',
      async (tx, req, transient) => {
        for (const who of [ID.issuerFireA, ID.adminA, ID.approverMarketA, ID.enterpriseA1]) {
          expect(await h.refused(who, tx, req, { transient })).toMatchObject({
            code: 'FORBIDDEN',
            status: 403,
          });
        }
      },
    );

    it.each(ops)('refuses an unknown licence: %s -> LICENCE_NOT_FOUND', async (tx, req, transient) => {
      const r = await h.refused(ID.issuerA, tx, { ...(req as object), licenceId: 'NOPE' }, { transient });
      expect(r).toMatchObject({ code: 'LICENCE_NOT_FOUND', status: 404 });
    });
  });

  it('refuses unknown reason codes and malformed requests', async () => {
    for (const [tx, req] of [
      ['SuspendLicence', { licenceId: 'L1', reasonCode: 'BORED' }],
      ['SuspendLicence', { licenceId: 'L1' }],
      ['RevokeLicence', { licenceId: 'L1', reasonCode: 'fraud' }],
      ['RevokeLicence', { licenceId: 'L1', reasonCode: 'FRAUD', note: 'x'.repeat(501) }],
      ['ReinstateLicence', { licenceId: 'L1', reasonCode: 'OTHER' }],
      ['RenewLicence', { licenceId: 'L1', newLicenceId: 'L1-R' }],
      ['AmendLicence', { licenceId: 'L1' }],
    ] as [TxName, unknown][]) {
      expect(await h.refused(ID.issuerA, tx, req)).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
    }
  });

  describe('renew', () => {
    it('issues a new licence linked to the previous, starting when the previous ends, copying the private record', async () => {
      const r = await h.submit<RenewResult>(
        ID.issuerA,
        'RenewLicence',
        { licenceId: 'L1', newLicenceId: 'L2', documentHash: doc('L2') },
        { time: '2030-12-01T00:00:00Z' },
      );
      const old = h.ledger.get<Licence>(LKEY('L1')) as Licence;
      expect(r.previous).toEqual(old);
      expect(old).toMatchObject({
        status: 'active',
        renewedBy: 'L2',
        validUntil: '2031-01-31T00:00:00.000Z',
        lastChange: { action: 'renewed' },
      });
      expect(r.licence).toMatchObject({
        licenceId: 'L2',
        previousLicenceId: 'L1',
        renewedBy: null,
        holder: old.holder,
        claimHashes: old.claimHashes,
        privateDataHash: old.privateDataHash,
        documentHash: doc('L2'),
        version: 1,
        issuedAt: '2030-12-01T00:00:00.000Z',
        validFrom: '2031-01-31T00:00:00.000Z',
        validUntil: '2036-01-30T00:00:00.000Z',
        lastChange: { action: 'renewed' },
      });
      expect(h.ledger.getPrivate(COLL_A, PKEY_OF(h, 'L2'))).toBe(
        h.ledger.getPrivate(COLL_A, PKEY_OF(h, 'L1')),
      );
      expect(await h.ledger.evaluate(ID.adminA, (ctx) => keyEndorsers(ctx, LKEY('L2')))).toEqual([
        'CityAMSP',
        'CityBMSP',
      ]);
      expect(h.lastEvent()).toMatchObject({
        name: 'LicenceRenewed',
        payload: { facts: ['LicenceRenewed', 'LicenceIssued'], licenceId: 'L2', previousLicenceId: 'L1' },
      });
      const v = await h.evaluate<VerifyResult>(ID.auditorB, 'VerifyLicence', { licenceId: 'L1' });
      expect(v.renewedBy).toBe('L2');
    });

    it('starts now when the previous licence has expired, and accepts explicit validity', async () => {
      const r = await h.submit<RenewResult>(
        ID.issuerA,
        'RenewLicence',
        { licenceId: 'L1', newLicenceId: 'L2', documentHash: doc('L2') },
        { time: '2032-01-01T00:00:00Z' },
      );
      expect(r.licence.validFrom).toBe('2032-01-01T00:00:00.000Z');
      const r2 = await h.submit<RenewResult>(
        ID.issuerA,
        'RenewLicence',
        {
          licenceId: 'L2',
          newLicenceId: 'L3',
          documentHash: doc('L3'),
          validFrom: '2032-06-01T00:00:00Z',
          validUntil: '2033-01-01T00:00:00Z',
        },
        { time: '2032-06-01T00:00:00Z' },
      );
      expect([r2.licence.validFrom, r2.licence.validUntil]).toEqual([
        '2032-06-01T00:00:00.000Z',
        '2033-01-01T00:00:00.000Z',
      ]);
      expect(r2.licence.previousLicenceId).toBe('L2');
    });

    it('refuses renewing twice, a suspended licence, a taken id, a retired type and bad validity', async () => {
      await h.submit(ID.issuerA, 'RenewLicence', {
        licenceId: 'L1',
        newLicenceId: 'L2',
        documentHash: doc('L2'),
      });
      expect(
        await h.refused(ID.issuerA, 'RenewLicence', {
          licenceId: 'L1',
          newLicenceId: 'L3',
          documentHash: doc('L3'),
        }),
      ).toMatchObject({ code: 'LICENCE_ALREADY_RENEWED', status: 409 });
      await h.submit(ID.issuerA, 'SuspendLicence', { licenceId: 'L2', reasonCode: 'OTHER' });
      expect(
        await h.refused(ID.issuerA, 'RenewLicence', {
          licenceId: 'L2',
          newLicenceId: 'L3',
          documentHash: doc('L3'),
        }),
      ).toMatchObject({ code: 'LICENCE_SUSPENDED', status: 409 });
      await h.submit(ID.issuerA, 'ReinstateLicence', { licenceId: 'L2' });
      expect(
        await h.refused(ID.issuerA, 'RenewLicence', {
          licenceId: 'L2',
          newLicenceId: 'L1',
          documentHash: doc('L3'),
        }),
      ).toMatchObject({ code: 'LICENCE_ALREADY_EXISTS', status: 409 });
      expect(
        await h.refused(ID.issuerA, 'RenewLicence', {
          licenceId: 'L2',
          newLicenceId: 'L3',
          documentHash: doc('L3'),
          validFrom: '2040-01-01T00:00:00Z',
          validUntil: '2046-01-01T00:00:00Z',
        }),
      ).toMatchObject({ code: 'INVALID_VALIDITY', status: 400 });
      await h.submit(ID.adminA, 'UpdateLicenceType', { code: T.ABiz, status: 'retired' });
      expect(
        await h.refused(ID.issuerA, 'RenewLicence', {
          licenceId: 'L2',
          newLicenceId: 'L3',
          documentHash: doc('L3'),
        }),
      ).toMatchObject({ code: 'TYPE_NOT_ACTIVE', status: 409 });
    });

    it('refuses when the private record does not match its public hash (PRIVATE_DATA_UNAVAILABLE)', async () => {
      await h.ledger.submit(ID.issuerA, (ctx) =>
        ctx.stub.putPrivateData(COLL_A, PKEY_OF(h, 'L1'), Buffer.from('{"tampered":true}')),
      );
      const r = await h.refused(ID.issuerA, 'RenewLicence', {
        licenceId: 'L1',
        newLicenceId: 'L2',
        documentHash: doc('L2'),
      });
      expect(r).toMatchObject({ code: 'PRIVATE_DATA_UNAVAILABLE', status: 500 });
      expect(r.message).toMatch(/does not match/);
    });

    it('refuses when the endorsing peer lacks the private record (PRIVATE_DATA_UNAVAILABLE)', async () => {
      await h.ledger.submit(ID.issuerA, (ctx) => ctx.stub.deletePrivateData(COLL_A, PKEY_OF(h, 'L1')));
      expect(
        await h.refused(ID.issuerA, 'RenewLicence', {
          licenceId: 'L1',
          newLicenceId: 'L2',
          documentHash: doc('L2'),
        }),
      ).toMatchObject({ code: 'PRIVATE_DATA_UNAVAILABLE', status: 500 });
    });
  });

  describe('amend', () => {
    const amended = { ...BIZ_CLAIMS, registeredCapital: '8000000.00' };

    it('makes a new version with a new document and private record, keeping the history', async () => {
      const l = await h.submit<Licence>(
        ID.issuerA,
        'AmendLicence',
        { licenceId: 'L1', documentHash: doc('L1v2'), note: 'capital increase' },
        { time: '2026-04-01T00:00:00Z', transient: { licencePrivate: privateInput(amended, 'v2') } },
      );
      const bytes = stableStringify(privateInput(amended, 'v2'));
      expect(l).toMatchObject({
        version: 2,
        documentHash: doc('L1v2'),
        privateDataHash: sha256Hex(bytes),
        lastChange: { action: 'amended', note: 'capital increase' },
      });
      expect(h.ledger.getPrivate(COLL_A, PKEY_OF(h, 'L1'))).toBe(bytes);
      expect(h.lastEvent()).toMatchObject({
        name: 'LicenceAmended',
        payload: { version: 2, previousVersion: 1 },
      });

      const hist = await h.evaluate<{ entries: HistoryEntry[] }>(ID.auditorB, 'GetLicenceHistory', {
        licenceId: 'L1',
      });
      expect(hist.entries.map((e) => [e.licence?.version, e.licence?.documentHash, e.timestamp])).toEqual([
        [1, doc('L1'), '2026-02-01T00:00:00.000Z'],
        [2, doc('L1v2'), '2026-04-01T00:00:00.000Z'],
      ]);

      const v = await h.evaluate<VerifyResult>(ID.auditorB, 'VerifyLicence', {
        licenceId: 'L1',
        documentHash: doc('L1'),
        claims: [
          { name: 'registeredCapital', value: '5000000.00', salt: salt('p:registeredCapital') },
          { name: 'registeredCapital', value: '8000000.00', salt: salt('v2:registeredCapital') },
        ],
      });
      expect(v.documentHashMatch).toBe(false);
      expect(v.claims.map((c) => c.match)).toEqual([false, true]);
      expect(v.version).toBe(2);
    });

    it('refuses amending a renewed licence, missing transient data and claims that do not match', async () => {
      expect(
        await h.refused(ID.issuerA, 'AmendLicence', { licenceId: 'L1', documentHash: doc('x') }),
      ).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
      expect(
        await h.refused(
          ID.issuerA,
          'AmendLicence',
          { licenceId: 'L1', documentHash: doc('x') },
          { transient: { licencePrivate: privateInput({ companyName: 'x' }) } },
        ),
      ).toMatchObject({ code: 'CLAIMS_MISMATCH', status: 400 });
      await h.submit(ID.issuerA, 'RenewLicence', {
        licenceId: 'L1',
        newLicenceId: 'L2',
        documentHash: doc('L2'),
      });
      expect(
        await h.refused(
          ID.issuerA,
          'AmendLicence',
          { licenceId: 'L1', documentHash: doc('x') },
          { transient: { licencePrivate: privateInput(amended) } },
        ),
      ).toMatchObject({ code: 'LICENCE_ALREADY_RENEWED', status: 409 });
    });

    it('amends a suspended licence, keeping it suspended', async () => {
      await h.submit(ID.issuerA, 'SuspendLicence', { licenceId: 'L1', reasonCode: 'OTHER' });
      const l = await h.submit<LicenceView>(
        ID.issuerA,
        'AmendLicence',
        { licenceId: 'L1', documentHash: doc('x') },
        { transient: { licencePrivate: privateInput(amended) } },
      );
      expect([l.status, l.version]).toEqual(['suspended', 2]);
      expect(h.ledger.keys()).toContain(STATUS_KEY('suspended', 'L1'));
    });
  });

  it('keeps the key-level policy on the licence key through every change', async () => {
    await h.submit(ID.issuerA, 'SuspendLicence', { licenceId: 'L1', reasonCode: 'OTHER' });
    await h.submit(ID.issuerA, 'ReinstateLicence', { licenceId: 'L1' });
    await h.submit(ID.issuerA, 'RevokeLicence', { licenceId: 'L1', reasonCode: 'OTHER' });
    expect(await h.ledger.evaluate(ID.adminB, (ctx) => keyEndorsers(ctx, LKEY('L1')))).toEqual([
      'CityAMSP',
      'CityBMSP',
    ]);
    expect(holder('enterprise-a1')).toEqual((h.ledger.get<Licence>(LKEY('L1')) as Licence).holder);
  });
});
