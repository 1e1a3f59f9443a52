/**
 * The licence type registry. A type is owned by the jurisdiction whose admin
 * created it (the caller's own organisation: nobody creates a type in another's
 * name); only that jurisdiction's admins may change it, and a change needs a
 * peer of the owner and of one other organisation (protectRecord).
 */
import type { Context } from 'fabric-contract-api';
import {
  emitEvent,
  getCaller,
  keyExists,
  readPage,
  protectRecord,
  txTimeIso,
  writeJson,
  type Page,
} from '@govledger/chaincode-common';
import { requireAdmin, requireTypeOwner } from './authz';
import { errors } from './errors';
import { ELicenceEvent, type LicenceType } from './model';
import { requireLicensingCity } from './licensing-authority';
import type {
  CreateLicenceTypeRequest,
  GetLicenceTypeRequest,
  ListLicenceTypesRequest,
  UpdateLicenceTypeRequest,
} from './schemas';
import { ObjectType, typeKey } from './keys';
import { loadType } from './queries';
import { requireValidApprovalRules } from './auto-approval';

/** Creates a licence type owned by the caller's organisation (role admin). */
export async function createLicenceType(ctx: Context, req: CreateLicenceTypeRequest): Promise<LicenceType> {
  const caller = getCaller(ctx);
  requireAdmin(caller);
  await requireLicensingCity(ctx, caller.mspId);
  const key = typeKey(ctx, req.code);
  if (await keyExists(ctx, key)) {
    throw errors.typeAlreadyExists(`licence type ${req.code} exists already`);
  }
  const now = txTimeIso(ctx);
  const type: LicenceType = {
    code: req.code,
    name: req.name,
    ownerMsp: caller.mspId,
    dept: req.dept,
    holderKind: req.holderKind,
    validity: req.validity,
    claims: req.claims,
    requiredApprovals: req.requiredApprovals,
    autoApprovals: req.autoApprovals ?? [],
    decisionDeadlines: req.decisionDeadlines ?? [],
    status: 'active',
    createdAt: now,
    updatedAt: now,
    revision: 1,
  };
  requireValidApprovalRules(type);
  await writeJson(ctx, key, type);
  await protectRecord(ctx, key, type.ownerMsp);
  emitEvent(ctx, ELicenceEvent.LicenceTypeCreated, {
    facts: [ELicenceEvent.LicenceTypeCreated],
    code: type.code,
    ownerMsp: type.ownerMsp,
    dept: type.dept,
    revision: type.revision,
  });
  return type;
}

/** Changes a type's name, validity rule, claims, required approvals or status (owner's admin). */
export async function updateLicenceType(ctx: Context, req: UpdateLicenceTypeRequest): Promise<LicenceType> {
  const caller = getCaller(ctx);
  requireAdmin(caller);
  const type = await loadType(ctx, req.code);
  requireTypeOwner(caller, type);
  const changed: string[] = [];
  const next: LicenceType = { ...type };
  if (req.name !== undefined) {
    next.name = req.name;
    changed.push('name');
  }
  if (req.validity !== undefined) {
    next.validity = req.validity;
    changed.push('validity');
  }
  if (req.claims !== undefined) {
    next.claims = req.claims;
    changed.push('claims');
  }
  if (req.requiredApprovals !== undefined) {
    next.requiredApprovals = req.requiredApprovals;
    changed.push('requiredApprovals');
  }
  if (req.status !== undefined) {
    next.status = req.status;
    changed.push('status');
  }
  next.autoApprovals = type.autoApprovals ?? [];
  next.decisionDeadlines = type.decisionDeadlines ?? [];
  if (req.autoApprovals !== undefined) {
    next.autoApprovals = req.autoApprovals;
    changed.push('autoApprovals');
  }
  if (req.decisionDeadlines !== undefined) {
    next.decisionDeadlines = req.decisionDeadlines;
    changed.push('decisionDeadlines');
  }
  requireValidApprovalRules(next);
  next.updatedAt = txTimeIso(ctx);
  next.revision = type.revision + 1;
  await writeJson(ctx, typeKey(ctx, type.code), next);
  emitEvent(ctx, ELicenceEvent.LicenceTypeUpdated, {
    facts: [ELicenceEvent.LicenceTypeUpdated],
    code: next.code,
    ownerMsp: next.ownerMsp,
    dept: next.dept,
    revision: next.revision,
    changed,
    status: next.status,
  });
  return next;
}

/** Reads a licence type (any member). */
export function getLicenceType(ctx: Context, req: GetLicenceTypeRequest): Promise<LicenceType> {
  return loadType(ctx, req.code);
}

/** Lists every licence type in code order, one page at a time (any member). */
export async function listLicenceTypes(
  ctx: Context,
  req: ListLicenceTypesRequest,
): Promise<Page<LicenceType>> {
  const page = await readPage<LicenceType>(ctx, ObjectType.LicenceType, [], req.pageSize, req.bookmark);
  return { records: page.records.map((r) => r.value), bookmark: page.bookmark, fetched: page.fetched };
}
