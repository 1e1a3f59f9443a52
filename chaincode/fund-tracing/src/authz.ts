/**
 * Who may do what. Every check refuses with 403: FORBIDDEN when the caller
 * lacks the role or department class, a domain code when the caller acts for
 * another organisation, department or recipient.
 */
import {
  auditsOthers,
  hasRole,
  requireRole,
  sameSubject,
  type Caller,
  type Subject,
} from '@govledger/chaincode-common';
import { errors } from './errors';
import type { Actor, Alert, Allocation, Disbursement, Program } from './model';
import { FINANCE_DEPT, RECIPIENT_ROLE } from './schemas';

export { FINANCE_DEPT, RECIPIENT_ROLE } from './schemas';

/** The caller as it is recorded in records (organisation, department, certificate id). */
export function actorOf(caller: Caller): Actor {
  const actor: Actor = { mspId: caller.mspId, id: caller.id };
  if (caller.dept) actor.dept = caller.dept;
  return actor;
}

/** An actor's organisation and department, without its certificate id (as events name who acted). */
export function deptOf(actor: Actor): { mspId: string; dept?: string } {
  return actor.dept === undefined ? { mspId: actor.mspId } : { mspId: actor.mspId, dept: actor.dept };
}

/** Refuses unless the caller is a finance officer (of any organisation). */
export function requireFinanceOfficer(caller: Caller): void {
  requireRole(caller, 'officer');
  if (caller.dept !== FINANCE_DEPT) {
    throw errors.forbidden(`caller must be of department ${FINANCE_DEPT}; is ${caller.dept ?? 'none'}`);
  }
}

/** Refuses unless the caller is a finance officer of the organisation that owns the program. */
export function requireProgramOwner(caller: Caller, program: Program): void {
  requireFinanceOfficer(caller);
  if (caller.mspId !== program.ownerMspId) {
    throw errors.departmentMismatch(
      `program ${program.programId} belongs to ${program.ownerMspId}; caller is from ${caller.mspId}`,
    );
  }
}

/** Refuses unless the caller is an officer of the department holding the allocation. */
export function requireAllocationHolder(caller: Caller, allocation: Allocation): void {
  requireRole(caller, 'officer');
  if (caller.mspId !== allocation.mspId || caller.dept !== allocation.dept) {
    throw errors.departmentMismatch(
      `allocation ${allocation.allocationId} belongs to ${allocation.dept} of ${allocation.mspId}; ` +
        `caller is ${caller.dept ?? 'no department'} of ${caller.mspId}`,
    );
  }
}

/** True when the caller may co-sign under the program's rule (organisation not yet checked). */
export function isCoSignerClass(caller: Caller, program: Program): boolean {
  return program.coSign.by === 'finance'
    ? hasRole(caller, 'officer') && caller.dept === FINANCE_DEPT
    : hasRole(caller, 'auditor');
}

/** Refuses unless the caller may co-sign the disbursement: the program's co-signer class, another organisation. */
export function requireCoSigner(caller: Caller, program: Program, disbursement: Disbursement): void {
  if (!isCoSignerClass(caller, program)) {
    const who = program.coSign.by === 'finance' ? 'a finance officer' : 'an auditor';
    throw errors.forbidden(`program ${program.programId} is co-signed by ${who} of another organisation`);
  }
  if (caller.mspId === disbursement.mspId) {
    throw errors.coSignerSameOrganisation(
      `the co-signer must be of another organisation than the disbursing ${disbursement.mspId}`,
    );
  }
  if (program.coSign.by === 'auditor') requireAuditorOf(caller, disbursement.mspId);
}

/**
 * Refuses (NOT_AUDITOR_OF_ORGANISATION) an auditor acting on the records of
 * `owner`, another organisation, unless the consortium designates the
 * auditor's organisation as an auditor of others (the Audit Office).
 */
export function requireAuditorOf(caller: Caller, owner: string): void {
  if (caller.mspId === owner || auditsOthers(caller.mspId)) return;
  throw errors.notAuditorOfOrganisation(
    `an auditor of ${caller.mspId} acts only on ${caller.mspId}'s records; these are ${owner}'s`,
  );
}

/** The organisation accountable for an alert (alerts from before issue 12: the program's owner). */
export function alertOwner(alert: Alert, program: Pick<Program, 'ownerMspId'>): string {
  return alert.ownerMspId ?? program.ownerMspId;
}

/** Refuses unless the caller may move the alert on: an auditor of its organisation, or of all. */
export function requireAlertHandler(caller: Caller, owner: string): void {
  requireRole(caller, 'auditor');
  requireAuditorOf(caller, owner);
}

/** The recipient of a disbursement, as the subject (home MSP, pid). */
export function recipientOf(r: { recipientMspId: string; recipientPid: string }): Subject {
  return { mspId: r.recipientMspId, pid: r.recipientPid };
}

/** True when the caller's certificate is the subject's: same home MSP and same pid. */
function isSubject(caller: Caller, subject: Subject): boolean {
  return caller.pid !== undefined && sameSubject({ mspId: caller.mspId, pid: caller.pid }, subject);
}

/** Refuses unless the caller is the recipient of the disbursement (home MSP, pseudonymous id and kind match). */
export function requireRecipient(caller: Caller, disbursement: Disbursement): void {
  requireRole(caller, 'enterprise', 'citizen');
  const role = RECIPIENT_ROLE[disbursement.recipientKind];
  if (!isSubject(caller, recipientOf(disbursement)) || !hasRole(caller, role)) {
    throw errors.notRecipient(
      `only the recipient (${role}) of disbursement ${disbursement.disbursementId} may do this`,
    );
  }
}

/**
 * Staff read everything: government staff (a certificate with a department),
 * auditors and jurisdiction admins. Recipients read only their own records.
 */
export function isStaff(caller: Caller): boolean {
  return caller.dept !== undefined || hasRole(caller, 'auditor', 'admin');
}

/** Refuses unless the caller is staff. */
export function requireStaff(caller: Caller): void {
  if (!isStaff(caller)) throw errors.forbidden('only government staff and auditors may read this');
}

/** Refuses unless the caller is staff or the recipient itself (same home MSP and pseudonymous id). */
export function requireStaffOrRecipient(caller: Caller, recipient: Subject): void {
  if (isStaff(caller)) return;
  if (isSubject(caller, recipient) && hasRole(caller, 'enterprise', 'citizen')) return;
  throw errors.forbidden('only government staff, auditors and the recipient itself may read this');
}

/** Refuses unless the caller may read a program's alerts: an auditor, or a finance officer of the owner. */
export function requireAlertReader(caller: Caller, program: Program): void {
  if (hasRole(caller, 'auditor')) return;
  if (hasRole(caller, 'officer') && caller.dept === FINANCE_DEPT && caller.mspId === program.ownerMspId)
    return;
  throw errors.forbidden(`only auditors and the finance department of ${program.ownerMspId} may read alerts`);
}
