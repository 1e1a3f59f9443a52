import { eLicence } from '../src';

const HASH = 'b2'.repeat(32);
const SALT = 'c3'.repeat(16);

describe('eLicence wire contract', () => {
  it('lists every transaction once with a kind and a request schema', () => {
    for (const [name, entry] of Object.entries(eLicence.transactions)) {
      expect([name, ['submit', 'evaluate'].includes(entry.kind)]).toEqual([name, true]);
      expect(typeof entry.request.safeParse).toBe('function');
    }
    expect(eLicence.transactions.IssueLicence.kind).toBe('submit');
    expect(eLicence.transactions.VerifyLicence.kind).toBe('evaluate');
  });

  it('refuses an update that changes nothing, here and in a body without the code', () => {
    expect(eLicence.UpdateLicenceTypeRequest.safeParse({ code: 'A-BIZ' }).success).toBe(false);
    expect(eLicence.UpdateLicenceTypeRequest.safeParse({ code: 'A-BIZ', name: 'n' }).success).toBe(true);
    const body = eLicence.requireAChange(eLicence.UpdateLicenceTypeFields.omit({ code: true }));
    expect(body.safeParse({}).success).toBe(false);
    expect(body.safeParse({ status: 'retired' }).success).toBe(true);
  });

  it('is strict: unknown fields are refused', () => {
    expect(
      eLicence.AmendLicenceRequest.safeParse({ licenceId: 'L1', documentHash: HASH, extra: 1 }).success,
    ).toBe(false);
    const priv = { holder: { name: 'x' }, claims: { a: { value: 'v', salt: SALT } }, salt: SALT };
    expect(eLicence.LicencePrivateTransient.safeParse(priv).success).toBe(true);
    expect(eLicence.LicencePrivateTransient.safeParse({ ...priv, extra: 1 }).success).toBe(false);
  });

  it('names holders by (MSP, pid) and stages private records by purpose', () => {
    const pid = 'a1'.repeat(32);
    expect(eLicence.Subject.safeParse({ mspId: 'CityAMSP', pid }).success).toBe(true);
    expect(eLicence.Subject.safeParse({ pid }).success).toBe(false);
    const stage = eLicence.StageLicencePrivateDataRequest;
    expect(stage.safeParse({ purpose: 'issue', licenceId: 'L1', typeCode: 'A-BIZ' }).success).toBe(true);
    expect(stage.safeParse({ purpose: 'amend', licenceId: 'L1' }).success).toBe(true);
    expect(stage.safeParse({ purpose: 'renew', licenceId: 'L1', newLicenceId: 'L2' }).success).toBe(true);
    expect(stage.safeParse({ purpose: 'issue', licenceId: 'L1' }).success).toBe(false);
    expect(stage.safeParse({ purpose: 'amend', licenceId: 'L1', typeCode: 'A-BIZ' }).success).toBe(false);
    expect(eLicence.PRIVATE_ONLY_TRANSACTIONS.every((t) => eLicence.transactions[t].kind === 'submit')).toBe(
      true,
    );
  });

  it('gives every error code a status', () => {
    for (const code of Object.values(eLicence.ErrorCode)) {
      expect([code, [400, 403, 404, 409, 500].includes(eLicence.ErrorStatusOf[code])]).toEqual([code, true]);
    }
  });
});

describe('eLicence wire contract: applying in another city', () => {
  const staged = { privateDataHash: HASH, claimHashes: { companyName: HASH } };

  it('takes an optional issuing city (an MSP id) on both steps of a submission', () => {
    for (const [schema, extra] of [
      [eLicence.StageApplicationPrivateDataRequest, {}],
      [eLicence.SubmitApplicationRequest, staged],
    ] as const) {
      const base = { applicationId: 'APP-1', typeCode: 'B-BIZ', ...extra };
      expect(schema.safeParse(base).success).toBe(true);
      expect(schema.parse({ ...base, issuingMsp: 'CityBMSP' })).toMatchObject({ issuingMsp: 'CityBMSP' });
      for (const bad of ['', 'City B', '-CityB', 'x'.repeat(65), 7])
        expect([bad, schema.safeParse({ ...base, issuingMsp: bad }).success]).toEqual([bad, false]);
    }
  });

  it('describes the issuing city, and keeps no list of licensing cities', () => {
    const issuing = eLicence.SubmitApplicationRequest.shape.issuingMsp;
    expect(issuing.description).toMatch(/licensing city/);
    expect('LICENSING_ORGS' in eLicence).toBe(false);
    expect(eLicence.COLLECTION_PREFIX).toBe('licencePrivate_');
  });
});
