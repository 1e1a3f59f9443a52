/**
 * "Zero documents" fact checks: the holding department publishes a fact about a
 * citizen as a salted hash with an expiry (e.g. "has paid into the housing fund
 * for at least 12 months"); a department holding a valid ticket for that
 * citizen, category and field checks a claimed value and its salt against it,
 * so the citizen submits nothing. Neither the value nor the salt is stored.
 */
import type { Context } from 'fabric-contract-api';
import {
  alreadyExists,
  conflict,
  emitEvent,
  forbidden,
  getCaller,
  invalidArgument,
  isoToMs,
  keyExists,
  mustReadJson,
  restrictToOrgs,
  saltedHash,
  sameDigest,
  txTimeIso,
  txTimeMs,
  writeJson,
  type Caller,
} from '@govledger/chaincode-common';
import { requireValidTicket } from './access';
import { loadActiveCategory, requireFieldsInCategory } from './catalogue';
import { DataSharingErrorCode as E } from './errors';
import type { AttestationRecord, AttestationView, CategoryRecord } from './model';
import { inDept, isAuditor, requireOfficer } from './parties';
import type { AttestationRefInput, PublishAttestationInput, VerifyFactInput } from './schemas';
import { attestationKey, derivedId } from './state';

/** An attestation's state at a time: revoked wins, then expired (now ≥ validUntil), else active. */
export function attestationState(a: AttestationRecord, nowMs: number): AttestationView['state'] {
  if (a.status === 'revoked') return 'revoked';
  if (nowMs >= isoToMs(a.validUntil)) return 'expired';
  return 'active';
}

/** Reads an attestation or refuses with 404 ATTESTATION_NOT_FOUND. */
export async function loadAttestation(ctx: Context, id: string): Promise<AttestationRecord> {
  return mustReadJson<AttestationRecord>(
    ctx,
    attestationKey(ctx, id),
    `attestation ${id}`,
    E.AttestationNotFound,
  );
}

function requireHolder(caller: Caller, category: Pick<CategoryRecord, 'code' | 'holder'>): void {
  if (!inDept(caller, category.holder)) {
    throw forbidden(
      `only officers of ${category.holder.dept} of ${category.holder.mspId} act for category ${category.code}`,
      E.NotCategoryHolder,
    );
  }
}

/** PublishAttestation: an officer of the category's holding department publishes a salted fact hash. */
export async function publishAttestation(
  ctx: Context,
  req: PublishAttestationInput,
): Promise<AttestationView> {
  const caller = getCaller(ctx);
  requireOfficer(caller);
  const category = await loadActiveCategory(ctx, req.categoryCode);
  requireHolder(caller, category);
  requireFieldsInCategory(category, [req.field]);
  const nowMs = txTimeMs(ctx);
  if (isoToMs(req.validUntil) <= nowMs) {
    throw invalidArgument('validUntil must be in the future', { field: 'validUntil' }, E.InvalidValidity);
  }
  const attestationId = req.attestationId ?? derivedId(ctx, 'ATT');
  const key = attestationKey(ctx, attestationId);
  if (await keyExists(ctx, key)) {
    throw alreadyExists(`attestation ${attestationId} exists already`, E.AttestationExists);
  }
  const record: AttestationRecord = {
    attestationId,
    categoryCode: category.code,
    field: req.field,
    citizenPid: req.citizenPid,
    factHash: req.factHash,
    holder: category.holder,
    issuedAt: txTimeIso(ctx),
    validUntil: req.validUntil,
    status: 'active',
    publishedBy: caller.id,
    revokedAt: null,
  };
  await writeJson(ctx, key, record);
  await restrictToOrgs(ctx, key, category.holder.mspId);
  emitEvent(ctx, 'AttestationPublished', {
    attestationId,
    citizenPid: record.citizenPid,
    categoryCode: record.categoryCode,
    field: record.field,
    holder: record.holder,
    validUntil: record.validUntil,
  });
  return { ...record, state: 'active' };
}

/** RevokeAttestation: an officer of the holding department revokes an attestation. */
export async function revokeAttestation(ctx: Context, req: AttestationRefInput): Promise<AttestationView> {
  const caller = getCaller(ctx);
  requireOfficer(caller);
  const current = await loadAttestation(ctx, req.attestationId);
  requireHolder(caller, { code: current.categoryCode, holder: current.holder });
  if (current.status === 'revoked') {
    throw conflict(`attestation ${req.attestationId} is revoked already`, E.AttestationRevoked);
  }
  const record: AttestationRecord = { ...current, status: 'revoked', revokedAt: txTimeIso(ctx) };
  await writeJson(ctx, attestationKey(ctx, req.attestationId), record);
  emitEvent(ctx, 'AttestationRevoked', {
    attestationId: record.attestationId,
    citizenPid: record.citizenPid,
    categoryCode: record.categoryCode,
    field: record.field,
  });
  return { ...record, state: 'revoked' };
}

/** GetAttestation: the holding department, the citizen it is about, or an auditor reads an attestation. */
export async function getAttestation(ctx: Context, req: AttestationRefInput): Promise<AttestationView> {
  const caller = getCaller(ctx);
  const a = await loadAttestation(ctx, req.attestationId);
  if (!(
    isAuditor(caller) ||
    inDept(caller, a.holder) ||
    (caller.pid !== undefined && caller.pid === a.citizenPid)
  )) {
    if (caller.pid !== undefined) throw forbidden('a citizen may read only their own data', E.NotOwnData);
    throw forbidden(`caller may not read attestation ${req.attestationId}`);
  }
  return { ...a, state: attestationState(a, txTimeMs(ctx)) };
}

/** What VerifyFact returns. */
export interface VerifyFactResult {
  ticketId: string;
  attestationId: string;
  citizenPid: string;
  categoryCode: string;
  field: string;
  /** True when saltedHash(salt, claimedValue) equals the attested hash. */
  match: boolean;
  validUntil: string;
}

/**
 * VerifyFact: the department a valid ticket was issued to checks a claimed value
 * and salt against an attestation about the ticket's citizen, category and one
 * of the ticket's fields.
 */
export async function verifyFact(ctx: Context, req: VerifyFactInput): Promise<VerifyFactResult> {
  const caller = getCaller(ctx);
  const nowMs = txTimeMs(ctx);
  const ticket = await requireValidTicket(ctx, caller, req.ticketId, nowMs);
  const a = await loadAttestation(ctx, req.attestationId);
  if (
    a.citizenPid !== ticket.citizenPid ||
    a.categoryCode !== ticket.categoryCode ||
    !ticket.fields.includes(a.field)
  ) {
    throw forbidden(
      `ticket ${req.ticketId} does not cover the citizen, category and field of attestation ${req.attestationId}`,
      E.AttestationNotCovered,
    );
  }
  const state = attestationState(a, nowMs);
  if (state === 'revoked') throw conflict(`attestation ${a.attestationId} was revoked`, E.AttestationRevoked);
  if (state === 'expired') {
    throw conflict(`attestation ${a.attestationId} expired at ${a.validUntil}`, E.AttestationExpired);
  }
  return {
    ticketId: req.ticketId,
    attestationId: a.attestationId,
    citizenPid: a.citizenPid,
    categoryCode: a.categoryCode,
    field: a.field,
    match: sameDigest(saltedHash(req.salt, req.claimedValue), a.factHash),
    validUntil: a.validUntil,
  };
}
