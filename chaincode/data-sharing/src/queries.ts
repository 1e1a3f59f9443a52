/**
 * Read paths: how each record is read by its id (a missing record is a 404
 * with the record's own code) and how a page of an index becomes a page of
 * records. Every transaction reads records through these.
 */
import type { Context } from 'fabric-contract-api';
import { mustReadJson } from '@govledger/chaincode-common';
import { DataSharingErrorCode as E } from './errors';
import {
  accessKey,
  attestationKey,
  categoryKey,
  consentKey,
  lastAttribute,
  legalBasisKey,
  type IndexPage,
} from './keys';
import type {
  AccessRecord,
  AttestationRecord,
  CategoryRecord,
  ConsentRecord,
  LegalBasisRecord,
  PageResult,
} from './model';

/** Reads a category or refuses with 404 CATEGORY_NOT_FOUND. */
export async function loadCategory(ctx: Context, code: string): Promise<CategoryRecord> {
  return mustReadJson<CategoryRecord>(ctx, categoryKey(ctx, code), `category ${code}`, E.CategoryNotFound);
}

/** Reads a consent or refuses with 404 CONSENT_NOT_FOUND. */
export async function loadConsent(ctx: Context, consentId: string): Promise<ConsentRecord> {
  return mustReadJson<ConsentRecord>(
    ctx,
    consentKey(ctx, consentId),
    `consent ${consentId}`,
    E.ConsentNotFound,
  );
}

/** Reads a legal basis or refuses with 404 LEGAL_BASIS_NOT_FOUND. */
export async function loadLegalBasis(ctx: Context, id: string): Promise<LegalBasisRecord> {
  return mustReadJson<LegalBasisRecord>(
    ctx,
    legalBasisKey(ctx, id),
    `legal basis ${id}`,
    E.LegalBasisNotFound,
  );
}

/** Reads an access entry or refuses with 404 ACCESS_NOT_FOUND. */
export async function loadAccess(ctx: Context, accessId: string): Promise<AccessRecord> {
  return mustReadJson<AccessRecord>(ctx, accessKey(ctx, accessId), `access ${accessId}`, E.AccessNotFound);
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

/** The records a page of an index names (by its last attribute), in index order. */
export async function recordsOf<T>(
  page: IndexPage,
  load: (id: string) => Promise<T>,
): Promise<PageResult<T>> {
  const records: T[] = [];
  for (const attributes of page.keys) records.push(await load(lastAttribute(attributes)));
  return { records, bookmark: page.bookmark };
}
