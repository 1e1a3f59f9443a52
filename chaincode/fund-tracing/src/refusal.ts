/**
 * Refused attempts. A payment refused by a rule in block mode, by its
 * allocation (it would exceed it) or by its account (not an approved account
 * of the recipient) is not an error that leaves nothing behind: the
 * transaction commits the attempt (who, what, amount, the rule and the reason)
 * and a high-severity alert for the supervisors, and returns a
 * {@link Refusal} instead of the record it asked for. Nothing else it asked
 * for is written, so balances and totals are untouched. Fabric keeps the writes
 * only of a transaction that succeeds, hence a result rather than a throw; the
 * gateway answers it as a refusal with the code and the alert id.
 */
import type { Context } from 'fabric-contract-api';
import {
  ChaincodeError,
  getCaller,
  newestFirst,
  protectRecord,
  txTimeIso,
  txTimeMs,
  writeIndex,
  writeJson,
} from '@govledger/chaincode-common';
import { emitWithAlerts, raiseAlerts, type Violation } from './alert';
import { actorOf, deptOf } from './authz';
import { ObjectType, key } from './keys';
import type { RefusedAttempt, Refusal, RefusedTransaction } from './model';
import { EventName } from './schemas';

/** What a recordable refusal knows about the attempt: its program, the accountable organisation, the finding. */
export interface RefusalContext {
  programId: string;
  /** The organisation accountable for the records (it owns the alert; its auditors handle it). */
  owner: string;
  /** The rule (or refusal kind), message, records (the attempted one last) and details. */
  violation: Violation;
}

/**
 * A refusal that the transactions wrapped by {@link recordingRefusals} record
 * instead of throwing. It is a ChaincodeError with the same code, status and
 * message, so a domain function called on its own still refuses as before.
 */
export class RecordableRefusal extends ChaincodeError {
  /** What to record. */
  readonly context: RefusalContext;

  constructor(error: ChaincodeError, context: RefusalContext) {
    super(error.code, error.status, error.reason, error.details);
    this.name = 'RecordableRefusal';
    this.context = context;
  }
}

/** Marks a refusal as one to record (see {@link RecordableRefusal}). */
export function recordable(error: ChaincodeError, context: RefusalContext): RecordableRefusal {
  return new RecordableRefusal(error, context);
}

/** What the request asked for, as far as the attempt record keeps it. */
export interface AttemptRequest {
  amount?: string;
  category?: string;
}

/**
 * Runs a write; when it refuses with a {@link RecordableRefusal}, records the
 * attempt and its alert and returns the {@link Refusal} (the refusing code ran
 * before any write, so nothing else is written). Other refusals are thrown.
 */
export async function recordingRefusals<T>(
  ctx: Context,
  transaction: RefusedTransaction,
  request: AttemptRequest,
  run: () => Promise<T>,
): Promise<T | Refusal> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof RecordableRefusal)) throw err;
    return recordRefusal(ctx, transaction, request, err);
  }
}

async function recordRefusal(
  ctx: Context,
  transaction: RefusedTransaction,
  request: AttemptRequest,
  refusal: RecordableRefusal,
): Promise<Refusal> {
  const caller = getCaller(ctx);
  const attemptId = ctx.stub.getTxID();
  const { programId, owner, violation } = refusal.context;
  const details: Record<string, string | number> = {
    ...violation.details,
    transaction,
    code: refusal.code,
    byMspId: caller.mspId,
  };
  if (caller.dept) details.byDept = caller.dept;
  if (request.amount !== undefined) details.amount = request.amount;
  if (request.category !== undefined) details.category = request.category;
  const [alert] = await raiseAlerts(ctx, programId, [
    {
      ...violation,
      message: `${transaction} refused (${refusal.code}): ${violation.message}`,
      details,
      owner,
      attemptId,
    },
  ]);
  const attempt: RefusedAttempt = {
    attemptId,
    transaction,
    programId,
    by: actorOf(caller),
    records: violation.records,
    rule: violation.rule,
    code: refusal.code,
    reason: refusal.reason,
    alertId: alert.alertId,
    at: txTimeIso(ctx),
  };
  if (caller.pid) attempt.subject = { mspId: caller.mspId, pid: caller.pid };
  if (request.amount !== undefined) attempt.amount = request.amount;
  if (request.category !== undefined) attempt.category = request.category;
  if (refusal.details !== undefined) attempt.details = refusal.details;
  const k = key(ctx, ObjectType.refusedAttempt, attemptId);
  await writeJson(ctx, k, attempt);
  await protectRecord(ctx, k, owner);
  await writeIndex(ctx, ObjectType.refusedByProgram, programId, newestFirst(txTimeMs(ctx)), attemptId);
  emitWithAlerts(
    ctx,
    programId,
    EventName.PaymentRefused,
    {
      attemptId,
      transaction,
      programId,
      ownerMspId: owner,
      by: deptOf(actorOf(caller)),
      code: refusal.code,
      rule: violation.rule,
      alertId: alert.alertId,
    },
    [alert],
  );
  return {
    outcome: 'refused',
    code: refusal.code,
    status: refusal.status,
    message: refusal.reason,
    alertId: alert.alertId,
    attempt,
  };
}
