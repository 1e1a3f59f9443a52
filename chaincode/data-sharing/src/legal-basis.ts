/**
 * Legal bases: a statutory duty that lets a department access a category of
 * data without the citizen's consent, recorded by that department's legal
 * officer with its statute reference. Every access on a legal basis is flagged
 * for audit.
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
  restrictToOrgs,
  sha256Hex,
  stableStringify,
  txTimeIso,
  txTimeMs,
  writeIndex,
  writeJson,
} from '@govledger/chaincode-common';
import { loadActiveCategory, requireFieldsInCategory, sortedFields } from './catalogue';
import { errors } from './errors';
import type { LegalBasisRecord, LegalBasisTerms, LegalBasisView, PageResult } from './model';
import { callerDept, inDept, requireLegalOfficer } from './authz';
import type {
  GetLegalBasisRequest,
  ListLegalBasesRequest,
  RecordLegalBasisRequest,
  WithdrawLegalBasisRequest,
} from './schemas';
import { Obj, derivedId, lastAttribute, legalBasisKey, readIndexPage } from './keys';
import { ALL_CITIZENS, Limits } from './schemas';
import { loadLegalBasis } from './queries';

/** The hash of a legal basis: sha256 of the deterministic JSON of its terms. */
export function legalBasisHash(terms: LegalBasisTerms): string {
  return sha256Hex(stableStringify(terms));
}

/** A legal basis's state at a time: withdrawn wins, then expired (now ≥ validUntil), else active. */
export function legalBasisState(b: LegalBasisRecord, nowMs: number): LegalBasisView['state'] {
  if (b.status === 'withdrawn') return 'withdrawn';
  if (b.validUntil !== null && nowMs >= isoToMs(b.validUntil)) return 'expired';
  return 'active';
}

/** A legal basis with its computed state. */
export function legalBasisView(b: LegalBasisRecord, nowMs: number): LegalBasisView {
  return { ...b, state: legalBasisState(b, nowMs) };
}

/** The match-index attributes of a basis: grantee, category and scope (a pid or '*'). */
export function legalMatchAttrs(
  b: Pick<LegalBasisTerms, 'grantee' | 'categoryCode' | 'citizenPid'>,
): string[] {
  return [b.grantee.mspId, b.grantee.dept, b.categoryCode, b.citizenPid ?? ALL_CITIZENS];
}

/** Drops expired bases from a full match index; refuses when it is still full. */
async function ensureRoom(ctx: Context, attrs: string[], nowMs: number): Promise<void> {
  const keys = await readIndexKeys(ctx, Obj.LegalBasisMatch, attrs, Limits.maxLegalBasesPerScope);
  if (keys.length < Limits.maxLegalBasesPerScope) return;
  let live = keys.length;
  for (const attributes of keys) {
    const b = await readJson<LegalBasisRecord>(ctx, legalBasisKey(ctx, lastAttribute(attributes)));
    if (b === undefined || legalBasisState(b, nowMs) !== 'active') {
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
    citizenPid: req.citizenPid ?? null,
    recordedAt: now,
  };
  const matchAttrs = legalMatchAttrs(terms);
  await ensureRoom(ctx, matchAttrs, nowMs);
  const record: LegalBasisRecord = {
    ...terms,
    hash: legalBasisHash(terms),
    status: 'active',
    recordedBy: caller.id,
    withdrawnAt: null,
    withdrawReason: null,
  };
  await writeJson(ctx, key, record);
  await restrictToOrgs(ctx, key, grantee.mspId);
  await writeIndex(ctx, Obj.LegalBasisMatch, ...matchAttrs, legalBasisId);
  await writeIndex(ctx, Obj.LegalBasisByDept, grantee.mspId, grantee.dept, legalBasisId);
  emitEvent(ctx, 'LegalBasisRecorded', {
    legalBasisId,
    grantee,
    categoryCode: record.categoryCode,
    purpose: record.purpose,
    statuteReference: record.statuteReference,
    citizenPid: record.citizenPid,
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
    categoryCode: record.categoryCode,
    reason: req.reason,
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
