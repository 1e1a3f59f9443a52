/**
 * Issue 18 part 4 in data sharing: CheckTicket and CheckFact are VerifyTicket and VerifyFact plus
 * a trace entry (who, what, when, why; no clear value) that only the citizen lists.
 */
import './quiet';
import { saltedHash } from '@govledger/chaincode-common';
import { events } from '@govledger/wire';
import type { AccessResult, DataCheck } from '../src';
import { CITIZEN, Harness, ID, SALT, accessRequest, consentRequest, withCatalogue } from './helpers';

type Granted = Extract<AccessResult, { granted: true }>;
type Checked<V> = { verification: V; usage: DataCheck };

const FACT_HASH = saltedHash(SALT, 'true');
const PURPOSE = { code: 'SERVICE_COUNTER', text: 'housing subsidy desk' };

async function ready(): Promise<{ h: Harness; ticket: Granted['ticket'] }> {
  const h = await withCatalogue();
  await h.submit(ID.citizenA1, 'GrantConsent', consentRequest({ consentId: 'C-1' }));
  const r = await h.submit<Granted>(
    ID.housingB,
    'RequestAccess',
    accessRequest({ accessId: 'T-1', fields: ['monthsPaid', 'balance'] }),
  );
  await h.submit(ID.financeA, 'PublishAttestation', {
    attestationId: 'AT-1',
    categoryCode: 'HOUSING_FUND',
    field: 'monthsPaid',
    citizen: CITIZEN.a1,
    factHash: FACT_HASH,
    validUntil: '2026-06-30T00:00:00Z',
  });
  return { h, ticket: r.ticket };
}

describe('CheckTicket / CheckFact / ListDataChecks', () => {
  it('records a ticket check by the holding department with its outcome and purpose', async () => {
    const { h, ticket } = await ready();
    const r = await h.submit<Checked<{ valid: boolean; status: string }>>(ID.financeA, 'CheckTicket', {
      ticketId: 'T-1',
      ticketHash: ticket.hash,
      purpose: PURPOSE,
    });
    expect(r.verification).toMatchObject({ valid: true, status: 'valid' });
    expect(r.usage).toEqual({
      usageId: expect.stringMatching(/^[0-9a-f]{64}$/),
      kind: 'ticket',
      ticketId: 'T-1',
      attestationId: null,
      citizen: CITIZEN.a1,
      verifier: { mspId: 'CityAMSP', dept: 'finance', role: 'officer' },
      purpose: PURPOSE,
      valid: true,
      outcome: 'valid',
      checkedAt: expect.any(String),
    });
    const tampered = await h.submit<Checked<{ valid: boolean }>>(ID.financeA, 'CheckTicket', {
      ticketId: 'T-1',
      ticketHash: '0'.repeat(64),
      purpose: PURPOSE,
    });
    expect(tampered.usage).toMatchObject({ valid: false, outcome: 'hash-mismatch' });
  });

  it('refuses a ticket check by a non-party (403) or of an unknown ticket (404), writing nothing', async () => {
    const { h } = await ready();
    expect(
      await h.refusedSubmit(ID.financeB, 'CheckTicket', { ticketId: 'T-1', purpose: PURPOSE }),
    ).toMatchObject({ status: 403, code: 'NOT_TICKET_PARTY' });
    expect(
      await h.refusedSubmit(ID.financeA, 'CheckTicket', { ticketId: 'NOPE', purpose: PURPOSE }),
    ).toMatchObject({ status: 404, code: 'TICKET_NOT_FOUND' });
  });

  it('records a fact check from the salted hash alone (no clear value in the request)', async () => {
    const { h } = await ready();
    const ok = await h.submit<Checked<{ match: boolean }>>(ID.housingB, 'CheckFact', {
      ticketId: 'T-1',
      attestationId: 'AT-1',
      claimedHash: FACT_HASH,
      purpose: PURPOSE,
    });
    expect(ok.verification.match).toBe(true);
    expect(ok.usage).toMatchObject({
      kind: 'fact',
      attestationId: 'AT-1',
      verifier: { mspId: 'CityBMSP', dept: 'housing', role: 'officer' },
      valid: true,
      outcome: 'match',
    });
    const wrong = await h.submit<Checked<{ match: boolean }>>(ID.housingB, 'CheckFact', {
      ticketId: 'T-1',
      attestationId: 'AT-1',
      claimedHash: saltedHash(SALT, 'false'),
      purpose: PURPOSE,
    });
    expect(wrong.usage).toMatchObject({ valid: false, outcome: 'mismatch' });
    // the event goes to the citizen and the checking department only
    const ev = h.ledger.events[h.ledger.events.length - 1];
    expect(ev?.name).toBe('DataChecked');
    const spec = events['data-sharing'].DataChecked;
    expect(spec.scope(spec.payload.parse(ev?.payload))).toEqual({
      subjects: [CITIZEN.a1],
      orgs: [{ mspId: 'CityBMSP', dept: 'housing' }],
    });
    // the same refusals as VerifyFact
    expect(
      await h.refusedSubmit(ID.financeA, 'CheckFact', {
        ticketId: 'T-1',
        attestationId: 'AT-1',
        claimedHash: FACT_HASH,
        purpose: PURPOSE,
      }),
    ).toMatchObject({ status: 403, code: 'TICKET_NOT_YOURS' });
    expect(
      await h.refusedSubmit(ID.housingB, 'CheckFact', {
        ticketId: 'T-1',
        attestationId: 'AT-1',
        claimedValue: 'true',
        salt: SALT,
        purpose: PURPOSE,
      }),
    ).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT' });
  });

  it('lets the citizen alone list the checks of their data', async () => {
    const { h } = await ready();
    await h.submit(ID.financeA, 'CheckTicket', { ticketId: 'T-1', purpose: PURPOSE });
    await h.submit(ID.housingB, 'CheckFact', {
      ticketId: 'T-1',
      attestationId: 'AT-1',
      claimedHash: FACT_HASH,
      purpose: { code: 'OTHER' },
    });
    const mine = await h.evaluate<{ records: DataCheck[]; bookmark: string }>(
      ID.citizenA1,
      'ListDataChecks',
      {},
    );
    expect(mine.records.map((r) => [r.kind, r.verifier.mspId, r.verifier.dept])).toEqual([
      ['ticket', 'CityAMSP', 'finance'],
      ['fact', 'CityBMSP', 'housing'],
    ]);
    const page = await h.evaluate<{ records: DataCheck[]; bookmark: string }>(
      ID.citizenA1,
      'ListDataChecks',
      {
        pageSize: 1,
      },
    );
    expect(page.records).toHaveLength(1);
    expect(page.bookmark).not.toBe('');
    for (const other of [ID.citizenA2, ID.twinOfA1]) {
      expect((await h.evaluate<{ records: DataCheck[] }>(other, 'ListDataChecks', {})).records).toEqual([]);
    }
    for (const staff of [ID.financeA, ID.auditorA, ID.enterpriseA1]) {
      expect(await h.refusedEvaluate(staff, 'ListDataChecks', {})).toMatchObject({ status: 403 });
    }
  });
});
