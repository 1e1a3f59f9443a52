import { Harness, ID, T } from './harness';
import { keyEndorsers } from '@govledger/chaincode-common';
import type { LicenceType } from '../src';

const bizRequest = {
  code: 'A-FOOD',
  name: 'Food business permit',
  dept: 'market',
  holderKind: 'enterprise',
  validity: { kind: 'days', days: 365 },
  claims: ['companyName', 'premises'],
  requiredApprovals: ['market', 'fire'],
};

describe('licence type registry', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });

  it('lets a jurisdiction admin create a type owned by its organisation, restricted to it, with an event', async () => {
    const type = await h.submit<LicenceType>(ID.adminA, 'CreateLicenceType', bizRequest, {
      time: '2026-02-01T08:00:00Z',
    });
    expect(type).toEqual({
      ...bizRequest,
      ownerMsp: 'CityAMSP',
      autoApprovals: [],
      decisionDeadlines: [],
      status: 'active',
      createdAt: '2026-02-01T08:00:00.000Z',
      updatedAt: '2026-02-01T08:00:00.000Z',
      revision: 1,
    });
    expect(await h.evaluate(ID.auditorB, 'GetLicenceType', { code: 'A-FOOD' })).toEqual(type);
    const key = '\u0000licenceType\u0000A-FOOD\u0000';
    expect(h.ledger.get(key)).toEqual(type);
    expect(await h.ledger.evaluate(ID.adminA, (ctx) => keyEndorsers(ctx, key))).toEqual([
      'CityAMSP',
      'CityBMSP',
    ]);
    expect(h.lastEvent()).toEqual({
      name: 'LicenceTypeCreated',
      payload: {
        facts: ['LicenceTypeCreated'],
        code: 'A-FOOD',
        ownerMsp: 'CityAMSP',
        dept: 'market',
        revision: 1,
      },
    });
  });

  it('refuses a duplicate code, even from another jurisdiction', async () => {
    await h.submit(ID.adminA, 'CreateLicenceType', bizRequest);
    for (const admin of [ID.adminA, ID.adminB]) {
      expect(await h.refused(admin, 'CreateLicenceType', bizRequest)).toMatchObject({
        code: 'TYPE_ALREADY_EXISTS',
        status: 409,
      });
    }
  });

  it('refuses callers without role admin', async () => {
    for (const who of [ID.issuerA, ID.approverMarketA, ID.citizenA1, ID.auditorA]) {
      expect(await h.refused(who, 'CreateLicenceType', bizRequest)).toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    }
  });

  it('refuses an organisation that has no licence collection', async () => {
    expect(await h.refused(ID.adminAudit, 'CreateLicenceType', bizRequest)).toMatchObject({
      code: 'ORG_NOT_LICENSING',
      status: 403,
    });
  });

  it.each([
    ['not JSON', '{code:'],
    ['an unknown field', { ...bizRequest, ownerMsp: 'CityBMSP' }],
    ['a bad code', { ...bizRequest, code: 'bad code!' }],
    ['no claims', { ...bizRequest, claims: [] }],
    ['duplicate claims', { ...bizRequest, claims: ['a', 'a'] }],
    ['a bad claim name', { ...bizRequest, claims: ['_proto'] }],
    ['duplicate approvals', { ...bizRequest, requiredApprovals: ['fire', 'fire'] }],
    ['a bad department', { ...bizRequest, dept: 'Market Dept' }],
    ['a bad holder kind', { ...bizRequest, holderKind: 'robot' }],
    ['zero days of validity', { ...bizRequest, validity: { kind: 'days', days: 0 } }],
    ['fractional days', { ...bizRequest, validity: { kind: 'days', days: 1.5 } }],
    ['an unknown validity kind', { ...bizRequest, validity: { kind: 'forever' } }],
    ['a missing name', { ...bizRequest, name: undefined }],
  ])('refuses %s with INVALID_ARGUMENT', async (_label, req) => {
    expect(await h.refused(ID.adminA, 'CreateLicenceType', req)).toMatchObject({
      code: 'INVALID_ARGUMENT',
      status: 400,
    });
  });

  it('lets the owner admin update fields, bumping the revision, and emits the changed fields', async () => {
    await h.submit(ID.adminA, 'CreateLicenceType', bizRequest);
    const updated = await h.submit<LicenceType>(
      ID.adminA,
      'UpdateLicenceType',
      { code: 'A-FOOD', name: 'Food permit', requiredApprovals: ['market'], status: 'retired' },
      { time: '2026-03-01T00:00:00Z' },
    );
    expect(updated).toMatchObject({
      code: 'A-FOOD',
      name: 'Food permit',
      requiredApprovals: ['market'],
      claims: ['companyName', 'premises'],
      status: 'retired',
      revision: 2,
      updatedAt: '2026-03-01T00:00:00.000Z',
    });
    expect(h.lastEvent()).toEqual({
      name: 'LicenceTypeUpdated',
      payload: {
        facts: ['LicenceTypeUpdated'],
        code: 'A-FOOD',
        ownerMsp: 'CityAMSP',
        dept: 'market',
        revision: 2,
        changed: ['name', 'requiredApprovals', 'status'],
        status: 'retired',
      },
    });
    const again = await h.submit<LicenceType>(ID.adminA, 'UpdateLicenceType', {
      code: 'A-FOOD',
      status: 'active',
      validity: { kind: 'permanent' },
      claims: ['premises'],
    });
    expect(again).toMatchObject({
      status: 'active',
      validity: { kind: 'permanent' },
      claims: ['premises'],
      revision: 3,
    });
  });

  it("refuses another jurisdiction's admin, non-admins, unknown types and empty or immutable changes", async () => {
    await h.submit(ID.adminA, 'CreateLicenceType', bizRequest);
    expect(await h.refused(ID.adminB, 'UpdateLicenceType', { code: 'A-FOOD', name: 'x' })).toMatchObject({
      code: 'NOT_TYPE_OWNER',
      status: 403,
    });
    expect(await h.refused(ID.issuerA, 'UpdateLicenceType', { code: 'A-FOOD', name: 'x' })).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
    });
    expect(await h.refused(ID.adminA, 'UpdateLicenceType', { code: 'NOPE', name: 'x' })).toMatchObject({
      code: 'TYPE_NOT_FOUND',
      status: 404,
    });
    for (const req of [
      { code: 'A-FOOD' },
      { code: 'A-FOOD', dept: 'fire' },
      { code: 'A-FOOD', ownerMsp: 'CityBMSP' },
    ]) {
      expect(await h.refused(ID.adminA, 'UpdateLicenceType', req)).toMatchObject({
        code: 'INVALID_ARGUMENT',
        status: 400,
      });
    }
  });

  it('reads an unknown type as TYPE_NOT_FOUND', async () => {
    expect(await h.refusedQuery(ID.adminA, 'GetLicenceType', { code: 'NOPE' })).toMatchObject({
      code: 'TYPE_NOT_FOUND',
      status: 404,
    });
  });

  it('lists every type in code order with bookmarks', async () => {
    await h.seedTypes();
    await h.submit(ID.adminA, 'CreateLicenceType', bizRequest);
    const first = await h.evaluate<{ records: LicenceType[]; bookmark: string }>(
      ID.citizenB1,
      'ListLicenceTypes',
      {
        pageSize: 3,
      },
    );
    expect(first.records.map((t) => t.code)).toEqual(['A-BIZ', 'A-FOOD', 'A-PRO']);
    expect(first.bookmark).not.toBe('');
    const second = await h.evaluate<{ records: LicenceType[]; bookmark: string }>(
      ID.citizenB1,
      'ListLicenceTypes',
      {
        pageSize: 3,
        bookmark: first.bookmark,
      },
    );
    expect(second.records.map((t) => t.code)).toEqual([T.BBiz]);
    expect(second.bookmark).toBe('');
    expect(await h.refusedQuery(ID.citizenB1, 'ListLicenceTypes', { pageSize: 0 })).toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
