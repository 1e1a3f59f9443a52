/**
 * Legal bases: a statutory duty that lets a department access a category of
 * data without the citizen's consent, recorded by that department's legal
 * officer with its statute reference. Every access on a legal basis is flagged
 * for audit.
 */
import type { Context } from 'fabric-contract-api';
import {
  alreadyExists,
  conflict,
  deleteIndex,
  emitEvent,
  forbidden,
  getCaller,
  invalidArgument,
  isoToMs,
  keyExists,
  mustReadJson,
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
import { DataSharingErrorCode as E } from './errors';
import type { LegalBasisRecord, LegalBasisTerms, LegalBasisView, PageResult } from './model';
import { callerDept, inDept, requireLegalOfficer } from './parties';
import type {
  GetLegalBasisInput,
  ListLegalBasesInput,
  RecordLegalBasisInput,
  WithdrawLegalBasisInput,
} from './schemas';
import { Obj, derivedId, lastAttribute, legalBasisKey, readIndexPage } from './state';
import { ALL_CITIZENS, Limits } from './vocabulary';

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

/** Reads a legal basis or refuses with 404 LEGAL_BASIS_NOT_FOUND. */
export async function loadLegalBasis(ctx: Context, id: string): Promise<LegalBasisRecord> {
  return mustReadJson<LegalBasisRecord>(
    ctx,
    legalBasisKey(ctx, id),
    `legal basis ${id}`,
    E.LegalBasisNotFound,
  );
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
    throw conflict(
      `at most ${Limits.maxLegalBasesPerScope} live legal bases per department, category and scope`,
      E.TooManyLegalBases,
    );
  }
}

/** RecordLegalBasis: a legal officer records a statutory duty of their own department. */
export async function recordLegalBasis(ctx: Context, req: RecordLegalBasisInput): Promise<LegalBasisView> {
  const caller = getCaller(ctx);
  const grantee = requireLegalOfficer(caller);
  const category = await loadActiveCategory(ctx, req.categoryCode);
  requireFieldsInCategory(category, req.fields);
  const nowMs = txTimeMs(ctx);
  if (req.validUntil !== undefined && isoToMs(req.validUntil) <= nowMs) {
    throw invalidArgument('validUntil must be in the future', { field: 'validUntil' }, E.InvalidValidity);
  }
  const legalBasisId = req.legalBasisId ?? derivedId(ctx, 'LB');
  const key = legalBasisKey(ctx, legalBasisId);
  if (await keyExists(ctx, key)) {
    throw alreadyExists(`legal basis ${legalBasisId} exists already`, E.LegalBasisExists);
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
  req: WithdrawLegalBasisInput,
): Promise<LegalBasisView> {
  const caller = getCaller(ctx);
  requireLegalOfficer(caller);
  const current = await loadLegalBasis(ctx, req.legalBasisId);
  if (!inDept(caller, current.grantee)) {
    throw forbidden(
      `only a legal officer of ${current.grantee.dept} of ${current.grantee.mspId} may withdraw ${req.legalBasisId}`,
      E.DeptMismatch,
    );
  }
  if (current.status === 'withdrawn') {
    throw conflict(`legal basis ${req.legalBasisId} is withdrawn already`, E.LegalBasisWithdrawn);
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
export async function getLegalBasis(ctx: Context, req: GetLegalBasisInput): Promise<LegalBasisView> {
  return legalBasisView(await loadLegalBasis(ctx, req.legalBasisId), txTimeMs(ctx));
}

/** ListLegalBases: any member lists one department's legal bases (the caller's own department by default). */
export async function listLegalBases(
  ctx: Context,
  req: ListLegalBasesInput,
): Promise<PageResult<LegalBasisView>> {
  const caller = getCaller(ctx);
  let mspId = req.mspId;
  let dept = req.dept;
  if (mspId === undefined && dept === undefined) ({ mspId, dept } = callerDept(caller));
  if (mspId === undefined || dept === undefined) {
    throw invalidArgument('name both mspId and dept, or neither for the caller’s own department');
  }
  const page = await readIndexPage(ctx, Obj.LegalBasisByDept, [mspId, dept], req.pageSize, req.bookmark);
  const nowMs = txTimeMs(ctx);
  const records: LegalBasisView[] = [];
  for (const attributes of page.keys) {
    records.push(legalBasisView(await loadLegalBasis(ctx, lastAttribute(attributes)), nowMs));
  }
  return { records, bookmark: page.bookmark };
}
