import './support/quiet';
import { Limits } from '../src';
import { World, acct, pid, who } from './support/world';

const register = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  programId: 'P1',
  recipientMspId: 'CityAMSP',
  recipientPid: pid('c1'),
  kind: 'person',
  accountHashes: [acct(7)],
  ...extra,
});

describe('RegisterRecipient', () => {
  it('registers a recipient with hashed accounts and emits RecipientRegistered', async () => {
    const w = new World();
    await w.setup();
    const out = await w.submit(who.housingA, 'RegisterRecipient', register());
    expect(out).toMatchObject({
      programId: 'P1',
      recipientMspId: 'CityAMSP',
      recipientPid: pid('c1'),
      kind: 'person',
      accountHashes: [acct(7)],
      registeredBy: { mspId: 'CityAMSP', dept: 'housing' },
    });
    expect(w.lastEvent()).toEqual({
      name: 'RecipientRegistered',
      payload: {
        programId: 'P1',
        recipientMspId: 'CityAMSP',
        recipientPid: pid('c1'),
        kind: 'person',
        accountCount: 1,
        registeredBy: { mspId: 'CityAMSP', dept: 'housing' },
      },
    });
    expect(
      await w.evaluate(who.citizenA1, 'GetRecipient', {
        programId: 'P1',
        recipientMspId: 'CityAMSP',
        recipientPid: pid('c1'),
      }),
    ).toEqual(out);
    expect(
      await w.evaluate(who.auditorOffice, 'GetRecipient', {
        programId: 'P1',
        recipientMspId: 'CityAMSP',
        recipientPid: pid('c1'),
      }),
    ).toEqual(out);
  });

  it('refuses departments that hold no allocation in the program', async () => {
    const w = new World();
    await w.setup();
    for (const identity of [who.socialA, who.housingB, who.financeA]) {
      expect(await w.refused(identity, 'RegisterRecipient', register())).toMatchObject({
        code: 'NOT_IMPLEMENTING_DEPARTMENT',
        status: 403,
      });
    }
  });

  it('refuses callers without the officer role or without a department', async () => {
    const w = new World();
    await w.setup();
    for (const identity of [who.legalB, who.citizenA1, who.auditorA]) {
      expect(await w.refused(identity, 'RegisterRecipient', register())).toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    }
    const noDept = { mspId: 'CityAMSP', name: 'x', attrs: { 'gov.role': 'officer' } };
    expect(await w.refused(noDept, 'RegisterRecipient', register())).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses a duplicate, an unknown program and bad arguments', async () => {
    const w = new World();
    await w.setup();
    expect(
      await w.refused(
        who.housingA,
        'RegisterRecipient',
        register({ recipientMspId: 'CityAMSP', recipientPid: pid('e1') }),
      ),
    ).toMatchObject({
      code: 'RECIPIENT_EXISTS',
      status: 409,
    });
    expect(await w.refused(who.housingA, 'RegisterRecipient', register({ programId: 'P9' }))).toMatchObject({
      code: 'PROGRAM_NOT_FOUND',
      status: 404,
    });
    for (const [extra, field] of [
      [{ recipientMspId: 'CityAMSP', recipientPid: 'Li Lei' }, /recipientPid/],
      [{ kind: 'robot' }, /kind/],
      [{ accountHashes: [] }, /accountHashes/],
      [{ accountHashes: ['6222021234567890'] }, /accountHashes/],
      [{ accountHashes: [acct(1), acct(1)] }, /accountHashes/],
      [{ accountHashes: Array.from({ length: Limits.maxAccounts + 1 }, (_, i) => acct(i)) }, /accountHashes/],
    ] as const) {
      const r = await w.refused(who.housingA, 'RegisterRecipient', register(extra));
      expect(r).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
      expect(r.message).toMatch(field);
    }
  });
});

describe('UpdateRecipientAccounts', () => {
  const update = (extra: Record<string, unknown>): Record<string, unknown> => ({
    programId: 'P1',
    recipientMspId: 'CityAMSP',
    recipientPid: pid('e1'),
    ...extra,
  });

  it('adds and withdraws approved accounts', async () => {
    const w = new World();
    await w.setup();
    const out = await w.submit(
      who.housingA,
      'UpdateRecipientAccounts',
      update({ add: [acct(3), acct(1)], remove: [acct(2)] }),
    );
    expect(out.accountHashes).toEqual([acct(1), acct(3)]);
    expect(w.lastEvent()).toEqual({
      name: 'RecipientAccountsUpdated',
      payload: {
        programId: 'P1',
        recipientMspId: 'CityAMSP',
        recipientPid: pid('e1'),
        accountCount: 2,
        registeredBy: { mspId: 'CityAMSP', dept: 'housing' },
      },
    });
  });

  it('refuses to withdraw an account that is not approved, and too many accounts', async () => {
    const w = new World();
    await w.setup();
    const r = await w.refused(who.housingA, 'UpdateRecipientAccounts', update({ remove: [acct(9)] }));
    expect(r).toMatchObject({ code: 'ACCOUNT_NOT_APPROVED', status: 409 });
    const many = Array.from({ length: Limits.maxAccounts - 1 }, (_, i) => acct(100 + i));
    expect(await w.refused(who.housingA, 'UpdateRecipientAccounts', update({ add: many }))).toMatchObject({
      code: 'TOO_MANY_ACCOUNTS',
      status: 409,
    });
  });

  it('refuses another department, even one implementing the program', async () => {
    const w = new World();
    await w.setup();
    await w.submit(who.financeA, 'AllocateFunds', {
      allocationId: 'A2',
      programId: 'P1',
      mspId: 'CityAMSP',
      dept: 'industry',
      amount: '5',
    });
    expect(
      await w.refused(who.industryA, 'UpdateRecipientAccounts', update({ add: [acct(4)] })),
    ).toMatchObject({
      code: 'DEPARTMENT_MISMATCH',
      status: 403,
    });
    expect(
      await w.refused(who.citizenA1, 'UpdateRecipientAccounts', update({ add: [acct(4)] })),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('refuses an unknown recipient and empty or contradictory requests', async () => {
    const w = new World();
    await w.setup();
    expect(
      await w.refused(
        who.housingA,
        'UpdateRecipientAccounts',
        update({ recipientMspId: 'CityAMSP', recipientPid: pid('99'), add: [acct(4)] }),
      ),
    ).toMatchObject({ code: 'RECIPIENT_NOT_FOUND', status: 404 });
    expect(await w.refused(who.housingA, 'UpdateRecipientAccounts', update({}))).toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(
      await w.refused(who.housingA, 'UpdateRecipientAccounts', update({ add: [acct(1)], remove: [acct(1)] })),
    ).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('GetRecipient / ListRecipients', () => {
  it('lets staff and the recipient read, not other recipients; lists for staff only', async () => {
    const w = new World();
    await w.setup();
    await w.submit(who.housingA, 'RegisterRecipient', register());
    expect(
      await w.queryRefused(who.enterpriseB1, 'GetRecipient', {
        programId: 'P1',
        recipientMspId: 'CityAMSP',
        recipientPid: pid('e1'),
      }),
    ).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
    });
    expect(
      await w.queryRefused(who.ballotBoxA, 'GetRecipient', {
        programId: 'P1',
        recipientMspId: 'CityAMSP',
        recipientPid: pid('e1'),
      }),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await w.queryRefused(who.auditorA, 'GetRecipient', {
        programId: 'P1',
        recipientMspId: 'CityAMSP',
        recipientPid: pid('99'),
      }),
    ).toMatchObject({
      code: 'RECIPIENT_NOT_FOUND',
    });
    const list = await w.evaluate<{ records: Array<{ recipientPid: string }>; bookmark: string }>(
      who.adminA,
      'ListRecipients',
      { programId: 'P1', pageSize: 1 },
    );
    expect(list.records.map((r) => r.recipientPid)).toEqual([pid('c1')]);
    const next = await w.evaluate<{ records: Array<{ recipientPid: string }>; bookmark: string }>(
      who.adminA,
      'ListRecipients',
      { programId: 'P1', pageSize: 1, bookmark: list.bookmark },
    );
    expect(next.records.map((r) => r.recipientPid)).toEqual([pid('e1')]);
    expect(await w.queryRefused(who.citizenA1, 'ListRecipients', { programId: 'P1' })).toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});
