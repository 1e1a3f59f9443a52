import './quiet';
import { keyPolicy, saltedHash } from '@govledger/chaincode-common';
import type { AccessResult, AttestationView, VerifyFactResult, VerifyTicketResult } from '../src';
import {
  CITIZEN,
  HEALTH_RECORD,
  Harness,
  ID,
  SALT,
  accessRequest,
  approvedLegalBasis,
  consentRequest,
  readableKey,
  withCatalogue,
} from './helpers';

type Granted = Extract<AccessResult, { granted: true }>;

/** Citizen A1 consents to City B housing; City B housing gets a ticket for monthsPaid and balance. */
async function withTicket(): Promise<{ h: Harness; ticket: Granted['ticket'] }> {
  const h = await withCatalogue();
  await h.submit(ID.citizenA1, 'GrantConsent', consentRequest({ consentId: 'C-1' }));
  const r = await h.submit<Granted>(
    ID.housingB,
    'RequestAccess',
    accessRequest({ accessId: 'T-1', fields: ['monthsPaid', 'balance'] }),
  );
  expect(r.granted).toBe(true);
  return { h, ticket: r.ticket };
}

function verify(
  h: Harness,
  req: Record<string, unknown>,
  who = ID.financeA,
  time?: string,
): Promise<VerifyTicketResult> {
  return h.evaluate<VerifyTicketResult>(who, 'VerifyTicket', req, time ? { time } : undefined);
}

describe('VerifyTicket', () => {
  it('tells the holding department a ticket is valid, with its terms and hash', async () => {
    const { h, ticket } = await withTicket();
    const v = await verify(h, { ticketId: 'T-1', ticketHash: ticket.hash, fields: ['monthsPaid'] });
    expect(v).toMatchObject({ ticketId: 'T-1', valid: true, status: 'valid', basisState: 'active' });
    expect(v.ticket).toMatchObject({
      citizen: CITIZEN.a1,
      categoryCode: 'HOUSING_FUND',
      fields: ['balance', 'monthsPaid'],
      purpose: 'HOUSING_SUBSIDY',
      grantee: { mspId: 'CityBMSP', dept: 'housing' },
      holder: { mspId: 'CityAMSP', dept: 'finance' },
      hash: ticket.hash,
      expiresAt: ticket.expiresAt,
    });
  });

  it('lets the grantee and auditors check too; refuses anyone else (403 NOT_TICKET_PARTY)', async () => {
    const { h } = await withTicket();
    for (const who of [ID.housingB, ID.legalB, ID.auditorA, ID.auditorOffice]) {
      expect((await verify(h, { ticketId: 'T-1' }, who)).valid).toBe(true);
    }
    for (const who of [ID.financeB, ID.housingA, ID.socialA, ID.citizenA1]) {
      expect(await h.refusedEvaluate(who, 'VerifyTicket', { ticketId: 'T-1' })).toMatchObject({
        code: 'NOT_TICKET_PARTY',
        status: 403,
      });
    }
  });

  it('reports a tampered hash, an expired ticket and fields the ticket does not cover', async () => {
    const { h, ticket } = await withTicket();
    expect(await verify(h, { ticketId: 'T-1', ticketHash: '0'.repeat(64) })).toMatchObject({
      valid: false,
      status: 'hash-mismatch',
    });
    expect(await verify(h, { ticketId: 'T-1' }, ID.financeA, ticket.expiresAt)).toMatchObject({
      valid: false,
      status: 'expired',
    });
    expect(await verify(h, { ticketId: 'T-1', fields: ['monthsPaid', 'employer'] })).toMatchObject({
      valid: false,
      status: 'fields-not-covered',
    });
  });

  it('ends a ticket when its consent is paused or revoked', async () => {
    const { h } = await withTicket();
    await h.submit(ID.citizenA1, 'PauseConsent', { consentId: 'C-1' });
    expect(await verify(h, { ticketId: 'T-1' })).toMatchObject({
      valid: false,
      status: 'basis-invalid',
      basisState: 'paused',
    });
    await h.submit(ID.citizenA1, 'ResumeConsent', { consentId: 'C-1' });
    expect((await verify(h, { ticketId: 'T-1' })).valid).toBe(true);
    await h.submit(ID.citizenA1, 'RevokeConsent', { consentId: 'C-1' });
    expect(await verify(h, { ticketId: 'T-1' })).toMatchObject({ valid: false, basisState: 'revoked' });
  });

  it('ends a legal-basis ticket when the basis is withdrawn', async () => {
    const h = await withCatalogue();
    await approvedLegalBasis(h, { legalBasisId: 'LB-1' });
    await h.submit(ID.housingB, 'RequestAccess', accessRequest({ accessId: 'T-L' }));
    expect((await verify(h, { ticketId: 'T-L' })).valid).toBe(true);
    await h.submit(ID.legalB, 'WithdrawLegalBasis', { legalBasisId: 'LB-1', reason: 'x' });
    expect(await verify(h, { ticketId: 'T-L' })).toMatchObject({ valid: false, basisState: 'withdrawn' });
  });

  it('answers unknown for an id that is no ticket (unknown, or a refused access)', async () => {
    const { h } = await withTicket();
    await h.submit(ID.housingB, 'RequestAccess', accessRequest({ accessId: 'R-1', purpose: 'PENSION' }));
    for (const ticketId of ['NOPE', 'R-1']) {
      expect(await verify(h, { ticketId })).toEqual({
        ticketId,
        valid: false,
        status: 'unknown',
        ticket: null,
        basisState: null,
      });
    }
    expect(
      await h.refusedEvaluate(ID.financeA, 'VerifyTicket', { ticketId: 'T-1', ticketHash: 'ab' }),
    ).toMatchObject({
      code: 'INVALID_ARGUMENT',
      status: 400,
    });
  });
});

const FACT = 'true';
const FACT_HASH = saltedHash(SALT, FACT);

function attestation(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    attestationId: 'AT-1',
    categoryCode: 'HOUSING_FUND',
    field: 'monthsPaid',
    citizen: CITIZEN.a1,
    factHash: FACT_HASH,
    validUntil: '2026-06-30T00:00:00Z',
    ...over,
  };
}

describe('PublishAttestation', () => {
  it('publishes a salted hash with an expiry; neither value nor salt reaches the ledger', async () => {
    const h = await withCatalogue();
    const a = await h.submit<AttestationView>(ID.financeA, 'PublishAttestation', attestation());
    expect(a).toMatchObject({
      attestationId: 'AT-1',
      categoryCode: 'HOUSING_FUND',
      field: 'monthsPaid',
      citizen: CITIZEN.a1,
      factHash: FACT_HASH,
      holder: { mspId: 'CityAMSP', dept: 'finance' },
      validUntil: '2026-06-30T00:00:00Z',
      status: 'active',
      state: 'active',
    });
    expect(JSON.stringify(h.ledger.snapshot())).not.toContain(SALT);
    expect(h.lastEvent()).toMatchObject({
      name: 'AttestationPublished',
      payload: { attestationId: 'AT-1', citizen: CITIZEN.a1, field: 'monthsPaid' },
    });
    const key = h.ledger.keys().find((k) => readableKey(k) === 'attestation/AT-1') as string;
    expect(await h.ledger.evaluate(ID.financeA, (ctx) => keyPolicy(ctx, key))).toEqual({
      owner: 'CityAMSP',
      orgs: ['CityAMSP', 'CityBMSP'],
    });
  });

  it('derives the id from the tx id when none is given', async () => {
    const h = await withCatalogue();
    const a = await h.submit<AttestationView>(
      ID.financeA,
      'PublishAttestation',
      attestation({ attestationId: undefined }),
    );
    expect(a.attestationId).toMatch(/^ATT-[0-9a-f]{64}$/);
  });

  it('refuses other departments (403 NOT_CATEGORY_HOLDER) and non-officers (403)', async () => {
    const h = await withCatalogue();
    for (const who of [ID.housingB, ID.socialA, ID.financeB]) {
      expect(await h.refusedSubmit(who, 'PublishAttestation', attestation())).toMatchObject({
        code: 'NOT_CATEGORY_HOLDER',
        status: 403,
      });
    }
    for (const who of [ID.citizenA1, ID.auditorA, ID.legalB]) {
      expect(await h.refusedSubmit(who, 'PublishAttestation', attestation())).toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    }
  });

  it('refuses unknown (404) or withdrawn (409) categories, unknown fields (400), past expiry (400), duplicates (409)', async () => {
    const h = await withCatalogue();
    expect(
      await h.refusedSubmit(ID.financeA, 'PublishAttestation', attestation({ categoryCode: 'X' })),
    ).toMatchObject({
      code: 'CATEGORY_NOT_FOUND',
      status: 404,
    });
    expect(
      await h.refusedSubmit(ID.financeA, 'PublishAttestation', attestation({ field: 'salary' })),
    ).toMatchObject({
      code: 'FIELD_NOT_IN_CATEGORY',
      status: 400,
    });
    expect(
      await h.refusedSubmit(
        ID.financeA,
        'PublishAttestation',
        attestation({ validUntil: '2025-12-31T00:00:00Z' }),
      ),
    ).toMatchObject({ code: 'INVALID_VALIDITY', status: 400 });
    expect(
      await h.refusedSubmit(ID.financeA, 'PublishAttestation', attestation({ factHash: 'true' })),
    ).toMatchObject({
      code: 'INVALID_ARGUMENT',
      status: 400,
    });
    expect(
      await h.refusedSubmit(ID.financeA, 'PublishAttestation', attestation({ value: 'true' })),
    ).toMatchObject({
      code: 'INVALID_ARGUMENT',
      status: 400,
    });
    await h.submit(ID.financeA, 'PublishAttestation', attestation());
    expect(await h.refusedSubmit(ID.financeA, 'PublishAttestation', attestation())).toMatchObject({
      code: 'ATTESTATION_EXISTS',
      status: 409,
    });
    await h.submit(ID.financeA, 'UpdateCategory', { code: 'HOUSING_FUND', status: 'withdrawn' });
    expect(
      await h.refusedSubmit(ID.financeA, 'PublishAttestation', attestation({ attestationId: 'AT-2' })),
    ).toMatchObject({ code: 'CATEGORY_WITHDRAWN', status: 409 });
  });
});

describe('RevokeAttestation and GetAttestation', () => {
  it('revokes once (409 the second time), only by the holder department (403), unknown 404', async () => {
    const h = await withCatalogue();
    await h.submit(ID.financeA, 'PublishAttestation', attestation());
    expect(await h.refusedSubmit(ID.housingB, 'RevokeAttestation', { attestationId: 'AT-1' })).toMatchObject({
      code: 'NOT_CATEGORY_HOLDER',
      status: 403,
    });
    expect(await h.refusedSubmit(ID.financeA, 'RevokeAttestation', { attestationId: 'AT-9' })).toMatchObject({
      code: 'ATTESTATION_NOT_FOUND',
      status: 404,
    });
    const a = await h.submit<AttestationView>(ID.financeA, 'RevokeAttestation', { attestationId: 'AT-1' });
    expect(a).toMatchObject({ status: 'revoked', state: 'revoked', revokedAt: '2026-01-01T00:00:04.000Z' });
    expect(h.lastEvent()).toMatchObject({ name: 'AttestationRevoked', payload: { attestationId: 'AT-1' } });
    expect(await h.refusedSubmit(ID.financeA, 'RevokeAttestation', { attestationId: 'AT-1' })).toMatchObject({
      code: 'ATTESTATION_REVOKED',
      status: 409,
    });
  });

  it('lets the holder, the citizen and auditors read it; not other citizens (NOT_OWN_DATA) or departments', async () => {
    const h = await withCatalogue();
    await h.submit(ID.financeA, 'PublishAttestation', attestation());
    for (const who of [ID.financeA, ID.citizenA1, ID.auditorOffice]) {
      expect(
        (await h.evaluate<AttestationView>(who, 'GetAttestation', { attestationId: 'AT-1' })).state,
      ).toBe('active');
    }
    const later = await h.evaluate<AttestationView>(
      ID.financeA,
      'GetAttestation',
      { attestationId: 'AT-1' },
      {
        time: '2026-06-30T00:00:00Z',
      },
    );
    expect(later.state).toBe('expired');
    expect(await h.refusedEvaluate(ID.citizenA2, 'GetAttestation', { attestationId: 'AT-1' })).toMatchObject({
      code: 'NOT_OWN_DATA',
      status: 403,
    });
    expect(await h.refusedEvaluate(ID.housingB, 'GetAttestation', { attestationId: 'AT-1' })).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
    });
  });
});

describe('VerifyFact (zero documents)', () => {
  async function ready(): Promise<Harness> {
    const { h } = await withTicket();
    await h.submit(ID.financeA, 'PublishAttestation', attestation());
    return h;
  }
  const check = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    ticketId: 'T-1',
    attestationId: 'AT-1',
    claimedValue: FACT,
    salt: SALT,
    ...over,
  });

  it('confirms a claimed fact and salt that match the attestation', async () => {
    const h = await ready();
    const r = await h.evaluate<VerifyFactResult>(ID.housingB, 'VerifyFact', check());
    expect(r).toEqual({
      ticketId: 'T-1',
      attestationId: 'AT-1',
      citizen: CITIZEN.a1,
      categoryCode: 'HOUSING_FUND',
      field: 'monthsPaid',
      match: true,
      validUntil: '2026-06-30T00:00:00Z',
    });
  });

  it('does not confirm another value or another salt', async () => {
    const h = await ready();
    expect(
      (await h.evaluate<VerifyFactResult>(ID.housingB, 'VerifyFact', check({ claimedValue: 'false' }))).match,
    ).toBe(false);
    expect(
      (await h.evaluate<VerifyFactResult>(ID.housingB, 'VerifyFact', check({ salt: '5b'.repeat(16) }))).match,
    ).toBe(false);
  });

  it('needs the department the ticket was issued to (403 TICKET_NOT_YOURS)', async () => {
    const h = await ready();
    for (const who of [ID.financeB, ID.financeA, ID.housingA]) {
      expect(await h.refusedEvaluate(who, 'VerifyFact', check())).toMatchObject({
        code: 'TICKET_NOT_YOURS',
        status: 403,
      });
    }
    expect(await h.refusedEvaluate(ID.citizenA1, 'VerifyFact', check())).toMatchObject({
      code: 'TICKET_NOT_YOURS',
      status: 403,
    });
  });

  it('needs a ticket that exists (404), has not expired (409) and whose consent is still valid (409)', async () => {
    const h = await ready();
    await h.submit(ID.housingB, 'RequestAccess', accessRequest({ accessId: 'R-1', purpose: 'PENSION' }));
    for (const ticketId of ['NOPE', 'R-1']) {
      expect(await h.refusedEvaluate(ID.housingB, 'VerifyFact', check({ ticketId }))).toMatchObject({
        code: 'TICKET_NOT_FOUND',
        status: 404,
      });
    }
    expect(
      await h.refusedEvaluate(ID.housingB, 'VerifyFact', check(), { time: '2026-01-01T01:00:00Z' }),
    ).toMatchObject({ code: 'TICKET_EXPIRED', status: 409 });
    await h.submit(ID.citizenA1, 'RevokeConsent', { consentId: 'C-1' });
    expect(await h.refusedEvaluate(ID.housingB, 'VerifyFact', check())).toMatchObject({
      code: 'TICKET_INVALID',
      status: 409,
    });
  });

  it('needs an attestation the ticket covers: same citizen, category and a ticket field (403 ATTESTATION_NOT_COVERED)', async () => {
    const h = await ready();
    await h.submit(ID.socialA, 'RegisterCategory', HEALTH_RECORD);
    await h.submit(
      ID.financeA,
      'PublishAttestation',
      attestation({ attestationId: 'OTHER-CITIZEN', citizen: CITIZEN.a2 }),
    );
    await h.submit(
      ID.financeA,
      'PublishAttestation',
      attestation({ attestationId: 'OTHER-FIELD', field: 'employer' }),
    );
    await h.submit(
      ID.socialA,
      'PublishAttestation',
      attestation({ attestationId: 'OTHER-CATEGORY', categoryCode: HEALTH_RECORD.code, field: 'level' }),
    );
    for (const attestationId of ['OTHER-CITIZEN', 'OTHER-FIELD', 'OTHER-CATEGORY']) {
      expect(await h.refusedEvaluate(ID.housingB, 'VerifyFact', check({ attestationId }))).toMatchObject({
        code: 'ATTESTATION_NOT_COVERED',
        status: 403,
      });
    }
    expect(
      await h.refusedEvaluate(ID.housingB, 'VerifyFact', check({ attestationId: 'NOPE' })),
    ).toMatchObject({
      code: 'ATTESTATION_NOT_FOUND',
      status: 404,
    });
  });

  it('refuses a revoked (409 ATTESTATION_REVOKED) or expired (409 ATTESTATION_EXPIRED) attestation', async () => {
    const h = await ready();
    await h.submit(
      ID.financeA,
      'PublishAttestation',
      attestation({ attestationId: 'SHORT', validUntil: '2026-01-01T00:00:10Z' }),
    );
    expect(
      await h.refusedEvaluate(ID.housingB, 'VerifyFact', check({ attestationId: 'SHORT' }), {
        time: '2026-01-01T00:00:10Z',
      }),
    ).toMatchObject({ code: 'ATTESTATION_EXPIRED', status: 409 });
    await h.submit(ID.financeA, 'RevokeAttestation', { attestationId: 'AT-1' });
    expect(await h.refusedEvaluate(ID.housingB, 'VerifyFact', check())).toMatchObject({
      code: 'ATTESTATION_REVOKED',
      status: 409,
    });
  });

  it('refuses bad input: a salt that is not hex, an empty value (400)', async () => {
    const h = await ready();
    for (const over of [{ salt: 'not-hex' }, { claimedValue: '' }, { extra: 1 }]) {
      expect(await h.refusedEvaluate(ID.housingB, 'VerifyFact', check(over))).toMatchObject({
        code: 'INVALID_ARGUMENT',
        status: 400,
      });
    }
  });
});
