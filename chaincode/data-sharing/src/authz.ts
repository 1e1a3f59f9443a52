/**
 * Who may do what: every rule over the caller's certificate (organisation,
 * department, roles, pseudonymous id) lives here, each in one named function.
 *
 * - Citizens are (home MSP, pid) pairs ({@link Subject}); a pid under another
 *   MSP never matches.
 * - Auditors read only records their own organisation is a party to, unless
 *   the consortium designates their organisation to audit the others
 *   (`auditsOthers`, from `GOVLEDGER_AUDIT_ORGS`).
 * - A record an organisation owns is created only by a caller of that
 *   organisation, and protected at creation (owner AND one other organisation).
 */
import type { Context } from 'fabric-contract-api';
import {
  auditsOthers,
  callerSubject,
  hasRole,
  protectRecord,
  requireAnyDept,
  requireRole,
  sameSubject,
  type Caller,
  type Subject,
} from '@govledger/chaincode-common';
import { errors } from './errors';
import type { DeptRef } from './model';
import { Role } from './schemas';

/** True when both name the same department of the same organisation. */
export function sameDept(a: DeptRef, b: DeptRef): boolean {
  return a.mspId === b.mspId && a.dept === b.dept;
}

/** True when the caller belongs to the department. */
export function inDept(caller: Caller, ref: DeptRef): boolean {
  return caller.dept !== undefined && sameDept({ mspId: caller.mspId, dept: caller.dept }, ref);
}

/** True when the caller holds the auditor role. */
export function isAuditor(caller: Caller): boolean {
  return hasRole(caller, Role.Auditor);
}

/**
 * True when the caller is an auditor who may read a record whose parties are
 * the organisations `orgs`: one of them is the auditor's own, or the
 * consortium designates the auditor's organisation to audit the others.
 */
export function auditorMayRead(caller: Caller, orgs: readonly string[]): boolean {
  return isAuditor(caller) && (auditsOthers(caller.mspId) || orgs.includes(caller.mspId));
}

/** Refuses (403 OUTSIDE_AUDIT_SCOPE) an auditor reading records of organisations outside their scope. */
export function requireAuditScope(caller: Caller, orgs: readonly string[]): void {
  if (!auditorMayRead(caller, orgs)) {
    throw errors.outsideAuditScope(
      `an auditor of ${caller.mspId} may read only records of ${caller.mspId}; these are of ${[...new Set(orgs)].join(', ')}`,
    );
  }
}

/** True when the caller is this citizen (same home MSP and pid). */
export function isCitizen(caller: Caller, citizen: Subject): boolean {
  return caller.pid !== undefined && sameSubject({ mspId: caller.mspId, pid: caller.pid }, citizen);
}

/** The caller's department, or 403 FORBIDDEN when the certificate names none. */
export function callerDept(caller: Caller): DeptRef {
  return { mspId: caller.mspId, dept: requireAnyDept(caller) };
}

/** Requires the officer role and a department; returns the department. */
export function requireOfficer(caller: Caller): DeptRef {
  requireRole(caller, Role.Officer);
  return callerDept(caller);
}

/** Requires the legal-officer role and a department; returns the department. */
export function requireLegalOfficer(caller: Caller): DeptRef {
  requireRole(caller, Role.LegalOfficer);
  return callerDept(caller);
}

/** Requires the citizen role and a pseudonymous id; returns the caller as a subject (home MSP, pid). */
export function requireCitizen(caller: Caller): Subject {
  requireRole(caller, Role.Citizen);
  return callerSubject(caller);
}

/**
 * The citizen whose data a listing reads: an auditor must name one (400) within
 * their audit scope (403 OUTSIDE_AUDIT_SCOPE); a citizen reads their own (naming
 * another, or the same pid under another MSP, is 403 NOT_OWN_DATA); anyone else
 * is refused.
 */
export function citizenToRead(caller: Caller, requested: Subject | undefined): Subject {
  if (isAuditor(caller)) {
    if (requested === undefined) throw errors.invalidArgument('an auditor must name the citizen to read');
    requireAuditScope(caller, [requested.mspId]);
    return requested;
  }
  const own = requireCitizen(caller);
  if (requested !== undefined && !sameSubject(requested, own)) {
    throw errors.notOwnData('a citizen may read only their own data');
  }
  return own;
}

/**
 * The department whose records a listing reads: the caller's own by default;
 * another department only for an auditor, who must name both parts (400) and
 * stay within their audit scope (403 OUTSIDE_AUDIT_SCOPE); anyone else naming
 * another department is refused with 403 DEPT_MISMATCH.
 */
export function deptToRead(caller: Caller, mspId: string | undefined, dept: string | undefined): DeptRef {
  if (isAuditor(caller)) {
    if (mspId === undefined || dept === undefined) {
      throw errors.invalidArgument('an auditor must name the mspId and dept to read');
    }
    requireAuditScope(caller, [mspId]);
    return { mspId, dept };
  }
  const own = callerDept(caller);
  const target: DeptRef = { mspId: mspId ?? own.mspId, dept: dept ?? own.dept };
  if (!sameDept(own, target)) {
    throw errors.deptMismatch(
      `department ${own.dept} of ${own.mspId} may not act for ${target.dept} of ${target.mspId}`,
    );
  }
  return own;
}

/**
 * Creates ownership of a record: refuses (403 NOT_RECORD_OWNER) a caller of
 * another organisation than the owner it names, then protects the key so that
 * any later change needs a peer of the owner AND a peer of one other
 * organisation.
 */
export async function protectOwned(ctx: Context, key: string, caller: Caller, owner: string): Promise<void> {
  if (caller.mspId !== owner) {
    throw errors.notRecordOwner(`${caller.mspId} may not create a record in the name of ${owner}`);
  }
  await protectRecord(ctx, key, owner);
}
