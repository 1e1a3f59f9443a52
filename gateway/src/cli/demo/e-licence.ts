/**
 * Journey 1, e-licence: a City A enterprise applies once for a food business
 * licence; three departments approve, each under its own identity; the last
 * approval issues the licence; City B verifies it (recognised as its own type,
 * with one selectively disclosed claim) and spots a tampered copy.
 */
import { eLicence, randomSalt, sha256hex } from '@govledger/fixtures';
import type { Runner } from './runner';

interface LicenceType {
  code: string;
  ownerMsp: string;
  requiredApprovals: string[];
}
interface ApplicationView {
  applicationId: string;
  status: string;
  approvedDepts: string[];
  pendingDepts: string[];
  elapsedMs: number;
  timeline: { event: string }[];
}
interface Licence {
  licenceId: string;
  status: string;
  issuerMsp: string;
  validUntil: string | null;
  claimHashes: Record<string, string>;
}
interface VerifyResult {
  found: boolean;
  status: string;
  valid: boolean;
  recognition: { org: string; recognised: boolean; basis: string; localTypeCode: string | null } | null;
  documentHashMatch: boolean | null;
  claims: { name: string; known: boolean; match: boolean }[];
}

/** Runs the e-licence journey; `run` makes its ids unique. */
export async function licenceJourney(r: Runner, run: string): Promise<void> {
  const typeA = `A-FOOD-${run}`;
  const typeB = `B-FOOD-${run}`;
  const appId = `APP-FOOD-${run}`;
  const claims = {
    companyName: { value: `Riverside Fresh Foods ${run}`, salt: randomSalt() },
    registeredCapital: { value: '5000000.00', salt: randomSalt() },
    businessScope: { value: 'Wholesale and retail of prepackaged food', salt: randomSalt() },
  };
  const licencePrivate = {
    holder: {
      legalName: `Riverside Fresh Foods Ltd ${run}`,
      legalRepresentative: 'Zhang Wei',
      address: '88 Riverside Road, City A',
    },
    claims,
    salt: randomSalt(),
  };
  const documentHash = eLicence.licenceDocumentHash(appId);

  await r.run<LicenceType>({
    who: 'admin-a',
    what: 'defines a food business licence type that three departments must approve',
    method: 'POST',
    path: '/api/v1/licence-types',
    write: true,
    body: eLicence.foodBusinessLicenceType(typeA, Object.keys(claims)),
    show: (t) => `type ${t.code}, approvals needed: ${t.requiredApprovals.join(', ')}`,
  });
  await r.run<LicenceType>({
    who: 'admin-b',
    what: "defines City B's own food operation permit",
    method: 'POST',
    path: '/api/v1/licence-types',
    write: true,
    body: eLicence.foodOperationPermitType(typeB, ['companyName', 'businessScope']),
    show: (t) => `type ${t.code} owned by ${t.ownerMsp}`,
  });
  await r.run<{ foreignTypeCode: string; localTypeCode: string; status: string }>({
    who: 'admin-b',
    what: "recognises City A's licence as equivalent to its own permit",
    method: 'POST',
    path: '/api/v1/recognitions',
    write: true,
    settle: true,
    body: eLicence.recognition(typeB, typeA),
    show: (x) => `${x.foreignTypeCode} counts as ${x.localTypeCode} in City B (${x.status})`,
  });
  await r.run<ApplicationView>({
    who: 'enterprise-a1',
    what: 'submits ONE application; personal data goes as transient data, only hashes are public',
    method: 'POST',
    path: '/api/v1/applications',
    write: true,
    body: eLicence.application(appId, typeA, licencePrivate),
    check: (a) => (a.status === 'pending' ? undefined : `status ${a.status}`),
    show: (a) => `application ${a.applicationId} ${a.status}, waiting for ${a.pendingDepts.join(', ')}`,
  });
  const approvers: [string, string][] = [
    ['approver-fire-a', 'fire safety'],
    ['approver-env-a', 'environment'],
    ['approver-market-a', 'market regulation'],
  ];
  for (const [who, dept] of approvers) {
    const last = who === 'approver-market-a';
    await r.run<{ application: ApplicationView; licence: Licence | null }>({
      who,
      what: `approves for ${dept}${last ? ' — the last approval' : ''}`,
      method: 'POST',
      path: `/api/v1/applications/${appId}/approvals`,
      write: true,
      body: eLicence.approval(documentHash),
      check: (x) =>
        last && (x.application.status !== 'issued' || !x.licence)
          ? 'the last approval did not issue the licence'
          : undefined,
      show: (x) =>
        x.licence
          ? `licence ${x.licence.licenceId} ISSUED in this same transaction, valid until ` +
            `${x.licence.validUntil?.slice(0, 10)}; ${x.application.timeline.length} timeline entries, ` +
            `${(x.application.elapsedMs / 1000).toFixed(1)} s from submission to licence`
          : `approved by ${x.application.approvedDepts.join(', ')}; still pending: ${x.application.pendingDepts.join(', ')}`,
    });
  }
  await r.run<VerifyResult>({
    who: 'issuer-b',
    what: 'verifies the licence with its document hash and one disclosed claim (registered capital)',
    method: 'POST',
    path: `/api/v1/licences/${appId}/verification`,
    body: eLicence.verification(documentHash, { registeredCapital: claims.registeredCapital }),
    settle: (v) => v.found,
    check: (v) => (v.valid && v.recognition?.recognised ? undefined : `valid=${v.valid}`),
    show: (v) =>
      `${v.status}; recognised in ${v.recognition?.org} as ${v.recognition?.localTypeCode} ` +
      `(${v.recognition?.basis}); document ${v.documentHashMatch ? 'matches' : 'differs'}; ` +
      v.claims.map((c) => `${c.name} ${c.match ? 'matches' : 'differs'}`).join(', '),
  });
  await r.run<VerifyResult>({
    who: 'issuer-b',
    what: 'checks a tampered copy of the licence document',
    method: 'POST',
    path: `/api/v1/licences/${appId}/verification`,
    body: eLicence.verification(sha256hex(`%PDF-1.7 food business licence ${appId} (edited)`)),
    check: (v) => (v.valid || v.documentHashMatch !== false ? 'the tampered copy passed' : undefined),
    show: () => 'NOT valid: the document hash does not match the ledger — tampering detected',
  });
}
