/**
 * Access: a department asks for some fields of one citizen's data category for
 * one purpose. The chaincode looks for a matching valid consent, then for a
 * legal basis; it logs the attempt either way and, when granted, issues an
 * access ticket that the holding department's system checks (VerifyTicket)
 * before it serves the data.
 *
 * A refusal that must be logged cannot be a thrown error (a throw discards every
 * write), so RequestAccess returns `{ granted: false, code, reason }` and commits
 * the refusal entry; malformed requests and unauthorised callers still throw,
 * and then nothing is written.
 *
 * Use counting: each access under a consent writes its own use key
 * `consent~use(consentId, accessId)`; the uses of a limited consent are the
 * number of those keys (a bounded range read of at most maxUses keys). No access
 * writes a key another access writes, so unlimited consents have no hot key.
 * Two concurrent accesses under the same *limited* consent do conflict: Fabric's
 * phantom-read check on the use range invalidates the later one, which is
 * exactly what keeps a use from being counted twice or the limit from being
 * exceeded.
 */
import type { Context } from 'fabric-contract-api';
import {
  emitEvent,
  getCaller,
  isoToMs,
  keyExists,
  newestFirst,
  readIndexKeys,
  readJson,
  sha256Hex,
  stableStringify,
  txTimeIso,
  txTimeMs,
  writeIndex,
  writeJson,
  sameSubject,
  type Caller,
  type Subject,
} from '@govledger/chaincode-common';
import { coversFields, loadActiveCategory, requireFieldsInCategory, sortedFields } from './catalogue';
import { consentState, countUses } from './consent';
import { DataSharingErrorCode as E, errors, type RefusalCode } from './errors';
import { legalBasisState } from './legal-basis';
import type {
  AccessRecord,
  AccessResult,
  BasisRef,
  ConsentRecord,
  DeptRef,
  LegalBasisRecord,
  TicketRecord,
  TicketStatus,
  TicketTerms,
  VerifyTicketResult,
} from './model';
import {
  auditorMayRead,
  inDept,
  isAuditor,
  isCitizen,
  protectOwned,
  requireAuditScope,
  requireOfficer,
  sameDept,
} from './authz';
import type { GetAccessRequest, RequestAccessRequest, VerifyTicketRequest } from './schemas';
import {
  Obj,
  accessKey,
  citizenAttrs,
  consentKey,
  derivedId,
  lastAttribute,
  legalBasisKey,
  legalScope,
} from './keys';
import { Limits } from './schemas';
import { loadAccess, loadConsent, loadLegalBasis } from './queries';

/** Why one candidate (consent or legal basis) does not allow the access; a higher rank came closer. */
interface Failure {
  code: RefusalCode;
  reason: string;
  rank: number;
  basis: BasisRef | null;
}

type Decision =
  { granted: true; basis: BasisRef; untilMs: number | null } | { granted: false; failure: Failure };

/** The request as the matching rules see it. */
interface Wanted {
  citizen: Subject;
  categoryCode: string;
  fields: string[];
  purpose: string;
  requester: DeptRef;
}

function consentRef(c: ConsentRecord): BasisRef {
  return { kind: 'consent', id: c.consentId, hash: c.hash };
}

function legalRef(b: LegalBasisRecord): BasisRef {
  return { kind: 'legal', id: b.legalBasisId, hash: b.hash, statuteReference: b.statuteReference };
}

/**
 * The rule for a consent, checks in order (rank): 0 it is for this citizen,
 * grantee and category; 1 same purpose; 2 covers every field; 3 not revoked;
 * 4 not expired; 5 started; 6 not paused; (7 uses left, checked by the caller).
 */
export function checkConsent(c: ConsentRecord, w: Wanted, nowMs: number): Failure | undefined {
  const id = c.consentId;
  if (
    !sameSubject(c.citizen, w.citizen) ||
    !sameDept(c.grantee, w.requester) ||
    c.categoryCode !== w.categoryCode
  ) {
    return {
      code: E.ConsentMismatch,
      rank: 0,
      basis: null,
      reason: `consent ${id} is not for this citizen, department and category`,
    };
  }
  const ref = consentRef(c);
  if (c.purpose !== w.purpose) {
    return {
      code: E.ConsentPurposeMismatch,
      rank: 1,
      basis: ref,
      reason: `consent ${id} is for ${c.purpose}`,
    };
  }
  if (!coversFields(c.fields, w.fields)) {
    return {
      code: E.ConsentFieldsNotCovered,
      rank: 2,
      basis: ref,
      reason: `consent ${id} covers only ${c.fields.join(', ')}`,
    };
  }
  const state = consentState(c, nowMs);
  if (state === 'revoked') {
    return {
      code: E.ConsentRevoked,
      rank: 3,
      basis: ref,
      reason: `consent ${id} was revoked at ${c.revokedAt}`,
    };
  }
  if (state === 'expired') {
    return {
      code: E.ConsentExpired,
      rank: 4,
      basis: ref,
      reason: `consent ${id} expired at ${c.validUntil}`,
    };
  }
  if (nowMs < isoToMs(c.validFrom)) {
    return {
      code: E.ConsentNotYetValid,
      rank: 5,
      basis: ref,
      reason: `consent ${id} is valid from ${c.validFrom}`,
    };
  }
  if (state === 'paused') {
    return { code: E.ConsentPaused, rank: 6, basis: ref, reason: `consent ${id} is paused by the citizen` };
  }
  return undefined;
}

/**
 * The rule for a legal basis, checks in order (rank): 0 it is for this
 * department and category (and this citizen when scoped); 1 same purpose;
 * 2 covers every field; 3 not withdrawn; 4 not expired; 5 started.
 */
export function checkLegalBasis(b: LegalBasisRecord, w: Wanted, nowMs: number): Failure | undefined {
  const id = b.legalBasisId;
  if (
    !sameDept(b.grantee, w.requester) ||
    b.categoryCode !== w.categoryCode ||
    (b.citizen !== null && !sameSubject(b.citizen, w.citizen))
  ) {
    return {
      code: E.LegalBasisMismatch,
      rank: 0,
      basis: null,
      reason: `legal basis ${id} does not apply to this department, category and citizen`,
    };
  }
  const ref = legalRef(b);
  if (b.purpose !== w.purpose) {
    return {
      code: E.LegalBasisPurposeMismatch,
      rank: 1,
      basis: ref,
      reason: `legal basis ${id} is for ${b.purpose}`,
    };
  }
  if (!coversFields(b.fields, w.fields)) {
    return {
      code: E.LegalBasisFieldsNotCovered,
      rank: 2,
      basis: ref,
      reason: `legal basis ${id} covers only ${b.fields.join(', ')}`,
    };
  }
  const state = legalBasisState(b, nowMs);
  if (state === 'withdrawn') {
    return {
      code: E.LegalBasisWithdrawn,
      rank: 3,
      basis: ref,
      reason: `legal basis ${id} was withdrawn at ${b.withdrawnAt}`,
    };
  }
  if (state === 'refused') {
    return {
      code: E.LegalBasisRefused,
      rank: 3,
      basis: ref,
      reason: `legal basis ${id} was refused by ${b.holder.mspId} at ${b.approval.decidedAt}`,
    };
  }
  if (state === 'expired') {
    return {
      code: E.LegalBasisExpired,
      rank: 4,
      basis: ref,
      reason: `legal basis ${id} expired at ${b.validUntil}`,
    };
  }
  if (nowMs < isoToMs(b.validFrom)) {
    return {
      code: E.LegalBasisNotYetValid,
      rank: 5,
      basis: ref,
      reason: `legal basis ${id} is valid from ${b.validFrom}`,
    };
  }
  if (state === 'pending') {
    return {
      code: E.LegalBasisPending,
      rank: 6,
      basis: ref,
      reason: `legal basis ${id} awaits the approval of ${b.holder.dept} of ${b.holder.mspId}, which holds the data`,
    };
  }
  return undefined;
}

/** Keeps the failure that came closest; on a tie the earlier one (consents before legal bases). */
function closer(best: Failure | undefined, f: Failure): Failure {
  return best === undefined || f.rank > best.rank ? f : best;
}

function byValidity<T>(items: T[], until: (t: T) => string | null, id: (t: T) => string): T[] {
  const ms = (t: T): number => {
    const u = until(t);
    return u === null ? Number.MAX_SAFE_INTEGER : isoToMs(u);
  };
  return [...items].sort((a, b) => ms(a) - ms(b) || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
}

async function matchingConsents(ctx: Context, w: Wanted): Promise<ConsentRecord[]> {
  const attrs = [...citizenAttrs(w.citizen), w.requester.mspId, w.requester.dept, w.categoryCode];
  const keys = await readIndexKeys(ctx, Obj.ConsentMatch, attrs, Limits.maxConsentsPerGrantee);
  const out: ConsentRecord[] = [];
  for (const attributes of keys) {
    const c = await readJson<ConsentRecord>(ctx, consentKey(ctx, lastAttribute(attributes)));
    if (c !== undefined) out.push(c);
  }
  return out;
}

async function matchingLegalBases(ctx: Context, w: Wanted): Promise<LegalBasisRecord[]> {
  const out: LegalBasisRecord[] = [];
  for (const scope of [legalScope(null), legalScope(w.citizen)]) {
    const attrs = [w.requester.mspId, w.requester.dept, w.categoryCode, scope];
    const keys = await readIndexKeys(ctx, Obj.LegalBasisMatch, attrs, Limits.maxLegalBasesPerScope);
    for (const attributes of keys) {
      const b = await readJson<LegalBasisRecord>(ctx, legalBasisKey(ctx, lastAttribute(attributes)));
      if (b !== undefined) out.push(b);
    }
  }
  return out;
}

/**
 * Finds what allows the access: the named consent or legal basis when the
 * request names one; otherwise the citizen's consents for this department and
 * category (earliest-ending first), then the department's legal bases for the
 * category (all citizens, and this citizen). The first that passes every check
 * wins; if none does, the refusal reports the candidate that came closest.
 */
async function decide(ctx: Context, req: RequestAccessRequest, w: Wanted, nowMs: number): Promise<Decision> {
  let consents: ConsentRecord[];
  let bases: LegalBasisRecord[];
  if (req.consentId !== undefined) {
    consents = [await loadConsent(ctx, req.consentId)];
    bases = [];
  } else if (req.legalBasisId !== undefined) {
    consents = [];
    bases = [await loadLegalBasis(ctx, req.legalBasisId)];
  } else {
    consents = await matchingConsents(ctx, w);
    bases = await matchingLegalBases(ctx, w);
  }

  let best: Failure | undefined;
  for (const c of byValidity(
    consents,
    (x) => x.validUntil,
    (x) => x.consentId,
  )) {
    const failure = checkConsent(c, w, nowMs);
    if (failure !== undefined) {
      best = closer(best, failure);
      continue;
    }
    if (c.maxUses !== null && (await countUses(ctx, c)) >= c.maxUses) {
      best = closer(best, {
        code: E.ConsentUsedUp,
        rank: 7,
        basis: consentRef(c),
        reason: `consent ${c.consentId} allowed ${c.maxUses} uses and all are used`,
      });
      continue;
    }
    return { granted: true, basis: consentRef(c), untilMs: isoToMs(c.validUntil) };
  }
  for (const b of byValidity(
    bases,
    (x) => x.validUntil,
    (x) => x.legalBasisId,
  )) {
    const failure = checkLegalBasis(b, w, nowMs);
    if (failure !== undefined) {
      best = closer(best, failure);
      continue;
    }
    return {
      granted: true,
      basis: legalRef(b),
      untilMs: b.validUntil === null ? null : isoToMs(b.validUntil),
    };
  }
  return {
    granted: false,
    failure: best ?? {
      code: E.NoConsentOrLegalBasis,
      rank: -1,
      basis: null,
      reason: 'no consent of the citizen and no legal basis of the department covers this request',
    },
  };
}

/** The hash of an access ticket: sha256 of the deterministic JSON of its terms. */
export function ticketHash(terms: TicketTerms): string {
  return sha256Hex(stableStringify(terms));
}

/** RequestAccess: a department officer asks for one citizen's data; the attempt is logged, granted or refused. */
export async function requestAccess(ctx: Context, req: RequestAccessRequest): Promise<AccessResult> {
  const caller = getCaller(ctx);
  const requester = requireOfficer(caller);
  const category = await loadActiveCategory(ctx, req.categoryCode);
  requireFieldsInCategory(category, req.fields);
  const accessId = req.accessId ?? derivedId(ctx, 'ACC');
  const key = accessKey(ctx, accessId);
  if (await keyExists(ctx, key)) throw errors.accessExists(`access ${accessId} exists already`);

  const nowMs = txTimeMs(ctx);
  const now = txTimeIso(ctx);
  const fields = sortedFields(req.fields);
  const wanted: Wanted = {
    citizen: req.citizen,
    categoryCode: category.code,
    fields,
    purpose: req.purpose,
    requester,
  };
  const decision = await decide(ctx, req, wanted, nowMs);
  const basis = decision.granted ? decision.basis : decision.failure.basis;
  const auditFlag = category.sensitivity === 'special' || basis?.kind === 'legal';

  let ticket: TicketRecord | null = null;
  let result: AccessResult;
  if (decision.granted) {
    const ttlEnd = nowMs + (req.ticketTtlSeconds ?? Limits.defaultTicketTtlSeconds) * 1000;
    const expiresMs = decision.untilMs === null ? ttlEnd : Math.min(ttlEnd, decision.untilMs);
    const terms: TicketTerms = {
      ticketId: accessId,
      citizen: req.citizen,
      categoryCode: category.code,
      fields,
      purpose: req.purpose,
      grantee: requester,
      holder: category.holder,
      basis: { kind: decision.basis.kind, id: decision.basis.id },
      issuedAt: now,
      expiresAt: new Date(expiresMs).toISOString(),
    };
    ticket = { ...terms, hash: ticketHash(terms) };
    result = {
      granted: true,
      accessId,
      ticket: { ticketId: ticket.ticketId, hash: ticket.hash, expiresAt: ticket.expiresAt },
      basis: terms.basis,
      auditFlag,
    };
  } else {
    const { code, reason } = decision.failure;
    result = { granted: false, accessId, code, reason, auditFlag };
  }
  const entry: AccessRecord = {
    accessId,
    time: now,
    granted: result.granted,
    code: result.granted ? null : result.code,
    reason: result.granted ? null : result.reason,
    requester: { ...requester, id: caller.id },
    citizen: req.citizen,
    categoryCode: category.code,
    holder: category.holder,
    fields,
    purpose: req.purpose,
    basis,
    auditFlag,
    ticket,
  };

  const order = newestFirst(nowMs);
  await writeJson(ctx, key, entry);
  // The log entry is the requesting organisation's record: no one rewrites it alone.
  await protectOwned(ctx, key, caller, requester.mspId);
  await writeIndex(ctx, Obj.AccessByCitizen, ...citizenAttrs(req.citizen), order, accessId);
  await writeIndex(ctx, Obj.AccessByDept, requester.mspId, requester.dept, order, accessId);
  await writeIndex(ctx, Obj.AccessAll, order, accessId);
  if (auditFlag) await writeIndex(ctx, Obj.AccessFlagged, order, accessId);
  if (decision.granted && decision.basis.kind === 'consent') {
    // The one use this access consumes: a key of its own, never a shared counter.
    await writeIndex(ctx, Obj.ConsentUse, decision.basis.id, accessId);
  }
  emitEvent(ctx, 'AccessLogged', {
    accessId,
    citizen: req.citizen,
    granted: entry.granted,
    code: entry.code,
    requester,
    categoryCode: category.code,
    holder: category.holder,
    fields,
    purpose: req.purpose,
    basis: basis === null ? null : { kind: basis.kind, id: basis.id },
    auditFlag,
    time: now,
  });

  return result;
}

/** The organisations party to an access: the citizen's home, the requester's and the holder's. */
export function accessParties(entry: Pick<AccessRecord, 'citizen' | 'requester' | 'holder'>): string[] {
  return [entry.citizen.mspId, entry.requester.mspId, entry.holder.mspId];
}

/**
 * GetAccess: the citizen, the requesting or holding department, or an auditor
 * of one of their organisations (or designated to audit others) reads one access entry.
 */
export async function getAccess(ctx: Context, req: GetAccessRequest): Promise<AccessRecord> {
  const caller = getCaller(ctx);
  const entry = await loadAccess(ctx, req.accessId);
  if (isCitizen(caller, entry.citizen) || inDept(caller, entry.requester) || inDept(caller, entry.holder)) {
    return entry;
  }
  if (isAuditor(caller)) {
    requireAuditScope(caller, accessParties(entry));
    return entry;
  }
  if (caller.pid !== undefined) throw errors.notOwnData('a citizen may read only their own data');
  throw errors.forbidden(`caller is not a party to access ${req.accessId}`);
}

/** The state of what a ticket rests on, now: the consent's or legal basis's state ('missing' if gone). */
export async function ticketBasisState(ctx: Context, t: TicketRecord, nowMs: number): Promise<string> {
  if (t.basis.kind === 'consent') {
    const c = await readJson<ConsentRecord>(ctx, consentKey(ctx, t.basis.id));
    return c === undefined ? 'missing' : consentState(c, nowMs);
  }
  const b = await readJson<LegalBasisRecord>(ctx, legalBasisKey(ctx, t.basis.id));
  return b === undefined ? 'missing' : legalBasisState(b, nowMs);
}

/**
 * VerifyTicket: the holding department (or the grantee, or an auditor) checks a
 * ticket before serving data. A ticket is valid while it has not expired and its
 * consent or legal basis is still active; revoking or pausing the consent ends
 * every ticket issued under it.
 */
export async function verifyTicket(ctx: Context, req: VerifyTicketRequest): Promise<VerifyTicketResult> {
  const caller = getCaller(ctx);
  const entry = await readJson<AccessRecord>(ctx, accessKey(ctx, req.ticketId));
  if (entry === undefined || entry.ticket === null) {
    return { ticketId: req.ticketId, valid: false, status: 'unknown', ticket: null, basisState: null };
  }
  const t = entry.ticket;
  const auditor = auditorMayRead(caller, accessParties(entry));
  if (!(auditor || inDept(caller, t.holder) || inDept(caller, t.grantee))) {
    throw errors.notTicketParty(`caller is neither the holder nor the grantee of ticket ${req.ticketId}`);
  }
  const nowMs = txTimeMs(ctx);
  const basisState = await ticketBasisState(ctx, t, nowMs);
  let status: TicketStatus = 'valid';
  if (req.ticketHash !== undefined && req.ticketHash !== t.hash) status = 'hash-mismatch';
  else if (nowMs >= isoToMs(t.expiresAt)) status = 'expired';
  else if (basisState !== 'active') status = 'basis-invalid';
  else if (req.fields !== undefined && !coversFields(t.fields, req.fields)) status = 'fields-not-covered';
  return { ticketId: req.ticketId, valid: status === 'valid', status, ticket: t, basisState };
}

/**
 * Requires a ticket the caller's department holds and that is valid now:
 * 404 TICKET_NOT_FOUND, 403 TICKET_NOT_YOURS, 409 TICKET_EXPIRED, 409 TICKET_INVALID.
 */
export async function requireValidTicket(
  ctx: Context,
  caller: Caller,
  ticketId: string,
  nowMs: number,
): Promise<TicketRecord> {
  const entry = await readJson<AccessRecord>(ctx, accessKey(ctx, ticketId));
  if (entry === undefined || entry.ticket === null) {
    throw errors.ticketNotFound(`ticket ${ticketId} does not exist`);
  }
  const t = entry.ticket;
  if (!inDept(caller, t.grantee)) {
    throw errors.ticketNotYours(`ticket ${ticketId} was issued to another department`);
  }
  if (nowMs >= isoToMs(t.expiresAt))
    throw errors.ticketExpired(`ticket ${ticketId} expired at ${t.expiresAt}`);
  const basisState = await ticketBasisState(ctx, t, nowMs);
  if (basisState !== 'active') {
    throw errors.ticketInvalid(`ticket ${ticketId} rests on a ${t.basis.kind} that is ${basisState}`);
  }
  return t;
}
