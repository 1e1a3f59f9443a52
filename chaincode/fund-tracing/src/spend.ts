/**
 * Spends: the recipient of a paid disbursement records where the money went
 * (payee, amount, category, invoice hash). The spends of a disbursement never
 * exceed it.
 */
import type { Context } from 'fabric-contract-api';
import {
  alreadyExists,
  conflict,
  deleteIndex,
  emitEvent,
  getCaller,
  keyExists,
  mustReadJson,
  oldestFirst,
  requirePid,
  txTimeIso,
  txTimeMs,
  writeIndex,
  writeJson,
} from '@govledger/chaincode-common';
import { requireRecipient, requireStaffOrRecipient } from './access';
import { loadDisbursement } from './disbursement';
import { conflictWith, FundErrorCode } from './errors';
import type { AlertSummary, Spend } from './model';
import { fen, toFen } from './money';
import { loadProgram } from './program';
import { afterEndViolation, enforceRules, spendCategoryViolation, unspentDueMs } from './rules';
import type { GetSpendInput, ListSpendsInput, RecordSpendInput } from './schemas';
import { ObjectType, key, readIndexPage, readTotal, writeTotal } from './state';

/** Reads a spend or refuses with SPEND_NOT_FOUND. */
export async function loadSpend(ctx: Context, spendId: string): Promise<Spend> {
  return mustReadJson<Spend>(
    ctx,
    key(ctx, ObjectType.spend, spendId),
    `spend ${spendId}`,
    FundErrorCode.SpendNotFound,
  );
}

/** RecordSpend: the recipient records onward spending of a paid disbursement. */
export async function recordSpend(
  ctx: Context,
  req: RecordSpendInput,
): Promise<{ spend: Spend; alerts: AlertSummary[] }> {
  const caller = getCaller(ctx);
  const d = await loadDisbursement(ctx, req.disbursementId);
  requireRecipient(caller, d);
  const pid = requirePid(caller);
  const k = key(ctx, ObjectType.spend, req.spendId);
  if (await keyExists(ctx, k)) {
    throw alreadyExists(`spend ${req.spendId} exists already`, FundErrorCode.SpendExists);
  }
  if (d.status !== 'paid') {
    throw conflict(
      `disbursement ${d.disbursementId} is ${d.status}, not paid`,
      FundErrorCode.DisbursementNotPaid,
    );
  }
  const amount = toFen(req.amount);
  const spent = await readTotal(ctx, 'disbursement', d.disbursementId);
  const paid = toFen(d.amount);
  if (spent.total + amount > paid) {
    throw conflictWith(
      FundErrorCode.ExceedsDisbursement,
      `spending ${req.amount} would exceed disbursement ${d.disbursementId}`,
      { disbursement: d.amount, spent: fen(spent.total), remaining: fen(paid - spent.total) },
    );
  }
  const program = await loadProgram(ctx, d.programId);
  const self = { kind: 'spend', id: req.spendId } as const;
  const alerts = await enforceRules(ctx, program, [
    afterEndViolation(program, txTimeMs(ctx), [{ kind: 'disbursement', id: d.disbursementId }, self]),
    spendCategoryViolation(program, req.category, [{ kind: 'disbursement', id: d.disbursementId }, self]),
  ]);

  const spend: Spend = {
    spendId: req.spendId,
    disbursementId: d.disbursementId,
    allocationId: d.allocationId,
    programId: d.programId,
    payeeId: req.payeeId,
    amount: req.amount,
    category: req.category,
    invoiceHash: req.invoiceHash,
    recordedAt: txTimeIso(ctx),
    recordedBy: pid,
  };
  await writeJson(ctx, k, spend);
  const newTotal = spent.total + amount;
  await writeTotal(ctx, { total: newTotal, count: spent.count + 1 }, 'disbursement', d.disbursementId);
  await writeIndex(ctx, ObjectType.spendByDisbursement, d.disbursementId, spend.spendId);
  if (newTotal === paid && program.rules.unspent.mode !== 'off' && d.paidAt !== undefined) {
    // fully spent: the unspent sweep has nothing left to check for this disbursement
    const due = oldestFirst(unspentDueMs(program, d.paidAt));
    await deleteIndex(ctx, ObjectType.unspentDue, d.programId, due, d.disbursementId);
  }
  emitEvent(ctx, 'SpendRecorded', {
    programId: spend.programId,
    allocationId: spend.allocationId,
    disbursementId: spend.disbursementId,
    spendId: spend.spendId,
    amount: spend.amount,
    category: spend.category,
    alerts,
  });
  return { spend, alerts };
}

/** GetSpend: staff, or the recipient who recorded it. */
export async function getSpend(ctx: Context, req: GetSpendInput): Promise<Spend> {
  const spend = await loadSpend(ctx, req.spendId);
  requireStaffOrRecipient(getCaller(ctx), spend.recordedBy);
  return spend;
}

/** ListSpends: a disbursement's spends, by id (paginated; staff or the recipient). */
export async function listSpends(
  ctx: Context,
  req: ListSpendsInput,
): Promise<{ records: Spend[]; bookmark: string }> {
  const d = await loadDisbursement(ctx, req.disbursementId);
  requireStaffOrRecipient(getCaller(ctx), d.recipientPid);
  const page = await readIndexPage(
    ctx,
    ObjectType.spendByDisbursement,
    [d.disbursementId],
    req.pageSize,
    req.bookmark,
  );
  const records: Spend[] = [];
  for (const k of page.keys) records.push(await loadSpend(ctx, k[1] as string));
  return { records, bookmark: page.bookmark };
}
