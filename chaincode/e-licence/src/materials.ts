/**
 * Materials fetched, not re-submitted: an application references the
 * applicant's existing licences and data-sharing attestations instead of
 * re-entering the claims they prove. Every endorser verifies each reference in
 * the submission transaction, with the transaction time, so all reach the
 * same answer:
 *
 * - a licence (this chaincode's state): it exists, its holder is the applicant
 *   (home MSP and pid), and its effective status at the transaction time is
 *   `valid` (not suspended, revoked, expired or not yet valid);
 * - an attestation (the data-sharing chaincode, same channel): read with a
 *   read-only chaincode-to-chaincode call of its GetAttestation under the
 *   applicant's own identity (so data-sharing's own access rule applies too),
 *   then checked here: about the applicant, not revoked, not expired at the
 *   transaction time. The call puts the attestation's key in this
 *   transaction's read set, so a revocation committed between endorsement and
 *   validation invalidates the submission (MVCC) instead of letting it rely on
 *   a withdrawn fact.
 *
 * What was verified is recorded on the application (ids, type or category,
 * issuer or holder department, validity, check time), never a claim value.
 */
import type { Context } from 'fabric-contract-api';
import { sameSubject, txTimeIso, type Subject } from '@govledger/chaincode-common';
import { eLicence, findChaincodeError } from '@govledger/wire';
import { errors } from './errors';
import { findLicence } from './queries';
import { effectiveStatus } from './validity';

/** A reference of a submission. */
export type MaterialRef = eLicence.MaterialRef;
/** A verified material as recorded on the application. */
export type RecordedMaterial = eLicence.RecordedMaterial;

/** A verified material, with what the automatic-approval rules compare (not recorded). */
export interface VerifiedMaterial {
  /** What the application records. */
  recorded: RecordedMaterial;
  /** The referenced licence's claim hashes (licences only). */
  claimHashes: Record<string, string> | null;
}

/** The transaction of the data-sharing contract that reads one attestation. */
export const GET_ATTESTATION_FN = 'DataSharingContract:GetAttestation';

/** The name a material is recorded under: `licence:<id>` or `attestation:<id>`. */
export function materialName(m: MaterialRef | RecordedMaterial): string {
  return m.kind === 'licence' ? `licence:${m.licenceId}` : `attestation:${m.attestationId}`;
}

/** What the chaincode reads of a data-sharing attestation (its GetAttestation answer). */
interface AttestationRead {
  attestationId: string;
  categoryCode: string;
  field: string;
  citizen: Subject;
  holder: { mspId: string; dept: string };
  validUntil: string;
  status: string;
}

function isAttestationRead(v: unknown): v is AttestationRead {
  if (typeof v !== 'object' || v === null) return false;
  const a = v as Record<string, unknown>;
  const citizen = a.citizen as Record<string, unknown> | null | undefined;
  const holder = a.holder as Record<string, unknown> | null | undefined;
  return (
    typeof a.attestationId === 'string' &&
    typeof a.categoryCode === 'string' &&
    typeof a.field === 'string' &&
    typeof a.validUntil === 'string' &&
    typeof a.status === 'string' &&
    typeof citizen?.mspId === 'string' &&
    typeof citizen.pid === 'string' &&
    typeof holder?.mspId === 'string' &&
    typeof holder.dept === 'string'
  );
}

/** Maps data-sharing's refusal of GetAttestation to this chaincode's material codes. */
function attestationRefusal(attestationId: string, text: string): Error {
  const body = findChaincodeError(text);
  if (body?.code === 'ATTESTATION_NOT_FOUND' || body?.status === 404) {
    return errors.materialNotFound(`attestation ${attestationId} does not exist`);
  }
  if (body?.status === 403) {
    return errors.materialNotOwned(`attestation ${attestationId} is not about the applicant`);
  }
  return errors.materialUnavailable(
    `attestation ${attestationId} could not be read from the ${eLicence.ATTESTATION_CHAINCODE} chaincode: ${body?.message ?? text.slice(0, 200)}`,
  );
}

/** Reads an attestation through data-sharing's GetAttestation (same channel, the caller's identity). */
async function readAttestation(ctx: Context, attestationId: string): Promise<AttestationRead> {
  let response: { status: number; message?: string; payload?: Uint8Array };
  try {
    response = await ctx.stub.invokeChaincode(
      eLicence.ATTESTATION_CHAINCODE,
      [GET_ATTESTATION_FN, JSON.stringify({ attestationId })],
      '',
    );
  } catch (err) {
    throw attestationRefusal(attestationId, err instanceof Error ? err.message : String(err));
  }
  if (response.status !== 200) throw attestationRefusal(attestationId, response.message ?? '');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(response.payload ?? new Uint8Array()).toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!isAttestationRead(value) || value.attestationId !== attestationId) {
    throw errors.materialUnavailable(`attestation ${attestationId}: unexpected answer from data-sharing`);
  }
  return value;
}

async function verifyLicence(
  ctx: Context,
  applicant: Subject,
  licenceId: string,
  txMs: number,
): Promise<VerifiedMaterial> {
  const licence = await findLicence(ctx, licenceId);
  if (!licence) throw errors.materialNotFound(`licence ${licenceId} does not exist`);
  if (!sameSubject(licence.holder, applicant)) {
    throw errors.materialNotOwned(`licence ${licenceId} is not held by the applicant`);
  }
  const status = effectiveStatus(licence, txMs);
  if (status !== 'valid') {
    throw errors.materialNotValid(`licence ${licenceId} is ${status}`, { licenceId, status });
  }
  return {
    recorded: {
      kind: 'licence',
      licenceId,
      typeCode: licence.typeCode,
      issuerMsp: licence.issuerMsp,
      version: licence.version,
      validUntil: licence.validUntil,
      checkedAt: txTimeIso(ctx),
    },
    claimHashes: licence.claimHashes,
  };
}

async function verifyAttestation(
  ctx: Context,
  applicant: Subject,
  attestationId: string,
  txMs: number,
): Promise<VerifiedMaterial> {
  const a = await readAttestation(ctx, attestationId);
  if (!sameSubject(a.citizen, applicant)) {
    throw errors.materialNotOwned(`attestation ${attestationId} is not about the applicant`);
  }
  if (a.status === 'revoked') {
    throw errors.materialNotValid(`attestation ${attestationId} is revoked`, {
      attestationId,
      status: 'revoked',
    });
  }
  if (txMs >= Date.parse(a.validUntil)) {
    throw errors.materialNotValid(`attestation ${attestationId} expired at ${a.validUntil}`, {
      attestationId,
      status: 'expired',
    });
  }
  return {
    recorded: {
      kind: 'attestation',
      attestationId,
      categoryCode: a.categoryCode,
      field: a.field,
      holder: { mspId: a.holder.mspId, dept: a.holder.dept },
      validUntil: a.validUntil,
      checkedAt: txTimeIso(ctx),
    },
    claimHashes: null,
  };
}

/**
 * Verifies every referenced material of a submission, in the order given;
 * refuses MATERIAL_NOT_FOUND, MATERIAL_NOT_OWNED, MATERIAL_NOT_VALID or
 * MATERIAL_UNAVAILABLE at the first that fails.
 */
export async function verifyMaterials(
  ctx: Context,
  applicant: Subject,
  refs: readonly MaterialRef[],
  txMs: number,
): Promise<VerifiedMaterial[]> {
  const out: VerifiedMaterial[] = [];
  for (const ref of refs) {
    out.push(
      ref.kind === 'licence'
        ? await verifyLicence(ctx, applicant, ref.licenceId, txMs)
        : await verifyAttestation(ctx, applicant, ref.attestationId, txMs),
    );
  }
  return out;
}
