/**
 * Keys, running totals and index scans.
 *
 * Every record has its own key. A parent's running total of its live children
 * lives apart from the parent record, so the parent record itself is never
 * rewritten by its children: a program's allocations and a disbursement's
 * spends in one `total` key per parent; an allocation's disbursements and a
 * recipient's receipts in a program, which many payments draw on at once, in
 * tranches (tranche.ts), so that concurrent draws on one parent touch
 * different keys.
 */
import type { Context } from 'fabric-contract-api';
import { compositeKey, readJson, writeJson } from '@govledger/chaincode-common';
import type { Total } from './model';
import { fen, toFen } from './money';

/** Object types of the composite keys (the README lists their attributes). */
export const ObjectType = {
  /** (programId) -> Program */
  program: 'program',
  /** (allocationId) -> Allocation */
  allocation: 'allocation',
  /** index (programId, allocationId) */
  allocationByProgram: 'alloc~prog',
  /** index (programId, mspId, dept, allocationId) */
  allocationByDept: 'alloc~dept',
  /** (programId, recipientMspId, recipientPid) -> Recipient */
  recipient: 'recipient',
  /** (disbursementId) -> Disbursement */
  disbursement: 'disbursement',
  /** index (allocationId, disbursementId) */
  disbursementByAllocation: 'disb~alloc',
  /** index (programId, recipientMspId, recipientPid, disbursementId) */
  disbursementByRecipient: 'disb~recip',
  /** index (programId, disbursementId) of disbursements waiting for a co-signature */
  pendingDisbursement: 'disb~pending',
  /** index (programId, recipientMspId, recipientPid, newestFirst(createdAt), disbursementId) of near-threshold disbursements */
  nearThreshold: 'disb~near',
  /** queue (programId, oldestFirst(dueAt), disbursementId) of paid disbursements the unspent sweep must look at */
  unspentDue: 'disb~due',
  /** (spendId) -> Spend */
  spend: 'spend',
  /** index (disbursementId, spendId) */
  spendByDisbursement: 'spend~disb',
  /** (kind, ...parent ids) -> Total; for kinds `allocation` and `recipient` only on ledgers from before tranches */
  total: 'total',
  /** (kind, ...parent ids, tranche index | `overflow`) -> Total: one tranche of a capped total */
  tranche: 'tranche',
  /** (recordId) -> what the record drew from each capped total, tranche by tranche */
  trancheDraw: 'tranche~draw',
  /** (alertId) -> Alert */
  alert: 'alert',
  /** index (programId, newestFirst(raisedAt), alertId) */
  alertByProgram: 'alert~prog',
  /** index (programId, status, severity, newestFirst(raisedAt), alertId) */
  alertByStatus: 'alert~status',
  /** index (programId, severity, newestFirst(raisedAt), alertId) */
  alertBySeverity: 'alert~sev',
  /** index (recordKind, recordId, alertId) */
  alertByRecord: 'alert~rec',
  /** (attemptId) -> RefusedAttempt: a write refused by a rule, its allocation or its account (refusal.ts) */
  refusedAttempt: 'refused',
  /** index (programId, newestFirst(at), attemptId) */
  refusedByProgram: 'refused~prog',
} as const;

/**
 * Parents that keep a running total of their children in a `total` key
 * (`allocation` and `recipient`: legacy keys only, see tranche.ts).
 */
export type TotalKind = 'program' | 'allocation' | 'disbursement' | 'recipient';

/** A running total as numbers. */
export interface TotalValue {
  total: bigint;
  count: number;
}

/** The key of a record of the given type. */
export function key(ctx: Context, objectType: string, ...attributes: string[]): string {
  return compositeKey(ctx, objectType, ...attributes);
}

/** Reads a parent's running total (zero when none was written yet). */
export async function readTotal(ctx: Context, kind: TotalKind, ...ids: string[]): Promise<TotalValue> {
  const stored = await readJson<Total>(ctx, key(ctx, ObjectType.total, kind, ...ids));
  return stored ? { total: toFen(stored.total), count: stored.count } : { total: 0n, count: 0 };
}

/** Writes a parent's running total. */
export async function writeTotal(
  ctx: Context,
  value: TotalValue,
  kind: TotalKind,
  ...ids: string[]
): Promise<void> {
  const stored: Total = { total: fen(value.total), count: value.count };
  await writeJson(ctx, key(ctx, ObjectType.total, kind, ...ids), stored);
}

/**
 * Visits the attributes of the keys under a partial composite key, in key order,
 * until `visit` returns false. Stopping early keeps the work (and, on Fabric, the
 * range re-checked at commit) as small as the caller needs.
 */
export async function scanKeys(
  ctx: Context,
  objectType: string,
  attributes: string[],
  visit: (attrs: string[]) => boolean | Promise<boolean>,
): Promise<void> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(objectType, attributes);
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      const attrs = ctx.stub.splitCompositeKey(r.value.key).attributes;
      if (!(await visit(attrs))) break;
    }
  } finally {
    await iterator.close();
  }
}

/** True when at least one key exists under the partial composite key. */
export async function anyKey(ctx: Context, objectType: string, attributes: string[]): Promise<boolean> {
  let found = false;
  await scanKeys(ctx, objectType, attributes, () => {
    found = true;
    return false;
  });
  return found;
}

/**
 * Reads the attributes of every key under a partial composite key, refusing
 * (with the given error) more than `limit`.
 */
export async function readKeysBounded(
  ctx: Context,
  objectType: string,
  attributes: string[],
  limit: number,
  tooMany: () => Error,
): Promise<string[][]> {
  const out: string[][] = [];
  await scanKeys(ctx, objectType, attributes, (attrs) => {
    if (out.length >= limit) throw tooMany();
    out.push(attrs);
    return true;
  });
  return out;
}

/** The epoch milliseconds encoded by a `newestFirst` key part. */
export function fromNewestFirst(part: string): number {
  return 9_999_999_999_999 - Number(part);
}

export { readIndexPage, type IndexPage } from '@govledger/chaincode-common';
