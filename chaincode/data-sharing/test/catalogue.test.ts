import './quiet';
import { keyPolicy } from '@govledger/chaincode-common';
import type { CategoryRecord, PageResult } from '../src';
import {
  HEALTH_RECORD,
  HOUSING_FUND,
  Harness,
  ID,
  consentRequest,
  readableKey,
  withCatalogue,
} from './helpers';

describe('data catalogue: RegisterCategory', () => {
  it('registers a category held by the calling officer’s department, fields sorted, version 1', async () => {
    const h = new Harness();
    const c = await h.submit<CategoryRecord>(ID.financeA, 'RegisterCategory', HOUSING_FUND);
    expect(c).toMatchObject({
      code: 'HOUSING_FUND',
      description: HOUSING_FUND.description,
      fields: ['balance', 'employer', 'lastPayment', 'monthsPaid'],
      sensitivity: 'high',
      serviceRef: HOUSING_FUND.serviceRef,
      holder: { mspId: 'CityAMSP', dept: 'finance' },
      status: 'active',
      version: 1,
      registeredAt: '2026-01-01T00:00:01.000Z',
    });
    expect(c.registeredBy).toContain('finance-a');
    expect(h.ledger.keys().map(readableKey)).toEqual([
      'category/HOUSING_FUND',
      'category~holder/CityAMSP/finance/HOUSING_FUND',
    ]);
    expect(h.lastEvent()).toEqual({
      name: 'CategoryRegistered',
      payload: {
        code: 'HOUSING_FUND',
        holder: { mspId: 'CityAMSP', dept: 'finance' },
        sensitivity: 'high',
        fields: ['balance', 'employer', 'lastPayment', 'monthsPaid'],
      },
    });
  });

  it('protects the category key: later changes need the holder organisation AND one other (key-level endorsement)', async () => {
    const h = await withCatalogue();
    const key = h.ledger.keys().find((k) => readableKey(k) === 'category/HOUSING_FUND') as string;
    expect(await h.ledger.evaluate(ID.financeA, (ctx) => keyPolicy(ctx, key))).toEqual({
      owner: 'CityAMSP',
      orgs: ['CityAMSP', 'CityBMSP'],
    });
  });

  it('refuses a caller who is not an officer or has no department (403), nothing written', async () => {
    const h = new Harness();
    for (const who of [ID.issuerA, ID.citizenA1, ID.adminA, ID.legalB, ID.auditorA]) {
      expect(await h.refusedSubmit(who, 'RegisterCategory', HOUSING_FUND)).toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    }
    expect(await h.refusedSubmit(ID.officerNoDept, 'RegisterCategory', HOUSING_FUND)).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
    });
  });

  it('refuses a code that exists already, even from another department (409 CATEGORY_EXISTS)', async () => {
    const h = await withCatalogue();
    for (const who of [ID.financeA, ID.housingB]) {
      expect(await h.refusedSubmit(who, 'RegisterCategory', HOUSING_FUND)).toMatchObject({
        code: 'CATEGORY_EXISTS',
        status: 409,
      });
    }
  });

  it.each([
    ['bad code', { ...HOUSING_FUND, code: 'bad code' }, 'code'],
    ['no fields', { ...HOUSING_FUND, fields: [] }, 'fields'],
    ['repeated field', { ...HOUSING_FUND, fields: ['a', 'a'] }, 'fields'],
    ['bad field name', { ...HOUSING_FUND, fields: ['1abc'] }, 'fields.0'],
    ['unknown sensitivity', { ...HOUSING_FUND, sensitivity: 'secret' }, 'sensitivity'],
    ['service ref not a URI', { ...HOUSING_FUND, serviceRef: 'finance dept' }, 'serviceRef'],
    ['empty description', { ...HOUSING_FUND, description: '' }, 'description'],
    ['unknown property', { ...HOUSING_FUND, owner: 'x' }, ''],
    ['missing fields', { code: 'X' }, 'fields'],
  ])('refuses bad input: %s (400 INVALID_ARGUMENT naming the field)', async (_name, req, field) => {
    const h = new Harness();
    const r = await h.refusedSubmit(ID.financeA, 'RegisterCategory', req);
    expect(r).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
    if (field) expect(r.message).toContain(`${field}:`);
  });

  it('refuses a request that is not JSON (400)', async () => {
    const h = new Harness();
    expect(await h.refusedSubmit(ID.financeA, 'RegisterCategory', '{not json')).toMatchObject({
      code: 'INVALID_ARGUMENT',
      status: 400,
    });
  });
});

describe('data catalogue: UpdateCategory', () => {
  it('lets the holder add fields, change description, sensitivity and service; version goes up', async () => {
    const h = await withCatalogue();
    const c = await h.submit<CategoryRecord>(ID.financeA, 'UpdateCategory', {
      code: 'HOUSING_FUND',
      description: 'Housing fund (v2)',
      fields: [...HOUSING_FUND.fields, 'accountOpened'],
      sensitivity: 'medium',
      serviceRef: 'https://finance.city-a.example/api/v2/fund',
    });
    expect(c).toMatchObject({
      description: 'Housing fund (v2)',
      fields: ['accountOpened', 'balance', 'employer', 'lastPayment', 'monthsPaid'],
      sensitivity: 'medium',
      serviceRef: 'https://finance.city-a.example/api/v2/fund',
      version: 2,
      registeredAt: '2025-12-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:01.000Z',
    });
    expect(h.lastEvent()).toEqual({
      name: 'CategoryUpdated',
      payload: {
        code: 'HOUSING_FUND',
        holder: { mspId: 'CityAMSP', dept: 'finance' },
        version: 2,
        status: 'active',
      },
    });
  });

  it('refuses removing a field (409 FIELDS_CANNOT_BE_REMOVED)', async () => {
    const h = await withCatalogue();
    const r = await h.refusedSubmit(ID.financeA, 'UpdateCategory', {
      code: 'HOUSING_FUND',
      fields: ['balance'],
    });
    expect(r).toMatchObject({ code: 'FIELDS_CANNOT_BE_REMOVED', status: 409 });
    expect(r.message).toContain('employer');
  });

  it('refuses another department, of the same or another organisation (403 NOT_CATEGORY_HOLDER)', async () => {
    const h = await withCatalogue();
    for (const who of [ID.socialA, ID.financeB]) {
      expect(
        await h.refusedSubmit(who, 'UpdateCategory', { code: 'HOUSING_FUND', description: 'mine now' }),
      ).toMatchObject({ code: 'NOT_CATEGORY_HOLDER', status: 403 });
    }
    expect(
      await h.refusedSubmit(ID.citizenA1, 'UpdateCategory', { code: 'HOUSING_FUND', description: 'x' }),
    ).toMatchObject({ code: 'FORBIDDEN', status: 403 });
  });

  it('refuses an unknown category (404) and an update that changes nothing (400)', async () => {
    const h = await withCatalogue();
    expect(
      await h.refusedSubmit(ID.financeA, 'UpdateCategory', { code: 'NOPE', description: 'x' }),
    ).toMatchObject({ code: 'CATEGORY_NOT_FOUND', status: 404 });
    expect(await h.refusedSubmit(ID.financeA, 'UpdateCategory', { code: 'HOUSING_FUND' })).toMatchObject({
      code: 'INVALID_ARGUMENT',
      status: 400,
    });
  });

  it('withdraws a category (new consents refused with 409 CATEGORY_WITHDRAWN) and reactivates it', async () => {
    const h = await withCatalogue();
    await h.submit(ID.financeA, 'UpdateCategory', { code: 'HOUSING_FUND', status: 'withdrawn' });
    expect(await h.refusedSubmit(ID.citizenA1, 'GrantConsent', consentRequest())).toMatchObject({
      code: 'CATEGORY_WITHDRAWN',
      status: 409,
    });
    const c = await h.submit<CategoryRecord>(ID.financeA, 'UpdateCategory', {
      code: 'HOUSING_FUND',
      status: 'active',
    });
    expect(c).toMatchObject({ status: 'active', version: 3 });
    await h.submit(ID.citizenA1, 'GrantConsent', consentRequest());
  });
});

describe('data catalogue: reading', () => {
  async function catalogue(): Promise<Harness> {
    const h = await withCatalogue();
    await h.submit(ID.socialA, 'RegisterCategory', HEALTH_RECORD);
    await h.submit(ID.financeB, 'RegisterCategory', {
      ...HOUSING_FUND,
      code: 'B_TAX',
      fields: ['annualTax'],
    });
    await h.submit(ID.financeA, 'RegisterCategory', {
      ...HOUSING_FUND,
      code: 'A_TAX',
      fields: ['annualTax'],
    });
    return h;
  }

  it('lets every member read a category, including citizens and other organisations', async () => {
    const h = await catalogue();
    for (const who of [ID.citizenA1, ID.housingB, ID.auditorOffice, ID.adminA]) {
      expect(await h.evaluate<CategoryRecord>(who, 'GetCategory', { code: 'HOUSING_FUND' })).toMatchObject({
        code: 'HOUSING_FUND',
        holder: { mspId: 'CityAMSP', dept: 'finance' },
      });
    }
    expect(await h.refusedEvaluate(ID.citizenA1, 'GetCategory', { code: 'NOPE' })).toMatchObject({
      code: 'CATEGORY_NOT_FOUND',
      status: 404,
    });
  });

  it('lists the whole catalogue by code, page by page', async () => {
    const h = await catalogue();
    const p1 = await h.evaluate<PageResult<CategoryRecord>>(ID.housingB, 'ListCategories', { pageSize: 3 });
    expect(p1.records.map((c) => c.code)).toEqual(['A_TAX', 'B_TAX', 'DISABILITY_STATUS']);
    expect(p1.bookmark).not.toBe('');
    const p2 = await h.evaluate<PageResult<CategoryRecord>>(ID.housingB, 'ListCategories', {
      pageSize: 3,
      bookmark: p1.bookmark,
    });
    expect(p2.records.map((c) => c.code)).toEqual(['HOUSING_FUND']);
    expect(p2.bookmark).toBe('');
  });

  it('lists one holder organisation’s or one holder department’s categories', async () => {
    const h = await catalogue();
    const byOrg = await h.evaluate<PageResult<CategoryRecord>>(ID.citizenA1, 'ListCategories', {
      holderMspId: 'CityAMSP',
    });
    expect(byOrg.records.map((c) => c.code)).toEqual(['A_TAX', 'HOUSING_FUND', 'DISABILITY_STATUS']); // by department, then code
    const byDept = await h.evaluate<PageResult<CategoryRecord>>(ID.citizenA1, 'ListCategories', {
      holderMspId: 'CityAMSP',
      holderDept: 'finance',
    });
    expect(byDept.records.map((c) => c.code)).toEqual(['A_TAX', 'HOUSING_FUND']);
    expect(await h.refusedEvaluate(ID.citizenA1, 'ListCategories', { holderDept: 'finance' })).toMatchObject({
      code: 'INVALID_ARGUMENT',
      status: 400,
    });
    expect(await h.refusedEvaluate(ID.citizenA1, 'ListCategories', { pageSize: 0 })).toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
