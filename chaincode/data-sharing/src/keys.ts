/**
 * Keys and indexes. Every record lives under its own key; indexes are keys whose
 * attributes carry the information. No key is written by every transaction:
 * an access writes only keys that contain its own access id.
 */
import type { Context } from 'fabric-contract-api';
import { compositeKey, subjectKey, type Subject } from '@govledger/chaincode-common';
import { ALL_CITIZENS } from './schemas';

/** Composite-key object types. */
export const Obj = {
  /** (code) → CategoryRecord */
  Category: 'category',
  /** (holderMspId, holderDept, code) → index */
  CategoryByHolder: 'category~holder',
  /** (consentId) → ConsentRecord */
  Consent: 'consent',
  /** (citizenMspId, citizenPid, newestFirst(grantedAt), consentId) → index */
  ConsentByCitizen: 'consent~citizen',
  /** (citizenMspId, citizenPid, granteeMspId, granteeDept, categoryCode, consentId) → index, used to find a consent */
  ConsentMatch: 'consent~match',
  /** (consentId, accessId) → index: one key per access made under the consent */
  ConsentUse: 'consent~use',
  /** (legalBasisId) → LegalBasisRecord */
  LegalBasis: 'legal',
  /** (granteeMspId, granteeDept, legalBasisId) → index of every basis of a department */
  LegalBasisByDept: 'legal~dept',
  /** (granteeMspId, granteeDept, categoryCode, scope, legalBasisId) → index of live bases; scope '*' or subjectKey(citizen) */
  LegalBasisMatch: 'legal~match',
  /** (accessId) → AccessRecord */
  Access: 'access',
  /** (citizenMspId, citizenPid, newestFirst(time), accessId) → index */
  AccessByCitizen: 'access~citizen',
  /** (requesterMspId, requesterDept, newestFirst(time), accessId) → index */
  AccessByDept: 'access~dept',
  /** (newestFirst(time), accessId) → index of every access */
  AccessAll: 'access~all',
  /** (newestFirst(time), accessId) → index of accesses flagged for audit */
  AccessFlagged: 'access~flagged',
  /** (attestationId) → AttestationRecord */
  Attestation: 'attestation',
} as const;

/** The key of a category. */
export function categoryKey(ctx: Context, code: string): string {
  return compositeKey(ctx, Obj.Category, code);
}

/** The key of a consent. */
export function consentKey(ctx: Context, consentId: string): string {
  return compositeKey(ctx, Obj.Consent, consentId);
}

/** The key of a legal basis. */
export function legalBasisKey(ctx: Context, legalBasisId: string): string {
  return compositeKey(ctx, Obj.LegalBasis, legalBasisId);
}

/** The key of an access log entry. */
export function accessKey(ctx: Context, accessId: string): string {
  return compositeKey(ctx, Obj.Access, accessId);
}

/** The key of an attestation. */
export function attestationKey(ctx: Context, attestationId: string): string {
  return compositeKey(ctx, Obj.Attestation, attestationId);
}

/** The index attributes of a citizen: home MSP, then pid. */
export function citizenAttrs(citizen: Subject): string[] {
  return [citizen.mspId, citizen.pid];
}

/** The scope attribute of a legal basis: '*' for every citizen, else `<mspId>/<pid>`. */
export function legalScope(citizen: Subject | null): string {
  return citizen === null ? ALL_CITIZENS : subjectKey(citizen);
}

/** An id derived from the transaction id, for records whose caller gave none. */
export function derivedId(ctx: Context, prefix: string): string {
  return `${prefix}-${ctx.stub.getTxID()}`;
}

/** The last attribute of an index key (the record id, by this chaincode's convention). */
export function lastAttribute(attributes: string[]): string {
  const last = attributes[attributes.length - 1];
  if (last === undefined) throw new Error('index key has no attributes');
  return last;
}

export { readIndexPage, type IndexPage } from '@govledger/chaincode-common';
