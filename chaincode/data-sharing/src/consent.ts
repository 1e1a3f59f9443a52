/**
 * Consent: a citizen, under their own identity, allows one department to access
 * some fields of one data category for one purpose, in a time window and
 * optionally a limited number of times. The citizen can pause, resume and revoke
 * it at once. `expired` is computed from the transaction time, never stored.
 */
import type { Context } from 'fabric-contract-api';
import {
  deleteIndex,
  emitEvent,
  getCaller,
  isoToMs,
  keyExists,
  newestFirst,
  readIndexKeys,
  readJson,
  sameSubject,
  sha256Hex,
  stableStringify,
  txTimeIso,
  txTimeMs,
  writeIndex,
  writeJson,
  type Caller,
} from '@govledger/chaincode-common';
import { loadActiveCategory, requireFieldsInCategory, sortedFields } from './catalogue';
import { errors } from './errors';
import type { ConsentRecord, ConsentState, ConsentTerms, ConsentView, PageResult } from './model';
import {
  citizenToRead,
  inDept,
  isAuditor,
  isCitizen,
  protectOwned,
  requireAuditScope,
  requireCitizen,
} from './authz';
import type { ConsentRefRequest, GrantConsentRequest, ListConsentsRequest } from './schemas';
import { Obj, citizenAttrs, consentKey, derivedId, lastAttribute, readIndexPage } from './keys';
import { Limits } from './schemas';
import { loadConsent } from './queries';

/** The hash of a consent: sha256 of the deterministic JSON of its terms. */
export function consentHash(terms: ConsentTerms): string {
  return sha256Hex(stableStringify(terms));
}

/** A consent's state at a time: revoked wins, then expired (now ≥ validUntil), then paused, else active. */
export function consentState(c: ConsentRecord, nowMs: number): ConsentState {
  if (c.status === 'revoked') return 'revoked';
  if (nowMs >= isoToMs(c.validUntil)) return 'expired';
  return c.status;
}

/** How many accesses were made under a consent (one use key per access); bounded by maxUses. */
export async function countUses(ctx: Context, c: ConsentRecord): Promise<number> {
  const limit = c.maxUses ?? 0;
  if (limit === 0) return 0;
  return (await readIndexKeys(ctx, Obj.ConsentUse, [c.consentId], limit)).length;
}

/** A consent with its computed state and uses. */
export async function consentView(ctx: Context, c: ConsentRecord, nowMs: number): Promise<ConsentView> {
  if (c.maxUses === null) return { ...c, state: consentState(c, nowMs), usesCount: null, usesLeft: null };
  const used = await countUses(ctx, c);
  return { ...c, state: consentState(c, nowMs), usesCount: used, usesLeft: Math.max(0, c.maxUses - used) };
}

/**
 * Makes room for a new consent of a citizen for one grantee and category: when
 * the match index is full, entries of revoked or expired consents (final
 * states) are dropped from it; if it is still full the grant is refused.
 */
async function ensureRoom(ctx: Context, attrs: string[], nowMs: number): Promise<void> {
  const keys = await readIndexKeys(ctx, Obj.ConsentMatch, attrs, Limits.maxConsentsPerGrantee);
  if (keys.length < Limits.maxConsentsPerGrantee) return;
  let live = keys.length;
  for (const attributes of keys) {
    const id = lastAttribute(attributes);
    const c = await readJson<ConsentRecord>(ctx, consentKey(ctx, id));
    const state = c === undefined ? 'revoked' : consentState(c, nowMs);
    if (state === 'revoked' || state === 'expired') {
      await deleteIndex(ctx, Obj.ConsentMatch, ...attributes);
      live -= 1;
    }
  }
  if (live >= Limits.maxConsentsPerGrantee) {
    throw errors.tooManyConsents(
      `at most ${Limits.maxConsentsPerGrantee} live consents per grantee department and category`,
    );
  }
}

/** GrantConsent: a citizen grants a consent under their own pseudonymous id. */
export async function grantConsent(ctx: Context, req: GrantConsentRequest): Promise<ConsentView> {
  const caller = getCaller(ctx);
  const citizen = requireCitizen(caller);
  const category = await loadActiveCategory(ctx, req.categoryCode);
  requireFieldsInCategory(category, req.fields);
  const nowMs = txTimeMs(ctx);
  if (isoToMs(req.validUntil) <= nowMs) {
    throw errors.invalidValidity('validUntil must be in the future', { field: 'validUntil' });
  }
  const consentId = req.consentId ?? derivedId(ctx, 'CNS');
  const key = consentKey(ctx, consentId);
  if (await keyExists(ctx, key)) throw errors.consentExists(`consent ${consentId} exists already`);
  const matchAttrs = [...citizenAttrs(citizen), req.grantee.mspId, req.grantee.dept, req.categoryCode];
  await ensureRoom(ctx, matchAttrs, nowMs);

  const now = txTimeIso(ctx);
  const terms: ConsentTerms = {
    consentId,
    citizen,
    grantee: { mspId: req.grantee.mspId, dept: req.grantee.dept },
    categoryCode: category.code,
    holder: category.holder,
    fields: sortedFields(req.fields),
    purpose: req.purpose,
    validFrom: req.validFrom,
    validUntil: req.validUntil,
    maxUses: req.maxUses ?? null,
    grantedAt: now,
  };
  const record: ConsentRecord = {
    ...terms,
    hash: consentHash(terms),
    status: 'active',
    updatedAt: now,
    revokedAt: null,
  };
  await writeJson(ctx, key, record);
  // Owned by the citizen's home organisation: later changes need it AND one other organisation.
  await protectOwned(ctx, key, caller, citizen.mspId);
  await writeIndex(ctx, Obj.ConsentByCitizen, ...citizenAttrs(citizen), newestFirst(nowMs), consentId);
  await writeIndex(ctx, Obj.ConsentMatch, ...matchAttrs, consentId);
  emitEvent(ctx, 'ConsentGranted', consentEvent(record, 'active'));
  return {
    ...record,
    state: consentState(record, nowMs),
    usesCount: record.maxUses === null ? null : 0,
    usesLeft: record.maxUses,
  };
}

function consentEvent(c: ConsentRecord, state: ConsentState): Record<string, unknown> {
  return {
    consentId: c.consentId,
    citizen: c.citizen,
    grantee: c.grantee,
    holder: c.holder,
    categoryCode: c.categoryCode,
    purpose: c.purpose,
    hash: c.hash,
    state,
    time: c.updatedAt,
  };
}

async function loadOwnConsent(ctx: Context, caller: Caller, consentId: string): Promise<ConsentRecord> {
  const citizen = requireCitizen(caller);
  const consent = await loadConsent(ctx, consentId);
  if (!sameSubject(consent.citizen, citizen)) {
    throw errors.notConsentOwner(`consent ${consentId} belongs to another citizen`);
  }
  return consent;
}

type ConsentChange = 'pause' | 'resume' | 'revoke';

const CHANGE: Record<ConsentChange, { event: string; to: ConsentRecord['status'] }> = {
  pause: { event: 'ConsentPaused', to: 'paused' },
  resume: { event: 'ConsentResumed', to: 'active' },
  revoke: { event: 'ConsentRevoked', to: 'revoked' },
};

/** The rule of each change: which states allow it (a refusal is a 409 with the state's code). */
function refuseChange(change: ConsentChange, state: ConsentState, consentId: string): void {
  if (state === 'revoked') throw errors.consentRevoked(`consent ${consentId} is revoked`);
  if (change === 'revoke') return; // active, paused and expired consents can all be revoked
  if (state === 'expired') throw errors.consentExpired(`consent ${consentId} has expired`);
  if (change === 'pause' && state === 'paused') {
    throw errors.consentPaused(`consent ${consentId} is paused already`);
  }
  if (change === 'resume' && state !== 'paused') {
    throw errors.consentNotPaused(`consent ${consentId} is not paused`);
  }
}

/** PauseConsent, ResumeConsent, RevokeConsent: the owning citizen changes the consent's status at once. */
export async function changeConsent(
  ctx: Context,
  change: ConsentChange,
  req: ConsentRefRequest,
): Promise<ConsentView> {
  const caller = getCaller(ctx);
  const current = await loadOwnConsent(ctx, caller, req.consentId);
  const nowMs = txTimeMs(ctx);
  refuseChange(change, consentState(current, nowMs), req.consentId);
  const now = txTimeIso(ctx);
  const { to, event } = CHANGE[change];
  const record: ConsentRecord = {
    ...current,
    status: to,
    updatedAt: now,
    revokedAt: to === 'revoked' ? now : current.revokedAt,
  };
  await writeJson(ctx, consentKey(ctx, req.consentId), record);
  const view = await consentView(ctx, record, nowMs);
  emitEvent(ctx, event, consentEvent(record, view.state));
  return view;
}

/**
 * GetConsent: the owning citizen, the grantee or holder department, or an
 * auditor of one of their organisations (or designated to audit others) reads a consent.
 */
export async function getConsent(ctx: Context, req: ConsentRefRequest): Promise<ConsentView> {
  const caller = getCaller(ctx);
  const consent = await loadConsent(ctx, req.consentId);
  const party =
    isCitizen(caller, consent.citizen) || inDept(caller, consent.grantee) || inDept(caller, consent.holder);
  if (!party) {
    if (isAuditor(caller)) {
      requireAuditScope(caller, [consent.citizen.mspId, consent.grantee.mspId, consent.holder.mspId]);
    } else if (caller.pid !== undefined) {
      throw errors.notConsentOwner(`consent ${req.consentId} belongs to another citizen`);
    } else {
      throw errors.forbidden(`caller is not a party to consent ${req.consentId}`);
    }
  }
  return consentView(ctx, consent, txTimeMs(ctx));
}

/** ListConsents: a citizen's consents, newest first (the citizen's own; an auditor names the citizen). */
export async function listConsents(ctx: Context, req: ListConsentsRequest): Promise<PageResult<ConsentView>> {
  const caller = getCaller(ctx);
  const citizen = citizenToRead(caller, req.citizen);
  const attrs = citizenAttrs(citizen);
  const page = await readIndexPage(ctx, Obj.ConsentByCitizen, attrs, req.pageSize, req.bookmark);
  const nowMs = txTimeMs(ctx);
  const records: ConsentView[] = [];
  for (const attributes of page.keys) {
    records.push(await consentView(ctx, await loadConsent(ctx, lastAttribute(attributes)), nowMs));
  }
  return { records, bookmark: page.bookmark };
}
