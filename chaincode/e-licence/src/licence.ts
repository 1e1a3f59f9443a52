/**
 * Licences: issue and lifecycle (suspend, reinstate, revoke, renew, amend).
 *
 * A licence is created under the channel's majority policy; its key (and its
 * index keys) then gets the key-level policy "issuing organisation's peer AND a
 * peer of one other organisation" (protectRecord), so neither the issuer alone
 * nor another organisation alone can change it; the chaincode also refuses
 * callers of other organisations itself (NOT_ISSUING_ORG). Within the
 * organisation, only issuers of the issuing department act on a licence.
 *
 * Private records are staged first by the private-only StageLicencePrivateData
 * (endorsed by the issuing organisation's peers alone); IssueLicence,
 * AmendLicence and RenewLicence then check them by hash (verify-by-hash).
 */
import type { Context } from 'fabric-contract-api';
import {
  emitEvent,
  getCaller,
  protectRecord,
  txTimeIso,
  txTimeMs,
  writeJson,
  type Caller,
  type Subject,
} from '@govledger/chaincode-common';
import { requireIssuerOfDept, requireIssuingOrg, requireTypeOwner } from './authz';
import { errors } from './errors';
import {
  ELicenceEvent,
  type ELicenceEventName,
  type Licence,
  type LicenceAction,
  type LicenceType,
  type RenewResult,
} from './model';
import {
  collectionOf,
  putPrivateRecord,
  readPrivateBytes,
  readPrivateInput,
  requireCollectionEndorser,
  requireStagedRecord,
  requireTypeClaims,
  type SealedPrivateRecord,
} from './private-data';
import type {
  AmendLicenceRequest,
  IssueLicenceRequest,
  ReinstateLicenceRequest,
  RenewLicenceRequest,
  RevokeLicenceRequest,
  StagedPrivateRecord,
  StageLicencePrivateDataRequest,
  SuspendLicenceRequest,
} from './schemas';
import { ObjectType, licenceKey, licencePrivateKey, moveStatusIndex, writeProtectedIndex } from './keys';
import { ensureLicenceIdFree, loadLicence, loadType } from './queries';
import { resolveValidity, type Validity } from './validity';

/** Refuses TYPE_NOT_ACTIVE when nothing new may be issued under the type. */
export function requireActiveType(type: LicenceType): void {
  if (type.status !== 'active') {
    throw errors.typeNotActive(`licence type ${type.code} is ${type.status}`);
  }
}

/** What a new licence is made of. */
export interface NewLicence {
  licenceId: string;
  type: LicenceType;
  holder: Subject;
  documentHash: string;
  validity: Validity;
  claimHashes: Record<string, string>;
  privateDataHash: string;
  applicationId: string | null;
  previousLicenceId: string | null;
  action: Extract<LicenceAction, 'issued' | 'renewed'>;
  by: string;
}

/**
 * Writes a new licence: public record, holder and type/status indexes, each
 * protected for the issuing org (owner AND one other). Its private record is
 * already in the issuing org's collection (the caller checked it by hash, and
 * that the id is free).
 */
export async function storeNewLicence(ctx: Context, n: NewLicence): Promise<Licence> {
  const now = txTimeIso(ctx);
  const issuerMsp = n.type.ownerMsp;
  const licence: Licence = {
    licenceId: n.licenceId,
    typeCode: n.type.code,
    holder: { mspId: n.holder.mspId, pid: n.holder.pid },
    holderKind: n.type.holderKind,
    issuerMsp,
    issuerDept: n.type.dept,
    issuedAt: now,
    validFrom: n.validity.validFrom,
    validUntil: n.validity.validUntil,
    status: 'active',
    version: 1,
    documentHash: n.documentHash,
    claimHashes: n.claimHashes,
    privateDataHash: n.privateDataHash,
    privateCollection: collectionOf(issuerMsp),
    applicationId: n.applicationId,
    previousLicenceId: n.previousLicenceId,
    renewedBy: null,
    suspension: null,
    revocation: null,
    lastChange: { action: n.action, at: now, by: n.by, reasonCode: null, note: null },
    updatedAt: now,
  };
  const key = licenceKey(ctx, licence.licenceId);
  await writeJson(ctx, key, licence);
  await protectRecord(ctx, key, issuerMsp);
  await writeProtectedIndex(
    ctx,
    issuerMsp,
    ObjectType.ByHolder,
    licence.holder.mspId,
    licence.holder.pid,
    licence.licenceId,
  );
  await writeProtectedIndex(
    ctx,
    issuerMsp,
    ObjectType.ByTypeStatus,
    licence.typeCode,
    licence.status,
    licence.licenceId,
  );
  return licence;
}

/** The public fields every licence event carries. */
export function licenceEventFields(licence: Licence): Record<string, unknown> {
  return {
    licenceId: licence.licenceId,
    typeCode: licence.typeCode,
    holder: licence.holder,
    issuerMsp: licence.issuerMsp,
    issuerDept: licence.issuerDept,
    status: licence.status,
    version: licence.version,
    validFrom: licence.validFrom,
    validUntil: licence.validUntil,
  };
}

/** The staged record a staging transaction reports. */
function stagedOf(id: string, collection: string, sealed: SealedPrivateRecord): StagedPrivateRecord {
  return { id, collection, privateDataHash: sealed.hash, claimHashes: sealed.claimHashes };
}

/**
 * Stages a private record in the issuing organisation's collection (private-only:
 * writes only collection keys, so only the member's peers endorse it, and the
 * chaincode refuses ENDORSER_NOT_COLLECTION_MEMBER on any other peer):
 * - `issue`: transient `licencePrivate` for a new licence of the type (issuer of
 *   the type's department in the owning org; the type active; the id free);
 * - `amend`: transient `licencePrivate` for the next version of a licence;
 * - `renew`: copies a licence's record for its renewal (the new id free).
 * The record is written under (licence id, its hash); the public transaction
 * that follows carries that hash.
 */
export async function stageLicencePrivateData(
  ctx: Context,
  req: StageLicencePrivateDataRequest,
): Promise<StagedPrivateRecord> {
  const caller = getCaller(ctx);
  if (req.purpose === 'issue') {
    const type = await loadType(ctx, req.typeCode);
    requireTypeOwner(caller, type);
    requireIssuerOfDept(caller, type.dept);
    const collection = requireCollectionEndorser(ctx, collectionOf(type.ownerMsp));
    requireActiveType(type);
    await ensureLicenceIdFree(ctx, req.licenceId);
    const sealed = readPrivateInput(ctx, type.claims);
    await putPrivateRecord(ctx, collection, licencePrivateKey(ctx, req.licenceId, sealed.hash), sealed.bytes);
    return stagedOf(req.licenceId, collection, sealed);
  }
  const { licence } = await loadForChange(ctx, req.licenceId);
  const collection = requireCollectionEndorser(ctx, licence.privateCollection);
  refuseIfRevoked(licence);
  refuseIfRenewed(licence);
  if (req.purpose === 'amend') {
    const type = await loadType(ctx, licence.typeCode);
    const sealed = readPrivateInput(ctx, type.claims);
    await putPrivateRecord(
      ctx,
      collection,
      licencePrivateKey(ctx, licence.licenceId, sealed.hash),
      sealed.bytes,
    );
    return stagedOf(licence.licenceId, collection, sealed);
  }
  await ensureLicenceIdFree(ctx, req.newLicenceId);
  const bytes = await readPrivateBytes(
    ctx,
    collection,
    licencePrivateKey(ctx, licence.licenceId, licence.privateDataHash),
    licence.privateDataHash,
  );
  await putPrivateRecord(
    ctx,
    collection,
    licencePrivateKey(ctx, req.newLicenceId, licence.privateDataHash),
    bytes,
  );
  return {
    id: req.newLicenceId,
    collection,
    privateDataHash: licence.privateDataHash,
    claimHashes: licence.claimHashes,
  };
}

/**
 * Issues a licence directly (role issuer of the type's department, in the type's
 * organisation), after StageLicencePrivateData (issue): the request carries the
 * staged record's hash and claim hashes, which every endorser checks by hash.
 */
export async function issueLicence(ctx: Context, req: IssueLicenceRequest): Promise<Licence> {
  const caller = getCaller(ctx);
  const type = await loadType(ctx, req.typeCode);
  requireTypeOwner(caller, type);
  requireIssuerOfDept(caller, type.dept);
  requireActiveType(type);
  await ensureLicenceIdFree(ctx, req.licenceId);
  requireTypeClaims(type.claims, Object.keys(req.claimHashes));
  const collection = collectionOf(type.ownerMsp);
  await requireStagedRecord(
    ctx,
    collection,
    licencePrivateKey(ctx, req.licenceId, req.privateDataHash),
    req.privateDataHash,
  );
  const txMs = txTimeMs(ctx);
  const validity = resolveValidity(type.validity, txMs, txMs, req.validFrom, req.validUntil);
  const licence = await storeNewLicence(ctx, {
    licenceId: req.licenceId,
    type,
    holder: req.holder,
    documentHash: req.documentHash,
    validity,
    claimHashes: req.claimHashes,
    privateDataHash: req.privateDataHash,
    applicationId: null,
    previousLicenceId: null,
    action: 'issued',
    by: caller.id,
  });
  emitEvent(ctx, ELicenceEvent.LicenceIssued, {
    facts: [ELicenceEvent.LicenceIssued],
    ...licenceEventFields(licence),
    applicationId: null,
  });
  return licence;
}

/** Loads a licence for a change and checks that the caller is an issuer of its department in its organisation. */
async function loadForChange(ctx: Context, licenceId: string): Promise<{ caller: Caller; licence: Licence }> {
  const caller = getCaller(ctx);
  const licence = await loadLicence(ctx, licenceId);
  requireIssuingOrg(caller, licence.issuerMsp, `licence ${licenceId}`);
  requireIssuerOfDept(caller, licence.issuerDept);
  return { caller, licence };
}

function refuseIfRevoked(licence: Licence): void {
  if (licence.status === 'revoked') {
    throw errors.licenceRevoked(`licence ${licence.licenceId} is revoked already`);
  }
}

function refuseIfRenewed(licence: Licence): void {
  if (licence.renewedBy !== null) {
    throw errors.licenceAlreadyRenewed(
      `licence ${licence.licenceId} was renewed already by ${licence.renewedBy}`,
    );
  }
}

/** Writes a changed licence, moves its status index, and emits the change's event. */
async function saveChange(
  ctx: Context,
  before: Licence,
  after: Licence,
  event: ELicenceEventName,
  extra: Record<string, unknown> = {},
): Promise<Licence> {
  await writeJson(ctx, licenceKey(ctx, after.licenceId), after);
  await moveStatusIndex(ctx, before, after);
  emitEvent(ctx, event, {
    facts: [event],
    ...licenceEventFields(after),
    reasonCode: after.lastChange.reasonCode,
    ...extra,
  });
  return after;
}

/** Suspends an active licence with a reason code. */
export async function suspendLicence(ctx: Context, req: SuspendLicenceRequest): Promise<Licence> {
  const { caller, licence } = await loadForChange(ctx, req.licenceId);
  refuseIfRevoked(licence);
  if (licence.status === 'suspended') {
    throw errors.licenceAlreadySuspended(`licence ${licence.licenceId} is suspended already`);
  }
  const at = txTimeIso(ctx);
  const note = req.note ?? null;
  const after: Licence = {
    ...licence,
    status: 'suspended',
    suspension: { reasonCode: req.reasonCode, at, note },
    lastChange: { action: 'suspended', at, by: caller.id, reasonCode: req.reasonCode, note },
    updatedAt: at,
  };
  return saveChange(ctx, licence, after, ELicenceEvent.LicenceSuspended);
}

/** Reinstates a suspended licence. */
export async function reinstateLicence(ctx: Context, req: ReinstateLicenceRequest): Promise<Licence> {
  const { caller, licence } = await loadForChange(ctx, req.licenceId);
  refuseIfRevoked(licence);
  if (licence.status !== 'suspended') {
    throw errors.licenceNotSuspended(`licence ${licence.licenceId} is not suspended`);
  }
  const at = txTimeIso(ctx);
  const after: Licence = {
    ...licence,
    status: 'active',
    suspension: null,
    lastChange: { action: 'reinstated', at, by: caller.id, reasonCode: null, note: req.note ?? null },
    updatedAt: at,
  };
  return saveChange(ctx, licence, after, ELicenceEvent.LicenceReinstated);
}

/** Revokes a licence (active or suspended) with a reason code; final. */
export async function revokeLicence(ctx: Context, req: RevokeLicenceRequest): Promise<Licence> {
  const { caller, licence } = await loadForChange(ctx, req.licenceId);
  refuseIfRevoked(licence);
  const at = txTimeIso(ctx);
  const note = req.note ?? null;
  const after: Licence = {
    ...licence,
    status: 'revoked',
    suspension: null,
    revocation: { reasonCode: req.reasonCode, at, note },
    lastChange: { action: 'revoked', at, by: caller.id, reasonCode: req.reasonCode, note },
    updatedAt: at,
  };
  return saveChange(ctx, licence, after, ELicenceEvent.LicenceRevoked);
}

/**
 * Renews an active licence: a new licence `newLicenceId` of the same type,
 * holder and claims, with a new document and validity, linked both ways to the
 * previous one (previousLicenceId / renewedBy). By default the new validity
 * starts when the previous one ends (or now, if that is past). The private
 * record was copied for the new id by StageLicencePrivateData (renew); every
 * endorser checks the copy by hash.
 */
export async function renewLicence(ctx: Context, req: RenewLicenceRequest): Promise<RenewResult> {
  const { caller, licence } = await loadForChange(ctx, req.licenceId);
  refuseIfRevoked(licence);
  if (licence.status === 'suspended') {
    throw errors.licenceSuspended(`licence ${licence.licenceId} is suspended; reinstate it first`);
  }
  refuseIfRenewed(licence);
  const type = await loadType(ctx, licence.typeCode);
  requireActiveType(type);
  await ensureLicenceIdFree(ctx, req.newLicenceId);
  const txMs = txTimeMs(ctx);
  const previousEnd = licence.validUntil === null ? txMs : Date.parse(licence.validUntil);
  const validity = resolveValidity(
    type.validity,
    txMs,
    Math.max(txMs, previousEnd),
    req.validFrom,
    req.validUntil,
  );
  await requireStagedRecord(
    ctx,
    licence.privateCollection,
    licencePrivateKey(ctx, req.newLicenceId, licence.privateDataHash),
    licence.privateDataHash,
  );
  const renewed = await storeNewLicence(ctx, {
    licenceId: req.newLicenceId,
    type,
    holder: licence.holder,
    documentHash: req.documentHash,
    validity,
    claimHashes: licence.claimHashes,
    privateDataHash: licence.privateDataHash,
    applicationId: null,
    previousLicenceId: licence.licenceId,
    action: 'renewed',
    by: caller.id,
  });
  const at = txTimeIso(ctx);
  const previous: Licence = {
    ...licence,
    renewedBy: renewed.licenceId,
    lastChange: { action: 'renewed', at, by: caller.id, reasonCode: null, note: null },
    updatedAt: at,
  };
  await writeJson(ctx, licenceKey(ctx, previous.licenceId), previous);
  emitEvent(ctx, ELicenceEvent.LicenceRenewed, {
    facts: [ELicenceEvent.LicenceRenewed, ELicenceEvent.LicenceIssued],
    ...licenceEventFields(renewed),
    previousLicenceId: previous.licenceId,
  });
  return { licence: renewed, previous };
}

/**
 * Amends a licence: a new version with a new document hash and a new private
 * record, staged by StageLicencePrivateData (amend; claims exactly the type's
 * current claims) and checked here by hash. The previous versions stay in the
 * key's history (GetLicenceHistory); their private records stay in the
 * collection under their own hashes.
 */
export async function amendLicence(ctx: Context, req: AmendLicenceRequest): Promise<Licence> {
  const { caller, licence } = await loadForChange(ctx, req.licenceId);
  refuseIfRevoked(licence);
  refuseIfRenewed(licence);
  const type = await loadType(ctx, licence.typeCode);
  requireTypeClaims(type.claims, Object.keys(req.claimHashes));
  await requireStagedRecord(
    ctx,
    licence.privateCollection,
    licencePrivateKey(ctx, licence.licenceId, req.privateDataHash),
    req.privateDataHash,
  );
  const at = txTimeIso(ctx);
  const after: Licence = {
    ...licence,
    version: licence.version + 1,
    documentHash: req.documentHash,
    claimHashes: req.claimHashes,
    privateDataHash: req.privateDataHash,
    lastChange: { action: 'amended', at, by: caller.id, reasonCode: null, note: req.note ?? null },
    updatedAt: at,
  };
  return saveChange(ctx, licence, after, ELicenceEvent.LicenceAmended, { previousVersion: licence.version });
}
