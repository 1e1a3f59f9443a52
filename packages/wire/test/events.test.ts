import { ChaincodeEvent, chaincodeOfEvent, eLicence, events, findEvent, parseEvent } from '../src';

const A1 = { mspId: 'CityAMSP', pid: 'a'.repeat(32) };

describe('the chaincode event catalogue', () => {
  it('names every event once across the chaincodes', () => {
    const names = Object.values(events).flatMap((c) => Object.keys(c));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(findEvent(chaincodeOfEvent(name) ?? '', name)).toBeDefined();
  });

  it("lists exactly e-licence's declared event names", () => {
    expect(Object.keys(events['e-licence']).sort()).toEqual(Object.values(eLicence.Event).sort());
  });

  it('parses a payload and computes its scope from it', () => {
    const consent = {
      consentId: 'c1',
      citizen: A1,
      grantee: { mspId: 'CityAMSP', dept: 'social' },
      holder: { mspId: 'CityBMSP', dept: 'housing' },
      categoryCode: 'INCOME',
      purpose: 'SOCIAL_ASSISTANCE',
      hash: 'f'.repeat(64),
      state: 'active',
      time: '2026-01-01T00:00:00.000Z',
    };
    const parsed = parseEvent('data-sharing', 'ConsentGranted', consent);
    expect(parsed).toEqual({
      ok: true,
      payload: consent,
      scope: {
        subjects: [A1],
        orgs: [
          { mspId: 'CityAMSP', dept: 'social' },
          { mspId: 'CityBMSP', dept: 'housing' },
        ],
      },
    });
  });

  it('refuses an unknown name, a field the catalogue does not list, and a missing scope field', () => {
    expect(parseEvent('data-sharing', 'Nope', {})).toMatchObject({ ok: false });
    expect(parseEvent('e-licence', 'ConsentGranted', {})).toMatchObject({ ok: false });
    expect(parseEvent('e-voting', 'hasOwnProperty', {})).toMatchObject({ ok: false });
    const ballot = { electionId: 'E1', organiser: 'CityAMSP', mode: 'open', receipt: 'r', version: 1 };
    expect(parseEvent('e-voting', 'BallotCast', ballot)).toMatchObject({ ok: true });
    expect(parseEvent('e-voting', 'BallotCast', { ...ballot, voter: A1 })).toMatchObject({ ok: false });
    const { organiser: _dropped, ...unscoped } = ballot;
    expect(parseEvent('e-voting', 'BallotCast', unscoped)).toMatchObject({ ok: false });
  });

  it('scopes a licence to its holder and issuing department, an allocation to both departments', () => {
    const licence = parseEvent('e-licence', 'LicenceRevoked', {
      facts: ['LicenceRevoked'],
      licenceId: 'L1',
      typeCode: 'FOOD',
      holder: A1,
      issuerMsp: 'CityAMSP',
      issuerDept: 'market',
      status: 'revoked',
      version: 1,
      validFrom: '2026-01-01T00:00:00.000Z',
      validUntil: null,
      reasonCode: 'FRAUD',
    });
    expect(licence).toMatchObject({
      ok: true,
      scope: { subjects: [A1], orgs: [{ mspId: 'CityAMSP', dept: 'market' }] },
    });
    const allocation = parseEvent('fund-tracing', 'FundsAllocated', {
      programId: 'P1',
      ownerMspId: 'CityAMSP',
      allocationId: 'A1',
      mspId: 'CityBMSP',
      dept: 'industry',
      amount: '100',
      alerts: [],
    });
    expect(allocation).toMatchObject({
      ok: true,
      scope: {
        subjects: [],
        orgs: [
          { mspId: 'CityBMSP', dept: 'industry' },
          { mspId: 'CityAMSP', dept: 'finance' },
        ],
      },
    });
  });

  it('describes the SSE data as an envelope discriminated on eventName', () => {
    const data = {
      chaincode: 'e-voting',
      eventName: 'TallyProgressed',
      transactionId: 'f'.repeat(64),
      blockNumber: '12',
      payload: { electionId: 'E1', organiser: 'CityAMSP', counted: 3, steps: 1 },
    };
    expect(ChaincodeEvent.parse(data)).toEqual(data);
    expect(ChaincodeEvent.safeParse({ ...data, chaincode: 'e-licence' }).success).toBe(false);
    expect(ChaincodeEvent.safeParse({ ...data, extra: 1 }).success).toBe(false);
    expect(ChaincodeEvent.safeParse({ ...data, payload: { ...data.payload, counted: 'x' } }).success).toBe(
      false,
    );
  });
});
