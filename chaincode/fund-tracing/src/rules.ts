/**
 * Early-warning rules, each in one place, evaluated inside the transaction
 * that causes them. A rule in `block` mode refuses what the transaction asked
 * for: nothing of it is written, but the refused attempt and a high-severity
 * alert are (refusal.ts); in `warn` mode the transaction goes through and an
 * alert is recorded; in `off` mode the rule is not evaluated at all.
 */
import type { Context } from 'fabric-contract-api';
import { txTimeMs } from '@govledger/chaincode-common';
import { raiseAlerts, type Violation } from './alert';
import { recordable } from './refusal';
import type { ErrorFactory, Subject } from '@govledger/chaincode-common';
import { errors } from './errors';
import { ObjectType, fromNewestFirst, scanKeys } from './keys';
import type { AlertSummary, Program, RecordRef, RuleId } from './model';
import { fen, toFen } from './money';
import { unspentPeriodMs, type RuleMode } from './schemas';

/** A finding of one of the program's early-warning rules. */
export type RuleViolation = Violation & { rule: RuleId };

/** The refusal of each rule that can block. */
export const BLOCK: Record<Exclude<RuleId, 'unspent'>, ErrorFactory> = {
  afterEnd: errors.programEnded,
  category: errors.spendCategoryNotAllowed,
  recipientCap: errors.recipientCapExceeded,
  splitPayment: errors.splitPaymentSuspected,
};

/** The program's mode for a rule. */
export function modeOf(program: Program, rule: RuleId): RuleMode {
  return program.rules[rule].mode;
}

/**
 * The co-signature rule (not an early warning: it always applies): a
 * disbursement above the program's threshold stays pending until a second
 * organisation co-signs it.
 */
export function needsCoSignature(program: Program, amount: bigint): boolean {
  return amount > toFen(program.coSign.threshold);
}

const MS_PER_HOUR = 3_600_000;

/** Rule `afterEnd`: money moves (allocation, disbursement, co-signature, spend) after the program's end date. */
export function afterEndViolation(
  program: Program,
  nowMs: number,
  records: RecordRef[],
): RuleViolation | undefined {
  if (modeOf(program, 'afterEnd') === 'off' || nowMs <= Date.parse(program.endDate)) return undefined;
  return {
    rule: 'afterEnd',
    message: `activity on ${records[records.length - 1]?.kind ?? 'program'} after the program's end date ${program.endDate}`,
    records,
    details: { endDate: program.endDate, at: new Date(nowMs).toISOString() },
  };
}

/** Rule `category`: a spend in a category the program does not allow. */
export function spendCategoryViolation(
  program: Program,
  category: string,
  records: RecordRef[],
): RuleViolation | undefined {
  if (modeOf(program, 'category') === 'off' || program.categories.includes(category)) return undefined;
  return {
    rule: 'category',
    message: `spend category ${category} is not one of the program's categories`,
    records,
    details: { category, allowed: program.categories.join(',') },
  };
}

/**
 * Rule `recipientCap`: the recipient's total in the program (pending and paid)
 * would pass the cap. `newTotal` is that total with the new disbursement, or
 * undefined when the recipient's tranches (tranche.ts) proved it stays within
 * the cap without reading them all.
 */
export function recipientCapViolation(
  program: Program,
  recipient: Subject,
  newTotal: bigint | undefined,
  records: RecordRef[],
): RuleViolation | undefined {
  const rule = program.rules.recipientCap;
  if (rule.mode === 'off' || newTotal === undefined || newTotal <= toFen(rule.cap)) return undefined;
  return {
    rule: 'recipientCap',
    message: `recipient total ${fen(newTotal)} passes the per-recipient cap ${rule.cap}`,
    records,
    details: {
      recipientMspId: recipient.mspId,
      recipientPid: recipient.pid,
      cap: rule.cap,
      total: fen(newTotal),
    },
  };
}

/** True when the amount is at or just under the split-payment threshold (within marginPercent). */
export function isNearThreshold(program: Program, amount: bigint): boolean {
  const rule = program.rules.splitPayment;
  if (rule.mode === 'off') return false;
  const threshold = toFen(rule.threshold);
  const lower = threshold - (threshold * BigInt(rule.marginPercent)) / 100n;
  return amount >= lower && amount <= threshold;
}

/**
 * Rule `splitPayment`: the current near-threshold disbursement makes `count`
 * such disbursements to one recipient within the window. Reads the recipient's
 * near-threshold index newest first and stops at the window's start or after
 * count-1 entries, so its work is bounded by the rule's count.
 */
export async function splitPaymentViolation(
  ctx: Context,
  program: Program,
  recipient: Subject,
  amount: bigint,
  current: RecordRef,
): Promise<RuleViolation | undefined> {
  const rule = program.rules.splitPayment;
  if (!isNearThreshold(program, amount)) return undefined;
  const nowMs = txTimeMs(ctx);
  const windowStart = nowMs - rule.windowHours * MS_PER_HOUR;
  const earlier: RecordRef[] = [];
  const prefix = [program.programId, recipient.mspId, recipient.pid];
  await scanKeys(ctx, ObjectType.nearThreshold, prefix, (attrs) => {
    const at = fromNewestFirst(attrs[3] as string);
    if (at < windowStart) return false;
    earlier.push({ kind: 'disbursement', id: attrs[4] as string });
    return earlier.length < rule.count - 1;
  });
  if (earlier.length + 1 < rule.count) return undefined;
  return {
    rule: 'splitPayment',
    message:
      `${earlier.length + 1} disbursements to one recipient within ${rule.windowHours} h, ` +
      `each at or just under the threshold ${rule.threshold}`,
    records: [...earlier.reverse(), current],
    details: {
      recipientMspId: recipient.mspId,
      recipientPid: recipient.pid,
      threshold: rule.threshold,
      windowHours: rule.windowHours,
      count: rule.count,
    },
  };
}

/** The due time of the unspent-funds check of a disbursement paid at `paidAt`. */
export function unspentDueMs(program: Program, paidAt: string): number {
  return Date.parse(paidAt) + unspentPeriodMs(program.rules.unspent);
}

/**
 * Applies the program's modes to the violations found: refuses with the first
 * blocking rule's code (details list every violation) as a recordable refusal
 * (the caller's transaction records the attempt and a high-severity alert owned
 * by `owner`), or records an alert for each warning, owned by `owner` (the
 * organisation accountable for the records), and returns their summaries.
 */
export async function enforceRules(
  ctx: Context,
  program: Program,
  owner: string,
  found: ReadonlyArray<RuleViolation | undefined>,
): Promise<AlertSummary[]> {
  const violations = found.filter((v): v is RuleViolation => v !== undefined);
  const blocking = violations.find((v) => modeOf(program, v.rule) === 'block');
  if (blocking) {
    const error = BLOCK[blocking.rule as Exclude<RuleId, 'unspent'>](blocking.message, {
      violations: violations.map((v) => ({
        rule: v.rule,
        mode: modeOf(program, v.rule),
        details: v.details,
      })),
    });
    throw recordable(error, { programId: program.programId, owner, violation: blocking });
  }
  return raiseAlerts(
    ctx,
    program.programId,
    violations.map((v) => ({ ...v, owner })),
  );
}
