/**
 * Licence queries (evaluate): one licence, licences of a holder, licences by
 * type and status (paginated with bookmarks), a licence's full history, and
 * the private record for those entitled to read it.
 */
import type { Context } from 'fabric-contract-api';
import {
  forbidden,
  fromBytes,
  getCaller,
  hasRole,
  keyExists,
  mustReadJson,
  readIndexPage,
  readJson,
  sameSubject,
  txTimeMs,
  type Page,
} from '@govledger/chaincode-common';
import { Role, requireIssuingOrg } from './authz';
import { ELicenceErrorCode, errors } from './errors';
import {
  MAX_HISTORY,
  type Application,
  type HistoryEntry,
  type Licence,
  type LicenceHistory,
  type LicenceType,
  type LicenceView,
  type PrivateDataResult,
  type PrivateRecord,
} from './model';
import { readPrivateBytes } from './private-data';
import type {
  LicenceIdRequest,
  ListLicencesByHolderRequest,
  ListLicencesByTypeAndStatusRequest,
} from './schemas';
import { ObjectType, applicationKey, licenceKey, licencePrivateKey, typeKey } from './keys';
import { effectiveStatus } from './validity';

/** The most history entries GetLicenceHistory returns before refusing TOO_MANY_RECORDS. */
export { MAX_HISTORY };

/** Loads a licence type or refuses with TYPE_NOT_FOUND. */
export function loadType(ctx: Context, code: string): Promise<LicenceType> {
  return mustReadJson<LicenceType>(
    ctx,
    typeKey(ctx, code),
    `licence type ${code}`,
    ELicenceErrorCode.TypeNotFound,
  );
}

/** Loads a licence or refuses with LICENCE_NOT_FOUND. */
export function loadLicence(ctx: Context, licenceId: string): Promise<Licence> {
  return mustReadJson<Licence>(
    ctx,
    licenceKey(ctx, licenceId),
    `licence ${licenceId}`,
    ELicenceErrorCode.LicenceNotFound,
  );
}

/** Reads a licence; undefined when it does not exist. */
export function findLicence(ctx: Context, licenceId: string): Promise<Licence | undefined> {
  return readJson<Licence>(ctx, licenceKey(ctx, licenceId));
}

/** Loads an application or refuses with APPLICATION_NOT_FOUND. */
export function loadApplication(ctx: Context, applicationId: string): Promise<Application> {
  return mustReadJson<Application>(
    ctx,
    applicationKey(ctx, applicationId),
    `application ${applicationId}`,
    ELicenceErrorCode.ApplicationNotFound,
  );
}

/**
 * Refuses a licence id that is taken: by a licence, or by an application (an
 * application's licence gets the application's id, so the id stays reserved).
 */
export async function ensureLicenceIdFree(ctx: Context, licenceId: string): Promise<void> {
  if (await keyExists(ctx, licenceKey(ctx, licenceId))) {
    throw errors.licenceAlreadyExists(`licence ${licenceId} exists already`);
  }
  if (await keyExists(ctx, applicationKey(ctx, licenceId))) {
    throw errors.licenceAlreadyExists(`licence id ${licenceId} is reserved by the application with that id`);
  }
}

/** A licence with its status at `nowMs`. */
export function viewOf(licence: Licence, nowMs: number): LicenceView {
  return { ...licence, effectiveStatus: effectiveStatus(licence, nowMs) };
}

/** Reads one licence's public record (any member). */
export async function getLicence(ctx: Context, req: LicenceIdRequest): Promise<LicenceView> {
  return viewOf(await loadLicence(ctx, req.licenceId), txTimeMs(ctx));
}

/**
 * Resolves a page of index entries to licences, keeping only those whose
 * record agrees with the index (an index entry is a hint, the record is the truth).
 */
async function resolvePage(
  ctx: Context,
  ids: string[],
  bookmark: string,
  fetched: number,
  keep: (l: Licence) => boolean,
): Promise<Page<LicenceView>> {
  const nowMs = txTimeMs(ctx);
  const records: LicenceView[] = [];
  for (const id of ids) {
    const licence = await findLicence(ctx, id);
    if (licence !== undefined && keep(licence)) records.push(viewOf(licence, nowMs));
  }
  return { records, bookmark, fetched };
}

/** Lists the licences of a holder (home MSP and pseudonymous id), in licence id order, paginated (any member). */
export async function listLicencesByHolder(
  ctx: Context,
  req: ListLicencesByHolderRequest,
): Promise<Page<LicenceView>> {
  const { holder } = req;
  const page = await readIndexPage(
    ctx,
    ObjectType.ByHolder,
    [holder.mspId, holder.pid],
    req.pageSize,
    req.bookmark,
  );
  const ids = page.keys.map((a) => a[2] ?? '');
  return resolvePage(ctx, ids, page.bookmark, page.fetched, (l) => sameSubject(l.holder, holder));
}

/** Lists the licences of a type with a stored status, in licence id order, paginated (any member). */
export async function listLicencesByTypeAndStatus(
  ctx: Context,
  req: ListLicencesByTypeAndStatusRequest,
): Promise<Page<LicenceView>> {
  const page = await readIndexPage(
    ctx,
    ObjectType.ByTypeStatus,
    [req.typeCode, req.status],
    req.pageSize,
    req.bookmark,
  );
  const ids = page.keys.map((a) => a[2] ?? '');
  return resolvePage(
    ctx,
    ids,
    page.bookmark,
    page.fetched,
    (l) => l.typeCode === req.typeCode && l.status === req.status,
  );
}

/** The full history of a licence key, oldest first (any member). */
export async function getLicenceHistory(ctx: Context, req: LicenceIdRequest): Promise<LicenceHistory> {
  await loadLicence(ctx, req.licenceId);
  const iterator = await ctx.stub.getHistoryForKey(licenceKey(ctx, req.licenceId));
  const entries: HistoryEntry[] = [];
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      if (entries.length >= MAX_HISTORY) {
        throw errors.tooManyRecords(`licence ${req.licenceId} has more than ${MAX_HISTORY} changes`);
      }
      const m = r.value;
      const ms = Number(m.timestamp.seconds.toString()) * 1000 + Math.floor(m.timestamp.nanos / 1_000_000);
      entries.push({
        txId: m.txId,
        timestamp: new Date(ms).toISOString(),
        isDelete: m.isDelete,
        licence: m.isDelete || m.value.length === 0 ? null : fromBytes<Licence>(m.value),
      });
    }
  } finally {
    await iterator.close();
  }
  // Fabric returns a key's history newest first; the contract lists it oldest first.
  entries.reverse();
  return { licenceId: req.licenceId, entries };
}

/**
 * Reads a licence's private record. Only members of the issuing organisation
 * (the collection's only member) may: its admins, the issuers of the issuing
 * department, or the holder (certificate MSP and gov.pid equal to the holder's).
 */
export async function getLicencePrivateData(ctx: Context, req: LicenceIdRequest): Promise<PrivateDataResult> {
  const caller = getCaller(ctx);
  const licence = await loadLicence(ctx, req.licenceId);
  // the holder reads their own record wherever they are registered (a City A enterprise holding
  // City B's licence: its pid counts only with its home MSP, which sameSubject compares); anyone
  // else only within the issuing organisation
  const isHolder =
    caller.pid !== undefined && sameSubject({ mspId: caller.mspId, pid: caller.pid }, licence.holder);
  if (!isHolder) {
    requireIssuingOrg(caller, licence.issuerMsp, `the private record of licence ${licence.licenceId}`);
  }
  const isIssuer = hasRole(caller, Role.Issuer) && caller.dept === licence.issuerDept;
  if (!isHolder && !isIssuer && !hasRole(caller, Role.Admin)) {
    throw forbidden(
      'only the holder, an issuer of the issuing department or an admin may read the private record',
    );
  }
  const bytes = await readPrivateBytes(
    ctx,
    licence.privateCollection,
    licencePrivateKey(ctx, licence.licenceId, licence.privateDataHash),
    licence.privateDataHash,
  );
  const recordJson = Buffer.from(bytes).toString('utf8');
  return {
    licenceId: licence.licenceId,
    version: licence.version,
    privateDataHash: licence.privateDataHash,
    record: fromBytes<PrivateRecord>(bytes),
    recordJson,
  };
}
