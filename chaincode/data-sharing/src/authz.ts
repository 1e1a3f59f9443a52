/**
 * Who may do what: helpers over the caller's certificate attributes.
 */
import { hasRole, requireAnyDept, requirePid, requireRole, type Caller } from '@govledger/chaincode-common';
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

/** True when the caller holds the auditor role (reads everything). */
export function isAuditor(caller: Caller): boolean {
  return hasRole(caller, Role.Auditor);
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

/** Requires the citizen role and a pseudonymous id; returns the pid. */
export function requireCitizen(caller: Caller): string {
  requireRole(caller, Role.Citizen);
  return requirePid(caller);
}

/**
 * The citizen whose data a listing reads: an auditor must name one (400); a citizen
 * reads their own (naming another is 403 NOT_OWN_DATA); anyone else is refused.
 */
export function citizenToRead(caller: Caller, requested: string | undefined): string {
  if (isAuditor(caller)) {
    if (requested === undefined) throw errors.invalidArgument('an auditor must name the citizenPid to read');
    return requested;
  }
  const pid = requireCitizen(caller);
  if (requested !== undefined && requested !== pid) {
    throw errors.notOwnData('a citizen may read only their own data');
  }
  return pid;
}

/**
 * The department whose records a listing reads: the caller's own by default;
 * another department only for an auditor, who must name both parts (400);
 * anyone else naming another department is refused with 403 DEPT_MISMATCH.
 */
export function deptToRead(caller: Caller, mspId: string | undefined, dept: string | undefined): DeptRef {
  if (isAuditor(caller)) {
    if (mspId === undefined || dept === undefined) {
      throw errors.invalidArgument('an auditor must name the mspId and dept to read');
    }
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
