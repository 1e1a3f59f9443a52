/**
 * Rule `unspent`: money paid out but not fully spent a set number of days after
 * payment. When a disbursement is paid it joins a per-program queue keyed by
 * its due time; SweepUnspent (anyone may call it) takes the due entries from the
 * head of the queue, at most `limit` per call, raises an alert for each one
 * that still has money left, and removes them from the queue. The queue itself
 * is the cursor: handled entries leave it, so the next call continues where
 * this one stopped, and no disbursement is alerted twice.
 */
import type { Context } from 'fabric-contract-api';
import { deleteIndex, emitEvent, txTimeMs } from '@govledger/chaincode-common';
import { emitWithAlerts, raiseAlerts, type OwnedViolation } from './alert';
import { loadDisbursement } from './disbursement';
import type { SweepResult } from './model';
import { fen, toFen } from './money';
import { loadProgram } from './program';
import { EventName, type SweepUnspentRequest } from './schemas';
import { ObjectType, readTotal, scanKeys } from './keys';

/** SweepUnspent: raise the unspent-funds alerts that are due at the transaction time. */
export async function sweepUnspent(ctx: Context, req: SweepUnspentRequest): Promise<SweepResult> {
  const program = await loadProgram(ctx, req.programId);
  const nowMs = txTimeMs(ctx);
  const rule = program.rules.unspent;
  const due: Array<{ dueKey: string; disbursementId: string }> = [];
  let more = false;
  if (rule.mode !== 'off') {
    await scanKeys(ctx, ObjectType.unspentDue, [program.programId], (attrs) => {
      const dueKey = attrs[1] as string;
      if (Number(dueKey) > nowMs) return false;
      if (due.length >= req.limit) {
        more = true;
        return false;
      }
      due.push({ dueKey, disbursementId: attrs[2] as string });
      return true;
    });
  }
  const violations: OwnedViolation[] = [];
  for (const entry of due) {
    const d = await loadDisbursement(ctx, entry.disbursementId);
    const spent = await readTotal(ctx, 'disbursement', d.disbursementId);
    const left = toFen(d.amount) - spent.total;
    if (left > 0n) {
      violations.push({
        rule: 'unspent',
        message: `${fen(left)} of disbursement ${d.disbursementId} is unspent ${periodText(rule)} after payment`,
        records: [
          { kind: 'allocation', id: d.allocationId },
          { kind: 'disbursement', id: d.disbursementId },
        ],
        owner: d.mspId,
        details: {
          recipientMspId: d.recipientMspId,
          recipientPid: d.recipientPid,
          amount: d.amount,
          spent: fen(spent.total),
          unspent: fen(left),
          paidAt: d.paidAt ?? '',
          days: rule.days,
          minutes: rule.minutes ?? 0,
        },
      });
    }
    await deleteIndex(ctx, ObjectType.unspentDue, program.programId, entry.dueKey, entry.disbursementId);
  }
  const alerts = await raiseAlerts(ctx, program.programId, violations);
  const result: SweepResult = { programId: program.programId, processed: due.length, alerts, more };
  const swept = { ...result, ownerMspId: program.ownerMspId };
  if (alerts.length > 0) emitWithAlerts(ctx, program.programId, EventName.UnspentSwept, swept, alerts);
  else if (due.length > 0) emitEvent(ctx, EventName.UnspentSwept, swept);
  return result;
}

/** The rule's period in words, e.g. `90 days` or `0 days 2 minutes`. */
function periodText(rule: { days: number; minutes?: number }): string {
  return rule.minutes ? `${rule.days} days ${rule.minutes} minutes` : `${rule.days} days`;
}
