/**
 * Tranches: a capped running total kept in several keys, so that concurrent
 * draws on one parent touch different keys and commit side by side.
 *
 * A capped total (an allocation's live disbursements, limited by the
 * allocation's amount; a recipient's live receipts in a program, limited by the
 * program's recipient cap) with limit L is split into TRANCHES keys. Tranche i
 * may hold at most floor(L/N) (+1 for i < L mod N), computed from the limit
 * when it is read, so the tranches together can never hold more than L: each
 * tranche is checked against its own capacity, and Fabric's MVCC check on
 * every tranche a draw reads keeps that check exact under concurrency.
 *
 * A draw of amount a starts in the tranche `firstTranche(recordId)` and fills
 * tranches in order (wrapping) until a is placed, reading and writing only the
 * tranches it touches. Only when the limit has no room for a does it read them
 * all, and then it knows the exact total (for the refusal's details or the
 * rule's alert). A draw is recorded under the record's id (tranche -> amount),
 * and a release gives back exactly what was drawn, to the same tranches.
 *
 * Where a limit is only a warning (recipient cap in `warn` mode) a draw may
 * pass it: what does not fit goes to an `overflow` key that has no capacity.
 * Such totals read the overflow key on every draw; while it holds anything, a
 * draw reads every tranche (the recipient is already over its cap).
 *
 * Limits never decrease (an allocation's amount and a program's rules never
 * change), which is what lets a draw skip tranches of capacity zero and trust
 * the tranches it did not read. A feature that lowered a limit would have to
 * rewrite every tranche in the same transaction.
 *
 * Ledgers written before tranches existed kept these totals in one `total`
 * key (see keys.ts). That key is read as a legacy part: the tranches' limit is
 * L minus the legacy total, readers add it, and releasing a disbursement that
 * has no recorded draw gives back to it.
 */
import type { Context } from 'fabric-contract-api';
import {
  fromBytes,
  protectRecord,
  readJson,
  sha256Hex,
  writeJson,
  type Subject,
} from '@govledger/chaincode-common';
import type { Total } from './model';
import { fen, toFen } from './money';
import { ObjectType, key, readTotal, writeTotal, type TotalValue } from './keys';

/**
 * Number of tranches per capped total. 64 lets 64 concurrent payments from one
 * allocation (the benchmark's highest concurrency, and more than a Fabric block
 * usually holds from one client) each find a tranche of its own when their ids
 * are consecutive; readers sum at most 64 small keys with one range query; and a
 * tranche still holds 1/64 of the limit, so a payment below that touches one
 * tranche per total. Changing it needs a migration of the tranche keys.
 */
export const TRANCHES = 64;

const OVERFLOW = 'overflow';

/** The capped totals kept in tranches. */
export type TrancheKind = 'allocation' | 'recipient';

/** Which capped total: its kind and the ids of its parent. */
export interface TrancheTotal {
  /** Which kind of capped total. */
  kind: TrancheKind;
  /** The parent's ids: [allocationId] or [programId, recipientMspId, recipientPid]. */
  ids: string[];
  /**
   * The organisation that owns the total, when its tranches are owned records:
   * a tranche is protected for it (owner AND one other organisation) when the
   * tranche is created, never again (a validation parameter is a write of the
   * key's metadata: setting it on every payment would make the tranche a hot key twice over).
   */
  owner?: string;
}

/**
 * The disbursements of an allocation (limit: the allocation's amount). Give
 * `holder` (the allocation's organisation, which pays out of it) when drawing,
 * so that the tranches a draw creates are protected for it.
 */
export function allocationTranches(allocationId: string, holder?: string): TrancheTotal {
  const total: TrancheTotal = { kind: 'allocation', ids: [allocationId] };
  if (holder !== undefined) total.owner = holder;
  return total;
}

/** A recipient's receipts in a program (limit: the program's recipient cap). */
export function recipientTranches(programId: string, recipient: Subject): TrancheTotal {
  return { kind: 'recipient', ids: [programId, recipient.mspId, recipient.pid] };
}

/** A tranche index (0 .. TRANCHES-1) or the overflow key. */
type Slot = number | typeof OVERFLOW;

/** What a draw puts into one slot. */
interface Part {
  slot: Slot;
  /** The slot's value when it was read. */
  before: TotalValue;
  /** True when the slot's key did not exist yet (the draw creates it). */
  created: boolean;
  amount: bigint;
}

/** A draw worked out from the current state, not yet written (see commitDraws). */
export type DrawPlan = {
  total: TrancheTotal;
  amount: bigint;
  /** Where the amount goes, first slot first (it carries the draw's count). */
  parts: Part[];
} & (
  | {
      /** The total after the draw stays within the limit. */
      exceeds: false;
    }
  | {
      /** The total after the draw would pass the limit. */
      exceeds: true;
      /** The exact total before the draw (every tranche was read). */
      before: bigint;
    }
);

/** What a record drew, by kind: [slot, amount] pairs, first slot first. */
type DrawRecord = Partial<Record<TrancheKind, Array<[string, string]>>>;

/** The capacity of tranche `index` under `limit`: the limit spread evenly, the remainder on the first ones. */
export function trancheCapacity(limit: bigint, index: number): bigint {
  const n = BigInt(TRANCHES);
  return limit / n + (BigInt(index) < limit % n ? 1n : 0n);
}

/**
 * The tranche a record's draw starts in. An id ending in a decimal counter
 * (`PAY-2026-000117`) starts at hash(stem) + counter, so the consecutive ids of
 * a payment run land in consecutive tranches and never share one (up to
 * TRANCHES in flight); any other id starts at its hash. Deterministic: the id
 * alone decides.
 */
export function firstTranche(recordId: string): number {
  let digits = recordId.length;
  while (digits > 0 && recordId.charCodeAt(digits - 1) >= 48 && recordId.charCodeAt(digits - 1) <= 57) {
    digits -= 1;
  }
  const stem = recordId.slice(0, digits);
  const counter = digits < recordId.length ? BigInt(recordId.slice(digits)) : 0n;
  const hash = BigInt(`0x${sha256Hex(stem).slice(0, 8)}`);
  return Number((hash + counter) % BigInt(TRANCHES));
}

function slotKey(ctx: Context, total: TrancheTotal, slot: Slot): string {
  return key(ctx, ObjectType.tranche, total.kind, ...total.ids, String(slot));
}

async function readSlot(ctx: Context, total: TrancheTotal, slot: Slot): Promise<TotalValue> {
  return (await readSlotState(ctx, total, slot)).value;
}

async function readSlotState(
  ctx: Context,
  total: TrancheTotal,
  slot: Slot,
): Promise<{ value: TotalValue; exists: boolean }> {
  const stored = await readJson<Total>(ctx, slotKey(ctx, total, slot));
  return stored
    ? { value: { total: toFen(stored.total), count: stored.count }, exists: true }
    : { value: { total: 0n, count: 0 }, exists: false };
}

async function writeSlot(ctx: Context, total: TrancheTotal, slot: Slot, value: TotalValue): Promise<void> {
  const stored: Total = { total: fen(value.total), count: value.count };
  await writeJson(ctx, slotKey(ctx, total, slot), stored);
}

/**
 * Works out where a draw of `amount` for `recordId` goes, reading only the
 * tranches it needs. `exceeds: true` means the total would pass `limit`; then
 * `before` is the exact total. With `overflow` (a limit that only warns) the
 * part that does not fit goes to the overflow key and the plan can still be
 * committed; without it, an exceeding plan must not be committed.
 */
export async function planDraw(
  ctx: Context,
  total: TrancheTotal,
  limit: bigint,
  recordId: string,
  amount: bigint,
  options: { overflow: boolean },
): Promise<DrawPlan> {
  const legacy = await readTotal(ctx, total.kind, ...total.ids);
  const trancheLimit = limit > legacy.total ? limit - legacy.total : 0n;
  const overflowState = options.overflow
    ? await readSlotState(ctx, total, OVERFLOW)
    : { value: { total: 0n, count: 0 }, exists: false };
  const overflow = overflowState.value;
  // with something in the overflow the total is over (or near) the limit: read every tranche
  const readAll = overflow.total > 0n;
  const parts: Part[] = [];
  const start = firstTranche(recordId);
  let left = amount;
  let held = 0n;
  let visited = 0;
  for (; visited < TRANCHES && (left > 0n || readAll); visited++) {
    const index = (start + visited) % TRANCHES;
    const capacity = trancheCapacity(trancheLimit, index);
    if (capacity === 0n) continue; // holds nothing ever: limits never decrease
    const { value, exists } = await readSlotState(ctx, total, index);
    held += value.total;
    const room = capacity > value.total ? capacity - value.total : 0n;
    const take = room < left ? room : left;
    if (take > 0n) {
      parts.push({ slot: index, before: value, created: !exists, amount: take });
      left -= take;
    }
  }
  // placed before reading every tranche, with nothing in the overflow: within the limit
  if (visited < TRANCHES) return { total, amount, parts, exceeds: false };
  const before = legacy.total + held + overflow.total;
  if (left === 0n && before + amount <= limit) return { total, amount, parts, exceeds: false };
  if (options.overflow && left > 0n) {
    parts.push({ slot: OVERFLOW, before: overflow, created: !overflowState.exists, amount: left });
  }
  return { total, amount, parts, exceeds: true, before };
}

/**
 * Writes the plans of one record's draws (at most one per kind) and records
 * them under the record's id, so that releaseDraws can give back exactly the
 * same amounts to the same tranches. The first slot of each draw counts it.
 * A slot the draw creates is protected for its total's owner (if it has one);
 * the draw record is protected for `recordOwner` (the record's owner).
 */
export async function commitDraws(
  ctx: Context,
  recordId: string,
  plans: DrawPlan[],
  recordOwner?: string,
): Promise<void> {
  const record: DrawRecord = {};
  for (const plan of plans) {
    const placed = plan.parts.reduce((sum, p) => sum + p.amount, 0n);
    if (placed !== plan.amount) {
      throw new Error(`draw of ${fen(plan.amount)} on ${plan.total.kind} placed only ${fen(placed)}`);
    }
    for (const [i, p] of plan.parts.entries()) {
      await writeSlot(ctx, plan.total, p.slot, {
        total: p.before.total + p.amount,
        count: p.before.count + (i === 0 ? 1 : 0),
      });
      if (p.created && plan.total.owner !== undefined) {
        await protectRecord(ctx, slotKey(ctx, plan.total, p.slot), plan.total.owner);
      }
    }
    record[plan.total.kind] = plan.parts.map((p) => [String(p.slot), fen(p.amount)]);
  }
  const drawKey = key(ctx, ObjectType.trancheDraw, recordId);
  await writeJson(ctx, drawKey, record);
  if (recordOwner !== undefined) await protectRecord(ctx, drawKey, recordOwner);
}

/**
 * Gives back what a record drew from each of `totals` and forgets the draw.
 * A record from before tranches existed has no recorded draw: its `amount`
 * goes back to the legacy total key of each of `totals`.
 */
export async function releaseDraws(
  ctx: Context,
  recordId: string,
  amount: bigint,
  totals: TrancheTotal[],
): Promise<void> {
  const drawKey = key(ctx, ObjectType.trancheDraw, recordId);
  const record = await readJson<DrawRecord>(ctx, drawKey);
  for (const total of totals) {
    if (!record) {
      const legacy = await readTotal(ctx, total.kind, ...total.ids);
      await writeTotal(
        ctx,
        { total: legacy.total - amount, count: legacy.count - 1 },
        total.kind,
        ...total.ids,
      );
      continue;
    }
    for (const [i, [name, drawn]] of (record[total.kind] ?? []).entries()) {
      const slot: Slot = name === OVERFLOW ? OVERFLOW : Number(name);
      const value = await readSlot(ctx, total, slot);
      await writeSlot(ctx, total, slot, {
        total: value.total - toFen(drawn),
        count: value.count - (i === 0 ? 1 : 0),
      });
    }
  }
  if (record) await ctx.stub.deleteState(drawKey);
}

/**
 * The whole total (legacy key + every tranche + overflow) and its count, for
 * queries. It reads the tranches with one range query, which a submitted
 * transaction must not do: the range would conflict with every concurrent draw.
 */
export async function readTranchedTotal(ctx: Context, total: TrancheTotal): Promise<TotalValue> {
  const sum = await readTotal(ctx, total.kind, ...total.ids);
  const iterator = await ctx.stub.getStateByPartialCompositeKey(ObjectType.tranche, [
    total.kind,
    ...total.ids,
  ]);
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      const stored = fromBytes<Total>(r.value.value);
      sum.total += toFen(stored.total);
      sum.count += stored.count;
    }
  } finally {
    await iterator.close();
  }
  return sum;
}
