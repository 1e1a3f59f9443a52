import { createGovLedgerClient, discloseClaims, newPrivateRecord, sha256Hex } from '@govledger/client';

/** An enterprise applies once, every required department approves, another city verifies. */
export async function licenceJourney(
  gateway: string,
  t: { applicant: string; approvers: string[]; verifier: string },
) {
  const as = (token: string) => createGovLedgerClient({ baseUrl: gateway, token });
  const me = await as(t.applicant).GET('/api/v1/me');
  if (!me.data?.pid) throw new Error('the applicant has no pid');

  // Personal data and clear claims go as transient data; the ledger keeps only their hashes.
  const sealed = newPrivateRecord(
    { legalName: 'Riverside Fresh Foods Ltd', address: '88 Riverside Road, City A' },
    { companyName: 'Riverside Fresh Foods', registeredCapital: '5000000.00', businessScope: 'Food retail' },
  );
  const applicationId = `APP-FOOD-${Date.now()}`;
  const applied = await as(t.applicant).POST('/api/v1/applications', {
    body: { applicationId, typeCode: 'A-FOOD', licencePrivate: sealed.record },
  });
  if (applied.error) throw new Error(`${applied.error.code}: ${applied.error.detail}`);

  const documentHash = sha256Hex('%PDF-1.7 the licence document');
  for (const approver of t.approvers) {
    const approved = await as(approver).POST('/api/v1/applications/{applicationId}/approvals', {
      params: { path: { applicationId } },
      body: { documentHash },
    });
    if (approved.error) throw new Error(`${approved.error.code}: ${approved.error.detail}`);
  }

  // The holder shows one claim with its salt; the verifier's chaincode recomputes every hash.
  const { data, error } = await as(t.verifier).POST('/api/v1/licences/{licenceId}/verification', {
    params: { path: { licenceId: applicationId } },
    body: {
      documentHash,
      claims: discloseClaims(sealed.record.claims, ['registeredCapital']),
      privateDataHash: sealed.privateDataHash,
    },
  });
  if (error) throw new Error(`${error.code}: ${error.detail}`);
  return data.valid && data.claims.every((c) => c.match);
}
