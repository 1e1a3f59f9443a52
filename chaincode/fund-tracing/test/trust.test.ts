/**
 * Issue 12, trust: owned records are protected when created (owner AND one
 * other organisation), never again; a city pays only out of its own
 * allocations; auditors act only on their own organisation's records unless
 * the consortium designates them auditors of others; recipients are
 * (home MSP, pid) pairs.
 */
import './support/quiet';
import type { Context } from 'fabric-contract-api';
import { keyPolicy, type KeyPolicyView } from '@govledger/chaincode-common';
import type { TestIdentity } from '@govledger/chaincode-common/testing';
import {
  World,
  acct,
  disbursementRequest,
  pid,
  rules,
  spendRequest,
  who,
  type DisburseOut,
} from './support/world';

const SEP = '\u0000';
const k = (type: string, ...attrs: string[]): string =>
  `${SEP}${type}${SEP}${attrs.map((a) => a + SEP).join('')}`;

/** The key-level policy of a committed key. */
async function policy(w: World, key: string): Promise<KeyPolicyView> {
  return w.ledger.evaluate(who.auditorA, (ctx) => keyPolicy(ctx, key));
}

/** Owner A (or B) with the other organisation of the test consortium. */
const ownedBy = (owner: string): KeyPolicyView => ({
  owner,
  orgs: [owner, owner === 'CityAMSP' ? 'CityBMSP' : 'CityAMSP'],
});

/** Runs a transaction and returns the keys whose validation parameter it set. */
async function policiesSetBy(
  w: World,
  identity: TestIdentity,
  run: (contract: World['contract'], ctx: Context) => Promise<string>,
): Promise<string[]> {
  const set: string[] = [];
  await w.ledger.submit(identity, (ctx) => {
    const stub = new Proxy(ctx.stub, {
      get: (target, prop, receiver) =>
        prop === 'setStateValidationParameter'
          ? async (key: string, ep: Uint8Array) => {
              set.push(key);
              return target.setStateValidationParameter(key, ep);
            }
          : (Reflect.get(target, prop, receiver) as unknown),
    });
    return run(w.contract, { ...ctx, stub } as Context);
  });
  return set;
}

/** An enterprise of City B carrying the same pid as City A's enterprise e1. */
const enterpriseB_e1: TestIdentity = {
  mspId: 'CityBMSP',
  name: 'enterprise-b-e1',
  attrs: { 'gov.role': 'enterprise', 'gov.pid': pid('e1') },
};

describe('owned records are protected when created', () => {
  it('programs, allocations, recipients, disbursements, their draws and tranches, spends and alerts', async () => {
    const w = new World();
    await w.setup({ rules: rules({ category: { mode: 'warn' } }) });
    await w.disburse('D1', '1000000');
    await w.submit(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D1', '1', { category: 'other' }));
    const alertId = w.lastEvent().payload.alerts as Array<{ alertId: string }>;

    expect(await policy(w, k('program', 'P1'))).toEqual(ownedBy('CityAMSP'));
    expect(await policy(w, k('allocation', 'A1'))).toEqual(ownedBy('CityAMSP'));
    expect(await policy(w, k('recipient', 'P1', 'CityAMSP', pid('e1')))).toEqual(ownedBy('CityAMSP'));
    expect(await policy(w, k('disbursement', 'D1'))).toEqual(ownedBy('CityAMSP'));
    expect(await policy(w, k('tranche~draw', 'D1'))).toEqual(ownedBy('CityAMSP'));
    expect(await policy(w, k('spend', 'S1'))).toEqual(ownedBy('CityAMSP'));
    expect(await policy(w, k('alert', alertId[0]!.alertId))).toEqual(ownedBy('CityAMSP'));
    const allocationTranches = w.ledger
      .keys()
      .filter((key) => key.startsWith(k('tranche', 'allocation', 'A1')));
    expect(allocationTranches.length).toBeGreaterThan(0);
    for (const key of allocationTranches) expect(await policy(w, key)).toEqual(ownedBy('CityAMSP'));
  });

  it('an allocation to another city is owned by the program owner; its tranches and payments by the paying city', async () => {
    const w = new World();
    await w.setup();
    await w.submit(who.financeA, 'AllocateFunds', {
      allocationId: 'AB',
      programId: 'P1',
      mspId: 'CityBMSP',
      dept: 'housing',
      amount: '1000000',
    });
    await w.submit(who.housingB, 'Disburse', disbursementRequest('DB', '1000', { allocationId: 'AB' }));
    expect(await policy(w, k('allocation', 'AB'))).toEqual(ownedBy('CityAMSP'));
    expect(await policy(w, k('disbursement', 'DB'))).toEqual(ownedBy('CityBMSP'));
    for (const key of w.ledger.keys().filter((x) => x.startsWith(k('tranche', 'allocation', 'AB')))) {
      expect(await policy(w, key)).toEqual(ownedBy('CityBMSP'));
    }
  });

  it('sets a tranche policy once, when the tranche is created, never on later payments', async () => {
    const w = new World();
    await w.setup({
      coSign: { threshold: '5', by: 'finance' },
      rules: rules({ recipientCap: { mode: 'off', cap: '1' } }),
    });
    const first = await policiesSetBy(w, who.housingA, (c, ctx) =>
      c.Disburse(ctx, JSON.stringify(disbursementRequest('PAY-1', '10'))),
    );
    const trancheKeys = (keys: string[]) => keys.filter((key) => key.startsWith(k('tranche', 'allocation')));
    expect(trancheKeys(first)).toHaveLength(1);
    // PAY-65 starts in the same tranche as PAY-1 (64 tranches): it writes that tranche, sets no policy on it
    const again = await policiesSetBy(w, who.housingA, (c, ctx) =>
      c.Disburse(ctx, JSON.stringify(disbursementRequest('PAY-65', '10'))),
    );
    expect(trancheKeys(again)).toEqual([]);
    expect(again).toEqual([k('disbursement', 'PAY-65'), k('tranche~draw', 'PAY-65')]);
    // co-signing or rejecting rewrites protected records without touching their policy
    const coSign = await policiesSetBy(w, who.housingA, (c, ctx) =>
      c.RejectDisbursement(ctx, JSON.stringify({ disbursementId: 'PAY-1', reason: 'withdrawn' })),
    );
    expect(coSign).toEqual([]);
  });
});

describe('a city acts only for itself', () => {
  it('refuses a city paying out of another city’s allocation', async () => {
    const w = new World();
    await w.setup();
    expect(await w.refused(who.housingB, 'Disburse', disbursementRequest('D1', '1000'))).toMatchObject({
      code: 'DEPARTMENT_MISMATCH',
      status: 403,
    });
  });

  it('refuses a city co-signing its own payment, and a city’s auditor co-signing for another city', async () => {
    const w = new World();
    await w.setup({ coSign: { threshold: '1000', by: 'auditor' } });
    await w.disburse('D1', '1001');
    expect(await w.refused(who.auditorA, 'CoSignDisbursement', { disbursementId: 'D1' })).toMatchObject({
      code: 'CO_SIGNER_SAME_ORGANISATION',
      status: 403,
    });
    expect(await w.refused(who.auditorB, 'CoSignDisbursement', { disbursementId: 'D1' })).toMatchObject({
      code: 'NOT_AUDITOR_OF_ORGANISATION',
      status: 403,
    });
    expect(
      await w.refused(who.auditorB, 'RejectDisbursement', { disbursementId: 'D1', reason: 'no' }),
    ).toMatchObject({ code: 'NOT_AUDITOR_OF_ORGANISATION', status: 403 });
    const out = await w.submit<DisburseOut>(who.auditorOffice, 'CoSignDisbursement', {
      disbursementId: 'D1',
    });
    expect(out.disbursement.status).toBe('paid');
  });

  it('refuses a co-signature that names another organisation than the caller’s', async () => {
    const w = new World();
    await w.setup();
    await w.disburse('D1', '3000000');
    expect(
      await w.refused(who.financeB, 'CoSignDisbursement', { disbursementId: 'D1', mspId: 'AuditMSP' }),
    ).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const out = await w.submit<DisburseOut & { disbursement: { coSigned: { by: { mspId: string } } } }>(
      who.financeB,
      'CoSignDisbursement',
      { disbursementId: 'D1' },
    );
    expect(out.disbursement.coSigned.by.mspId).toBe('CityBMSP');
  });
});

describe('auditors act on their own organisation’s alerts, or on all when designated', () => {
  async function alertsWorld(): Promise<{ w: World; ofA: string; ofB: string }> {
    const w = new World();
    await w.setup({ rules: rules({ recipientCap: { mode: 'warn', cap: '1000' } }) });
    await w.submit(who.financeA, 'AllocateFunds', {
      allocationId: 'AB',
      programId: 'P1',
      mspId: 'CityBMSP',
      dept: 'housing',
      amount: '1000000',
    });
    const a = await w.disburse('D1', '1001');
    const b = await w.submit<DisburseOut>(
      who.housingB,
      'Disburse',
      disbursementRequest('DB', '5', { allocationId: 'AB' }),
    );
    return { w, ofA: a.alerts[0]!.alertId, ofB: b.alerts[0]!.alertId };
  }

  it('records the paying organisation as the alert’s owner', async () => {
    const { w, ofA, ofB } = await alertsWorld();
    expect(await w.evaluate(who.auditorA, 'GetAlert', { alertId: ofA })).toMatchObject({
      ownerMspId: 'CityAMSP',
    });
    expect(await w.evaluate(who.auditorA, 'GetAlert', { alertId: ofB })).toMatchObject({
      ownerMspId: 'CityBMSP',
    });
    expect(await policy(w, k('alert', ofB))).toEqual(ownedBy('CityBMSP'));
  });

  it('refuses an auditor resolving or acknowledging another organisation’s alert', async () => {
    const { w, ofA, ofB } = await alertsWorld();
    for (const fn of ['AcknowledgeAlert', 'ResolveAlert'] as const) {
      expect(await w.refused(who.auditorB, fn, { alertId: ofA, note: 'n' })).toMatchObject({
        code: 'NOT_AUDITOR_OF_ORGANISATION',
        status: 403,
      });
      expect(await w.refused(who.auditorA, fn, { alertId: ofB, note: 'n' })).toMatchObject({
        code: 'NOT_AUDITOR_OF_ORGANISATION',
        status: 403,
      });
    }
    await w.submit(who.auditorA, 'AcknowledgeAlert', { alertId: ofA, note: 'ours' });
    await w.submit(who.auditorB, 'ResolveAlert', { alertId: ofB, note: 'ours' });
    await w.submit(who.auditorOffice, 'ResolveAlert', { alertId: ofA, note: 'audit office' });
  });

  it('takes an old alert without an owner as the program owner’s', async () => {
    const { w, ofA } = await alertsWorld();
    await w.ledger.submit(who.adminA, async (ctx: Context) => {
      const key = k('alert', ofA);
      const stored = JSON.parse(Buffer.from(await ctx.stub.getState(key)).toString('utf8')) as Record<
        string,
        unknown
      >;
      delete stored.ownerMspId;
      await ctx.stub.putState(key, Buffer.from(JSON.stringify(stored)));
    });
    expect(await w.refused(who.auditorB, 'ResolveAlert', { alertId: ofA, note: 'n' })).toMatchObject({
      code: 'NOT_AUDITOR_OF_ORGANISATION',
    });
    await w.submit(who.auditorA, 'ResolveAlert', { alertId: ofA, note: 'n' });
  });
});

describe('recipients are (home MSP, pid) pairs', () => {
  it('does not take another organisation’s certificate with the same pid for the recipient', async () => {
    const w = new World();
    await w.setup();
    await w.disburse('D1', '1000');
    expect(await w.refused(enterpriseB_e1, 'RecordSpend', spendRequest('S1', 'D1', '1'))).toMatchObject({
      code: 'NOT_RECIPIENT',
      status: 403,
    });
    expect(await w.queryRefused(enterpriseB_e1, 'GetDisbursement', { disbursementId: 'D1' })).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      await w.queryRefused(enterpriseB_e1, 'GetRecipient', {
        programId: 'P1',
        recipientMspId: 'CityAMSP',
        recipientPid: pid('e1'),
      }),
    ).toMatchObject({ code: 'FORBIDDEN' });
    await w.submit(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D1', '1'));
    expect(await w.evaluate(who.enterpriseA1, 'GetSpend', { spendId: 'S1' })).toMatchObject({
      recordedBy: pid('e1'),
      recordedByMspId: 'CityAMSP',
    });
    expect(await w.queryRefused(enterpriseB_e1, 'GetSpend', { spendId: 'S1' })).toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('keeps the same pid under another MSP a different recipient', async () => {
    const w = new World();
    await w.setup();
    const other = { recipientMspId: 'CityBMSP', recipientPid: pid('e1') };
    expect(await w.refused(who.housingA, 'Disburse', disbursementRequest('D1', '1000', other))).toMatchObject(
      { code: 'RECIPIENT_NOT_FOUND', status: 404 },
    );
    await w.submit(who.housingA, 'RegisterRecipient', {
      programId: 'P1',
      ...other,
      kind: 'enterprise',
      accountHashes: [acct(7)],
    });
    const out = await w.submit<DisburseOut & { disbursement: { recipientMspId: string } }>(
      who.housingA,
      'Disburse',
      disbursementRequest('D1', '1000', { ...other, accountHash: acct(7) }),
    );
    expect(out.disbursement.recipientMspId).toBe('CityBMSP');
    // City A's e1 cannot spend City B's e1's money, and the other way round
    expect(await w.refused(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D1', '1'))).toMatchObject({
      code: 'NOT_RECIPIENT',
    });
    await w.submit(enterpriseB_e1, 'RecordSpend', spendRequest('S1', 'D1', '1'));
    const mine = await w.evaluate<{ records: unknown[] }>(enterpriseB_e1, 'ListDisbursements', {
      programId: 'P1',
      ...other,
    });
    expect(mine.records).toHaveLength(1);
    expect(
      await w.queryRefused(enterpriseB_e1, 'ListDisbursements', {
        programId: 'P1',
        recipientMspId: 'CityAMSP',
        recipientPid: pid('e1'),
      }),
    ).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses a request naming a recipient by pid alone', async () => {
    const w = new World();
    await w.setup();
    const { recipientMspId: _msp, ...pidOnly } = disbursementRequest('D1', '1000') as Record<string, unknown>;
    expect(await w.refused(who.housingA, 'Disburse', pidOnly)).toMatchObject({
      code: 'INVALID_ARGUMENT',
      status: 400,
    });
  });
});
