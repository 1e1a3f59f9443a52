/**
 * data-sharing on the real network (issue 4): City A's social insurance department
 * registers a category; a City A citizen consents to City B's housing department
 * for one purpose with a use limit; City B gets a ticket that City A's system
 * verifies, and checks an attested fact without the citizen submitting anything;
 * the citizen reads the access in their log, revokes the consent, and sees the
 * next (refused) attempt logged too. Departments acting for other departments and
 * citizens reading other citizens' consents are refused; only pids and hashes
 * ever reach the ledger.
 */
import { dataSharing } from '@govledger/fixtures';
import { createHash, randomBytes } from 'crypto';
import { actAs, closeAll, refused, type UserSession } from '../src/fabric-client';
import { readNetworkInfo, stateDir } from '../src/test-network';

const CC = 'data-sharing';
const run = Date.now().toString(36);
const CATEGORY = `SOCINS-A-${run}`;
const CONSENT_ID = `CNS-e2e-${run}`;
const LIMITED_CONSENT_ID = `CNS-e2e-${run}-once`;
const ATTESTATION_ID = `ATT-e2e-${run}`;
const CITY_A_SOCIAL = { mspId: 'CityAMSP', dept: 'social' };
const CITY_B_HOUSING = { mspId: 'CityBMSP', dept: 'housing' };

// What City A's social insurance system knows off-chain and must never reach the ledger.
const FACT_FIELD = 'contributionStatus';
const FACT_VALUE = `paid-continuously-at-least-12-months-${run}`;
const FACT_SALT = randomBytes(32).toString('hex');

const SHA256 = /^[0-9a-f]{64}$/;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const saltedHash = (salt: string, value: string) => sha256(`${salt}|${value}`);
const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString();

/** Deterministic JSON (keys sorted at every level), as the chaincode hashes it. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A citizen: home MSP and pseudonymous id (a pid alone names no one). */
interface Subject {
  mspId: string;
  pid: string;
}
interface Dept {
  mspId: string;
  dept: string;
}
interface Page<T> {
  records: T[];
  bookmark: string;
}
interface Category {
  code: string;
  fields: string[];
  sensitivity: string;
  holder: Dept;
  status: string;
  version: number;
}
interface Consent {
  consentId: string;
  citizen: Subject;
  grantee: Dept;
  categoryCode: string;
  holder: Dept;
  fields: string[];
  purpose: string;
  validFrom: string;
  validUntil: string;
  maxUses: number | null;
  grantedAt: string;
  hash: string;
  status: string;
  state: string;
  revokedAt: string | null;
  usesCount: number | null;
  usesLeft: number | null;
}
type AccessResult =
  | {
      granted: true;
      accessId: string;
      ticket: { ticketId: string; hash: string; expiresAt: string };
      basis: { kind: string; id: string };
      auditFlag: boolean;
    }
  | { granted: false; accessId: string; code: string; reason: string; auditFlag: boolean };
interface Ticket {
  ticketId: string;
  citizen: Subject;
  categoryCode: string;
  fields: string[];
  purpose: string;
  grantee: Dept;
  holder: Dept;
  basis: { kind: string; id: string };
  issuedAt: string;
  expiresAt: string;
  hash: string;
}
interface Access {
  accessId: string;
  time: string;
  granted: boolean;
  code: string | null;
  reason: string | null;
  requester: Dept & { id: string };
  citizen: Subject;
  categoryCode: string;
  fields: string[];
  purpose: string;
  basis: { kind: string; id: string; hash: string } | null;
  auditFlag: boolean;
  ticket: Ticket | null;
}
interface VerifyTicketResult {
  ticketId: string;
  valid: boolean;
  status: string;
  ticket: Ticket | null;
  basisState: string | null;
}
interface Attestation {
  attestationId: string;
  citizen: Subject;
  field: string;
  factHash: string;
  holder: Dept;
  state: string;
}
interface FactCheck {
  ticketId: string;
  attestationId: string;
  citizen: Subject;
  field: string;
  match: boolean;
}

const session: Record<string, UserSession> = {};
/** Every record the ledger returned, checked at the end for personal values. */
const fromLedger: unknown[] = [];
let citizenPid: string;
let citizen: Subject;
let ticket: { ticketId: string; hash: string; expiresAt: string };
let consentHash: string;

const ask = async <T>(who: string, fn: string, request: unknown, write = false): Promise<T> => {
  const s = session[who];
  const result = write ? await s.submit<T>(CC, fn, request) : await s.evaluate<T>(CC, fn, request);
  fromLedger.push(result);
  return result;
};
const submit = <T>(who: string, fn: string, request: unknown) => ask<T>(who, fn, request, true);
const evaluate = <T>(who: string, fn: string, request: unknown) => ask<T>(who, fn, request);

const requestAccess = (extra: Record<string, unknown> = {}) =>
  submit<AccessResult>('officer-housing-b', 'RequestAccess', {
    citizen,
    categoryCode: CATEGORY,
    fields: [FACT_FIELD],
    purpose: 'HOUSING_SUBSIDY',
    ...extra,
  });

async function citizenLog(): Promise<Access[]> {
  const page = await evaluate<Page<Access>>('citizen-a1', 'ListCitizenAccesses', { pageSize: 200 });
  const times = page.records.map((r) => Date.parse(r.time));
  expect(times).toEqual([...times].sort((a, b) => b - a)); // newest first
  for (const r of page.records) expect(r.citizen).toEqual(citizen);
  return page.records.filter((r) => r.categoryCode === CATEGORY);
}

beforeAll(() => {
  for (const name of [
    'officer-social-a',
    'officer-housing-a',
    'officer-housing-b',
    'citizen-a1',
    'citizen-a2',
    'citizen-b1',
  ]) {
    session[name] = actAs(name);
  }
  citizenPid = session['citizen-a1'].pid as string;
  expect(citizenPid).toMatch(SHA256);
  citizen = { mspId: session['citizen-a1'].mspId, pid: citizenPid };
});

afterAll(() => closeAll());

describe('consented, audited cross-city data access with zero-documents fact checks', () => {
  it('lets City A social insurance register a category that City B reads in the catalogue', async () => {
    const category = await submit<Category>(
      'officer-social-a',
      'RegisterCategory',
      dataSharing.socialInsuranceCategory(CATEGORY, ['monthlyBase', FACT_FIELD, 'employerCode']),
    );
    expect(category).toMatchObject({
      code: CATEGORY,
      fields: [FACT_FIELD, 'employerCode', 'monthlyBase'],
      sensitivity: 'high',
      holder: CITY_A_SOCIAL,
      status: 'active',
      version: 1,
    });
    const read = await evaluate<Category>('officer-housing-b', 'GetCategory', { code: CATEGORY });
    expect(read).toEqual(category);
    const again = await refused(
      session['officer-social-a'].submit(CC, 'RegisterCategory', {
        code: CATEGORY,
        description: 'duplicate',
        fields: ['x'],
        sensitivity: 'low',
        serviceRef: 'https://example.org/x',
      }),
    );
    expect(again).toMatchObject({ code: 'CATEGORY_EXISTS', status: 409 });
  });

  it("records citizen-a1's consent to City B housing for one purpose, with a use limit", async () => {
    const bad = await refused(
      session['citizen-a1'].submit(CC, 'GrantConsent', {
        grantee: CITY_B_HOUSING,
        categoryCode: CATEGORY,
        fields: ['salaryDetails'],
        purpose: 'HOUSING_SUBSIDY',
        validFrom: isoIn(-60_000),
        validUntil: isoIn(86_400_000),
      }),
    );
    expect(bad).toMatchObject({ code: 'FIELD_NOT_IN_CATEGORY', status: 400 });

    const consent = await submit<Consent>('citizen-a1', 'GrantConsent', {
      consentId: CONSENT_ID,
      grantee: CITY_B_HOUSING,
      categoryCode: CATEGORY,
      fields: ['monthlyBase', FACT_FIELD],
      purpose: 'HOUSING_SUBSIDY',
      validFrom: isoIn(-60_000),
      validUntil: isoIn(86_400_000),
      maxUses: 3,
    });
    expect(consent).toMatchObject({
      consentId: CONSENT_ID,
      citizen,
      grantee: CITY_B_HOUSING,
      holder: CITY_A_SOCIAL,
      fields: [FACT_FIELD, 'monthlyBase'],
      purpose: 'HOUSING_SUBSIDY',
      maxUses: 3,
      status: 'active',
      state: 'active',
      usesCount: 0,
      usesLeft: 3,
      revokedAt: null,
    });
    // the consent is an artefact with its own hash over its terms
    const { consentId, grantee, categoryCode, holder, fields, purpose, validFrom, validUntil, maxUses } =
      consent;
    const terms = { consentId, citizen, grantee, categoryCode, holder, fields, purpose };
    consentHash = sha256(stable({ ...terms, validFrom, validUntil, maxUses, grantedAt: consent.grantedAt }));
    expect(consent.hash).toBe(consentHash);

    const mine = await evaluate<Page<Consent>>('citizen-a1', 'ListConsents', { pageSize: 200 });
    expect(mine.records.find((c) => c.consentId === CONSENT_ID)).toMatchObject({ state: 'active' });
  });

  it("refuses another citizen reading or changing citizen-a1's consents (403), writing nothing", async () => {
    const list = await refused(session['citizen-a2'].evaluate(CC, 'ListConsents', { citizen }));
    expect(list).toMatchObject({ code: 'NOT_OWN_DATA', status: 403 });
    const get = await refused(session['citizen-b1'].evaluate(CC, 'GetConsent', { consentId: CONSENT_ID }));
    expect(get).toMatchObject({ code: 'NOT_CONSENT_OWNER', status: 403 });
    const revoke = await refused(
      session['citizen-a2'].submit(CC, 'RevokeConsent', { consentId: CONSENT_ID }),
    );
    expect(revoke).toMatchObject({ code: 'NOT_CONSENT_OWNER', status: 403 });
    const log = await refused(session['citizen-a2'].evaluate(CC, 'ListCitizenAccesses', { citizen }));
    expect(log).toMatchObject({ code: 'NOT_OWN_DATA', status: 403 });
    const own = await evaluate<Page<Consent>>('citizen-a2', 'ListConsents', { pageSize: 200 });
    expect(own.records.some((c) => c.consentId === CONSENT_ID)).toBe(false);
    const still = await evaluate<Consent>('citizen-a1', 'GetConsent', { consentId: CONSENT_ID });
    expect(still.state).toBe('active');
  });

  it('gives City B housing a ticket under the consent, logs it and emits an event', async () => {
    const accessId = `ACC-e2e-${run}-1`;
    const submitted = await session['officer-housing-b'].contract(CC).submitAsync('RequestAccess', {
      arguments: [
        JSON.stringify({
          accessId,
          citizen,
          categoryCode: CATEGORY,
          fields: [FACT_FIELD],
          purpose: 'HOUSING_SUBSIDY',
          ticketTtlSeconds: 600,
        }),
      ],
    });
    const result = JSON.parse(Buffer.from(submitted.getResult()).toString('utf8')) as AccessResult;
    const status = await submitted.getStatus();
    expect(status.successful).toBe(true);
    fromLedger.push(result);
    expect(result).toMatchObject({
      granted: true,
      accessId,
      basis: { kind: 'consent', id: CONSENT_ID },
      auditFlag: false,
    });
    if (!result.granted) throw new Error('access was refused');
    ticket = result.ticket;
    expect(ticket.ticketId).toBe(accessId);
    expect(ticket.hash).toMatch(SHA256);

    // the citizen's portal (City A's peer) receives the AccessLogged event, read by City A's
    // staff: a citizen's own certificate may not read the channel (README, Who can read the channel)
    const network = session['officer-social-a'].gateway.getNetwork(readNetworkInfo(stateDir()).channel);
    const events = await network.getChaincodeEvents(CC, { startBlock: status.blockNumber });
    let event: Record<string, unknown> | undefined;
    try {
      for await (const e of events) {
        const payload = JSON.parse(Buffer.from(e.payload).toString('utf8')) as Record<string, unknown>;
        if (e.eventName === 'AccessLogged' && payload.accessId === accessId) {
          event = payload;
          break;
        }
      }
    } finally {
      events.close();
    }
    expect(event).toMatchObject({
      accessId,
      citizen,
      granted: true,
      code: null,
      requester: CITY_B_HOUSING,
      holder: CITY_A_SOCIAL,
      categoryCode: CATEGORY,
      purpose: 'HOUSING_SUBSIDY',
      basis: { kind: 'consent', id: CONSENT_ID },
    });

    const consent = await evaluate<Consent>('citizen-a1', 'GetConsent', { consentId: CONSENT_ID });
    expect(consent).toMatchObject({ usesCount: 1, usesLeft: 2, state: 'active' });

    // a purpose the citizen did not consent to is refused, logged, and uses nothing
    const other = await requestAccess({ accessId: `ACC-e2e-${run}-2`, purpose: 'TAX_ASSESSMENT' });
    expect(other).toMatchObject({ granted: false, code: 'CONSENT_PURPOSE_MISMATCH' });
    const after = await evaluate<Consent>('citizen-a1', 'GetConsent', { consentId: CONSENT_ID });
    expect(after).toMatchObject({ usesCount: 1, usesLeft: 2 });
  });

  it("lets City A's social insurance system verify the ticket before serving data", async () => {
    const check = await evaluate<VerifyTicketResult>('officer-social-a', 'VerifyTicket', {
      ticketId: ticket.ticketId,
      ticketHash: ticket.hash,
      fields: [FACT_FIELD],
    });
    expect(check).toMatchObject({ valid: true, status: 'valid', basisState: 'active' });
    const t = check.ticket as Ticket;
    expect(t).toMatchObject({
      ticketId: ticket.ticketId,
      citizen,
      categoryCode: CATEGORY,
      fields: [FACT_FIELD],
      purpose: 'HOUSING_SUBSIDY',
      grantee: CITY_B_HOUSING,
      holder: CITY_A_SOCIAL,
      basis: { kind: 'consent', id: CONSENT_ID },
      expiresAt: ticket.expiresAt,
    });
    expect(Date.parse(t.expiresAt) - Date.parse(t.issuedAt)).toBe(600_000);
    const { hash, ...terms } = t;
    expect(sha256(stable(terms))).toBe(hash);
    expect(hash).toBe(ticket.hash);

    const tampered = await evaluate<VerifyTicketResult>('officer-social-a', 'VerifyTicket', {
      ticketId: ticket.ticketId,
      ticketHash: sha256('forged'),
    });
    expect(tampered).toMatchObject({ valid: false, status: 'hash-mismatch' });
    const wider = await evaluate<VerifyTicketResult>('officer-social-a', 'VerifyTicket', {
      ticketId: ticket.ticketId,
      ticketHash: ticket.hash,
      fields: [FACT_FIELD, 'monthlyBase'],
    });
    expect(wider).toMatchObject({ valid: false, status: 'fields-not-covered' });
    const unknown = await evaluate<VerifyTicketResult>('officer-social-a', 'VerifyTicket', {
      ticketId: `ACC-none-${run}`,
    });
    expect(unknown).toMatchObject({ valid: false, status: 'unknown', ticket: null });
    const outsider = await refused(
      session['officer-housing-a'].evaluate(CC, 'VerifyTicket', { ticketId: ticket.ticketId }),
    );
    expect(outsider).toMatchObject({ code: 'NOT_TICKET_PARTY', status: 403 });
  });

  it('lets City B check an attested fact with its ticket; a wrong claim does not match', async () => {
    const attestation = await submit<Attestation>('officer-social-a', 'PublishAttestation', {
      attestationId: ATTESTATION_ID,
      categoryCode: CATEGORY,
      field: FACT_FIELD,
      citizen,
      factHash: saltedHash(FACT_SALT, FACT_VALUE),
      validUntil: isoIn(86_400_000),
    });
    expect(attestation).toMatchObject({
      attestationId: ATTESTATION_ID,
      citizen,
      field: FACT_FIELD,
      factHash: saltedHash(FACT_SALT, FACT_VALUE),
      holder: CITY_A_SOCIAL,
      state: 'active',
    });

    const verify = (claimedValue: string, salt = FACT_SALT, who = 'officer-housing-b') =>
      session[who].evaluate<FactCheck>(CC, 'VerifyFact', {
        ticketId: ticket.ticketId,
        attestationId: ATTESTATION_ID,
        claimedValue,
        salt,
      });
    const fact = await verify(FACT_VALUE);
    fromLedger.push(fact);
    expect(fact).toMatchObject({
      ticketId: ticket.ticketId,
      attestationId: ATTESTATION_ID,
      citizen,
      field: FACT_FIELD,
      match: true,
    });
    expect((await verify('paid-for-3-months')).match).toBe(false);
    expect((await verify(FACT_VALUE, randomBytes(32).toString('hex'))).match).toBe(false);
    // City A's housing department is not City B's: the ticket is not its own
    const notYours = await refused(verify(FACT_VALUE, FACT_SALT, 'officer-housing-a'));
    expect(notYours).toMatchObject({ code: 'TICKET_NOT_YOURS', status: 403 });
  });

  it('refuses a department acting for another department (403)', async () => {
    for (const other of [CITY_A_SOCIAL, { mspId: 'CityAMSP', dept: 'housing' }]) {
      const err = await refused(session['officer-housing-b'].evaluate(CC, 'ListDepartmentAccesses', other));
      expect(err).toMatchObject({ code: 'DEPT_MISMATCH', status: 403 });
    }
    const publish = await refused(
      session['officer-housing-b'].submit(CC, 'PublishAttestation', {
        categoryCode: CATEGORY,
        field: FACT_FIELD,
        citizen,
        factHash: sha256('anything'),
        validUntil: isoIn(86_400_000),
      }),
    );
    expect(publish).toMatchObject({ code: 'NOT_CATEGORY_HOLDER', status: 403 });
    const update = await refused(
      session['officer-housing-a'].submit(CC, 'UpdateCategory', { code: CATEGORY, status: 'withdrawn' }),
    );
    expect(update).toMatchObject({ code: 'NOT_CATEGORY_HOLDER', status: 403 });
    expect((await evaluate<Category>('citizen-a1', 'GetCategory', { code: CATEGORY })).status).toBe('active');

    const own = await evaluate<Page<Access>>('officer-housing-b', 'ListDepartmentAccesses', {
      pageSize: 200,
    });
    const ids = own.records.filter((r) => r.categoryCode === CATEGORY).map((r) => r.accessId);
    expect(ids).toEqual([`ACC-e2e-${run}-2`, `ACC-e2e-${run}-1`]);
  });

  it('shows the citizen every access to their data, newest first', async () => {
    const log = await citizenLog();
    expect(log.map((r) => r.accessId)).toEqual([`ACC-e2e-${run}-2`, `ACC-e2e-${run}-1`]);
    const [refusal, granted] = log;
    expect(granted).toMatchObject({
      granted: true,
      code: null,
      requester: CITY_B_HOUSING,
      holder: CITY_A_SOCIAL,
      fields: [FACT_FIELD],
      purpose: 'HOUSING_SUBSIDY',
      basis: { kind: 'consent', id: CONSENT_ID, hash: consentHash },
      ticket: { ticketId: ticket.ticketId, hash: ticket.hash },
    });
    expect(refusal).toMatchObject({
      granted: false,
      code: 'CONSENT_PURPOSE_MISMATCH',
      purpose: 'TAX_ASSESSMENT',
      ticket: null,
    });
    expect(refusal.reason).toEqual(expect.any(String));
  });

  it('ends access at once when the citizen revokes: the next request is refused and logged', async () => {
    const revoked = await submit<Consent>('citizen-a1', 'RevokeConsent', { consentId: CONSENT_ID });
    expect(revoked).toMatchObject({ status: 'revoked', state: 'revoked', hash: consentHash });
    expect(revoked.revokedAt).toEqual(expect.any(String));
    const twice = await refused(session['citizen-a1'].submit(CC, 'RevokeConsent', { consentId: CONSENT_ID }));
    expect(twice).toMatchObject({ code: 'CONSENT_REVOKED', status: 409 });

    const accessId = `ACC-e2e-${run}-3`;
    const next = await requestAccess({ accessId });
    expect(next).toMatchObject({ granted: false, accessId, code: 'CONSENT_REVOKED' });
    expect(next).not.toHaveProperty('ticket');
    const consent = await evaluate<Consent>('citizen-a1', 'GetConsent', { consentId: CONSENT_ID });
    expect(consent).toMatchObject({ state: 'revoked', usesCount: 1, usesLeft: 2 });

    // the ticket already issued is only as good as its consent
    const check = await evaluate<VerifyTicketResult>('officer-social-a', 'VerifyTicket', {
      ticketId: ticket.ticketId,
      ticketHash: ticket.hash,
    });
    expect(check).toMatchObject({ valid: false, status: 'basis-invalid', basisState: 'revoked' });
    const fact = await refused(
      session['officer-housing-b'].evaluate(CC, 'VerifyFact', {
        ticketId: ticket.ticketId,
        attestationId: ATTESTATION_ID,
        claimedValue: FACT_VALUE,
        salt: FACT_SALT,
      }),
    );
    expect(fact).toMatchObject({ code: 'TICKET_INVALID', status: 409 });

    const log = await citizenLog();
    expect(log.map((r) => r.accessId)).toEqual([accessId, `ACC-e2e-${run}-2`, `ACC-e2e-${run}-1`]);
    expect(log[0]).toMatchObject({
      granted: false,
      code: 'CONSENT_REVOKED',
      requester: CITY_B_HOUSING,
      basis: { kind: 'consent', id: CONSENT_ID, hash: consentHash },
      ticket: null,
    });
  });

  it('counts each use exactly once and refuses a used-up consent', async () => {
    await submit<Consent>('citizen-a1', 'GrantConsent', {
      consentId: LIMITED_CONSENT_ID,
      grantee: CITY_B_HOUSING,
      categoryCode: CATEGORY,
      fields: [FACT_FIELD],
      purpose: 'HOUSING_FUND_LOAN',
      validFrom: isoIn(-60_000),
      validUntil: isoIn(3_600_000),
      maxUses: 1,
    });
    const first = await requestAccess({ consentId: LIMITED_CONSENT_ID, purpose: 'HOUSING_FUND_LOAN' });
    expect(first).toMatchObject({ granted: true, basis: { kind: 'consent', id: LIMITED_CONSENT_ID } });
    const second = await requestAccess({ consentId: LIMITED_CONSENT_ID, purpose: 'HOUSING_FUND_LOAN' });
    expect(second).toMatchObject({ granted: false, code: 'CONSENT_USED_UP' });
    const consent = await evaluate<Consent>('citizen-a1', 'GetConsent', { consentId: LIMITED_CONSENT_ID });
    expect(consent).toMatchObject({ state: 'active', maxUses: 1, usesCount: 1, usesLeft: 0 });
  });

  it('keeps personal values off the ledger: only pseudonymous ids and hashes', () => {
    expect(fromLedger.length).toBeGreaterThan(20);
    const text = JSON.stringify(fromLedger);
    expect(text).not.toContain(FACT_VALUE);
    expect(text).not.toContain(FACT_SALT);
    for (const name of ['citizen-a1', 'citizen-a2', 'citizen-b1']) expect(text).not.toContain(name);
    const visit = (value: unknown, key = ''): void => {
      if (Array.isArray(value)) return value.forEach((v) => visit(v));
      if (value !== null && typeof value === 'object') {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) visit(v, k);
        return;
      }
      // every citizen reference is a pseudonymous id (other journeys may add other citizens' entries)
      if (key === 'pid') expect(value).toMatch(SHA256);
      if (/hash$/i.test(key)) expect(value).toMatch(SHA256);
    };
    visit(fromLedger);
  });
});
