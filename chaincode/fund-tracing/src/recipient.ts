/**
 * Recipients: registered in a program by an implementing department (one that
 * holds an allocation in it), by pseudonymous id, with the keyed hashes
 * (HMAC-SHA-256 under the paying organisations' off-ledger key, wire AccountHash) of
 * their approved account numbers. Only payments to an approved account pass.
 */
import type { Context } from 'fabric-contract-api';
import {
  emitEvent,
  getCaller,
  keyExists,
  protectRecord,
  readJson,
  type Subject,
  requireAnyDept,
  requireRole,
  txTimeIso,
  writeJson,
} from '@govledger/chaincode-common';
import { actorOf, deptOf, recipientOf } from './authz';
import { errors } from './errors';
import { ObjectType, anyKey, key } from './keys';
import type { Recipient } from './model';
import { loadProgram, requireOpen } from './program';
import { Limits, type RegisterRecipientRequest, type UpdateRecipientAccountsRequest } from './schemas';

/** The key of a recipient of a program: the program and the subject (home MSP, pid). */
export function recipientKey(ctx: Context, programId: string, who: Subject): string {
  return key(ctx, ObjectType.recipient, programId, who.mspId, who.pid);
}

/** Reads a recipient (home MSP, pid) of a program or refuses with RECIPIENT_NOT_FOUND. */
export async function loadRecipient(ctx: Context, programId: string, who: Subject): Promise<Recipient> {
  const recipient = await readJson<Recipient>(ctx, recipientKey(ctx, programId, who));
  if (recipient === undefined) {
    throw errors.recipientNotFound(
      `recipient ${who.pid} of ${who.mspId} in program ${programId} does not exist`,
    );
  }
  return recipient;
}

/** RegisterRecipient: an officer of a department holding an allocation in the program registers a recipient. */
export async function registerRecipient(ctx: Context, req: RegisterRecipientRequest): Promise<Recipient> {
  const caller = getCaller(ctx);
  requireRole(caller, 'officer');
  const dept = requireAnyDept(caller);
  const program = await loadProgram(ctx, req.programId);
  if (!(await anyKey(ctx, ObjectType.allocationByDept, [program.programId, caller.mspId, dept]))) {
    throw errors.notImplementingDepartment(
      `${dept} of ${caller.mspId} holds no allocation in program ${program.programId}`,
    );
  }
  const k = recipientKey(ctx, program.programId, recipientOf(req));
  if (await keyExists(ctx, k)) {
    throw errors.recipientExists(
      `recipient ${req.recipientPid} of ${req.recipientMspId} is registered in program ${program.programId} already`,
    );
  }
  requireOpen(program);
  const now = txTimeIso(ctx);
  const recipient: Recipient = {
    programId: program.programId,
    recipientMspId: req.recipientMspId,
    recipientPid: req.recipientPid,
    kind: req.kind,
    accountHashes: req.accountHashes,
    registeredBy: actorOf(caller),
    registeredAt: now,
    updatedAt: now,
  };
  await writeJson(ctx, k, recipient);
  await protectRecord(ctx, k, caller.mspId);
  emitEvent(ctx, 'RecipientRegistered', {
    programId: recipient.programId,
    recipientMspId: recipient.recipientMspId,
    recipientPid: recipient.recipientPid,
    kind: recipient.kind,
    accountCount: recipient.accountHashes.length,
    registeredBy: deptOf(recipient.registeredBy),
  });
  return recipient;
}

/** UpdateRecipientAccounts: the registering department approves new account hashes or withdraws some. */
export async function updateRecipientAccounts(
  ctx: Context,
  req: UpdateRecipientAccountsRequest,
): Promise<Recipient> {
  const caller = getCaller(ctx);
  requireRole(caller, 'officer');
  const recipient = await loadRecipient(ctx, req.programId, recipientOf(req));
  if (caller.mspId !== recipient.registeredBy.mspId || caller.dept !== recipient.registeredBy.dept) {
    throw errors.departmentMismatch(
      `recipient ${recipient.recipientPid} was registered by ${recipient.registeredBy.dept ?? '?'} of ` +
        `${recipient.registeredBy.mspId}`,
    );
  }
  requireOpen(await loadProgram(ctx, req.programId));
  const unknown = req.remove.filter((h) => !recipient.accountHashes.includes(h));
  if (unknown.length > 0) {
    throw errors.accountNotApproved('cannot withdraw an account that is not approved', {
      accountHashes: unknown,
    });
  }
  const kept = recipient.accountHashes.filter((h) => !req.remove.includes(h));
  const accountHashes = [...kept, ...req.add.filter((h) => !kept.includes(h))];
  if (accountHashes.length > Limits.maxAccounts) {
    throw errors.tooManyAccounts(`a recipient has at most ${Limits.maxAccounts} approved accounts`);
  }
  const updated: Recipient = { ...recipient, accountHashes, updatedAt: txTimeIso(ctx) };
  await writeJson(ctx, recipientKey(ctx, recipient.programId, recipientOf(recipient)), updated);
  emitEvent(ctx, 'RecipientAccountsUpdated', {
    programId: updated.programId,
    recipientMspId: updated.recipientMspId,
    recipientPid: updated.recipientPid,
    accountCount: accountHashes.length,
    registeredBy: deptOf(updated.registeredBy),
  });
  return updated;
}
