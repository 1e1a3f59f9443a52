/**
 * Journey 5, cross-region service (issue 18): the City A enterprise of journey 1 presents its
 * food business licence to someone with no account, disclosing one claim; the verifier checks it
 * at the public endpoint (signature against the key City A registered on the ledger, the licence's
 * status, the disclosed claim's salted hash), and the holder sees who checked, when and why. Then
 * the same enterprise applies for City B's own permit, naming City B as the issuing city: its
 * personal data is staged on City B's peer only, City B's department decides and City B issues.
 *
 * Every call goes through the SDK (@govledger/client).
 */
import { sha256Hex } from '@govledger/client';
import { eLicence } from '@govledger/fixtures';
import type { Runner } from './runner';

/** Runs the cross-region journey on the licence `licenceId` that journey 1 issued to enterprise-a1. */
export async function crossRegionJourney(r: Runner, run: string, licenceId: string): Promise<void> {
  const keys = await r.read({
    who: undefined,
    what: 'anyone reads the presentation keys the organisations registered on the ledger (JWKS)',
    call: (api) => api.GET('/api/v1/public/presentation-keys'),
    show: (k) =>
      `${k.keys.length} key(s): ${k.keys.map((x) => `${x.mspId} ${x.kid.slice(0, 10)}…`).join(', ')}`,
  });
  // this gateway registers City A's key once; a second time the ledger answers it exists
  await r.write({
    who: 'admin-a',
    what: "registers City A's presentation key (created under the majority policy; the private half stays with City A's gateway)",
    accept: { status: 409, code: 'PRESENTATION_KEY_EXISTS' },
    call: (api) => api.POST('/api/v1/presentation-keys'),
    show: (k) => `key ${k.kid.slice(0, 16)}… of ${k.mspId} on the ledger (${keys.keys.length} key(s) before)`,
  });
  const made = await r.read({
    who: 'enterprise-a1',
    what: 'asks for a short-lived presentation of its licence, disclosing only its company name',
    call: (api) =>
      api.POST('/api/v1/licences/{licenceId}/presentations', {
        params: { path: { licenceId } },
        body: { claims: ['companyName'] },
      }),
    show: (x) =>
      `${x.presentation.length} characters (fits a QR code), discloses ${x.disclosed.join(', ')}, ` +
      `expires ${x.expiresAt.slice(11, 19)} UTC`,
  });
  await r.read({
    who: undefined,
    what: 'a supplier with no account verifies the presentation at the public endpoint (the check is recorded)',
    commits: true,
    call: (api) =>
      api.POST('/api/v1/public/presentations/verify', {
        body: {
          presentation: made.presentation,
          purpose: { code: 'CONTRACTING', text: 'supplier onboarding' },
        },
      }),
    check: (v) => (v.valid ? undefined : `not valid: ${v.reason}`),
    show: (v) =>
      `valid: ${v.licenceId} ${v.status}, issued by ${v.issuerMsp}; disclosed ` +
      v.disclosed.map((c) => `${c.name} = "${c.value}"`).join(', '),
  });
  await r.read({
    who: 'enterprise-a1',
    what: 'lists who checked its licence, when and why',
    call: (api) => api.GET('/api/v1/me/licence-checks', { params: { query: { licenceId } } }),
    settle: (page) => page.records.some((u) => u.verifier.kind === 'public'),
    show: (page) =>
      page.records
        .map(
          (u) =>
            `${u.checkedAt.slice(11, 19)} ${u.verifier.kind} via ${u.verifier.mspId}: ${u.purpose?.code ?? '-'}`,
        )
        .join('; '),
  });

  // applying in another city: City B's own permit, decided and issued by City B
  const typeB = `B-TRADE-${run}`;
  const appId = `APP-XB-${run}`;
  const documentHash = sha256Hex(`%PDF-1.7 City B trading permit ${appId}`);
  await r.write({
    who: 'admin-b',
    what: 'defines a City B trading permit that its market department approves',
    call: (api) =>
      api.POST('/api/v1/licence-types', {
        body: {
          code: typeB,
          name: 'City B trading permit',
          dept: 'market',
          holderKind: 'enterprise',
          validity: { kind: 'days', days: 365 },
          claims: ['companyName', 'businessScope'],
          requiredApprovals: ['market'],
        },
      }),
    show: (t) => `type ${t.code} owned by ${t.ownerMsp}`,
  });
  const privateRecord = {
    holder: { legalName: `Riverside Fresh Foods Ltd ${run}`, address: '88 Riverside Road, City A' },
    claims: {
      companyName: {
        value: `Riverside Fresh Foods ${run}`,
        salt: sha256Hex(`${appId}:companyName`).slice(0, 32),
      },
      businessScope: {
        value: 'Wholesale of prepackaged food',
        salt: sha256Hex(`${appId}:businessScope`).slice(0, 32),
      },
    },
    salt: sha256Hex(`${appId}:record`).slice(0, 32),
  };
  await r.write({
    who: 'enterprise-a1',
    what: "applies in City B (issuingMsp CityBMSP): its personal data is staged on City B's peer only",
    call: (api) =>
      api.POST('/api/v1/applications', {
        body: {
          applicationId: appId,
          typeCode: typeB,
          issuingMsp: 'CityBMSP',
          licencePrivate: privateRecord,
        },
      }),
    check: (a) => (a.ownerMsp === 'CityBMSP' && a.applicant.mspId === 'CityAMSP' ? undefined : 'wrong owner'),
    show: (a) =>
      `application ${a.applicationId} owned by ${a.ownerMsp}, applicant of ${a.applicant.mspId}, ` +
      `private data in ${a.privateCollection}; waiting for ${a.pendingDepts.join(', ')}`,
  });
  await r.write({
    who: 'approver-market-b',
    what: "approves for City B's market department: City B issues the licence",
    settle: true,
    call: (api) =>
      api.POST('/api/v1/applications/{applicationId}/approvals', {
        params: { path: { applicationId: appId } },
        body: eLicence.approval(documentHash),
      }),
    check: (x) => (x.licence?.issuerMsp === 'CityBMSP' ? undefined : 'City B did not issue the licence'),
    show: (x) =>
      `licence ${x.licence?.licenceId} ISSUED by ${x.licence?.issuerMsp} to an enterprise of ` +
      `${x.licence?.holder.mspId}, private record in ${x.licence?.privateCollection}`,
  });
}
