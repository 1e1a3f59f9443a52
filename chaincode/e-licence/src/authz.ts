/**
 * Who may do what, each rule written once. Roles, departments and the
 * pseudonymous id come from the caller's certificate (gov.role, gov.dept,
 * gov.pid); the organisation is the certificate's MSP.
 */
import { forbidden, requireRole, type Caller } from '@govledger/chaincode-common';
import { errors } from './errors';
import type { HolderKind, LicenceType } from './model';

/** Roles the chaincode checks. */
export const Role = {
  Admin: 'admin',
  Issuer: 'issuer',
  Approver: 'approver',
  Citizen: 'citizen',
  Enterprise: 'enterprise',
} as const;

/** The applicant role matching each holder kind. */
export const APPLICANT_ROLE: Readonly<Record<HolderKind, string>> = {
  person: Role.Citizen,
  enterprise: Role.Enterprise,
};

/** A jurisdiction admin (role admin); the organisation is the caller's. */
export function requireAdmin(caller: Caller): void {
  requireRole(caller, Role.Admin);
}

/** Refuses NOT_TYPE_OWNER unless the type belongs to the caller's organisation. */
export function requireTypeOwner(caller: Caller, type: LicenceType): void {
  if (caller.mspId !== type.ownerMsp) {
    throw errors.notTypeOwner(
      `licence type ${type.code} belongs to ${type.ownerMsp}; caller is from ${caller.mspId}`,
    );
  }
}

/** Refuses NOT_ISSUING_ORG unless the record belongs to the caller's organisation. */
export function requireIssuingOrg(caller: Caller, issuerMsp: string, what: string): void {
  if (caller.mspId !== issuerMsp) {
    throw errors.notIssuingOrg(`${what} belongs to ${issuerMsp}; caller is from ${caller.mspId}`);
  }
}

/** Refuses (403 FORBIDDEN) unless the caller is an issuer of the department (organisation checked separately). */
export function requireIssuerOfDept(caller: Caller, dept: string): void {
  requireRole(caller, Role.Issuer);
  if (caller.dept !== dept) {
    throw forbidden(
      `only issuers of department ${dept} may do this; caller is from ${caller.dept ?? 'no department'}`,
    );
  }
}
