/**
 * Legal bases: a statutory duty that lets a department access a category of
 * data without the citizen's consent, recorded by that department's legal
 * officer with its statute reference. Every access on a legal basis is flagged
 * for audit.
 *
 * Data holders approve access to their data: a basis over a category held by
 * another organisation is recorded `pending` and allows nothing until an
 * officer of the holding department approves it (DecideLegalBasis, recorded
 * with who and when); a refusal is recorded the same way and is final.
 */
import type { Context } from 'fabric-contract-api';
import {
  deleteIndex,
  emitEvent,
  getCaller,
  isoToMs,
  keyExists,
  readIndexKeys,
  readJson,
  sha256Hex,
  stableStringify,
  txTimeIso,
  txTimeMs,
  writeIndex,
  writeJson,
} from '@govledger/chaincode-common';
import { loadActiveCategory, requireFieldsInCategory, sortedFields } from './catalogue';
import { errors } from './errors';
import type {
  LegalBasisApproval,
  LegalBasisRecord,
  LegalBasisState,
  LegalBasisTerms,
  LegalBasisView,
  PageResult,
} from './model';
import { callerDept, inDept, protectOwned, requireLegalOfficer, requireOfficer } from './authz';
import type {
  DecideLegalBasisRequest,
  GetLegalBasisRequest,
  ListLegalBasesRequest,
  RecordLegalBasisRequest,
  WithdrawLegalBasisRequest,
} from './schemas';
import { Obj, derivedId, lastAttribute, legalBasisKey, legalScope, readIndexPage } from './keys';
import { Limits } from './schemas';
import { loadLegalBasis } from './queries';

/** The hash of a legal basis: sha256 of the deterministic JSON of its terms. */
export function legalBasisHash(terms: LegalBasisTerms): string {
  return sha256Hex(stableStringify(terms));
}

/**
 * A legal basis's state at a time: withdrawn wins, then refused (by the holder),
 * then expired (now ≥ validUntil), then pending (the holder's approval), else active.
 */
export function legalBasisState(b: LegalBasisRecord, nowMs: number): LegalBasisState {
  if (b.status === 'withdrawn') return 'withdrawn';
  if (b.approval.status === 'refused') return 'refused';
  if (b.validUntil !== null && nowMs >= isoToMs(b.validUntil)) return 'expired';
  if (b.approval.status === 'pending') return 'pending';
  return 'active';
}

/** A legal basis with its computed state. */
export function legalBasisView(b: LegalBasisRecord, nowMs: number): LegalBasisView {
  return { ...b, state: legalBasisState(b, nowMs) };
}

/** The match-index attributes of a basis: grantee, category and scope ('*' or the citizen). */
export function legalMatchAttrs(b: Pick<LegalBasisTerms, 'grantee' | 'categoryCode' | 'citizen'>): string[] {
  return [b.grantee.mspId, b.grantee.dept, b.categoryCode, legalScope(b.citizen)];
}

/** True when a basis can never allow an access again (withdrawn, refused or expired). */
function isFinal(state: LegalBasisState): boolean {
  return state === 'withdrawn' || state === 'refused' || state === 'expired';
}

/** The approval a new basis starts with: none needed within the holder's own organisation. */
export function initialApproval(terms: Pick<LegalBasisTerms, 'grantee' | 'holder'>): LegalBasisApproval {
  return {
    status: terms.grantee.mspId === terms.holder.mspId ? 'not-required' : 'pending',
    decidedBy: null,
    decidedAt: null,
    note: null,
  };
}

/** Drops expired bases from a full match index; refuses when it is still full. */
async function ensureRoom(ctx: Context, attrs: string[], nowMs: number): Promise<void> {
  const keys = await readIndexKeys(ctx, Obj.LegalBasisMatch, attrs, Limits.maxLegalBasesPerScope);
  if (keys.length < Limits.maxLegalBasesPerScope) return;
  let live = keys.length;
  for (const attributes of keys) {
    const b = await readJson<LegalBasisRecord>(ctx, legalBasisKey(ctx, lastAttribute(attributes)));
    if (b === undefined || isFinal(legalBasisState(b, nowMs))) {
      await deleteIndex(ctx, Obj.LegalBasisMatch, ...attributes);
      live -= 1;
    }
  }
  if (live >= Limits.maxLegalBasesPerScope) {
    throw errors.tooManyLegalBases(
      `at most ${Limits.maxLegalBasesPerScope} live legal bases per department, category and scope`,
    );
  }
}

/** RecordLegalBasis: a legal officer records a statutory duty of their own department. */
export async function recordLegalBasis(ctx: Context, req: RecordLegalBasisRequest): Promise<LegalBasisView> {
  const caller = getCaller(ctx);
  const grantee = requireLegalOfficer(caller);
  const category = await loadActiveCategory(ctx, req.categoryCode);
  requireFieldsInCategory(category, req.fields);
  const nowMs = txTimeMs(ctx);
  if (req.validUntil !== undefined && isoToMs(req.validUntil) <= nowMs) {
    throw errors.invalidValidity('validUntil must be in the future', { field: 'validUntil' });
  }
  const legalBasisId = req.legalBasisId ?? derivedId(ctx, 'LB');
  const key = legalBasisKey(ctx, legalBasisId);
  if (await keyExists(ctx, key)) {
    throw errors.legalBasisExists(`legal basis ${legalBasisId} exists already`);
  }
  const now = txTimeIso(ctx);
  const terms: LegalBasisTerms = {
    legalBasisId,
    grantee,
    categoryCode: category.code,
    holder: category.holder,
    fields: sortedFields(req.fields),
    purpose: req.purpose,
    statuteReference: req.statuteReference,
    description: req.description ?? null,
    validFrom: req.validFrom,
    validUntil: req.validUntil ?? null,
    citizen: req.citizen ?? null,
    recordedAt: now,
  };
  const matchAttrs = legalMatchAttrs(terms);
  await ensureRoom(ctx, matchAttrs, nowMs);
  const record: LegalBasisRecord = {
    ...terms,
    hash: legalBasisHash(terms),
    status: 'active',
    approval: initialApproval(terms),
    recordedBy: caller.id,
    withdrawnAt: null,
    withdrawReason: null,
  };
  await writeJson(ctx, key, record);
  await protectOwned(ctx, key, caller, grantee.mspId);
  await writeIndex(ctx, Obj.LegalBasisMatch, ...matchAttrs, legalBasisId);
  await writeIndex(ctx, Obj.LegalBasisByDept, grantee.mspId, grantee.dept, legalBasisId);
  emitEvent(ctx, 'LegalBasisRecorded', {
    legalBasisId,
    grantee,
    categoryCode: record.categoryCode,
    purpose: record.purpose,
    statuteReference: record.statuteReference,
    citizen: record.citizen,
    holder: record.holder,
    approval: record.approval.status,
    hash: record.hash,
  });
  return legalBasisView(record, nowMs);
}

/** WithdrawLegalBasis: a legal officer of the recording department withdraws a basis (takes effect at once). */
export async function withdrawLegalBasis(
  ctx: Context,
  req: WithdrawLegalBasisRequest,
): Promise<LegalBasisView> {
  const caller = getCaller(ctx);
  requireLegalOfficer(caller);
  const current = await loadLegalBasis(ctx, req.legalBasisId);
  if (!inDept(caller, current.grantee)) {
    throw errors.deptMismatch(
      `only a legal officer of ${current.grantee.dept} of ${current.grantee.mspId} may withdraw ${req.legalBasisId}`,
    );
  }
  if (current.status === 'withdrawn') {
    throw errors.legalBasisWithdrawn(`legal basis ${req.legalBasisId} is withdrawn already`);
  }
  const record: LegalBasisRecord = {
    ...current,
    status: 'withdrawn',
    withdrawnAt: txTimeIso(ctx),
    withdrawReason: req.reason,
  };
  await writeJson(ctx, legalBasisKey(ctx, req.legalBasisId), record);
  await deleteIndex(ctx, Obj.LegalBasisMatch, ...legalMatchAttrs(current), req.legalBasisId);
  emitEvent(ctx, 'LegalBasisWithdrawn', {
    legalBasisId: record.legalBasisId,
    grantee: record.grantee,
    holder: record.holder,
    citizen: record.citizen,
    categoryCode: record.categoryCode,
    reason: req.reason,
  });
  return legalBasisView(record, txTimeMs(ctx));
}

/**
 * DecideLegalBasis: an officer of the department holding the data approves or
 * refuses a pending legal basis over it; the decision, the officer and the time
 * are recorded. Approval makes the basis usable; refusal is final.
 */
export async function decideLegalBasis(ctx: Context, req: DecideLegalBasisRequest): Promise<LegalBasisView> {
  const caller = getCaller(ctx);
  const dept = requireOfficer(caller);
  const current = await loadLegalBasis(ctx, req.legalBasisId);
  if (!inDept(caller, current.holder)) {
    throw errors.notCategoryHolder(
      `only officers of ${current.holder.dept} of ${current.holder.mspId} decide on legal bases over ${current.categoryCode}`,
    );
  }
  if (current.status === 'withdrawn') {
    throw errors.legalBasisWithdrawn(`legal basis ${req.legalBasisId} was withdrawn`);
  }
  if (current.approval.status !== 'pending') {
    throw errors.legalBasisNotPending(
      `legal basis ${req.legalBasisId} is not pending (approval ${current.approval.status})`,
    );
  }
  const now = txTimeIso(ctx);
  const record: LegalBasisRecord = {
    ...current,
    approval: {
      status: req.decision === 'approve' ? 'approved' : 'refused',
      decidedBy: { ...dept, id: caller.id },
      decidedAt: now,
      note: req.note ?? null,
    },
  };
  await writeJson(ctx, legalBasisKey(ctx, req.legalBasisId), record);
  if (req.decision === 'refuse') {
    await deleteIndex(ctx, Obj.LegalBasisMatch, ...legalMatchAttrs(current), req.legalBasisId);
  }
  emitEvent(ctx, req.decision === 'approve' ? 'LegalBasisApproved' : 'LegalBasisRefused', {
    legalBasisId: record.legalBasisId,
    grantee: record.grantee,
    holder: record.holder,
    citizen: record.citizen,
    categoryCode: record.categoryCode,
    decidedBy: dept,
    time: now,
  });
  return legalBasisView(record, txTimeMs(ctx));
}

/** GetLegalBasis: any member reads a legal basis (statutory duties are public). */
export async function getLegalBasis(ctx: Context, req: GetLegalBasisRequest): Promise<LegalBasisView> {
  return legalBasisView(await loadLegalBasis(ctx, req.legalBasisId), txTimeMs(ctx));
}

/** ListLegalBases: any member lists one department's legal bases (the caller's own department by default). */
export async function listLegalBases(
  ctx: Context,
  req: ListLegalBasesRequest,
): Promise<PageResult<LegalBasisView>> {
  // The wire rule (wholeDeptOrNone) guarantees both parts or neither.
  const { mspId, dept } =
    req.mspId !== undefined && req.dept !== undefined
      ? { mspId: req.mspId, dept: req.dept }
      : callerDept(getCaller(ctx));
  const page = await readIndexPage(ctx, Obj.LegalBasisByDept, [mspId, dept], req.pageSize, req.bookmark);
  const nowMs = txTimeMs(ctx);
  const records: LegalBasisView[] = [];
  for (const attributes of page.keys) {
    records.push(legalBasisView(await loadLegalBasis(ctx, lastAttribute(attributes)), nowMs));
  }
  return { records, bookmark: page.bookmark };
}
