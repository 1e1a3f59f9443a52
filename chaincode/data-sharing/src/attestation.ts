/**
 * "Zero documents" fact checks: the holding department publishes a fact about a
 * citizen as a salted hash with an expiry (e.g. "has paid into the housing fund
 * for at least 12 months"); a department holding a valid ticket for that
 * citizen, category and field checks a claimed value and its salt against it,
 * so the citizen submits nothing. Neither the value nor the salt is stored.
 */
import type { Context } from 'fabric-contract-api';
import {
  emitEvent,
  getCaller,
  isoToMs,
  keyExists,
  saltedHash,
  sameSubject,
  sameDigest,
  txTimeIso,
  txTimeMs,
  writeJson,
  type Caller,
} from '@govledger/chaincode-common';
import { requireValidTicket } from './access';
import { loadActiveCategory, requireFieldsInCategory } from './catalogue';
import { errors } from './errors';
import type { AttestationRecord, AttestationView, CategoryRecord, VerifyFactResult } from './model';
import { inDept, isAuditor, isCitizen, protectOwned, requireAuditScope, requireOfficer } from './authz';
import type { AttestationRefRequest, PublishAttestationRequest, VerifyFactRequest } from './schemas';
import { attestationKey, derivedId } from './keys';
import { loadAttestation } from './queries';

/** An attestation's state at a time: revoked wins, then expired (now ≥ validUntil), else active. */
export function attestationState(a: AttestationRecord, nowMs: number): AttestationView['state'] {
  if (a.status === 'revoked') return 'revoked';
  if (nowMs >= isoToMs(a.validUntil)) return 'expired';
  return 'active';
}

function requireHolder(caller: Caller, category: Pick<CategoryRecord, 'code' | 'holder'>): void {
  if (!inDept(caller, category.holder)) {
    throw errors.notCategoryHolder(
      `only officers of ${category.holder.dept} of ${category.holder.mspId} act for category ${category.code}`,
    );
  }
}

/** PublishAttestation: an officer of the category's holding department publishes a salted fact hash. */
export async function publishAttestation(
  ctx: Context,
  req: PublishAttestationRequest,
): Promise<AttestationView> {
  const caller = getCaller(ctx);
  requireOfficer(caller);
  const category = await loadActiveCategory(ctx, req.categoryCode);
  requireHolder(caller, category);
  requireFieldsInCategory(category, [req.field]);
  const nowMs = txTimeMs(ctx);
  if (isoToMs(req.validUntil) <= nowMs) {
    throw errors.invalidValidity('validUntil must be in the future', { field: 'validUntil' });
  }
  const attestationId = req.attestationId ?? derivedId(ctx, 'ATT');
  const key = attestationKey(ctx, attestationId);
  if (await keyExists(ctx, key)) {
    throw errors.attestationExists(`attestation ${attestationId} exists already`);
  }
  const record: AttestationRecord = {
    attestationId,
    categoryCode: category.code,
    field: req.field,
    citizen: req.citizen,
    factHash: req.factHash,
    holder: category.holder,
    issuedAt: txTimeIso(ctx),
    validUntil: req.validUntil,
    status: 'active',
    publishedBy: caller.id,
    revokedAt: null,
  };
  await writeJson(ctx, key, record);
  await protectOwned(ctx, key, caller, category.holder.mspId);
  emitEvent(ctx, 'AttestationPublished', {
    attestationId,
    citizen: record.citizen,
    categoryCode: record.categoryCode,
    field: record.field,
    holder: record.holder,
    validUntil: record.validUntil,
  });
  return { ...record, state: 'active' };
}

/** RevokeAttestation: an officer of the holding department revokes an attestation. */
export async function revokeAttestation(ctx: Context, req: AttestationRefRequest): Promise<AttestationView> {
  const caller = getCaller(ctx);
  requireOfficer(caller);
  const current = await loadAttestation(ctx, req.attestationId);
  requireHolder(caller, { code: current.categoryCode, holder: current.holder });
  if (current.status === 'revoked') {
    throw errors.attestationRevoked(`attestation ${req.attestationId} is revoked already`);
  }
  const record: AttestationRecord = { ...current, status: 'revoked', revokedAt: txTimeIso(ctx) };
  await writeJson(ctx, attestationKey(ctx, req.attestationId), record);
  emitEvent(ctx, 'AttestationRevoked', {
    attestationId: record.attestationId,
    citizen: record.citizen,
    categoryCode: record.categoryCode,
    field: record.field,
    holder: record.holder,
  });
  return { ...record, state: 'revoked' };
}

/**
 * GetAttestation: the holding department, the citizen it is about, or an auditor
 * of one of their organisations (or designated to audit others) reads an attestation.
 */
export async function getAttestation(ctx: Context, req: AttestationRefRequest): Promise<AttestationView> {
  const caller = getCaller(ctx);
  const a = await loadAttestation(ctx, req.attestationId);
  if (!(inDept(caller, a.holder) || isCitizen(caller, a.citizen))) {
    if (isAuditor(caller)) requireAuditScope(caller, [a.citizen.mspId, a.holder.mspId]);
    else if (caller.pid !== undefined) throw errors.notOwnData('a citizen may read only their own data');
    else throw errors.forbidden(`caller may not read attestation ${req.attestationId}`);
  }
  return { ...a, state: attestationState(a, txTimeMs(ctx)) };
}

/**
 * VerifyFact: the department a valid ticket was issued to checks a claimed value
 * and salt against an attestation about the ticket's citizen, category and one
 * of the ticket's fields.
 */
export async function verifyFact(ctx: Context, req: VerifyFactRequest): Promise<VerifyFactResult> {
  return factCheckResult(ctx, req.ticketId, req.attestationId, saltedHash(req.salt, req.claimedValue));
}

/**
 * The checks of VerifyFact (and CheckFact) with the salted hash of the claimed value: a valid
 * ticket of the caller's department that covers the attestation's citizen, category and field,
 * and an attestation neither revoked nor expired; `match` compares the hash with the fact hash.
 */
export async function factCheckResult(
  ctx: Context,
  ticketId: string,
  attestationId: string,
  claimedHash: string,
): Promise<VerifyFactResult> {
  const caller = getCaller(ctx);
  const nowMs = txTimeMs(ctx);
  const ticket = await requireValidTicket(ctx, caller, ticketId, nowMs);
  const a = await loadAttestation(ctx, attestationId);
  if (
    !sameSubject(a.citizen, ticket.citizen) ||
    a.categoryCode !== ticket.categoryCode ||
    !ticket.fields.includes(a.field)
  ) {
    throw errors.attestationNotCovered(
      `ticket ${ticketId} does not cover the citizen, category and field of attestation ${attestationId}`,
    );
  }
  const state = attestationState(a, nowMs);
  if (state === 'revoked') throw errors.attestationRevoked(`attestation ${a.attestationId} was revoked`);
  if (state === 'expired') {
    throw errors.attestationExpired(`attestation ${a.attestationId} expired at ${a.validUntil}`);
  }
  return {
    ticketId,
    attestationId: a.attestationId,
    citizen: a.citizen,
    categoryCode: a.categoryCode,
    field: a.field,
    match: sameDigest(claimedHash, a.factHash),
    validUntil: a.validUntil,
  };
}
