import './support/quiet';
import fc from 'fast-check';
import type { Context } from 'fabric-contract-api';
import type { TestIdentity } from '@govledger/chaincode-common/testing';
import { TRANCHES, firstTranche, trancheCapacity } from '../src/tranche';
import { RwSet, runBlock, type BlockTx } from './support/block';
import { conservationProblems } from './support/invariants';
import {
  World,
  acct,
  disbursementRequest,
  pid,
  programRequest,
  rules,
  who,
  type DisburseOut,
  type TxName,
} from './support/world';

const SEP = '\u0000';
const trancheKey = (kind: string, ...attrs: string[]): string =>
  `${SEP}tranche${SEP}${[kind, ...attrs].map((a) => a + SEP).join('')}`;
const drawKey = (disbursementId: string): string => `${SEP}tranche~draw${SEP}${disbursementId}${SEP}`;

/** Committed tranche values of a capped total, by slot (only the slots that exist). */
function tranches(w: World, kind: string, ...ids: string[]): Map<string, string> {
  const prefix = trancheKey(kind, ...ids);
  const out = new Map<string, string>();
  for (const [k, text] of Object.entries(w.ledger.snapshot())) {
    if (!k.startsWith(prefix)) continue;
    out.set(k.slice(prefix.length, -1), (JSON.parse(text) as { total: string }).total);
  }
  return out;
}

/**
 * Submits a payment that must be refused and recorded (issue 19): only the attempt and its alert
 * are written, no balance moves; returns the refusal's code, status and details.
 */
async function refusedWith(
  w: World,
  identity: TestIdentity,
  fn: TxName,
  request: unknown,
): Promise<{ code: string; status: number; details: unknown }> {
  const r = await w.recordedRefusal(identity, fn, request);
  return { code: r.code, status: r.status, details: r.attempt.details };
}

/** Two ids (from the given stems) whose draws start in the same tranche. */
function sameTranchePair(): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const id = `H-${i.toString(36)}-x`;
    const first = firstTranche(id);
    const other = seen.get(first);
    if (other) return [other, id];
    seen.set(first, id);
  }
}

describe('tranche arithmetic', () => {
  it('capacities spread the limit exactly, differing by at most one', () => {
    for (const limit of [0n, 1n, 63n, 64n, 65n, 10_000_000n, 10n ** 15n - 1n]) {
      const caps = Array.from({ length: TRANCHES }, (_, i) => trancheCapacity(limit, i));
      expect(caps.reduce((a, c) => a + c, 0n)).toBe(limit);
      const min = caps.reduce((a, c) => (c < a ? c : a));
      const max = caps.reduce((a, c) => (c > a ? c : a));
      expect(max - min <= 1n).toBe(true);
    }
  });

  it('the first tranche depends on the id only; consecutive ids of a run never share one', () => {
    expect(firstTranche('PAY-2026-000117')).toBe(firstTranche('PAY-2026-000117'));
    expect(firstTranche('PAY-2026-000117')).toBe(firstTranche('PAY-2026-117'));
    for (const stem of ['PAY-2026-', 'D', 'relief:batch-7:line-']) {
      const run = Array.from({ length: TRANCHES }, (_, i) => firstTranche(`${stem}${5000 + i}`));
      expect(new Set(run).size).toBe(TRANCHES);
    }
    for (const id of ['no-digits', 'x', '9'.repeat(128), 'A1B2-c']) {
      const t = firstTranche(id);
      expect(Number.isInteger(t) && t >= 0 && t < TRANCHES).toBe(true);
    }
  });
});

describe('Disburse from tranches', () => {
  // A1 holds 10 000 000: each of the 64 tranches holds 156 250
  const CAPACITY = 156_250n;

  it('a payment larger than one tranche spills into the next tranches (wrapping) and its draw is recorded', async () => {
    const w = new World();
    await w.setup({ rules: rules({ recipientCap: { mode: 'off', cap: '1' } }) });
    const id = 'D-spill';
    const start = firstTranche(id);
    await w.disburse(id, String(2n * CAPACITY + 1000n));
    const slots = [start, (start + 1) % TRANCHES, (start + 2) % TRANCHES].map(String);
    expect(w.ledger.get(drawKey(id))).toEqual({
      allocation: [
        [slots[0], String(CAPACITY)],
        [slots[1], String(CAPACITY)],
        [slots[2], '1000'],
      ],
    });
    expect(tranches(w, 'allocation', 'A1')).toEqual(
      new Map([
        [slots[0], String(CAPACITY)],
        [slots[1], String(CAPACITY)],
        [slots[2], '1000'],
      ]),
    );
    // the recipient cap rule is off: no recipient tranches
    expect(tranches(w, 'recipient', 'P1', 'CityAMSP', pid('e1')).size).toBe(0);
    // a second payment starting in a full tranche moves on to the first one with room
    const next = [...Array(1000).keys()]
      .map((i) => `E${i}-x`)
      .find((d) => firstTranche(d) === start) as string;
    await w.disburse(next, '10');
    expect(w.ledger.get(drawKey(next))).toEqual({ allocation: [[slots[2], '10']] });
  });

  it('is exact at the boundary: one fen over is refused with the balances, nothing written; the exact rest fills every tranche', async () => {
    const w = new World();
    await w.setup({ rules: rules({ recipientCap: { mode: 'off', cap: '1' } }) });
    for (const id of ['D1', 'D2', 'D3', 'D4']) await w.disburse(id, '2400000'); // 9 600 000, spread by id
    const over = await refusedWith(w, who.housingA, 'Disburse', disbursementRequest('D5', '400001'));
    expect(over).toMatchObject({
      code: 'EXCEEDS_ALLOCATION',
      details: { allocation: '10000000', disbursed: '9600000', remaining: '400000' },
    });
    await w.disburse('D5', '400000');
    const full = tranches(w, 'allocation', 'A1');
    expect(full.size).toBe(TRANCHES);
    for (const value of full.values()) expect(value).toBe(String(CAPACITY));
    expect(await w.evaluate(who.auditorA, 'GetAllocation', { allocationId: 'A1' })).toMatchObject({
      disbursed: '10000000',
      remaining: '0',
      disbursementCount: 5,
    });
    expect(await refusedWith(w, who.housingA, 'Disburse', disbursementRequest('D6', '1'))).toMatchObject({
      code: 'EXCEEDS_ALLOCATION',
      details: { allocation: '10000000', disbursed: '10000000', remaining: '0' },
    });
    expect(conservationProblems(w.ledger)).toEqual([]);
  });

  it('an allocation smaller than the number of tranches still pays out exactly its amount', async () => {
    const w = new World();
    await w.setup({ rules: rules({ recipientCap: { mode: 'block', cap: '25' } }) });
    await w.submit(who.financeA, 'AllocateFunds', {
      allocationId: 'A2',
      programId: 'P1',
      mspId: 'CityAMSP',
      dept: 'social',
      amount: '40',
    });
    const pay = (id: string, amount: string) => disbursementRequest(id, amount, { allocationId: 'A2' });
    await w.submit(who.socialA, 'Disburse', pay('S-1', '7'));
    await w.submit(who.socialA, 'Disburse', pay('S-2', '18'));
    // recipient e1 now has 25 = its cap
    expect(await refusedWith(w, who.socialA, 'Disburse', pay('S-3', '1'))).toMatchObject({
      code: 'RECIPIENT_CAP_EXCEEDED',
      details: {
        violations: [expect.objectContaining({ details: expect.objectContaining({ total: '26' }) })],
      },
    });
    await w.submit(who.housingA, 'RegisterRecipient', {
      programId: 'P1',
      recipientMspId: 'CityAMSP',
      recipientPid: pid('c1'),
      kind: 'person',
      accountHashes: [acct(9)],
    });
    const toC1 = (id: string, amount: string) => ({
      ...pay(id, amount),
      recipientMspId: 'CityAMSP',
      recipientPid: pid('c1'),
      accountHash: acct(9),
    });
    expect(await refusedWith(w, who.socialA, 'Disburse', toC1('S-3', '16'))).toMatchObject({
      code: 'EXCEEDS_ALLOCATION',
      details: { allocation: '40', disbursed: '25', remaining: '15' },
    });
    await w.submit(who.socialA, 'Disburse', toC1('S-3', '15'));
    expect(await w.evaluate(who.auditorA, 'GetAllocation', { allocationId: 'A2' })).toMatchObject({
      disbursed: '40',
      remaining: '0',
      disbursementCount: 3,
    });
    expect(conservationProblems(w.ledger)).toEqual([]);
  });

  it('a rejection gives back exactly the tranches it drew, in both totals, and forgets the draw', async () => {
    const w = new World();
    await w.setup();
    await w.disburse('D1', '500000');
    const before = w.ledger.snapshot();
    await w.disburse('D2', '2500000'); // pending: above the co-signature threshold
    expect(w.ledger.get(drawKey('D2'))).toMatchObject({
      allocation: expect.any(Array),
      recipient: expect.any(Array),
    });
    await w.submit(who.financeB, 'RejectDisbursement', { disbursementId: 'D2', reason: 'no' });
    const after = w.ledger.snapshot();
    for (const [k, v] of Object.entries(after)) {
      if (k.startsWith(`${SEP}tranche${SEP}`)) {
        const was = before[k] ? (JSON.parse(before[k] as string) as { total: string }).total : '0';
        expect([k, (JSON.parse(v) as { total: string }).total]).toEqual([k, was]);
      }
    }
    expect(w.ledger.get(drawKey('D2'))).toBeUndefined();
    expect(conservationProblems(w.ledger)).toEqual([]);
  });

  it('recipient cap in warn mode: what passes the cap goes to the overflow; every payment while over warns; a rejection gives it back', async () => {
    const w = new World();
    await w.setup({
      rules: rules({ recipientCap: { mode: 'warn', cap: '1000' } }),
      coSign: { threshold: '100', by: 'finance' },
    });
    expect((await w.disburse('D1', '1000')).alerts).toEqual([]); // pending, exactly the cap
    const over = await w.disburse('D2', '300');
    expect(over.alerts.map((a) => a.rule)).toEqual(['recipientCap']);
    expect(tranches(w, 'recipient', 'P1', 'CityAMSP', pid('e1')).get('overflow')).toBe('300');
    expect((await w.disburse('D3', '5')).alerts.map((a) => a.rule)).toEqual(['recipientCap']);
    expect(conservationProblems(w.ledger)).toEqual([]);
    expect(tranches(w, 'recipient', 'P1', 'CityAMSP', pid('e1')).get('overflow')).toBe('305');
    await w.submit(who.financeB, 'RejectDisbursement', { disbursementId: 'D2', reason: 'no' });
    expect(tranches(w, 'recipient', 'P1', 'CityAMSP', pid('e1')).get('overflow')).toBe('5');
    // 1005 live: still over
    expect((await w.disburse('D4', '1')).alerts.map((a) => a.rule)).toEqual(['recipientCap']);
    await w.submit(who.financeB, 'RejectDisbursement', { disbursementId: 'D1', reason: 'no' });
    // 6 live: room again, no warning
    expect((await w.disburse('D5', '994')).alerts).toEqual([]);
    expect((await w.disburse('D6', '1')).alerts.map((a) => a.rule)).toEqual(['recipientCap']);
    expect(conservationProblems(w.ledger)).toEqual([]);
  });

  it('a ledger from before tranches: its one total key still counts, and releases of its disbursements go back to it', async () => {
    const w = new World();
    await w.setup();
    // what the earlier chaincode left: D0 pending for 3 000 000, counted in one total key per parent, no draw
    const d0 = await w.disburse('D0', '3000000');
    const legacy = { total: '3000000', count: 1 };
    await w.ledger.submit(who.adminA, async (ctx: Context) => {
      for (const k of Object.keys(w.ledger.snapshot())) {
        if (k.startsWith(`${SEP}tranche`)) await ctx.stub.deleteState(k);
      }
      const put = (k: string, v: unknown) => ctx.stub.putState(k, Buffer.from(JSON.stringify(v)));
      await put(`${SEP}total${SEP}allocation${SEP}A1${SEP}`, legacy);
      await put(`${SEP}total${SEP}recipient${SEP}P1${SEP}CityAMSP${SEP}${pid('e1')}${SEP}`, legacy);
    });
    expect(d0.disbursement.status).toBe('pending');
    expect(await w.evaluate(who.auditorA, 'GetAllocation', { allocationId: 'A1' })).toMatchObject({
      disbursed: '3000000',
      disbursementCount: 1,
    });
    // the cap (5 000 000) and the allocation (10 000 000) both count the legacy total
    expect(
      await refusedWith(w, who.housingA, 'Disburse', disbursementRequest('D1', '2000001')),
    ).toMatchObject({
      code: 'RECIPIENT_CAP_EXCEEDED',
    });
    await w.disburse('D1', '2000000');
    await w.submit(who.housingA, 'RegisterRecipient', {
      programId: 'P1',
      recipientMspId: 'CityAMSP',
      recipientPid: pid('c1'),
      kind: 'person',
      accountHashes: [acct(9)],
    });
    const toC1 = (id: string, amount: string) =>
      disbursementRequest(id, amount, {
        recipientMspId: 'CityAMSP',
        recipientPid: pid('c1'),
        accountHash: acct(9),
      });
    expect(await refusedWith(w, who.housingA, 'Disburse', toC1('D2', '5000001'))).toMatchObject({
      code: 'EXCEEDS_ALLOCATION',
      details: { allocation: '10000000', disbursed: '5000000', remaining: '5000000' },
    });
    // releasing D0 (no recorded draw) gives back to the legacy keys
    await w.submit(who.financeB, 'RejectDisbursement', { disbursementId: 'D0', reason: 'no' });
    expect(w.ledger.get(`${SEP}total${SEP}allocation${SEP}A1${SEP}`)).toEqual({ total: '0', count: 0 });
    await w.disburse('D3', '3000000');
    expect(await w.evaluate(who.auditorA, 'GetAllocation', { allocationId: 'A1' })).toMatchObject({
      disbursed: '5000000',
      disbursementCount: 2,
    });
    expect(conservationProblems(w.ledger)).toEqual([]);
  });
});

describe('concurrent disbursements from one allocation', () => {
  /** The keys a Disburse reads and writes, executed against the current committed state. */
  async function rwOf(w: World, disbursementId: string, amount = '100'): Promise<RwSet> {
    let rw: RwSet | undefined;
    await w.ledger.evaluate(who.housingA, async (ctx) => {
      rw = new RwSet(ctx);
      return w.contract.Disburse(rw.ctx, JSON.stringify(disbursementRequest(disbursementId, amount)));
    });
    return rw as RwSet;
  }
  const touched = (rw: RwSet): Set<string> => new Set([...rw.reads, ...rw.writes]);
  const overlap = (a: Set<string>, b: Set<string>): string[] => [...a].filter((k) => b.has(k));

  it('two payments with different ids touch disjoint keys (allocation and recipient tranches included) and commit in one block', async () => {
    const w = new World();
    await w.setup();
    await w.disburse('D-0', '100');
    const one = await rwOf(w, 'D-1');
    const two = await rwOf(w, 'D-2');
    expect(overlap(one.writes, touched(two))).toEqual([]);
    expect(overlap(two.writes, touched(one))).toEqual([]);
    // each writes exactly one tranche of each capped total
    for (const rw of [one, two]) {
      const written = [...rw.writes].filter((k) => k.startsWith(`${SEP}tranche${SEP}`));
      expect(written.map((k) => k.split(SEP)[2]).sort()).toEqual(['allocation', 'recipient']);
    }
    const outcomes = await runBlock(
      w.ledger,
      ['D-1', 'D-2'].map((id) => ({
        identity: who.housingA,
        run: (ctx) => w.contract.Disburse(ctx, JSON.stringify(disbursementRequest(id, '100'))),
      })),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['committed', 'committed']);
  });

  it('64 payments with consecutive ids from one allocation to one recipient all commit in one block', async () => {
    const w = new World();
    await w.setup();
    const txs: BlockTx[] = Array.from({ length: TRANCHES }, (_, i) => ({
      identity: who.housingA,
      run: (ctx) => w.contract.Disburse(ctx, JSON.stringify(disbursementRequest(`PAY-${100 + i}`, '1000'))),
    }));
    const outcomes = await runBlock(w.ledger, txs);
    expect(outcomes.filter((o) => o.status === 'committed')).toHaveLength(TRANCHES);
    expect(await w.evaluate(who.auditorA, 'GetAllocation', { allocationId: 'A1' })).toMatchObject({
      disbursed: String(TRANCHES * 1000),
      disbursementCount: TRANCHES,
    });
    expect(conservationProblems(w.ledger)).toEqual([]);
  });

  it('control: two ids that start in the same tranche do conflict, so the check above can fail', async () => {
    const w = new World();
    await w.setup();
    const [a, b] = sameTranchePair();
    expect(overlap((await rwOf(w, a)).writes, touched(await rwOf(w, b))).length).toBeGreaterThan(0);
    const outcomes = await runBlock(
      w.ledger,
      [a, b].map((id) => ({
        identity: who.housingA,
        run: (ctx) => w.contract.Disburse(ctx, JSON.stringify(disbursementRequest(id, '100'))),
      })),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['committed', 'conflict']);
  });
});

describe('tranches (property-based)', () => {
  /**
   * Program P1 with the given recipient-cap rule; A0 (housing) and A1 (social)
   * with the given amounts (A1 smaller than the number of tranches, so some of
   * its tranches hold nothing); recipients e1, c1, c2.
   */
  const recipients = [
    { pid: pid('e1'), account: acct(1), kind: 'enterprise' },
    { pid: pid('c1'), account: acct(2), kind: 'person' },
    { pid: pid('c2'), account: acct(3), kind: 'person' },
  ];
  const holders = [who.housingA, who.socialA];
  const COSIGN = 300n;

  async function world(
    limits: [bigint, bigint],
    cap: { mode: 'block' | 'warn' | 'off'; cap: bigint },
  ): Promise<World> {
    const w = new World();
    await w.submit(
      who.financeA,
      'CreateProgram',
      programRequest({
        coSign: { threshold: String(COSIGN), by: 'finance' },
        rules: rules({
          recipientCap: { mode: cap.mode, cap: String(cap.cap) },
          splitPayment: { mode: 'off', threshold: '1000', windowHours: 1, count: 2, marginPercent: 10 },
          afterEnd: { mode: 'warn' },
          unspent: { mode: 'off', days: 1 },
        }),
      }),
    );
    for (const [slot, dept] of ['housing', 'social'].entries()) {
      await w.submit(who.financeA, 'AllocateFunds', {
        allocationId: `A${slot}`,
        programId: 'P1',
        mspId: 'CityAMSP',
        dept,
        amount: String(limits[slot]),
      });
    }
    for (const r of recipients) {
      await w.submit(who.housingA, 'RegisterRecipient', {
        programId: 'P1',
        recipientMspId: 'CityAMSP',
        recipientPid: r.pid,
        kind: r.kind,
        accountHashes: [r.account],
      });
    }
    return w;
  }

  type Op =
    | { op: 'disburse'; slot: number; recipient: number; amount: bigint; counterId: boolean }
    | { op: 'reject'; pick: number }
    | { op: 'cosign'; pick: number };
  const amountArb = fc.oneof(
    { weight: 3, arbitrary: fc.bigInt({ min: 1n, max: 60n }) },
    { weight: 2, arbitrary: fc.bigInt({ min: 1n, max: 1_000n }) },
    { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 5_000n }) },
  );
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        op: fc.constant('disburse' as const),
        slot: fc.nat(1),
        recipient: fc.nat(recipients.length - 1),
        amount: amountArb,
        counterId: fc.boolean(),
      }),
    },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('reject' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('cosign' as const), pick: fc.nat() }) },
  );
  const setupArb = fc.record({
    limits: fc.tuple(fc.bigInt({ min: 1_000n, max: 20_000n }), fc.bigInt({ min: 1n, max: 100n })),
    cap: fc.record({
      mode: fc.constantFrom('block' as const, 'warn' as const, 'off' as const),
      cap: fc.bigInt({ min: 1n, max: 8_000n }),
    }),
  });

  interface Live {
    slot: number;
    recipient: number;
    amount: bigint;
    status: 'pending' | 'paid' | 'rejected';
  }
  const liveSum = (ds: Map<string, Live>, pred: (d: Live) => boolean): bigint =>
    [...ds.values()].filter((d) => d.status !== 'rejected' && pred(d)).reduce((a, d) => a + d.amount, 0n);

  it('disburse/reject sequences: refusals exactly when a limit would be passed, nothing written then, and the tranches always equal the live disbursements', async () => {
    await fc.assert(
      fc.asyncProperty(setupArb, fc.array(opArb, { minLength: 5, maxLength: 40 }), async (s, ops) => {
        const w = await world(s.limits, s.cap);
        const ds = new Map<string, Live>();
        for (const [i, op] of ops.entries()) {
          if (op.op === 'disburse') {
            const id = op.counterId ? `PAY-${i}` : `h${(i * 7919).toString(36)}-x`;
            const r = recipients[op.recipient] as (typeof recipients)[number];
            const req = disbursementRequest(id, String(op.amount), {
              allocationId: `A${op.slot}`,
              recipientMspId: 'CityAMSP',
              recipientPid: r.pid,
              accountHash: r.account,
            });
            const held = liveSum(ds, (d) => d.slot === op.slot);
            const received = liveSum(ds, (d) => d.recipient === op.recipient);
            const overCap = s.cap.mode !== 'off' && received + op.amount > s.cap.cap;
            if (held + op.amount > (s.limits[op.slot] as bigint)) {
              const e = await refusedWith(w, holders[op.slot] as TestIdentity, 'Disburse', req);
              expect(e).toMatchObject({
                code: 'EXCEEDS_ALLOCATION',
                details: { disbursed: String(held), remaining: String((s.limits[op.slot] as bigint) - held) },
              });
            } else if (overCap && s.cap.mode === 'block') {
              const e = await refusedWith(w, holders[op.slot] as TestIdentity, 'Disburse', req);
              expect(e.code).toBe('RECIPIENT_CAP_EXCEEDED');
            } else {
              const out = await w.submit<DisburseOut>(holders[op.slot] as TestIdentity, 'Disburse', req);
              expect(out.alerts.map((a) => a.rule)).toEqual(overCap ? ['recipientCap'] : []);
              ds.set(id, {
                slot: op.slot,
                recipient: op.recipient,
                amount: op.amount,
                status: op.amount > COSIGN ? 'pending' : 'paid',
              });
            }
          } else {
            const pending = [...ds].filter(([, d]) => d.status === 'pending');
            if (pending.length === 0) continue;
            const [id, d] = pending[op.pick % pending.length] as [string, Live];
            const fn = op.op === 'reject' ? 'RejectDisbursement' : 'CoSignDisbursement';
            const req =
              op.op === 'reject' ? { disbursementId: id, reason: 'property' } : { disbursementId: id };
            await w.submit(who.financeB, fn, req);
            d.status = op.op === 'reject' ? 'rejected' : 'paid';
          }
          expect(conservationProblems(w.ledger)).toEqual([]);
        }
        for (const slot of [0, 1]) {
          const held = liveSum(ds, (d) => d.slot === slot);
          expect(await w.evaluate(who.auditorA, 'GetAllocation', { allocationId: `A${slot}` })).toMatchObject(
            {
              disbursed: String(held),
              remaining: String((s.limits[slot] as bigint) - held),
              disbursementCount: [...ds.values()].filter((d) => d.slot === slot && d.status !== 'rejected')
                .length,
            },
          );
        }
      }),
      { numRuns: 80 },
    );
  });

  it('concurrent blocks on one allocation, validated like Fabric: whatever commits, the limits hold and the tranches equal the live disbursements', async () => {
    let committed = 0;
    let conflicts = 0;
    await fc.assert(
      fc.asyncProperty(
        setupArb,
        fc.array(fc.array(opArb, { minLength: 2, maxLength: 12 }), { minLength: 1, maxLength: 6 }),
        async (s, blocks) => {
          const w = await world(s.limits, s.cap);
          let n = 0;
          const pending: string[] = [];
          for (const block of blocks) {
            const txs: BlockTx[] = block.map((op) => {
              const i = n++;
              if (op.op === 'disburse') {
                const r = recipients[op.recipient] as (typeof recipients)[number];
                const id = op.counterId ? `PAY-${i}` : `h${(i * 7919).toString(36)}-x`;
                const req = disbursementRequest(id, String(op.amount), {
                  allocationId: 'A0',
                  recipientMspId: 'CityAMSP',
                  recipientPid: r.pid,
                  accountHash: r.account,
                });
                return {
                  identity: who.housingA,
                  run: async (ctx) => {
                    const out = await w.contract.Disburse(ctx, JSON.stringify(req));
                    if (op.amount > COSIGN) pending.push(id);
                    return out;
                  },
                };
              }
              const id = pending.length > 0 ? (pending[op.pick % pending.length] as string) : 'none';
              return {
                identity: who.financeB,
                run: (ctx) =>
                  op.op === 'reject'
                    ? w.contract.RejectDisbursement(ctx, JSON.stringify({ disbursementId: id, reason: 'p' }))
                    : w.contract.CoSignDisbursement(ctx, JSON.stringify({ disbursementId: id })),
              };
            });
            const outcomes = await runBlock(w.ledger, txs);
            committed += outcomes.filter((o) => o.status === 'committed').length;
            conflicts += outcomes.filter((o) => o.status === 'conflict').length;
            expect(conservationProblems(w.ledger)).toEqual([]);
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(committed).toBeGreaterThan(conflicts);
  });
});
