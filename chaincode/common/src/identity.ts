/**
 * Who is calling: organisation (MSP ID = jurisdiction), department, role and,
 * for citizens, a pseudonymous id, all read from the caller's certificate.
 *
 * Attributes are issued by each organisation's Fabric CA:
 * - `gov.dept`: department code (e.g. `market`, `housing`, `finance`);
 * - `gov.role`: one or more roles separated by `+` (e.g. `issuer`, `officer+approver`);
 * - `gov.pid`:  the holder's pseudonymous id (citizens and enterprises), a keyed
 *   hash of the real identifier computed by the registering organisation.
 */
import type { Context } from 'fabric-contract-api';
import { forbidden } from './errors';

/** Certificate attribute names the chaincodes check. */
export const Attr = {
  Dept: 'gov.dept',
  Role: 'gov.role',
  Pid: 'gov.pid',
} as const;

/** The caller of a transaction, as its certificate describes it. */
export interface Caller {
  /** The organisation (jurisdiction) that issued the certificate. */
  mspId: string;
  /** Fabric's unique id of the certificate (subject and issuer). */
  id: string;
  /** Department code, when the certificate carries one. */
  dept?: string;
  /** Roles the certificate grants; empty when none. */
  roles: readonly string[];
  /** Pseudonymous id of a citizen or enterprise, when the certificate carries one. */
  pid?: string;
}

/** Reads the caller of the current transaction. */
export function getCaller(ctx: Context): Caller {
  const ci = ctx.clientIdentity;
  const dept = ci.getAttributeValue(Attr.Dept) ?? undefined;
  const pid = ci.getAttributeValue(Attr.Pid) ?? undefined;
  const roleText = ci.getAttributeValue(Attr.Role) ?? '';
  const roles = roleText
    .split('+')
    .map((r) => r.trim())
    .filter((r) => r.length > 0);
  const caller: Caller = { mspId: ci.getMSPID(), id: ci.getID(), roles };
  if (dept) caller.dept = dept;
  if (pid) caller.pid = pid;
  return caller;
}

/** True when the caller holds at least one of the roles. */
export function hasRole(caller: Caller, ...roles: string[]): boolean {
  return roles.some((r) => caller.roles.includes(r));
}

/** Refuses (403) unless the caller holds one of the roles. */
export function requireRole(caller: Caller, ...roles: string[]): void {
  if (!hasRole(caller, ...roles)) {
    throw forbidden(`caller needs role ${roles.join(' or ')}; has ${caller.roles.join('+') || 'none'}`);
  }
}

/** Refuses (403) unless the caller belongs to the organisation. */
export function requireOrg(caller: Caller, mspId: string): void {
  if (caller.mspId !== mspId) {
    throw forbidden(`only ${mspId} may do this; caller is from ${caller.mspId}`);
  }
}

/** Refuses (403) unless the caller belongs to the organisation and department. */
export function requireDept(caller: Caller, mspId: string, dept: string): void {
  requireOrg(caller, mspId);
  if (caller.dept !== dept) {
    throw forbidden(
      `only department ${dept} of ${mspId} may do this; caller is from ${caller.dept ?? 'no department'}`,
    );
  }
}

/** Returns the caller's department or refuses (403) when the certificate has none. */
export function requireAnyDept(caller: Caller): string {
  if (!caller.dept) throw forbidden('caller certificate carries no department (gov.dept)');
  return caller.dept;
}

/** Returns the caller's pseudonymous id or refuses (403) when the certificate has none. */
export function requirePid(caller: Caller): string {
  if (!caller.pid) throw forbidden('caller certificate carries no pseudonymous id (gov.pid)');
  return caller.pid;
}

/**
 * A citizen or enterprise: the organisation whose CA vouches for them (home
 * MSP) and their pseudonymous id there. A pid alone means nothing: another
 * organisation's CA could issue a certificate with the same pid.
 */
export interface Subject {
  /** The home organisation (MSP ID) that issued the subject's certificate. */
  mspId: string;
  /** The pseudonymous id under that organisation. */
  pid: string;
}

/** The caller as a subject (home MSP from the certificate's issuer, pid from `gov.pid`); 403 without a pid. */
export function callerSubject(caller: Caller): Subject {
  if (!caller.pid) throw forbidden('caller has no pseudonymous id (gov.pid)');
  return { mspId: caller.mspId, pid: caller.pid };
}

/** True when two subjects are the same person: same home MSP and same pid. */
export function sameSubject(a: Subject, b: Subject): boolean {
  return a.mspId === b.mspId && a.pid === b.pid;
}

/** A subject as one key part, `<mspId>/<pid>` (neither contains `/`). */
export function subjectKey(s: Subject): string {
  return `${s.mspId}/${s.pid}`;
}
