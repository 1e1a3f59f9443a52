/**
 * Issue 12 (trust): citizens are (home MSP, pid) pairs; auditors stay within
 * their organisation unless designated to audit others; owned records are
 * created only in the caller's organisation's name and protected (owner AND one
 * other organisation).
 */
import './quiet';
import { getCaller, keyPolicy } from '@govledger/chaincode-common';
import type { AccessRecord, AccessResult, PageResult } from '../src';
import { protectOwned } from '../src/authz';
import {
  CITIZEN,
  Harness,
  ID,
  PID,
  accessRequest,
  consentRequest,
  readableKey,
  withCatalogue,
} from './helpers';

type Granted = Extract<AccessResult, { granted: true }>;

const SOCIAL_A = { mspId: 'CityAMSP', dept: 'social' };
const FACT_HASH = 'ab'.repeat(32);

/** A ledger where City A social (same organisation as the holder) accessed citizen A1's data under consent. */
async function cityAOnly(): Promise<Harness> {
  const h = await withCatalogue();
  await h.submit(ID.citizenA1, 'GrantConsent', consentRequest({ consentId: 'C-A', grantee: SOCIAL_A }));
  const r = await h.submit<AccessResult>(
    ID.socialA,
    'RequestAccess',
    accessRequest({ accessId: 'ACC-A', consentId: 'C-A' }),
  );
  expect(r.granted).toBe(true);
  await h.submit(ID.financeA, 'PublishAttestation', {
    attestationId: 'AT-A',
    categoryCode: 'HOUSING_FUND',
    field: 'monthsPaid',
    citizen: CITIZEN.a1,
    factHash: FACT_HASH,
    validUntil: '2026-06-30T00:00:00Z',
  });
  return h;
}

describe('a citizen is the pair (home MSP, pid): the same pid under another MSP is someone else', () => {
  it('does not let a twin pid of another organisation act on or read the consent', async () => {
    const h = await withCatalogue();
    await h.submit(ID.citizenA1, 'GrantConsent', consentRequest({ consentId: 'C-1' }));
    for (const tx of ['PauseConsent', 'RevokeConsent'] as const) {
      expect(await h.refusedSubmit(ID.twinOfA1, tx, { consentId: 'C-1' })).toMatchObject({
        code: 'NOT_CONSENT_OWNER',
        status: 403,
      });
    }
    expect(await h.refusedEvaluate(ID.twinOfA1, 'GetConsent', { consentId: 'C-1' })).toMatchObject({
      code: 'NOT_CONSENT_OWNER',
    });
    expect(await h.refusedEvaluate(ID.twinOfA1, 'ListConsents', { citizen: CITIZEN.a1 })).toMatchObject({
      code: 'NOT_OWN_DATA',
      status: 403,
    });
    const own = await h.evaluate<PageResult<unknown>>(ID.twinOfA1, 'ListConsents', {});
    expect(own.records).toEqual([]);
  });

  it('records the citizen with their home MSP and never matches a consent for the twin', async () => {
    const h = await withCatalogue();
    const c = await h.submit(ID.citizenA1, 'GrantConsent', consentRequest({ consentId: 'C-1' }));
    expect(c.citizen).toEqual({ mspId: 'CityAMSP', pid: PID.a1 });
    const twin = { mspId: 'CityBMSP', pid: PID.a1 };
    expect(await h.submit(ID.housingB, 'RequestAccess', accessRequest({ citizen: twin }))).toMatchObject({
      granted: false,
      code: 'NO_CONSENT_OR_LEGAL_BASIS',
    });
    expect(
      await h.submit(ID.housingB, 'RequestAccess', accessRequest({ citizen: twin, consentId: 'C-1' })),
    ).toMatchObject({ granted: false, code: 'CONSENT_MISMATCH' });
    expect(await h.submit(ID.housingB, 'RequestAccess', accessRequest({ accessId: 'OK' }))).toMatchObject({
      granted: true,
    });
    expect(await h.refusedEvaluate(ID.twinOfA1, 'GetAccess', { accessId: 'OK' })).toMatchObject({
      code: 'NOT_OWN_DATA',
    });
    const log = await h.evaluate<PageResult<AccessRecord>>(ID.twinOfA1, 'ListCitizenAccesses', {});
    expect(log.records.map((e) => e.accessId)).not.toContain('OK');
  });

  it('does not show an attestation to the twin, nor verify it under a ticket for the twin', async () => {
    const h = await cityAOnly();
    expect(await h.refusedEvaluate(ID.twinOfA1, 'GetAttestation', { attestationId: 'AT-A' })).toMatchObject({
      code: 'NOT_OWN_DATA',
    });
    await h.submit(ID.twinOfA1, 'GrantConsent', consentRequest({ consentId: 'C-T', grantee: SOCIAL_A }));
    const t = await h.submit<Granted>(
      ID.socialA,
      'RequestAccess',
      accessRequest({ accessId: 'T-T', consentId: 'C-T', citizen: { mspId: 'CityBMSP', pid: PID.a1 } }),
    );
    expect(t.granted).toBe(true);
    expect(
      await h.refusedEvaluate(ID.socialA, 'VerifyFact', {
        ticketId: 'T-T',
        attestationId: 'AT-A',
        claimedValue: '12',
        salt: '5a'.repeat(16),
      }),
    ).toMatchObject({ code: 'ATTESTATION_NOT_COVERED', status: 403 });
  });

  it('refuses a request naming a citizen by pid alone (400)', async () => {
    const h = await withCatalogue();
    const bare = { ...accessRequest(), citizen: undefined, citizenPid: PID.a1 };
    expect(await h.refusedSubmit(ID.housingB, 'RequestAccess', bare)).toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(
      await h.refusedEvaluate(ID.auditorA, 'ListCitizenAccesses', { citizen: { pid: PID.a1 } }),
    ).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('auditors read only their own organisation’s records, unless designated to audit others', () => {
  it('keeps a City B auditor out of a City A-only consent, access, ticket and attestation', async () => {
    const h = await cityAOnly();
    const outside = { code: 'OUTSIDE_AUDIT_SCOPE', status: 403 };
    expect(await h.refusedEvaluate(ID.auditorB, 'GetConsent', { consentId: 'C-A' })).toMatchObject(outside);
    expect(await h.refusedEvaluate(ID.auditorB, 'GetAccess', { accessId: 'ACC-A' })).toMatchObject(outside);
    expect(await h.refusedEvaluate(ID.auditorB, 'GetAttestation', { attestationId: 'AT-A' })).toMatchObject(
      outside,
    );
    expect(await h.refusedEvaluate(ID.auditorB, 'ListConsents', { citizen: CITIZEN.a1 })).toMatchObject(
      outside,
    );
    expect(
      await h.refusedEvaluate(ID.auditorB, 'ListCitizenAccesses', { citizen: CITIZEN.a1 }),
    ).toMatchObject(outside);
    expect(
      await h.refusedEvaluate(ID.auditorB, 'ListDepartmentAccesses', { mspId: 'CityAMSP', dept: 'social' }),
    ).toMatchObject(outside);
    expect(await h.refusedEvaluate(ID.auditorB, 'VerifyTicket', { ticketId: 'ACC-A' })).toMatchObject({
      code: 'NOT_TICKET_PARTY',
    });
    const all = await h.evaluate<PageResult<AccessRecord>>(ID.auditorB, 'ListAllAccesses', {});
    expect(all.records).toEqual([]);
  });

  it('lets the organisation’s own auditor and the designated Audit Office read them', async () => {
    const h = await cityAOnly();
    for (const who of [ID.auditorA, ID.auditorOffice]) {
      expect(await h.evaluate(who, 'GetConsent', { consentId: 'C-A' })).toMatchObject({ consentId: 'C-A' });
      expect(await h.evaluate(who, 'GetAccess', { accessId: 'ACC-A' })).toMatchObject({ accessId: 'ACC-A' });
      expect(await h.evaluate(who, 'GetAttestation', { attestationId: 'AT-A' })).toMatchObject({
        attestationId: 'AT-A',
      });
      const log = await h.evaluate<PageResult<AccessRecord>>(who, 'ListCitizenAccesses', {
        citizen: CITIZEN.a1,
      });
      expect(log.records.map((e) => e.accessId)).toEqual(['ACC-A']);
      const all = await h.evaluate<PageResult<AccessRecord>>(who, 'ListAllAccesses', {});
      expect(all.records.map((e) => e.accessId)).toEqual(['ACC-A']);
      expect(await h.evaluate(who, 'VerifyTicket', { ticketId: 'ACC-A' })).toMatchObject({ valid: true });
    }
  });

  it('lets a City B auditor read the accesses City B is a party to', async () => {
    const h = await cityAOnly();
    await h.submit(ID.citizenA1, 'GrantConsent', consentRequest({ consentId: 'C-B' }));
    await h.submit(ID.housingB, 'RequestAccess', accessRequest({ accessId: 'ACC-B' }));
    const all = await h.evaluate<PageResult<AccessRecord>>(ID.auditorB, 'ListAllAccesses', {});
    expect(all.records.map((e) => e.accessId)).toEqual(['ACC-B']);
    expect(await h.evaluate(ID.auditorB, 'GetConsent', { consentId: 'C-B' })).toMatchObject({
      consentId: 'C-B',
    });
    expect(
      await h.evaluate(ID.auditorB, 'ListDepartmentAccesses', { mspId: 'CityBMSP', dept: 'housing' }),
    ).toMatchObject({ records: [expect.objectContaining({ accessId: 'ACC-B' })] });
  });
});

describe('owned records', () => {
  it('are created only in the caller’s own organisation’s name (403 NOT_RECORD_OWNER)', async () => {
    const h = new Harness();
    const r = await h.ledger
      .submit(ID.financeA, (ctx) => protectOwned(ctx, 'k', getCaller(ctx), 'CityBMSP'))
      .then(
        () => undefined,
        (e: Error) => JSON.parse(e.message) as { code: string; status: number },
      );
    expect(r).toMatchObject({ code: 'NOT_RECORD_OWNER', status: 403 });
  });

  it('protects every access log entry: the requesting organisation AND one other', async () => {
    const h = await withCatalogue();
    await h.submit(ID.citizenA1, 'GrantConsent', consentRequest({ consentId: 'C-1' }));
    await h.submit(ID.housingB, 'RequestAccess', accessRequest({ accessId: 'A-1' }));
    const key = h.ledger.keys().find((k) => readableKey(k) === 'access/A-1') as string;
    expect(await h.ledger.evaluate(ID.housingB, (ctx) => keyPolicy(ctx, key))).toEqual({
      owner: 'CityBMSP',
      orgs: ['CityBMSP', 'CityAMSP'],
    });
  });
});
