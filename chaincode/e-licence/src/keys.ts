/**
 * Where each record lives (composite keys), and the index keys (protected by
 * key-level endorsement). The typed loaders are in queries.ts.
 *
 * Keys (object type, attributes):
 * - `licenceType` (code)
 * - `recognition` (recognizerMsp, foreignTypeCode)
 * - `licence` (licenceId)
 * - `licenceByHolder` (holderPid, licenceId) - index
 * - `licenceByTypeStatus` (typeCode, status, licenceId) - index
 * - `application` (applicationId)
 * - private, in `licencePrivate_<MSP>`: `licencePrivate` (licenceId), `applicationPrivate` (applicationId)
 */
import type { Context } from 'fabric-contract-api';
import { compositeKey, deleteIndex, restrictToOrgs, writeIndex } from '@govledger/chaincode-common';
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
  ApplicationPrivate: 'applicationPrivate',
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

/** Private-collection key of a licence's private record. */
export function licencePrivateKey(ctx: Context, licenceId: string): string {
  return compositeKey(ctx, ObjectType.LicencePrivate, licenceId);
}

/** Private-collection key of a pending application's private record. */
export function applicationPrivateKey(ctx: Context, applicationId: string): string {
  return compositeKey(ctx, ObjectType.ApplicationPrivate, applicationId);
}

/** Writes an index entry that only `mspId`'s peers may later change or delete. */
export async function writeProtectedIndex(
  ctx: Context,
  mspId: string,
  objectType: string,
  ...attributes: string[]
): Promise<void> {
  await writeIndex(ctx, objectType, ...attributes);
  await restrictToOrgs(ctx, compositeKey(ctx, objectType, ...attributes), mspId);
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
