/**
 * The usage trace (issue 18 part 4): every check of a licence through the platform is a ledger
 * entry: a department's recorded verification (CheckLicence) or a presentation check recorded by
 * the verifying gateway (RecordPresentationCheck). An entry says who (organisation, department,
 * role: never a name or certificate id), what (licence id, claim names shown, never values),
 * when (transaction time) and why (a purpose code and bounded text). The holder lists the
 * entries of their own licences (ListLicenceUsage); nobody else can.
 *
 * Keys: `licenceUsage` (holder mspId, holder pid, licenceId, time oldest first, txId): one new
 * key per transaction, so concurrent checks never conflict; each is protected for the recording
 * organisation (owner AND one other), so no one rewrites a trace alone.
 */
import type { Context } from 'fabric-contract-api';
import {
  compositeKey,
  emitEvent,
  forbidden,
  getCaller,
  hasRole,
  oldestFirst,
  protectRecord,
  readPage,
  requireAnyDept,
  requirePid,
  txTimeIso,
  txTimeMs,
  writeJson,
  type Caller,
  type Page,
} from '@govledger/chaincode-common';
import { Role } from './authz';
import { ELicenceEvent, type EffectiveStatus, type Licence, type VerifyResult } from './model';
import { loadLicence } from './queries';
import type {
  CheckLicenceRequest,
  LicenceUsage,
  ListLicenceUsageRequest,
  RecordPresentationCheckRequest,
  UsagePurpose,
  UsageVerifier,
} from './schemas';
import { effectiveStatus } from './validity';
import { verifyLicence } from './verify';

/** Object type of a usage entry. */
export const LICENCE_USAGE = 'licenceUsage';

/** The reason code a licence status gives a failed check; null when the licence is valid. */
export function statusReason(status: EffectiveStatus): string | null {
  switch (status) {
    case 'valid':
      return null;
    case 'revoked':
      return 'LICENCE_REVOKED';
    case 'suspended':
      return 'LICENCE_SUSPENDED';
    case 'expired':
      return 'LICENCE_EXPIRED';
    case 'not-yet-valid':
      return 'LICENCE_NOT_YET_VALID';
    default:
      return 'LICENCE_NOT_FOUND';
  }
}

/** Who the caller is, pseudonymously: organisation, department, first role. */
export function verifierOf(caller: Caller, kind: UsageVerifier['kind']): UsageVerifier {
  if (kind === 'public') return { kind, mspId: caller.mspId, dept: null, role: null };
  return { kind, mspId: caller.mspId, dept: caller.dept ?? null, role: caller.roles[0] ?? null };
}

/** What an entry records beyond the licence and the transaction. */
interface UsageFields {
  channel: LicenceUsage['channel'];
  verifier: UsageVerifier;
  purpose: UsagePurpose | null;
  disclosedClaims: string[];
  valid: boolean;
  reason: string | null;
}

/** Writes one usage entry for a licence (a new key, protected for the recording organisation). */
export async function recordUsage(ctx: Context, licence: Licence, f: UsageFields): Promise<LicenceUsage> {
  const usage: LicenceUsage = {
    usageId: ctx.stub.getTxID(),
    licenceId: licence.licenceId,
    typeCode: licence.typeCode,
    holder: { mspId: licence.holder.mspId, pid: licence.holder.pid },
    channel: f.channel,
    verifier: f.verifier,
    purpose: f.purpose,
    disclosedClaims: f.disclosedClaims,
    valid: f.valid,
    reason: f.reason,
    checkedAt: txTimeIso(ctx),
  };
  const key = compositeKey(
    ctx,
    LICENCE_USAGE,
    licence.holder.mspId,
    licence.holder.pid,
    licence.licenceId,
    oldestFirst(txTimeMs(ctx)),
    usage.usageId,
  );
  await writeJson(ctx, key, usage);
  await protectRecord(ctx, key, f.verifier.mspId);
  emitEvent(ctx, ELicenceEvent.LicenceChecked, {
    facts: [ELicenceEvent.LicenceChecked],
    licenceId: usage.licenceId,
    typeCode: usage.typeCode,
    holder: usage.holder,
    channel: usage.channel,
    verifier: { kind: f.verifier.kind, mspId: f.verifier.mspId, dept: f.verifier.dept },
    valid: usage.valid,
    reason: usage.reason,
  });
  return usage;
}

/**
 * CheckLicence: a department's recorded verification (caller with a `gov.dept`, else 403): the
 * VerifyLicence answer (status at the transaction time, recognition for the caller's
 * organisation, document hash) and the usage entry it leaves. Unknown licence: LICENCE_NOT_FOUND.
 */
export async function checkLicence(
  ctx: Context,
  req: CheckLicenceRequest,
): Promise<{ verification: VerifyResult; usage: LicenceUsage }> {
  const caller = getCaller(ctx);
  requireAnyDept(caller);
  const licence = await loadLicence(ctx, req.licenceId);
  const verification = await verifyLicence(ctx, {
    licenceId: req.licenceId,
    ...(req.documentHash === undefined ? {} : { documentHash: req.documentHash }),
  });
  const reason =
    statusReason(verification.status) ??
    (verification.documentHashMatch === false ? 'DOCUMENT_MISMATCH' : null);
  const usage = await recordUsage(ctx, licence, {
    channel: 'department',
    verifier: verifierOf(caller, 'department'),
    purpose: req.purpose,
    disclosedClaims: [],
    valid: verification.valid,
    reason,
  });
  return { verification, usage };
}

/**
 * RecordPresentationCheck: the verifying gateway (any member identity; the entry names its
 * organisation, verifier kind `public`) records a presentation check. The gateway's own reason
 * (signature, expiry, disclosures) comes first; else the licence's status at the transaction
 * time decides. Unknown licence: LICENCE_NOT_FOUND (there is no holder to trace it for).
 */
export async function recordPresentationCheck(
  ctx: Context,
  req: RecordPresentationCheckRequest,
): Promise<LicenceUsage> {
  const caller = getCaller(ctx);
  const licence = await loadLicence(ctx, req.licenceId);
  const reason = req.reason ?? statusReason(effectiveStatus(licence, txTimeMs(ctx)));
  return recordUsage(ctx, licence, {
    channel: 'presentation',
    verifier: verifierOf(caller, 'public'),
    purpose: req.purpose ?? null,
    disclosedClaims: [...new Set(req.disclosedClaims)].sort(),
    valid: reason === null,
    reason,
  });
}

/**
 * ListLicenceUsage: the caller's own trace (a `citizen` or `enterprise` with a `gov.pid`, else
 * 403), of one licence (which must be the caller's: else 403, whether or not it exists) or of all
 * their licences, by licence then time, paginated.
 */
export async function listLicenceUsage(
  ctx: Context,
  req: ListLicenceUsageRequest,
): Promise<Page<LicenceUsage>> {
  const caller = getCaller(ctx);
  if (!hasRole(caller, Role.Citizen, Role.Enterprise)) {
    throw forbidden('only a holder (citizen or enterprise) lists the checks made on their licences');
  }
  const pid = requirePid(caller);
  const attributes = [caller.mspId, pid];
  if (req.licenceId !== undefined) {
    const licence = await loadLicence(ctx, req.licenceId).catch(() => undefined);
    if (!licence || licence.holder.mspId !== caller.mspId || licence.holder.pid !== pid) {
      throw forbidden(`licence ${req.licenceId} is not the caller's`);
    }
    attributes.push(req.licenceId);
  }
  const page = await readPage<LicenceUsage>(ctx, LICENCE_USAGE, attributes, req.pageSize, req.bookmark);
  return { records: page.records.map((r) => r.value), bookmark: page.bookmark, fetched: page.fetched };
}
