/**
 * One submission, parallel approvals.
 *
 * An applicant (a citizen or enterprise identity with a gov.pid, of any
 * organisation) submits one application for a licence type. The clear
 * claims and personal data travel as transient data into the jurisdiction's
 * licence collection at submission; the public application keeps only the
 * salted claim hashes and the private record's hash. Every department the type
 * requires approves or rejects, in any order, with an approver of that
 * department in the owning organisation. The approval that completes the set
 * issues the licence (id = application id) in the same transaction; the staged
 * private record is already under the licence's key. A rejection closes the
 * application with its reason and purges the private record (PurgePrivateData: current and
 * earlier versions, on every member peer). The application
 * keeps a timeline.
 *
 * Submission is two transactions (verify-by-hash): StageApplicationPrivateData
 * (private-only, on the type's organisation's peers alone) puts the personal
 * data in the collection; SubmitApplication (the channel's majority) records the
 * public application, each endorser checking the staged record by hash.
 *
 * Applying in another city. An enterprise registered in City A (its pid issued
 * by City A's CA, so it stays the subject (CityAMSP, pid): a pid is trusted only
 * together with its home MSP) may apply for City B's licence type by naming
 * City B as `issuingMsp`. City B owns the application, its departments decide
 * and City B issues the licence; the applicant's personal data goes only to
 * City B's collection, `licencePrivate_CityBMSP`, the collection of the city
 * that issues. Who submits the private part: the applicant itself, signing with
 * its City A identity, but the staging transaction is endorsed by City B's peer
 * alone and sent through City B's peer gateway (the gateway pins it to
 * `issuingMsp` and connects to that organisation's peer): City A's peer cannot
 * endorse it, because it is no member of City B's collection (a write there
 * would never reach City B's peers, and {@link requireCollectionEndorser} refuses
 * it), and it must not see the transient personal data, which Fabric hands to
 * every peer a proposal goes to. City A's public state gets only the
 * application's hashes and pseudonymous subject, as every organisation's does.
 * The explicit `issuingMsp` (default: the applicant's home organisation) is
 * what lets a client pick the endorsing peer before the chaincode runs; the
 * chaincode refuses APPLICANT_ORG_MISMATCH when it is not the type's owner, so
 * a staging step can never be pinned to a city that does not issue the type.
 *
 * An application may reference the applicant's existing licences and
 * attestations (materials.ts); the type's rules may approve some departments
 * automatically at submission (auto-approval.ts); decisions may have deadlines
 * whose overdue warnings a sweep raises (deadline.ts).
 */
import type { Context } from 'fabric-contract-api';
import {
  emitEvent,
  getCaller,
  hasRole,
  keyExists,
  requireAnyDept,
  callerSubject,
  protectRecord,
  requireRole,
  txTimeIso,
  txTimeMs,
  writeJson,
  type Caller,
  type Subject,
} from '@govledger/chaincode-common';
import { APPLICANT_ROLE, Role, requireIssuingOrg } from './authz';
import { errors } from './errors';
import {
  ELicenceEvent,
  type Application,
  type ApplicationView,
  type ApprovalResult,
  type LicenceType,
} from './model';
import { licenceEventFields, requireActiveType, storeNewLicence } from './licence';
import { requireLicensingCity } from './licensing-authority';
import {
  collectionOf,
  putPrivateRecord,
  readPrivateInput,
  requireCollectionEndorser,
  requireStagedRecord,
  requireTypeClaims,
} from './private-data';
import type {
  ApproveApplicationRequest,
  GetApplicationRequest,
  RejectApplicationRequest,
  StageApplicationPrivateDataRequest,
  StagedPrivateRecord,
  SubmitApplicationRequest,
} from './schemas';
import { applicationKey, licenceKey, licencePrivateKey } from './keys';
import { ensureLicenceIdFree, loadApplication, loadType } from './queries';
import { resolveValidity } from './validity';
import { autoApprovals } from './auto-approval';
import { clearDueDates, deadlineProgress, dueDates, indexDueDates } from './deadline';
import { verifyMaterials } from './materials';

/** Departments that have approved so far (by hand, or automatically by a rule of the type). */
export function approvedDepts(app: Application): string[] {
  return app.timeline.flatMap((e) => (e.event === 'approved' || e.event === 'auto-approved' ? [e.dept] : []));
}

/** Required departments that have not decided yet (empty once the application is closed). */
export function pendingDepts(app: Application): string[] {
  if (app.status !== 'pending') return [];
  const done = new Set(approvedDepts(app));
  return app.requiredDepts.filter((d) => !done.has(d));
}

/** An application with its progress at `nowMs`. */
export function applicationView(app: Application, nowMs: number): ApplicationView {
  const end = app.closedAt === null ? nowMs : Date.parse(app.closedAt);
  const pending = pendingDepts(app);
  return {
    ...app,
    materials: app.materials ?? [],
    deadlines: app.deadlines ?? [],
    approvedDepts: approvedDepts(app),
    pendingDepts: pending,
    elapsedMs: Math.max(0, end - Date.parse(app.submittedAt)),
    deadlineProgress: deadlineProgress(app, pending, nowMs),
  };
}

/**
 * The rules an applicant meets, checked by both steps of a submission: role
 * citizen or enterprise with a pid (of any organisation), the issuing city the
 * request names (`issuingMsp`, default the applicant's home organisation) owning
 * the type and being a licensing city, the role matching the type's holder kind,
 * the type active and requiring approvals, the application id (and so the
 * licence id) free. Returns the applicant and type.
 */
async function checkApplicant(
  ctx: Context,
  applicationId: string,
  typeCode: string,
  issuingMsp: string | undefined,
): Promise<{ applicant: Subject; type: LicenceType }> {
  const caller = getCaller(ctx);
  requireRole(caller, Role.Citizen, Role.Enterprise);
  const applicant = callerSubject(caller);
  const type = await loadType(ctx, typeCode);
  const issuing = issuingMsp ?? applicant.mspId;
  if (issuing !== type.ownerMsp) {
    throw errors.applicantOrgMismatch(
      `licence type ${type.code} is issued by ${type.ownerMsp}, not ${issuing}; ` +
        `apply with issuingMsp ${type.ownerMsp}`,
      { typeCode: type.code, ownerMsp: type.ownerMsp, issuingMsp: issuing },
    );
  }
  await requireLicensingCity(ctx, type.ownerMsp);
  const role = APPLICANT_ROLE[type.holderKind];
  if (!hasRole(caller, role)) {
    throw errors.holderKindMismatch(
      `licence type ${type.code} is for holders of kind ${type.holderKind}; the applicant needs role ${role}`,
    );
  }
  requireActiveType(type);
  if (type.requiredApprovals.length === 0) {
    throw errors.noApprovalsRequired(
      `licence type ${type.code} requires no approvals; it is issued directly`,
    );
  }
  if (await keyExists(ctx, applicationKey(ctx, applicationId))) {
    throw errors.applicationAlreadyExists(`application ${applicationId} exists already`);
  }
  await ensureLicenceIdFree(ctx, applicationId);
  return { applicant, type };
}

/**
 * Stages an applicant's private record (private-only, on the type's
 * organisation's peers alone, which may be another city than the applicant's;
 * transient `licencePrivate`), under the id the licence will get (the
 * application id) and the record's hash.
 */
export async function stageApplicationPrivateData(
  ctx: Context,
  req: StageApplicationPrivateDataRequest,
): Promise<StagedPrivateRecord> {
  const { type } = await checkApplicant(ctx, req.applicationId, req.typeCode, req.issuingMsp);
  const collection = requireCollectionEndorser(ctx, collectionOf(type.ownerMsp));
  const sealed = readPrivateInput(ctx, type.claims);
  await putPrivateRecord(
    ctx,
    collection,
    licencePrivateKey(ctx, req.applicationId, sealed.hash),
    sealed.bytes,
  );
  return {
    id: req.applicationId,
    collection,
    privateDataHash: sealed.hash,
    claimHashes: sealed.claimHashes,
  };
}

/**
 * Submits an application (role citizen for person types, enterprise for
 * enterprise types; gov.pid required), after StageApplicationPrivateData: every
 * endorser checks the staged record by hash.
 */
export async function submitApplication(
  ctx: Context,
  req: SubmitApplicationRequest,
): Promise<ApplicationView> {
  const { applicant, type } = await checkApplicant(ctx, req.applicationId, req.typeCode, req.issuingMsp);
  requireTypeClaims(type.claims, Object.keys(req.claimHashes));
  const collection = collectionOf(type.ownerMsp);
  await requireStagedRecord(
    ctx,
    collection,
    licencePrivateKey(ctx, req.applicationId, req.privateDataHash),
    req.privateDataHash,
  );
  const now = txTimeIso(ctx);
  const txMs = txTimeMs(ctx);
  const materials = await verifyMaterials(ctx, applicant, req.materials ?? [], txMs);
  const automatic = autoApprovals(type, materials, req.claimHashes, now);
  const manual = type.requiredApprovals.filter((d) => !automatic.some((e) => e.dept === d));
  const deadlines = dueDates(type, manual, txMs);
  const app: Application = {
    applicationId: req.applicationId,
    typeCode: type.code,
    ownerMsp: type.ownerMsp,
    applicant,
    holderKind: type.holderKind,
    requiredDepts: [...type.requiredApprovals],
    claimHashes: req.claimHashes,
    privateDataHash: req.privateDataHash,
    privateCollection: collection,
    status: 'pending',
    submittedAt: now,
    closedAt: null,
    licenceId: null,
    timeline: [{ event: 'submitted', at: now }, ...automatic],
    materials: materials.map((m) => m.recorded),
    deadlines,
  };
  const key = applicationKey(ctx, app.applicationId);
  await writeJson(ctx, key, app);
  await protectRecord(ctx, key, app.ownerMsp);
  await indexDueDates(ctx, app.applicationId, deadlines);
  emitEvent(ctx, ELicenceEvent.ApplicationSubmitted, {
    facts: [ELicenceEvent.ApplicationSubmitted],
    applicationId: app.applicationId,
    typeCode: app.typeCode,
    ownerMsp: app.ownerMsp,
    applicant: app.applicant,
    requiredDepts: app.requiredDepts,
    autoApprovedDepts: automatic.map((e) => e.dept),
  });
  return applicationView(app, txMs);
}

/**
 * Loads a pending application for a decision by the caller's department:
 * role approver, the owning organisation, a required department that has not
 * decided yet.
 */
async function loadForDecision(
  ctx: Context,
  applicationId: string,
): Promise<{ caller: Caller; dept: string; app: Application }> {
  const caller = getCaller(ctx);
  requireRole(caller, Role.Approver);
  const dept = requireAnyDept(caller);
  const app = await loadApplication(ctx, applicationId);
  requireIssuingOrg(caller, app.ownerMsp, `application ${applicationId}`);
  if (app.status !== 'pending') {
    throw errors.applicationClosed(`application ${applicationId} is ${app.status} already`);
  }
  if (!app.requiredDepts.includes(dept)) {
    throw errors.deptNotRequired(
      `department ${dept} is not among the approvers of application ${applicationId} (${app.requiredDepts.join(', ')})`,
    );
  }
  if (approvedDepts(app).includes(dept)) {
    throw errors.alreadyDecided(`department ${dept} has approved application ${applicationId} already`);
  }
  return { caller, dept, app };
}

/**
 * Approves an application for the caller's department (role approver). When it
 * is the last approval missing, the licence is issued in the same transaction;
 * that approval must carry the licence document's hash.
 */
export async function approveApplication(
  ctx: Context,
  req: ApproveApplicationRequest,
): Promise<ApprovalResult> {
  const { caller, dept, app } = await loadForDecision(ctx, req.applicationId);
  const at = txTimeIso(ctx);
  const txMs = txTimeMs(ctx);
  const approved = { event: 'approved' as const, at, dept, by: caller.id };
  const stillPending = pendingDepts(app).filter((d) => d !== dept);
  if (stillPending.length > 0) {
    const next: Application = { ...app, timeline: [...app.timeline, approved] };
    await writeJson(ctx, applicationKey(ctx, app.applicationId), next);
    await clearDueDates(ctx, app, [dept]);
    emitEvent(ctx, ELicenceEvent.ApplicationApproved, {
      facts: [ELicenceEvent.ApplicationApproved],
      applicationId: app.applicationId,
      typeCode: app.typeCode,
      ownerMsp: app.ownerMsp,
      applicant: app.applicant,
      dept,
      pendingDepts: stillPending,
    });
    return { application: applicationView(next, txMs), licence: null };
  }

  if (req.documentHash === undefined) {
    throw errors.documentHashRequired(
      `this approval completes application ${app.applicationId}; it must carry the licence documentHash`,
    );
  }
  const type = await loadType(ctx, app.typeCode);
  requireActiveType(type);
  if (await keyExists(ctx, licenceKey(ctx, app.applicationId))) {
    throw errors.licenceAlreadyExists(`licence ${app.applicationId} exists already`);
  }
  // the staged record is already under the licence's key (licence id = application id)
  await requireStagedRecord(
    ctx,
    app.privateCollection,
    licencePrivateKey(ctx, app.applicationId, app.privateDataHash),
    app.privateDataHash,
  );
  const validity = resolveValidity(type.validity, txMs, txMs);
  const licence = await storeNewLicence(ctx, {
    licenceId: app.applicationId,
    type,
    holder: app.applicant,
    documentHash: req.documentHash,
    validity,
    claimHashes: app.claimHashes,
    privateDataHash: app.privateDataHash,
    applicationId: app.applicationId,
    previousLicenceId: null,
    action: 'issued',
    by: caller.id,
  });
  const issued: Application = {
    ...app,
    status: 'issued',
    closedAt: at,
    licenceId: licence.licenceId,
    timeline: [...app.timeline, approved, { event: 'issued', at, licenceId: licence.licenceId }],
  };
  await writeJson(ctx, applicationKey(ctx, app.applicationId), issued);
  await clearDueDates(ctx, app, app.requiredDepts);
  emitEvent(ctx, ELicenceEvent.LicenceIssued, {
    facts: [ELicenceEvent.ApplicationApproved, ELicenceEvent.LicenceIssued],
    ...licenceEventFields(licence),
    applicationId: app.applicationId,
    dept,
  });
  return { application: applicationView(issued, txMs), licence };
}

/** Rejects an application for the caller's department (role approver); closes it with the reason. */
export async function rejectApplication(
  ctx: Context,
  req: RejectApplicationRequest,
): Promise<ApplicationView> {
  const { caller, dept, app } = await loadForDecision(ctx, req.applicationId);
  const at = txTimeIso(ctx);
  const rejected: Application = {
    ...app,
    status: 'rejected',
    closedAt: at,
    timeline: [
      ...app.timeline,
      { event: 'rejected', at, dept, by: caller.id, reasonCode: req.reasonCode, reason: req.reason },
    ],
  };
  await writeJson(ctx, applicationKey(ctx, app.applicationId), rejected);
  await clearDueDates(ctx, app, app.requiredDepts);
  // PurgePrivateData, not DelPrivateData: a delete removes only the current value, while the
  // member peers' private data stores keep every earlier version until blockToLive; a purge
  // removes them all (Fabric 2.5+, channel Application capability V2_5). Like a delete it carries
  // no personal data, only the key's hash: every endorser (member or not) writes it.
  await ctx.stub.purgePrivateData(
    app.privateCollection,
    licencePrivateKey(ctx, app.applicationId, app.privateDataHash),
  );
  emitEvent(ctx, ELicenceEvent.ApplicationRejected, {
    facts: [ELicenceEvent.ApplicationRejected],
    applicationId: app.applicationId,
    typeCode: app.typeCode,
    ownerMsp: app.ownerMsp,
    applicant: app.applicant,
    dept,
    reasonCode: req.reasonCode,
  });
  return applicationView(rejected, txTimeMs(ctx));
}

/** An application's status, decisions, pending departments and timeline (any member). */
export async function getApplication(ctx: Context, req: GetApplicationRequest): Promise<ApplicationView> {
  return applicationView(await loadApplication(ctx, req.applicationId), txTimeMs(ctx));
}
