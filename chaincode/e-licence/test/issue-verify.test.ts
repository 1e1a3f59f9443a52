import { BIZ_CLAIMS, Harness, ID, T, claimHash, doc, pid, privateInput, salt, holder, PKEY } from './harness';
import { keyEndorsers, saltedHash, sha256Hex, stableStringify } from '@govledger/chaincode-common';
import type { Licence, VerifyResult } from '../src';

const COLL_A = 'licencePrivate_CityAMSP';
const LKEY = (id: string) => `\u0000licence\u0000${id}\u0000`;
/** The private key of a licence's current private record. */
const PKEY_OF = (h: Harness, id: string) =>
  PKEY(id, (h.ledger.get<Licence>(LKEY(id)) as Licence).privateDataHash);

describe('IssueLicence', () => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness();
    await h.seedTypes();
  });

  it('writes the public record with salted claim hashes and the private record in the issuing org collection', async () => {
    const licence = await h.issueBiz('L1', {}, { time: '2026-02-01T10:00:00Z' });
    const input = privateInput(BIZ_CLAIMS);
    const privateBytes = stableStringify(input);
    expect(licence).toEqual({
      licenceId: 'L1',
      typeCode: T.ABiz,
      holder: holder('enterprise-a1'),
      holderKind: 'enterprise',
      issuerMsp: 'CityAMSP',
      issuerDept: 'market',
      issuedAt: '2026-02-01T10:00:00.000Z',
      validFrom: '2026-02-01T10:00:00.000Z',
      validUntil: '2031-01-31T10:00:00.000Z',
      status: 'active',
      version: 1,
      documentHash: doc('L1'),
      claimHashes: {
        businessScope: saltedHash(salt('p:businessScope'), 'retail'),
        companyName: saltedHash(salt('p:companyName'), 'Acme Trading Ltd'),
        registeredCapital: saltedHash(salt('p:registeredCapital'), '5000000.00'),
      },
      privateDataHash: sha256Hex(privateBytes),
      privateCollection: COLL_A,
      applicationId: null,
      previousLicenceId: null,
      renewedBy: null,
      suspension: null,
      revocation: null,
      lastChange: {
        action: 'issued',
        at: '2026-02-01T10:00:00.000Z',
        by: 'x509::/CN=issuer-a::/CN=ca.CityAMSP',
        reasonCode: null,
        note: null,
      },
      updatedAt: '2026-02-01T10:00:00.000Z',
    });
    expect(h.ledger.get(LKEY('L1'))).toEqual(licence);
    expect(h.ledger.getPrivate(COLL_A, PKEY_OF(h, 'L1'))).toBe(privateBytes);
    expect(h.ledger.privateKeys('licencePrivate_CityBMSP')).toEqual([]);
  });

  it('never puts clear claim values, salts or personal data in public state or events', async () => {
    await h.issueBiz('L1');
    const publicText = JSON.stringify(h.ledger.snapshot()) + JSON.stringify(h.ledger.events);
    const input = privateInput(BIZ_CLAIMS);
    const secrets = [
      ...Object.values(BIZ_CLAIMS),
      ...Object.values(input.holder),
      ...Object.values(input.claims).map((c) => c.salt),
      input.salt,
    ];
    for (const secret of secrets) expect(publicText).not.toContain(secret);
  });

  it('protects the licence key and its index keys for the issuing organisation and one other', async () => {
    await h.issueBiz('L1');
    const keys = [
      LKEY('L1'),
      `\u0000licenceByHolder\u0000CityAMSP\u0000${pid('enterprise-a1')}\u0000L1\u0000`,
      `\u0000licenceByTypeStatus\u0000${T.ABiz}\u0000active\u0000L1\u0000`,
    ];
    for (const key of keys) {
      expect(h.ledger.keys()).toContain(key);
      expect(await h.ledger.evaluate(ID.adminB, (ctx) => keyEndorsers(ctx, key))).toEqual([
        'CityAMSP',
        'CityBMSP',
      ]);
    }
  });

  it('emits LicenceIssued with the public facts only', async () => {
    await h.issueBiz('L1', {}, { time: '2026-02-01T10:00:00Z' });
    expect(h.lastEvent()).toEqual({
      name: 'LicenceIssued',
      payload: {
        facts: ['LicenceIssued'],
        licenceId: 'L1',
        typeCode: T.ABiz,
        holder: holder('enterprise-a1'),
        issuerMsp: 'CityAMSP',
        issuerDept: 'market',
        status: 'active',
        version: 1,
        validFrom: '2026-02-01T10:00:00.000Z',
        validUntil: '2031-01-31T10:00:00.000Z',
        applicationId: null,
      },
    });
  });

  it('accepts explicit validity within the rule, and a permanent type without end', async () => {
    const l = await h.issueBiz(
      'L2',
      { validFrom: '2026-03-01T00:00:00Z', validUntil: '2027-03-01T00:00:00Z' },
      { time: '2026-02-01T00:00:00Z' },
    );
    expect([l.validFrom, l.validUntil]).toEqual(['2026-03-01T00:00:00.000Z', '2027-03-01T00:00:00.000Z']);
    const pro = await h.submit<Licence>(
      ID.issuerA,
      'IssueLicence',
      { licenceId: 'P1', typeCode: T.APro, holder: holder('citizen-a1'), documentHash: doc('P1') },
      { transient: { licencePrivate: privateInput({ qualification: 'engineer', level: 'senior' }) } },
    );
    expect(pro.validUntil).toBeNull();
    expect(pro.holderKind).toBe('person');
  });

  it.each([
    ['validUntil beyond the type maximum', { validUntil: '2031-02-02T00:00:00Z' }],
    [
      'validUntil before validFrom',
      { validFrom: '2026-06-01T00:00:00Z', validUntil: '2026-05-01T00:00:00Z' },
    ],
    [
      'validUntil equal to validFrom',
      { validFrom: '2026-06-01T00:00:00Z', validUntil: '2026-06-01T00:00:00Z' },
    ],
    ['validUntil already past', { validFrom: '2025-01-01T00:00:00Z', validUntil: '2026-01-15T00:00:00Z' }],
  ])('refuses %s with INVALID_VALIDITY', async (_label, extra) => {
    const r = await h.refused(
      ID.issuerA,
      'IssueLicence',
      { licenceId: 'L9', typeCode: T.ABiz, holder: holder('x'), documentHash: doc('x'), ...extra },
      { time: '2026-02-01T00:00:00Z', transient: { licencePrivate: privateInput(BIZ_CLAIMS) } },
    );
    expect(r).toMatchObject({ code: 'INVALID_VALIDITY', status: 400 });
  });

  it('refuses validUntil on a permanent type', async () => {
    const r = await h.refused(
      ID.issuerA,
      'IssueLicence',
      {
        licenceId: 'P9',
        typeCode: T.APro,
        holder: holder('x'),
        documentHash: doc('x'),
        validUntil: '2030-01-01T00:00:00Z',
      },
      { transient: { licencePrivate: privateInput({ qualification: 'q', level: 'l' }) } },
    );
    expect(r).toMatchObject({ code: 'INVALID_VALIDITY', status: 400 });
  });

  const base = { licenceId: 'L9', typeCode: T.ABiz, holder: holder('x'), documentHash: doc('x') };
  const transient = { licencePrivate: privateInput(BIZ_CLAIMS) };

  it("refuses City B's issuer issuing City A's type (NOT_TYPE_OWNER)", async () => {
    expect(await h.refused(ID.issuerB, 'IssueLicence', base, { transient })).toMatchObject({
      code: 'NOT_TYPE_OWNER',
      status: 403,
    });
  });

  it('refuses issuers of another department and callers without role issuer (FORBIDDEN)', async () => {
    for (const who of [ID.issuerFireA, ID.adminA, ID.approverMarketA, ID.citizenA1]) {
      expect(await h.refused(who, 'IssueLicence', base, { transient })).toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    }
  });

  it('refuses an unknown type, a retired type and a taken id', async () => {
    expect(
      await h.refused(ID.issuerA, 'IssueLicence', { ...base, typeCode: 'NOPE' }, { transient }),
    ).toMatchObject({
      code: 'TYPE_NOT_FOUND',
      status: 404,
    });
    await h.issueBiz('L1');
    expect(
      await h.refused(ID.issuerA, 'IssueLicence', { ...base, licenceId: 'L1' }, { transient }),
    ).toMatchObject({
      code: 'LICENCE_ALREADY_EXISTS',
      status: 409,
    });
    await h.submit(ID.adminA, 'UpdateLicenceType', { code: T.ABiz, status: 'retired' });
    expect(await h.refused(ID.issuerA, 'IssueLicence', base, { transient })).toMatchObject({
      code: 'TYPE_NOT_ACTIVE',
      status: 409,
    });
  });

  it('refuses claims that are not exactly the type claims (CLAIMS_MISMATCH)', async () => {
    const missing = privateInput({ companyName: 'x', registeredCapital: '1' });
    const extra = privateInput({ ...BIZ_CLAIMS, secretNote: 'y' });
    const proto = privateInput({ ...BIZ_CLAIMS, constructor: 'z' });
    for (const input of [missing, extra, proto]) {
      const r = await h.refused(ID.issuerA, 'IssueLicence', base, { transient: { licencePrivate: input } });
      expect(r).toMatchObject({ code: 'CLAIMS_MISMATCH', status: 400 });
    }
  });

  it('refuses a missing or malformed transient private record (INVALID_ARGUMENT)', async () => {
    const good = privateInput(BIZ_CLAIMS);
    const badTransients: Record<string, unknown>[] = [
      {},
      { licencePrivate: 'not json' },
      { licencePrivate: { ...good, salt: 'short' } },
      { licencePrivate: { ...good, extra: 1 } },
      { licencePrivate: { holder: good.holder, claims: { companyName: { value: 'x' } }, salt: good.salt } },
      { licencePrivate: { ...good, holder: { 'bad key': 'x' } } },
    ];
    for (const t of badTransients) {
      expect(await h.refused(ID.issuerA, 'IssueLicence', base, { transient: t })).toMatchObject({
        code: 'INVALID_ARGUMENT',
        status: 400,
      });
    }
  });

  it.each([
    ['a bad holder pid', { ...base, holderPid: 'Zhang San' }],
    ['an upper-case document hash', { ...base, documentHash: doc('x').toUpperCase() }],
    ['a bad licence id', { ...base, licenceId: 'has space' }],
    ['a time without a zone', { ...base, validFrom: '2026-03-01T00:00:00' }],
    ['a year outside 1900-2200', { ...base, validUntil: '9999-12-31T00:00:00Z' }],
    ['a year before 1900', { ...base, validFrom: '0001-01-01T00:00:00Z' }],
    ['an unknown field', { ...base, status: 'active' }],
  ])('refuses %s (INVALID_ARGUMENT)', async (_label, req) => {
    expect(await h.refused(ID.issuerA, 'IssueLicence', req, { transient })).toMatchObject({
      code: 'INVALID_ARGUMENT',
      status: 400,
    });
  });
});

describe('IssueLicence: dates with an offset and free text', () => {
  it('takes an RFC 3339 offset and keeps the instant in UTC', async () => {
    const h = new Harness();
    await h.seedTypes();
    const licence = await h.submit<Licence>(
      ID.issuerA,
      'IssueLicence',
      {
        licenceId: 'L-TZ',
        typeCode: T.ABiz,
        holder: holder('x'),
        documentHash: doc('x'),
        validFrom: '2026-03-01T08:00:00+08:00',
        validUntil: '2027-03-01T08:00:00+08:00',
      },
      { transient: { licencePrivate: privateInput(BIZ_CLAIMS) }, time: '2026-02-01T00:00:00Z' },
    );
    expect(Date.parse(licence.validFrom)).toBe(Date.parse('2026-03-01T00:00:00Z'));
    expect(Date.parse(licence.validUntil as string)).toBe(Date.parse('2027-03-01T00:00:00Z'));
    expect(licence.validFrom).toMatch(/Z$/);
  });

  it("refuses a holder's birth date after the transaction's date, and takes one before it", async () => {
    const h = new Harness();
    await h.seedTypes();
    const req = (licenceId: string) => ({
      licenceId,
      typeCode: T.ABiz,
      holder: holder('x'),
      documentHash: doc('x'),
    });
    const withBirth = (dateOfBirth: string) => {
      const input = privateInput(BIZ_CLAIMS);
      return { licencePrivate: { ...input, holder: { ...input.holder, dateOfBirth } } };
    };
    const r = await h.refused(ID.issuerA, 'IssueLicence', req('L-B1'), {
      transient: withBirth('2026-02-02'),
      time: '2026-02-01T12:00:00Z',
    });
    expect(r).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
    const licence = await h.submit<Licence>(ID.issuerA, 'IssueLicence', req('L-B2'), {
      transient: withBirth('2026-02-01'),
      time: '2026-02-01T12:00:00Z',
    });
    expect(licence.licenceId).toBe('L-B2');
  });

  it("refuses a holder's name with a bidi override, a zero-width space or NUL, writing nothing", async () => {
    const h = new Harness();
    await h.seedTypes();
    for (const name of ['Acme\u202Egnp.exe', 'Ac\u200Bme', 'Acme\u0000Ltd']) {
      const input = privateInput(BIZ_CLAIMS);
      const r = await h.refused(
        ID.issuerA,
        'IssueLicence',
        { licenceId: 'L-TXT', typeCode: T.ABiz, holder: holder('x'), documentHash: doc('x') },
        { transient: { licencePrivate: { ...input, holder: { ...input.holder, legalName: name } } } },
      );
      expect(r).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
    }
  });
});

describe('VerifyLicence', () => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness();
    await h.seedTypes();
    await h.issueBiz(
      'L1',
      { validFrom: '2026-03-01T00:00:00Z', validUntil: '2027-03-01T00:00:00Z' },
      { time: '2026-02-01T00:00:00Z' },
    );
    h.ledger.setTime('2026-02-01T00:00:00Z');
  });

  const at = (time: string) => ({ time });

  it('answers valid, recognised as the issuing org, for the issuing organisation', async () => {
    const v = await h.evaluate<VerifyResult>(
      ID.auditorA,
      'VerifyLicence',
      { licenceId: 'L1' },
      at('2026-06-01T00:00:00Z'),
    );
    expect(v).toMatchObject({
      licenceId: 'L1',
      found: true,
      status: 'valid',
      valid: true,
      checkedAt: '2026-06-01T00:00:00.000Z',
      type: { code: T.ABiz, name: 'City A business licence', ownerMsp: 'CityAMSP' },
      issuer: { mspId: 'CityAMSP', dept: 'market' },
      holder: holder('enterprise-a1'),
      version: 1,
      recognition: { org: 'CityAMSP', recognised: true, basis: 'issuing-org', localTypeCode: T.ABiz },
      documentHashMatch: null,
      claims: [],
      privateDataMatch: null,
      privateDataOnChain: true,
    });
  });

  it('computes not-yet-valid, valid and expired from the transaction time', async () => {
    const status = async (time: string) =>
      (await h.evaluate<VerifyResult>(ID.citizenB1, 'VerifyLicence', { licenceId: 'L1' }, at(time))).status;
    expect(await status('2026-02-28T23:59:59.999Z')).toBe('not-yet-valid');
    expect(await status('2026-03-01T00:00:00Z')).toBe('valid');
    expect(await status('2027-02-28T23:59:59.999Z')).toBe('valid');
    expect(await status('2027-03-01T00:00:00Z')).toBe('expired');
  });

  it('answers recognition for the verifier org: none, then recognised, then withdrawn', async () => {
    const rec = async () =>
      (
        await h.evaluate<VerifyResult>(
          ID.auditorB,
          'VerifyLicence',
          { licenceId: 'L1' },
          at('2026-06-01T00:00:00Z'),
        )
      ).recognition;
    expect(await rec()).toEqual({ org: 'CityBMSP', recognised: false, basis: 'none', localTypeCode: null });
    await h.submit(ID.adminB, 'RecordRecognition', { localTypeCode: T.BBiz, foreignTypeCode: T.ABiz });
    expect(await rec()).toEqual({
      org: 'CityBMSP',
      recognised: true,
      basis: 'mutual-recognition',
      localTypeCode: T.BBiz,
    });
    await h.submit(ID.adminB, 'WithdrawRecognition', { foreignTypeCode: T.ABiz });
    expect(await rec()).toEqual({ org: 'CityBMSP', recognised: false, basis: 'none', localTypeCode: null });
  });

  it('checks the document hash and fails a tampered one', async () => {
    const ok = await h.evaluate<VerifyResult>(
      ID.auditorB,
      'VerifyLicence',
      { licenceId: 'L1', documentHash: doc('L1') },
      at('2026-06-01T00:00:00Z'),
    );
    expect([ok.documentHashMatch, ok.valid]).toEqual([true, true]);
    const bad = await h.evaluate<VerifyResult>(
      ID.auditorB,
      'VerifyLicence',
      { licenceId: 'L1', documentHash: doc('tampered') },
      at('2026-06-01T00:00:00Z'),
    );
    expect([bad.status, bad.documentHashMatch, bad.valid]).toEqual(['valid', false, false]);
  });

  it('checks selectively disclosed claims one by one', async () => {
    const v = await h.evaluate<VerifyResult>(
      ID.auditorB,
      'VerifyLicence',
      {
        licenceId: 'L1',
        claims: [
          { name: 'companyName', value: 'Acme Trading Ltd', salt: salt('p:companyName') },
          { name: 'registeredCapital', value: '9000000.00', salt: salt('p:registeredCapital') },
          { name: 'businessScope', value: 'retail', salt: salt('wrong') },
          { name: 'secret', value: 'x', salt: salt('p:secret') },
          { name: 'constructor', value: 'x', salt: salt('p:secret') },
        ],
      },
      at('2026-06-01T00:00:00Z'),
    );
    expect(v.claims).toEqual([
      { name: 'companyName', known: true, match: true },
      { name: 'registeredCapital', known: true, match: false },
      { name: 'businessScope', known: true, match: false },
      { name: 'secret', known: false, match: false },
      { name: 'constructor', known: false, match: false },
    ]);
    expect(v.valid).toBe(false);
    const one = await h.evaluate<VerifyResult>(
      ID.auditorB,
      'VerifyLicence',
      {
        licenceId: 'L1',
        claims: [{ name: 'businessScope', value: 'retail', salt: salt('p:businessScope') }],
      },
      at('2026-06-01T00:00:00Z'),
    );
    expect(one.claims).toEqual([{ name: 'businessScope', known: true, match: true }]);
    expect(one.valid).toBe(true);
    expect(claimHash('p', 'businessScope', 'retail')).toBe(
      h.ledger.get<Licence>(LKEY('L1'))?.claimHashes.businessScope,
    );
  });

  it("lets a non-member organisation check the private record's hash without reading it", async () => {
    const hash = sha256Hex(stableStringify(privateInput(BIZ_CLAIMS)));
    const ok = await h.evaluate<VerifyResult>(
      ID.auditorB,
      'VerifyLicence',
      { licenceId: 'L1', privateDataHash: hash },
      at('2026-06-01T00:00:00Z'),
    );
    expect([ok.privateDataMatch, ok.privateDataOnChain, ok.valid]).toEqual([true, true, true]);
    const altered = sha256Hex(
      stableStringify(privateInput(BIZ_CLAIMS, 'p', { legalName: 'Li Si', idNumber: '1' })),
    );
    const bad = await h.evaluate<VerifyResult>(
      ID.auditorB,
      'VerifyLicence',
      { licenceId: 'L1', privateDataHash: altered },
      at('2026-06-01T00:00:00Z'),
    );
    expect([bad.privateDataMatch, bad.valid]).toEqual([false, false]);
  });

  it('reports a private record whose on-chain hash is gone', async () => {
    await h.ledger.submit(ID.issuerA, (ctx) => ctx.stub.deletePrivateData(COLL_A, PKEY_OF(h, 'L1')));
    const v = await h.evaluate<VerifyResult>(
      ID.auditorB,
      'VerifyLicence',
      { licenceId: 'L1', privateDataHash: h.ledger.get<Licence>(LKEY('L1'))?.privateDataHash },
      at('2026-06-01T00:00:00Z'),
    );
    expect([v.privateDataOnChain, v.privateDataMatch, v.valid]).toEqual([false, false, false]);
  });

  it('answers unknown for an unknown licence id, without error', async () => {
    const v = await h.evaluate<VerifyResult>(ID.citizenB1, 'VerifyLicence', {
      licenceId: 'NOPE',
      documentHash: doc('x'),
    });
    expect(v).toMatchObject({
      licenceId: 'NOPE',
      found: false,
      status: 'unknown',
      valid: false,
      recognition: null,
    });
  });

  it('writes nothing, even when submitted', async () => {
    const before = h.fingerprint();
    await h.submit(ID.auditorB, 'VerifyLicence', { licenceId: 'L1', documentHash: doc('L1') });
    expect(h.fingerprint()).toBe(before);
  });

  it('refuses malformed requests', async () => {
    for (const req of [
      { licenceId: 'L1', documentHash: 'abc' },
      { licenceId: 'L1', claims: [{ name: 'companyName', value: 'x' }] },
      { licenceId: 'L1', claims: [{ name: 'companyName', value: 'x', salt: 'zz' }] },
      {
        licenceId: 'L1',
        claims: Array.from({ length: 51 }, () => ({ name: 'a', value: 'x', salt: salt('a') })),
      },
      { licenceId: 'L1', extra: true },
      {},
    ]) {
      expect(await h.refusedQuery(ID.auditorB, 'VerifyLicence', req)).toMatchObject({
        code: 'INVALID_ARGUMENT',
        status: 400,
      });
    }
  });
});
