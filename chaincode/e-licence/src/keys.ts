/**
 * Where each record lives (composite keys), and the index keys (protected by
 * key-level endorsement). The typed loaders are in queries.ts.
 *
 * Keys (object type, attributes):
 * - `licenceType` (code)
 * - `recognition` (recognizerMsp, foreignTypeCode)
 * - `licence` (licenceId)
 * - `licenceByHolder` (holder mspId, holder pid, licenceId) - index
 * - `licenceByTypeStatus` (typeCode, status, licenceId) - index
 * - `application` (applicationId)
 * - `applicationDue` (dueAt as 13-digit ms, applicationId, dept) - index of pending decisions
 *   with a deadline, oldest first (deadline.ts)
 * - `overdueWarning` (ownerMsp, dept, applicationId) - one warning per application and department
 * - private, in `licencePrivate_<MSP>`: `licencePrivate` (licenceId, privateDataHash): content
 *   addressed, so staging a new version never touches the current one; an application's record
 *   is staged under the id its licence will get (the application id)
 */
import type { Context } from 'fabric-contract-api';
import { compositeKey, deleteIndex, protectRecord, writeIndex } from '@govledger/chaincode-common';
import type { Licence } from './model';

/** Object types of the composite keys. */
export const ObjectType = {
  LicenceType: 'licenceType',
  Recognition: 'recognition',
  Licence: 'licence',
  ByHolder: 'licenceByHolder',
  ByTypeStatus: 'licenceByTypeStatus',
  Application: 'application',
  LicencePrivate: 'licencePrivate',
  ApplicationDue: 'applicationDue',
  OverdueWarning: 'overdueWarning',
} as const;

/** Key of a licence type. */
export function typeKey(ctx: Context, code: string): string {
  return compositeKey(ctx, ObjectType.LicenceType, code);
}

/** Key of a recognition by `recognizerMsp` of a foreign type. */
export function recognitionKey(ctx: Context, recognizerMsp: string, foreignTypeCode: string): string {
  return compositeKey(ctx, ObjectType.Recognition, recognizerMsp, foreignTypeCode);
}

/** Key of a public licence record. */
export function licenceKey(ctx: Context, licenceId: string): string {
  return compositeKey(ctx, ObjectType.Licence, licenceId);
}

/** Key of an application. */
export function applicationKey(ctx: Context, applicationId: string): string {
  return compositeKey(ctx, ObjectType.Application, applicationId);
}

/**
 * Private-collection key of the private record with hash `privateDataHash` of licence (or
 * application) `licenceId`.
 */
export function licencePrivateKey(ctx: Context, licenceId: string, privateDataHash: string): string {
  return compositeKey(ctx, ObjectType.LicencePrivate, licenceId, privateDataHash);
}

/**
 * Writes an index entry owned by `mspId`: from the next transaction on, changing or deleting
 * it needs a peer of the owner and a peer of one other organisation ({@link protectRecord}).
 */
export async function writeProtectedIndex(
  ctx: Context,
  mspId: string,
  objectType: string,
  ...attributes: string[]
): Promise<void> {
  await writeIndex(ctx, objectType, ...attributes);
  await protectRecord(ctx, compositeKey(ctx, objectType, ...attributes), mspId);
}

/** Moves a licence's type/status index entry when its stored status changes. */
export async function moveStatusIndex(ctx: Context, before: Licence, after: Licence): Promise<void> {
  if (before.status === after.status) return;
  await deleteIndex(ctx, ObjectType.ByTypeStatus, before.typeCode, before.status, before.licenceId);
  await writeProtectedIndex(
    ctx,
    after.issuerMsp,
    ObjectType.ByTypeStatus,
    after.typeCode,
    after.status,
    after.licenceId,
  );
}
