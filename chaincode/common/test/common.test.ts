import type { Context } from 'fabric-contract-api';
import { z } from 'zod';
import {
  ChaincodeError,
  auditsOthers,
  callerSubject,
  defineErrors,
  keyPolicy,
  ownerAndOneOtherPolicy,
  protectRecord,
  sameSubject,
  Schemas,
  compositeKey,
  emitEvent,
  getCaller,
  keyEndorsers,
  keyExists,
  mustReadJson,
  newestFirst,
  parseArg,
  parseChaincodeError,
  readAll,
  readIndexPage,
  readPage,
  readTransientJson,
  requireDept,
  requireRole,
  restrictToOrgs,
  saltedHash,
  sha256Hex,
  stableStringify,
  txTimeIso,
  writeIndex,
  writeJson,
} from '../src';
import { common as fabricCommon } from '@hyperledger/fabric-protos';
import { TestLedger, refusal, type TestIdentity } from '../src/testing';

const alice: TestIdentity = {
  mspId: 'CityAMSP',
  name: 'alice',
  attrs: { 'gov.dept': 'market', 'gov.role': 'issuer+officer', 'gov.pid': 'a'.repeat(64) },
};
const bob: TestIdentity = { mspId: 'CityBMSP', name: 'bob' };

describe('errors', () => {
  it('serialises code, status and message as JSON and parses them back out of wrapping text', () => {
    const err = new ChaincodeError('LICENCE_NOT_FOUND', 404, 'licence L1 does not exist');
    expect(err.code).toBe('LICENCE_NOT_FOUND');
    const wrapped = `chaincode response 500, ${err.message} (tx abc)`;
    expect(parseChaincodeError(wrapped)).toEqual({
      code: 'LICENCE_NOT_FOUND',
      status: 404,
      message: 'licence L1 does not exist',
    });
  });
  it('returns undefined for text without an error body', () => {
    expect(parseChaincodeError('connection refused')).toBeUndefined();
    expect(parseChaincodeError('{"code":1}')).toBeUndefined();
  });
});

describe('deterministic JSON and hashes', () => {
  it('orders keys at every level', () => {
    expect(stableStringify({ b: 1, a: { d: 2, c: [3, { f: 1, e: 0 }] } })).toBe(
      '{"a":{"c":[3,{"e":0,"f":1}],"d":2},"b":1}',
    );
  });
  it('hashes with a salt as documented', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(saltedHash('00ff', 'x')).toBe(sha256Hex('00ff|x'));
    expect(saltedHash('00ff', 'x')).not.toBe(saltedHash('00fe', 'x'));
  });
});

describe('identity', () => {
  it('reads organisation, department, roles and pseudonymous id from the certificate', async () => {
    const ledger = new TestLedger();
    const caller = await ledger.evaluate(alice, async (ctx) => getCaller(ctx));
    expect(caller).toMatchObject({
      mspId: 'CityAMSP',
      dept: 'market',
      roles: ['issuer', 'officer'],
      pid: 'a'.repeat(64),
    });
    const none = await ledger.evaluate(bob, async (ctx) => getCaller(ctx));
    expect(none.roles).toEqual([]);
    expect(none.dept).toBeUndefined();
  });
  it('refuses with 403 when the role, organisation or department does not match', async () => {
    const ledger = new TestLedger();
    const caller = await ledger.evaluate(alice, async (ctx) => getCaller(ctx));
    expect(() => requireRole(caller, 'officer')).not.toThrow();
    expect(() => requireRole(caller, 'auditor')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', status: 403 }),
    );
    expect(() => requireDept(caller, 'CityAMSP', 'housing')).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    expect(() => requireDept(caller, 'CityBMSP', 'market')).toThrow(expect.objectContaining({ status: 403 }));
  });
});

describe('validation', () => {
  const schema = z
    .object({ id: Schemas.id, amount: z.string().regex(/^[1-9][0-9]*$/), when: Schemas.isoDateTime })
    .strict();
  it('parses valid JSON', () => {
    expect(parseArg(schema, '{"id":"P-1","amount":"100","when":"2026-01-01T00:00:00Z"}')).toEqual({
      id: 'P-1',
      amount: '100',
      when: '2026-01-01T00:00:00Z',
    });
  });
  it('names every bad field, refuses unknown fields and non-JSON', () => {
    const err = (() => {
      try {
        parseArg(schema, '{"id":"bad id","amount":"-1","when":"yesterday","x":1}');
      } catch (e) {
        return e as ChaincodeError;
      }
      throw new Error('no error');
    })();
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.status).toBe(400);
    expect(err.reason).toMatch(/id:/);
    expect(err.reason).toMatch(/amount:/);
    expect(err.reason).toMatch(/when:/);
    expect(() => parseArg(schema, 'not json')).toThrow(/not valid JSON/);
  });
});

describe('TestLedger commit semantics and state helpers', () => {
  it('commits writes of a transaction that resolves and discards those of one that throws', async () => {
    const ledger = new TestLedger();
    await ledger.submit(alice, async (ctx) => writeJson(ctx, 'k1', { v: 1 }));
    await expect(
      ledger.submit(alice, async (ctx) => {
        await writeJson(ctx, 'k2', { v: 2 });
        throw new ChaincodeError('NOPE', 409, 'refused');
      }),
    ).rejects.toThrow(ChaincodeError);
    expect(ledger.keys()).toEqual(['k1']);
  });
  it('does not let a transaction read its own writes, as Fabric does', async () => {
    const ledger = new TestLedger();
    const seen = await ledger.submit(alice, async (ctx) => {
      await writeJson(ctx, 'k', { v: 1 });
      return keyExists(ctx, 'k');
    });
    expect(seen).toBe(false);
    expect(await ledger.evaluate(alice, async (ctx) => keyExists(ctx, 'k'))).toBe(true);
  });
  it('throws a 404 with the given code for a missing record', async () => {
    const ledger = new TestLedger();
    const r = await refusal(
      ledger.evaluate(alice, (ctx) => mustReadJson(ctx, 'x', 'licence x', 'LICENCE_NOT_FOUND')),
    );
    expect(r).toMatchObject({ code: 'LICENCE_NOT_FOUND', status: 404 });
  });
  it('uses the transaction timestamp as the clock', async () => {
    const ledger = new TestLedger();
    const t = await ledger.evaluate(alice, async (ctx) => txTimeIso(ctx), {
      time: '2026-03-04T05:06:07.089Z',
    });
    expect(t).toBe('2026-03-04T05:06:07.089Z');
  });
});

describe('TestLedger private data: delete versus purge', () => {
  it("a delete removes the current value but the member's store keeps earlier versions; a purge removes them all", async () => {
    const ledger = new TestLedger();
    const put = (k: string, v: string) =>
      ledger.submit(alice, async (ctx) => ctx.stub.putPrivateData('coll', k, Buffer.from(v)));
    await put('deleted', 'v1');
    await put('deleted', 'v2');
    await put('purged', 'p1');
    await put('purged', 'p2');
    await ledger.submit(alice, async (ctx) => {
      await ctx.stub.deletePrivateData('coll', 'deleted');
      await ctx.stub.purgePrivateData('coll', 'purged');
    });
    expect(ledger.getPrivate('coll', 'deleted')).toBeUndefined();
    expect(ledger.getPrivate('coll', 'purged')).toBeUndefined();
    expect(ledger.getPrivateVersions('coll', 'deleted')).toEqual(['v1', 'v2']);
    expect(ledger.getPrivateVersions('coll', 'purged')).toEqual([]);
    const hash = await ledger.evaluate(alice, async (ctx) => ctx.stub.getPrivateDataHash('coll', 'purged'));
    expect(hash).toHaveLength(0);
  });
});

describe('TestLedger private data: collections of the chaincode definition', () => {
  it('refuses every private data call on a collection the definition lacks, as Fabric does', async () => {
    const ledger = new TestLedger();
    ledger.definedCollections = new Set(['coll']);
    await ledger.submit(alice, async (ctx) => ctx.stub.putPrivateData('coll', 'k', Buffer.from('v')));
    expect(ledger.getPrivate('coll', 'k')).toBe('v');
    const calls: ((ctx: Context) => Promise<unknown>)[] = [
      (ctx) => ctx.stub.getPrivateData('other', 'k'),
      (ctx) => ctx.stub.getPrivateDataHash('other', 'k'),
      (ctx) => ctx.stub.putPrivateData('other', 'k', Buffer.from('v')),
      (ctx) => ctx.stub.deletePrivateData('other', 'k'),
      (ctx) => ctx.stub.purgePrivateData('other', 'k'),
    ];
    for (const call of calls) {
      await expect(ledger.submit(alice, call)).rejects.toThrow(
        'collection [other] not defined in the collection config',
      );
    }
    expect(ledger.privateKeys('other')).toEqual([]);
  });
});

describe('pagination and bounded scans', () => {
  async function seed(ledger: TestLedger, n: number): Promise<void> {
    await ledger.submit(alice, async (ctx: Context) => {
      for (let i = 0; i < n; i++)
        await writeJson(ctx, compositeKey(ctx, 'item', 'owner1', String(i).padStart(3, '0')), { i });
      await writeJson(ctx, compositeKey(ctx, 'item', 'owner2', '000'), { i: -1 });
    });
  }
  it('pages through records with bookmarks, in key order, without skipping or repeating', async () => {
    const ledger = new TestLedger();
    await seed(ledger, 7);
    const seen: number[] = [];
    let bookmark = '';
    let pages = 0;
    do {
      const page = await ledger.evaluate(alice, (ctx) =>
        readPage<{ i: number }>(ctx, 'item', ['owner1'], 3, bookmark),
      );
      seen.push(...page.records.map((r) => r.value.i));
      bookmark = page.bookmark;
      pages++;
    } while (bookmark && pages < 10);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(pages).toBe(3);
  });
  it('returns an empty last page when nothing matches (the peer sends no metadata then)', async () => {
    const ledger = new TestLedger();
    await seed(ledger, 2);
    const page = await ledger.evaluate(alice, (ctx) => readPage(ctx, 'item', ['nobody'], 3, ''));
    expect(page).toEqual({ records: [], bookmark: '', fetched: 0 });
    const keys = await ledger.evaluate(alice, (ctx) => readIndexPage(ctx, 'item', ['nobody'], 3, ''));
    expect(keys).toEqual({ keys: [], bookmark: '', fetched: 0 });
  });
  it('lists key history newest first, as Fabric does', async () => {
    const ledger = new TestLedger();
    await ledger.submit(alice, (ctx) => writeJson(ctx, 'h', { v: 1 }));
    await ledger.submit(alice, (ctx) => writeJson(ctx, 'h', { v: 2 }));
    const values = await ledger.evaluate(alice, async (ctx) => {
      const out: number[] = [];
      for await (const m of ctx.stub.getHistoryForKey('h'))
        out.push(JSON.parse(Buffer.from(m.value).toString()).v);
      return out;
    });
    expect(values).toEqual([2, 1]);
  });
  it('refuses pagination inside a submitted transaction, as Fabric does', async () => {
    const ledger = new TestLedger();
    await expect(ledger.submit(alice, (ctx) => readPage(ctx, 'item', [], 3, ''))).rejects.toThrow(
      /not allowed/,
    );
  });
  it('refuses an unbounded scan past its limit', async () => {
    const ledger = new TestLedger();
    await seed(ledger, 5);
    expect((await ledger.submit(alice, (ctx) => readAll(ctx, 'item', ['owner1'], 5))).length).toBe(5);
    const r = await refusal(ledger.submit(alice, (ctx) => readAll(ctx, 'item', ['owner1'], 4)));
    expect(r.code).toBe('TOO_MANY_RECORDS');
  });
  it('sorts newest-first keys in descending time order', () => {
    const keys = [1000, 3000, 2000].map(newestFirst).sort();
    expect(keys).toEqual([3000, 2000, 1000].map(newestFirst));
  });
  it('writes index keys whose attributes carry the data', async () => {
    const ledger = new TestLedger();
    await ledger.submit(alice, async (ctx) => writeIndex(ctx, 'byHolder', 'h1', 'L1'));
    expect(ledger.keys()).toEqual(['\u0000byHolder\u0000h1\u0000L1\u0000']);
  });
});

describe('events, endorsement, transient data', () => {
  it('records one event per transaction and refuses a second one', async () => {
    const ledger = new TestLedger();
    ledger.checkEvents = false; // arbitrary payloads: this tests the ledger, not a contract
    await ledger.submit(alice, async (ctx) => emitEvent(ctx, 'LicenceIssued', { id: 'L1' }));
    expect(ledger.events).toEqual([
      expect.objectContaining({ name: 'LicenceIssued', payload: { id: 'L1' } }),
    ]);
    const r = await refusal(
      ledger.submit(alice, async (ctx) => {
        emitEvent(ctx, 'A', {});
        emitEvent(ctx, 'B', {});
      }),
    );
    expect(r.status).toBe(500);
    expect(ledger.events).toHaveLength(1);
  });
  it('fails a transaction whose event is not in the wire catalogue or does not parse', async () => {
    const ledger = new TestLedger();
    await expect(ledger.submit(alice, async (ctx) => emitEvent(ctx, 'NoSuchEvent', {}))).rejects.toThrow(
      /no event named NoSuchEvent/,
    );
    await expect(
      ledger.submit(alice, async (ctx) => emitEvent(ctx, 'ProgramClosed', { programId: 'P1', reason: 'r' })),
    ).rejects.toThrow(/ProgramClosed: ownerMspId/);
    expect(ledger.events).toHaveLength(0);
    expect(ledger.keys()).toEqual([]);
    await ledger.submit(alice, async (ctx) =>
      emitEvent(ctx, 'ProgramClosed', { programId: 'P1', ownerMspId: 'CityAMSP', reason: 'r' }),
    );
    expect(ledger.events).toHaveLength(1);
  });
  it('sets a key-level endorsement policy naming the organisation', async () => {
    const ledger = new TestLedger();
    await ledger.submit(alice, async (ctx) => restrictToOrgs(ctx, 'L1', 'CityAMSP'));
    expect(await ledger.evaluate(alice, (ctx) => keyEndorsers(ctx, 'L1'))).toEqual(['CityAMSP']);
    expect(await ledger.evaluate(alice, (ctx) => keyEndorsers(ctx, 'L2'))).toEqual([]);
  });
  it('validates transient JSON and refuses it when missing', async () => {
    const ledger = new TestLedger();
    const schema = z.object({ name: z.string() }).strict();
    const v = await ledger.evaluate(alice, async (ctx) => readTransientJson(ctx, 'holder', schema), {
      transient: { holder: { name: 'Li Lei' } },
    });
    expect(v).toEqual({ name: 'Li Lei' });
    const r = await refusal(ledger.evaluate(alice, async (ctx) => readTransientJson(ctx, 'holder', schema)));
    expect(r).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
  });
});

describe('defineErrors', () => {
  it('makes one factory per declared error, with its code and status', () => {
    const errors = defineErrors({
      thingNotFound: ['THING_NOT_FOUND', 404],
      thingLocked: ['THING_LOCKED', 409],
    });
    const e = errors.thingNotFound('no thing T-1', { id: 'T-1' });
    expect(e).toBeInstanceOf(ChaincodeError);
    expect([e.code, e.status, e.reason, e.details]).toEqual([
      'THING_NOT_FOUND',
      404,
      'no thing T-1',
      { id: 'T-1' },
    ]);
    expect(JSON.parse(errors.thingLocked('locked').message)).toEqual({
      code: 'THING_LOCKED',
      status: 409,
      message: 'locked',
    });
  });
});

describe('owner-and-one-other key policies', () => {
  it('names the owner first and requires one of the others besides', async () => {
    const ledger = new TestLedger();
    await ledger.submit(alice, async (ctx) => protectRecord(ctx, 'K1', 'CityBMSP'));
    const view = await ledger.evaluate(alice, async (ctx) => keyPolicy(ctx, 'K1'));
    expect(view).toEqual({ owner: 'CityBMSP', orgs: ['CityBMSP', 'CityAMSP'] });
  });

  it('is refused when no other organisation exists', () => {
    expect(() => ownerAndOneOtherPolicy('CityAMSP', ['CityAMSP'])).toThrow(
      /no organisation besides CityAMSP/,
    );
  });

  it('encodes AND(owner, OutOf(1, others)) over peers', () => {
    const bytes = ownerAndOneOtherPolicy('CityAMSP', ['CityBMSP', 'AuditMSP', 'CityAMSP']);
    const env = fabricCommon.SignaturePolicyEnvelope.deserializeBinary(bytes);
    const rule = env.getRule()?.getNOutOf();
    expect(rule?.getN()).toBe(2);
    expect(rule?.getRulesList()[1]?.getNOutOf()?.getN()).toBe(1);
    expect(rule?.getRulesList()[1]?.getNOutOf()?.getRulesList()).toHaveLength(2);
  });
});

describe('subjects', () => {
  it('are the pair (home MSP, pid)', () => {
    const a = { mspId: 'CityAMSP', pid: 'a'.repeat(64) };
    expect(sameSubject(a, { ...a })).toBe(true);
    expect(sameSubject(a, { mspId: 'CityBMSP', pid: a.pid })).toBe(false);
    expect(() => callerSubject({ mspId: 'CityAMSP', id: 'x', roles: ['citizen'] })).toThrow(
      /no pseudonymous id/,
    );
    expect(auditsOthers('AuditMSP')).toBe(true);
    expect(auditsOthers('CityAMSP')).toBe(false);
  });
});
