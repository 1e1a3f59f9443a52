/**
 * Recipients: registered in a program by an implementing department (one that
 * holds an allocation in it), by pseudonymous id, with the SHA-256 hashes of
 * their approved account numbers. Only payments to an approved account pass.
 */
import type { Context } from 'fabric-contract-api';
import {
  alreadyExists,
  emitEvent,
  forbidden,
  getCaller,
  keyExists,
  mustReadJson,
  readPage,
  requireAnyDept,
  requireRole,
  txTimeIso,
  writeJson,
} from '@govledger/chaincode-common';
import { actorOf, requireStaff, requireStaffOrRecipient } from './access';
import { conflictWith, FundErrorCode } from './errors';
import type { Recipient } from './model';
import { loadProgram, requireOpen } from './program';
import {
  Limits,
  type GetRecipientInput,
  type ListRecipientsInput,
  type RegisterRecipientInput,
  type UpdateRecipientAccountsInput,
} from './schemas';
import { ObjectType, anyKey, key } from './state';

/** Reads a recipient of a program or refuses with RECIPIENT_NOT_FOUND. */
export async function loadRecipient(
  ctx: Context,
  programId: string,
  recipientPid: string,
): Promise<Recipient> {
  return mustReadJson<Recipient>(
    ctx,
    key(ctx, ObjectType.recipient, programId, recipientPid),
    `recipient ${recipientPid} in program ${programId}`,
    FundErrorCode.RecipientNotFound,
  );
}

/** RegisterRecipient: an officer of a department holding an allocation in the program registers a recipient. */
export async function registerRecipient(ctx: Context, req: RegisterRecipientInput): Promise<Recipient> {
  const caller = getCaller(ctx);
  requireRole(caller, 'officer');
  const dept = requireAnyDept(caller);
  const program = await loadProgram(ctx, req.programId);
  if (!(await anyKey(ctx, ObjectType.allocationByDept, [program.programId, caller.mspId, dept]))) {
    throw forbidden(
      `${dept} of ${caller.mspId} holds no allocation in program ${program.programId}`,
      FundErrorCode.NotImplementingDepartment,
    );
  }
  const k = key(ctx, ObjectType.recipient, program.programId, req.recipientPid);
  if (await keyExists(ctx, k)) {
    throw alreadyExists(
      `recipient ${req.recipientPid} is registered in program ${program.programId} already`,
      FundErrorCode.RecipientExists,
    );
  }
  requireOpen(program);
  const now = txTimeIso(ctx);
  const recipient: Recipient = {
    programId: program.programId,
    recipientPid: req.recipientPid,
    kind: req.kind,
    accountHashes: req.accountHashes,
    registeredBy: actorOf(caller),
    registeredAt: now,
    updatedAt: now,
  };
  await writeJson(ctx, k, recipient);
  emitEvent(ctx, 'RecipientRegistered', {
    programId: recipient.programId,
    recipientPid: recipient.recipientPid,
    kind: recipient.kind,
    accountCount: recipient.accountHashes.length,
  });
  return recipient;
}

/** UpdateRecipientAccounts: the registering department approves new account hashes or withdraws some. */
export async function updateRecipientAccounts(
  ctx: Context,
  req: UpdateRecipientAccountsInput,
): Promise<Recipient> {
  const caller = getCaller(ctx);
  requireRole(caller, 'officer');
  const recipient = await loadRecipient(ctx, req.programId, req.recipientPid);
  if (caller.mspId !== recipient.registeredBy.mspId || caller.dept !== recipient.registeredBy.dept) {
    throw forbidden(
      `recipient ${recipient.recipientPid} was registered by ${recipient.registeredBy.dept ?? '?'} of ` +
        `${recipient.registeredBy.mspId}`,
      FundErrorCode.DepartmentMismatch,
    );
  }
  requireOpen(await loadProgram(ctx, req.programId));
  const unknown = req.remove.filter((h) => !recipient.accountHashes.includes(h));
  if (unknown.length > 0) {
    throw conflictWith(FundErrorCode.AccountNotApproved, 'cannot withdraw an account that is not approved', {
      accountHashes: unknown,
    });
  }
  const kept = recipient.accountHashes.filter((h) => !req.remove.includes(h));
  const accountHashes = [...kept, ...req.add.filter((h) => !kept.includes(h))];
  if (accountHashes.length > Limits.maxAccounts) {
    throw conflictWith(
      FundErrorCode.TooManyAccounts,
      `a recipient has at most ${Limits.maxAccounts} approved accounts`,
    );
  }
  const updated: Recipient = { ...recipient, accountHashes, updatedAt: txTimeIso(ctx) };
  await writeJson(ctx, key(ctx, ObjectType.recipient, recipient.programId, recipient.recipientPid), updated);
  emitEvent(ctx, 'RecipientAccountsUpdated', {
    programId: updated.programId,
    recipientPid: updated.recipientPid,
    accountCount: accountHashes.length,
  });
  return updated;
}

/** GetRecipient: staff, or the recipient itself. */
export async function getRecipient(ctx: Context, req: GetRecipientInput): Promise<Recipient> {
  requireStaffOrRecipient(getCaller(ctx), req.recipientPid);
  return loadRecipient(ctx, req.programId, req.recipientPid);
}

/** ListRecipients: a program's recipients, by pseudonymous id (paginated; staff only). */
export async function listRecipients(
  ctx: Context,
  req: ListRecipientsInput,
): Promise<{ records: Recipient[]; bookmark: string }> {
  requireStaff(getCaller(ctx));
  const page = await readPage<Recipient>(
    ctx,
    ObjectType.recipient,
    [req.programId],
    req.pageSize,
    req.bookmark,
  );
  return { records: page.records.map((r) => r.value), bookmark: page.bookmark };
}
