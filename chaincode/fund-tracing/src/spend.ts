/**
 * Spends: the recipient of a paid disbursement records where the money went
 * (payee, amount, category, invoice hash). The spends of a disbursement never
 * exceed it.
 */
import type { Context } from 'fabric-contract-api';
import {
  deleteIndex,
  getCaller,
  keyExists,
  oldestFirst,
  readJson,
  callerSubject,
  protectRecord,
  txTimeIso,
  txTimeMs,
  writeIndex,
  writeJson,
} from '@govledger/chaincode-common';
import { emitWithAlerts } from './alert';
import { requireRecipient } from './authz';
import { loadDisbursement } from './disbursement';
import { errors } from './errors';
import { ObjectType, key, readTotal, writeTotal } from './keys';
import type { Spend, SpendResult } from './model';
import { fen, toFen } from './money';
import { loadProgram } from './program';
import { afterEndViolation, enforceRules, spendCategoryViolation, unspentDueMs } from './rules';
import { EventName, type RecordSpendRequest } from './schemas';

/** Reads a spend or refuses with SPEND_NOT_FOUND. */
export async function loadSpend(ctx: Context, spendId: string): Promise<Spend> {
  const spend = await readJson<Spend>(ctx, key(ctx, ObjectType.spend, spendId));
  if (spend === undefined) throw errors.spendNotFound(`spend ${spendId} does not exist`);
  return spend;
}

/** RecordSpend: the recipient records onward spending of a paid disbursement. */
export async function recordSpend(ctx: Context, req: RecordSpendRequest): Promise<SpendResult> {
  const caller = getCaller(ctx);
  const d = await loadDisbursement(ctx, req.disbursementId);
  requireRecipient(caller, d);
  const subject = callerSubject(caller);
  const k = key(ctx, ObjectType.spend, req.spendId);
  if (await keyExists(ctx, k)) {
    throw errors.spendExists(`spend ${req.spendId} exists already`);
  }
  if (d.status !== 'paid') {
    throw errors.disbursementNotPaid(`disbursement ${d.disbursementId} is ${d.status}, not paid`);
  }
  const amount = toFen(req.amount);
  const spent = await readTotal(ctx, 'disbursement', d.disbursementId);
  const paid = toFen(d.amount);
  if (spent.total + amount > paid) {
    throw errors.exceedsDisbursement(`spending ${req.amount} would exceed disbursement ${d.disbursementId}`, {
      disbursement: d.amount,
      spent: fen(spent.total),
      remaining: fen(paid - spent.total),
    });
  }
  const program = await loadProgram(ctx, d.programId);
  const self = { kind: 'spend', id: req.spendId } as const;
  const alerts = await enforceRules(ctx, program, d.mspId, [
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
    recordedBy: subject.pid,
    recordedByMspId: subject.mspId,
  };
  await writeJson(ctx, k, spend);
  await protectRecord(ctx, k, subject.mspId);
  const newTotal = spent.total + amount;
  await writeTotal(ctx, { total: newTotal, count: spent.count + 1 }, 'disbursement', d.disbursementId);
  await writeIndex(ctx, ObjectType.spendByDisbursement, d.disbursementId, spend.spendId);
  if (newTotal === paid && program.rules.unspent.mode !== 'off' && d.paidAt !== undefined) {
    // fully spent: the unspent sweep has nothing left to check for this disbursement
    const due = oldestFirst(unspentDueMs(program, d.paidAt));
    await deleteIndex(ctx, ObjectType.unspentDue, d.programId, due, d.disbursementId);
  }
  emitWithAlerts(
    ctx,
    spend.programId,
    EventName.SpendRecorded,
    {
      programId: spend.programId,
      allocationId: spend.allocationId,
      disbursementId: spend.disbursementId,
      mspId: d.mspId,
      dept: d.dept,
      recipientMspId: d.recipientMspId,
      recipientPid: d.recipientPid,
      spendId: spend.spendId,
      amount: spend.amount,
      category: spend.category,
      alerts,
    },
    alerts,
  );
  return { spend, alerts };
}
