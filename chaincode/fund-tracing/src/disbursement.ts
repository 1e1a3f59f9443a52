/**
 * Disbursements: an implementing department pays a registered recipient from
 * its allocation, to an approved account, for one of the program's categories.
 * Above the program's co-signature threshold the payment stays pending (its
 * amount is reserved in the allocation) until an officer of a second
 * organisation co-signs it; only then does it count as paid and can be spent.
 */
import type { Context } from 'fabric-contract-api';
import {
  deleteIndex,
  emitEvent,
  getCaller,
  hasRole,
  keyExists,
  newestFirst,
  oldestFirst,
  protectRecord,
  readJson,
  requireRole,
  txTimeIso,
  txTimeMs,
  writeIndex,
  writeJson,
} from '@govledger/chaincode-common';
import { emitWithAlerts } from './alert';
import { actorOf, deptOf, recipientOf, requireAllocationHolder, requireCoSigner } from './authz';
import { loadAllocation } from './allocation';
import { errors } from './errors';
import { ObjectType, key } from './keys';
import type { Disbursement, DisbursementResult, Program, RecordRef } from './model';
import { fen, toFen } from './money';
import { loadProgram, requireOpen } from './program';
import { loadRecipient } from './recipient';
import { recordable } from './refusal';
import {
  afterEndViolation,
  enforceRules,
  isNearThreshold,
  needsCoSignature,
  recipientCapViolation,
  splitPaymentViolation,
  unspentDueMs,
} from './rules';
import {
  EventName,
  type CoSignDisbursementRequest,
  type DisburseRequest,
  type RejectDisbursementRequest,
} from './schemas';
import { allocationTranches, commitDraws, planDraw, recipientTranches, releaseDraws } from './tranche';

/** Reads a disbursement or refuses with DISBURSEMENT_NOT_FOUND. */
export async function loadDisbursement(ctx: Context, disbursementId: string): Promise<Disbursement> {
  const d = await readJson<Disbursement>(ctx, key(ctx, ObjectType.disbursement, disbursementId));
  if (d === undefined) throw errors.disbursementNotFound(`disbursement ${disbursementId} does not exist`);
  return d;
}

function ref(disbursementId: string): RecordRef {
  return { kind: 'disbursement', id: disbursementId };
}

/** Puts a paid disbursement in the unspent-funds sweep queue, when the program runs that rule. */
async function enqueueUnspentCheck(
  ctx: Context,
  program: Program,
  d: Disbursement,
  paidAt: string,
): Promise<void> {
  if (program.rules.unspent.mode === 'off') return;
  const due = oldestFirst(unspentDueMs(program, paidAt));
  await writeIndex(ctx, ObjectType.unspentDue, program.programId, due, d.disbursementId);
}

/** Disburse: an officer of the allocation's department pays a recipient. */
export async function disburse(ctx: Context, req: DisburseRequest): Promise<DisbursementResult> {
  const caller = getCaller(ctx);
  requireRole(caller, 'officer');
  const allocation = await loadAllocation(ctx, req.allocationId);
  requireAllocationHolder(caller, allocation);
  const k = key(ctx, ObjectType.disbursement, req.disbursementId);
  if (await keyExists(ctx, k)) {
    throw errors.disbursementExists(`disbursement ${req.disbursementId} exists already`);
  }
  const program = await loadProgram(ctx, allocation.programId);
  requireOpen(program);
  const nowMs = txTimeMs(ctx);
  if (nowMs < Date.parse(program.startDate)) {
    throw errors.programNotStarted(`program ${program.programId} starts on ${program.startDate}`);
  }
  if (!program.categories.includes(req.category)) {
    throw errors.categoryNotInProgram(
      `category ${req.category} is not one of program ${program.programId}'s categories`,
      { allowed: program.categories },
    );
  }
  const who = recipientOf(req);
  const recipient = await loadRecipient(ctx, program.programId, who);
  const self = ref(req.disbursementId);
  const attempted: RecordRef[] = [{ kind: 'allocation', id: allocation.allocationId }, self];
  if (!recipient.accountHashes.includes(req.accountHash)) {
    const message = `the account is not an approved account of recipient ${who.pid} of ${who.mspId}`;
    throw recordable(errors.accountNotApproved(message), {
      programId: program.programId,
      owner: allocation.mspId,
      violation: {
        rule: 'unapprovedAccount',
        message,
        records: attempted,
        details: { recipientMspId: who.mspId, recipientPid: who.pid, accountHash: req.accountHash },
      },
    });
  }

  const amount = toFen(req.amount);
  const fromAllocation = await planDraw(
    ctx,
    allocationTranches(allocation.allocationId, allocation.mspId),
    toFen(allocation.amount),
    req.disbursementId,
    amount,
    { overflow: false },
  );
  if (fromAllocation.exceeds) {
    const disbursed = fromAllocation.before;
    const message = `disbursing ${req.amount} would exceed allocation ${allocation.allocationId}`;
    const balance = {
      allocation: allocation.amount,
      disbursed: fen(disbursed),
      remaining: fen(toFen(allocation.amount) - disbursed),
    };
    throw recordable(errors.exceedsAllocation(message, balance), {
      programId: program.programId,
      owner: allocation.mspId,
      violation: { rule: 'exceedsAllocation', message, records: attempted, details: balance },
    });
  }

  const cap = program.rules.recipientCap;
  const toRecipient =
    cap.mode === 'off'
      ? undefined
      : await planDraw(
          ctx,
          recipientTranches(program.programId, who),
          toFen(cap.cap),
          req.disbursementId,
          amount,
          { overflow: cap.mode === 'warn' },
        );
  const alerts = await enforceRules(ctx, program, allocation.mspId, [
    afterEndViolation(program, nowMs, [self]),
    toRecipient &&
      recipientCapViolation(program, who, toRecipient.exceeds ? toRecipient.before + amount : undefined, [
        self,
      ]),
    await splitPaymentViolation(ctx, program, who, amount, self),
  ]);

  const now = txTimeIso(ctx);
  const pending = needsCoSignature(program, amount);
  const disbursement: Disbursement = {
    disbursementId: req.disbursementId,
    programId: program.programId,
    allocationId: allocation.allocationId,
    mspId: allocation.mspId,
    dept: allocation.dept,
    recipientMspId: who.mspId,
    recipientPid: who.pid,
    recipientKind: recipient.kind,
    accountHash: req.accountHash,
    category: req.category,
    amount: req.amount,
    documentsHash: req.documentsHash,
    status: pending ? 'pending' : 'paid',
    createdAt: now,
    createdBy: actorOf(caller),
    coSignRequired: pending,
  };
  if (!pending) disbursement.paidAt = now;
  await writeJson(ctx, k, disbursement);
  await protectRecord(ctx, k, allocation.mspId);
  await commitDraws(
    ctx,
    disbursement.disbursementId,
    toRecipient ? [fromAllocation, toRecipient] : [fromAllocation],
    allocation.mspId,
  );
  await writeIndex(
    ctx,
    ObjectType.disbursementByAllocation,
    allocation.allocationId,
    disbursement.disbursementId,
  );
  await writeIndex(
    ctx,
    ObjectType.disbursementByRecipient,
    program.programId,
    who.mspId,
    who.pid,
    disbursement.disbursementId,
  );
  if (isNearThreshold(program, amount)) {
    await writeIndex(
      ctx,
      ObjectType.nearThreshold,
      program.programId,
      who.mspId,
      who.pid,
      newestFirst(nowMs),
      disbursement.disbursementId,
    );
  }
  if (pending)
    await writeIndex(ctx, ObjectType.pendingDisbursement, program.programId, disbursement.disbursementId);
  else await enqueueUnspentCheck(ctx, program, disbursement, now);

  emitWithAlerts(
    ctx,
    program.programId,
    EventName.DisbursementRecorded,
    {
      programId: program.programId,
      allocationId: allocation.allocationId,
      disbursementId: disbursement.disbursementId,
      mspId: disbursement.mspId,
      dept: disbursement.dept,
      recipientMspId: disbursement.recipientMspId,
      recipientPid: disbursement.recipientPid,
      amount: disbursement.amount,
      status: disbursement.status,
      alerts,
    },
    alerts,
  );
  return { disbursement, alerts };
}

function requirePending(d: Disbursement): void {
  if (d.status !== 'pending') {
    throw errors.disbursementNotPending(`disbursement ${d.disbursementId} is ${d.status}, not pending`);
  }
}

/** CoSignDisbursement: an officer of another organisation (as the program says) co-signs; the money counts as paid. */
export async function coSignDisbursement(
  ctx: Context,
  req: CoSignDisbursementRequest,
): Promise<DisbursementResult> {
  const caller = getCaller(ctx);
  const d = await loadDisbursement(ctx, req.disbursementId);
  const program = await loadProgram(ctx, d.programId);
  requireCoSigner(caller, program, d);
  requirePending(d);
  requireOpen(program);
  const alerts = await enforceRules(ctx, program, d.mspId, [
    afterEndViolation(program, txTimeMs(ctx), [ref(d.disbursementId)]),
  ]);

  const now = txTimeIso(ctx);
  const coSigned: NonNullable<Disbursement['coSigned']> = { at: now, by: actorOf(caller) };
  if (req.note !== undefined) coSigned.note = req.note;
  const disbursement: Disbursement = { ...d, status: 'paid', paidAt: now, coSigned };
  await writeJson(ctx, key(ctx, ObjectType.disbursement, d.disbursementId), disbursement);
  await deleteIndex(ctx, ObjectType.pendingDisbursement, d.programId, d.disbursementId);
  await enqueueUnspentCheck(ctx, program, disbursement, now);
  emitWithAlerts(
    ctx,
    d.programId,
    EventName.DisbursementCoSigned,
    {
      programId: d.programId,
      allocationId: d.allocationId,
      disbursementId: d.disbursementId,
      mspId: d.mspId,
      dept: d.dept,
      recipientMspId: d.recipientMspId,
      recipientPid: d.recipientPid,
      amount: d.amount,
      coSignedBy: deptOf(actorOf(caller)),
      alerts,
    },
    alerts,
  );
  return { disbursement, alerts };
}

/**
 * RejectDisbursement: an eligible co-signer refuses a pending disbursement, or
 * the disbursing department withdraws it; its amount returns to the allocation.
 */
export async function rejectDisbursement(
  ctx: Context,
  req: RejectDisbursementRequest,
): Promise<DisbursementResult> {
  const caller = getCaller(ctx);
  const d = await loadDisbursement(ctx, req.disbursementId);
  const program = await loadProgram(ctx, d.programId);
  const isHolder = hasRole(caller, 'officer') && caller.mspId === d.mspId && caller.dept === d.dept;
  if (!isHolder) requireCoSigner(caller, program, d);
  requirePending(d);

  const amount = toFen(d.amount);
  const totals = [allocationTranches(d.allocationId)];
  if (program.rules.recipientCap.mode !== 'off') totals.push(recipientTranches(d.programId, recipientOf(d)));
  await releaseDraws(ctx, d.disbursementId, amount, totals);
  if (isNearThreshold(program, amount)) {
    const t = newestFirst(Date.parse(d.createdAt));
    await deleteIndex(
      ctx,
      ObjectType.nearThreshold,
      d.programId,
      d.recipientMspId,
      d.recipientPid,
      t,
      d.disbursementId,
    );
  }
  await deleteIndex(ctx, ObjectType.pendingDisbursement, d.programId, d.disbursementId);
  const disbursement: Disbursement = {
    ...d,
    status: 'rejected',
    rejected: { at: txTimeIso(ctx), by: actorOf(caller), reason: req.reason },
  };
  await writeJson(ctx, key(ctx, ObjectType.disbursement, d.disbursementId), disbursement);
  emitEvent(ctx, 'DisbursementRejected', {
    programId: d.programId,
    allocationId: d.allocationId,
    disbursementId: d.disbursementId,
    mspId: d.mspId,
    dept: d.dept,
    recipientMspId: d.recipientMspId,
    recipientPid: d.recipientPid,
    amount: d.amount,
    rejectedBy: deptOf(actorOf(caller)),
    withdrawn: isHolder,
  });
  return { disbursement, alerts: [] };
}
