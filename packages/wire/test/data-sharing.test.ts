import { dataSharing as W } from '../src';

const PID = 'a1'.repeat(32);
const consent = {
  grantee: { mspId: 'CityBMSP', dept: 'housing' },
  categoryCode: 'HOUSING_FUND',
  fields: ['monthsPaid'],
  purpose: 'HOUSING_SUBSIDY',
  validFrom: '2026-01-01T00:00:00Z',
  validUntil: '2026-12-31T00:00:00Z',
};

function paths(r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string[] {
  return (r.error?.issues ?? []).map((i) => i.path.join('.'));
}

describe('data-sharing wire contract', () => {
  it('catalogues every transaction with its kind and request schema', () => {
    const entries = Object.entries(W.transactions);
    expect(entries.length).toBeGreaterThanOrEqual(25);
    for (const [name, tx] of entries) {
      expect([name, ['submit', 'evaluate'].includes(tx.kind)]).toEqual([name, true]);
      expect(typeof tx.request.safeParse).toBe('function');
    }
    expect(W.transactions.RequestAccess.kind).toBe('submit');
    expect(W.transactions.VerifyTicket.kind).toBe('evaluate');
  });

  it('refuses a validity window that ends before it starts', () => {
    expect(W.GrantConsentRequest.safeParse(consent).success).toBe(true);
    const bad = W.GrantConsentRequest.safeParse({ ...consent, validUntil: '2025-01-01T00:00:00Z' });
    expect(paths(bad)).toEqual(['validUntil']);
  });

  it('refuses an access request naming both a consent and a legal basis', () => {
    const req = {
      citizen: { mspId: 'CityAMSP', pid: PID },
      categoryCode: 'C',
      fields: ['f'],
      purpose: 'PENSION',
    };
    expect(W.RequestAccessRequest.safeParse(req).success).toBe(true);
    expect(paths(W.RequestAccessRequest.safeParse({ ...req, consentId: 'C1', legalBasisId: 'L1' }))).toEqual([
      'legalBasisId',
    ]);
  });

  it('leaves the ticket lifetime to the chaincode when absent (no default on the wire)', () => {
    const req = {
      citizen: { mspId: 'CityAMSP', pid: PID },
      categoryCode: 'C',
      fields: ['f'],
      purpose: 'PENSION',
    };
    const parsed = W.RequestAccessRequest.parse(req);
    expect(parsed.ticketTtlSeconds).toBeUndefined();
    expect(W.RequestAccessRequest.safeParse({ ...req, ticketTtlSeconds: 59 }).success).toBe(false);
  });

  it('refuses an update that changes nothing, and a holder department without its organisation', () => {
    expect(W.UpdateCategoryRequest.safeParse({ code: 'C' }).success).toBe(false);
    expect(W.UpdateCategoryRequest.safeParse({ code: 'C', status: 'withdrawn' }).success).toBe(true);
    expect(paths(W.ListCategoriesRequest.safeParse({ holderDept: 'x' }))).toEqual(['holderDept']);
    expect(paths(W.ListLegalBasesRequest.safeParse({ mspId: 'CityAMSP' }))).toEqual(['dept']);
  });

  it('applies the same rules to a variant without the path parameter', () => {
    const body = W.changesSomething(W.UpdateCategoryFields.omit({ code: true }));
    expect(body.safeParse({}).success).toBe(false);
    expect(body.safeParse({ description: 'd' }).success).toBe(true);
  });

  it('refuses repeated fields, unknown purposes and unknown members', () => {
    expect(W.GrantConsentRequest.safeParse({ ...consent, fields: ['a', 'a'] }).success).toBe(false);
    expect(W.GrantConsentRequest.safeParse({ ...consent, purpose: 'CURIOSITY' }).success).toBe(false);
    expect(W.GrantConsentRequest.safeParse({ ...consent, extra: 1 }).success).toBe(false);
  });

  it('names a citizen by home MSP and pid, never by pid alone', () => {
    const req = {
      citizen: { mspId: 'CityAMSP', pid: PID },
      categoryCode: 'C',
      fields: ['f'],
      purpose: 'PENSION',
    };
    expect(W.RequestAccessRequest.safeParse(req).success).toBe(true);
    expect(W.RequestAccessRequest.safeParse({ ...req, citizen: { pid: PID } }).success).toBe(false);
    expect(W.RequestAccessRequest.safeParse({ ...req, citizen: undefined, citizenPid: PID }).success).toBe(
      false,
    );
    const query = W.wholeCitizenOrNone(W.CitizenQuery);
    expect(paths(query.safeParse({ citizenPid: PID }))).toEqual(['citizenPid']);
    expect(W.citizenFromQuery({ citizenMspId: 'CityAMSP', citizenPid: PID })).toEqual({
      citizen: { mspId: 'CityAMSP', pid: PID },
    });
    expect(W.citizenFromQuery({})).toEqual({});
  });

  it('takes a holder decision on a legal basis: approve or refuse, with an optional note', () => {
    expect(W.DecideLegalBasisRequest.safeParse({ legalBasisId: 'LB1', decision: 'approve' }).success).toBe(
      true,
    );
    expect(W.DecideLegalBasisRequest.safeParse({ legalBasisId: 'LB1', decision: 'maybe' }).success).toBe(
      false,
    );
    expect(W.transactions.DecideLegalBasis.kind).toBe('submit');
    expect(W.REFUSAL_CODES).toEqual(expect.arrayContaining(['LEGAL_BASIS_PENDING', 'LEGAL_BASIS_REFUSED']));
  });

  it('lists every refusal code among the error codes', () => {
    const codes = new Set<string>(Object.values(W.ErrorCode));
    for (const c of W.REFUSAL_CODES) expect(codes.has(c)).toBe(true);
  });
});
