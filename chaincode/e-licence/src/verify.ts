/**
 * Verification (any member): the status of a licence at the transaction time,
 * who issued it, how the verifier's organisation recognises it, and whether the
 * document, the disclosed claims (selective disclosure: name, value, salt) and
 * the private record's hash match the ledger.
 */
import type { Context } from 'fabric-contract-api';
import { getCaller, readJson, saltedHash, txTimeIso, txTimeMs } from '@govledger/chaincode-common';
import type { ClaimCheck, LicenceType, VerifyResult } from './model';
import { privateHashOnChain } from './private-data';
import { recognitionFor } from './recognition';
import type { VerifyLicenceRequest } from './schemas';
import { licencePrivateKey, typeKey } from './keys';
import { findLicence } from './queries';
import { effectiveStatus } from './validity';

/** Verifies a licence for the caller's organisation. An unknown id is status `unknown`, not an error. */
export async function verifyLicence(ctx: Context, req: VerifyLicenceRequest): Promise<VerifyResult> {
  const caller = getCaller(ctx);
  const checkedAt = txTimeIso(ctx);
  const licence = await findLicence(ctx, req.licenceId);
  if (licence === undefined) {
    return {
      licenceId: req.licenceId,
      found: false,
      status: 'unknown',
      checkedAt,
      valid: false,
      type: null,
      issuer: null,
      holder: null,
      holderKind: null,
      version: null,
      issuedAt: null,
      validFrom: null,
      validUntil: null,
      previousLicenceId: null,
      renewedBy: null,
      revocation: null,
      suspension: null,
      recognition: null,
      documentHashMatch: null,
      claims: [],
      privateDataMatch: null,
      privateDataOnChain: null,
    };
  }
  const status = effectiveStatus(licence, txTimeMs(ctx));
  const type = await readJson<LicenceType>(ctx, typeKey(ctx, licence.typeCode));
  const recognition = await recognitionFor(ctx, caller.mspId, licence);
  const documentHashMatch = req.documentHash === undefined ? null : req.documentHash === licence.documentHash;
  const claims: ClaimCheck[] = (req.claims ?? []).map((c) => {
    const known = Object.hasOwn(licence.claimHashes, c.name);
    return {
      name: c.name,
      known,
      match: known && licence.claimHashes[c.name] === saltedHash(c.salt, c.value),
    };
  });
  const onChain = await privateHashOnChain(
    ctx,
    licence.privateCollection,
    licencePrivateKey(ctx, licence.licenceId, licence.privateDataHash),
  );
  const privateDataOnChain = onChain === licence.privateDataHash;
  const privateDataMatch =
    req.privateDataHash === undefined
      ? null
      : privateDataOnChain && req.privateDataHash === licence.privateDataHash;
  const valid =
    status === 'valid' &&
    documentHashMatch !== false &&
    privateDataMatch !== false &&
    claims.every((c) => c.match);
  return {
    licenceId: licence.licenceId,
    found: true,
    status,
    checkedAt,
    valid,
    type: { code: licence.typeCode, name: type?.name ?? null, ownerMsp: type?.ownerMsp ?? null },
    issuer: { mspId: licence.issuerMsp, dept: licence.issuerDept },
    holder: licence.holder,
    holderKind: licence.holderKind,
    version: licence.version,
    issuedAt: licence.issuedAt,
    validFrom: licence.validFrom,
    validUntil: licence.validUntil,
    previousLicenceId: licence.previousLicenceId,
    renewedBy: licence.renewedBy,
    revocation: licence.revocation && {
      reasonCode: licence.revocation.reasonCode,
      at: licence.revocation.at,
    },
    suspension: licence.suspension && {
      reasonCode: licence.suspension.reasonCode,
      at: licence.suspension.at,
    },
    recognition,
    documentHashMatch,
    claims,
    privateDataMatch,
    privateDataOnChain,
  };
}
