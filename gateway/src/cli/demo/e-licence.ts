/**
 * Journey 1, e-licence: a City A enterprise applies once for a food business
 * licence, referencing its premises fire-safety record (a licence it already
 * holds) instead of re-submitting it, so the fire department approves
 * automatically by the type's rule; the two other departments approve, each
 * under its own identity; the last approval issues the licence; City B verifies it (recognised as its own type,
 * with one selectively disclosed claim and the private record's hash) and spots a
 * tampered copy.
 *
 * Every call goes through the SDK (@govledger/client), which also seals the
 * private record: a salt per claim and for the record, the salted claim hashes
 * and the private-record hash the ledger keeps.
 */
import { discloseClaims, newPrivateRecord, sealPrivateRecord, sha256Hex } from '@govledger/client';
import { eLicence } from '@govledger/fixtures';
import type { Runner } from './runner';

/** Runs the e-licence journey; `run` makes its ids unique. */
export async function licenceJourney(r: Runner, run: string): Promise<void> {
  const typeA = `A-FOOD-${run}`;
  const typeB = `B-FOOD-${run}`;
  const appId = `APP-FOOD-${run}`;
  const safetyType = `A-FSR-${run}`;
  const safetyId = `FSR-${run}`;
  const holder = {
    legalName: `Riverside Fresh Foods Ltd ${run}`,
    legalRepresentative: 'Zhang Wei',
    address: '88 Riverside Road, City A',
  };
  // the premises fire-safety record the enterprise already holds (a licence issued earlier)
  const safety = newPrivateRecord(holder, { premisesAddress: `88 Riverside Road, City A (${run})` });
  const draft = newPrivateRecord(holder, {
    companyName: `Riverside Fresh Foods ${run}`,
    registeredCapital: '5000000.00',
    businessScope: 'Wholesale and retail of prepackaged food',
  });
  // the application reuses the record's salted premises claim: same hash, so the rule can match it
  const sealed = sealPrivateRecord({
    ...draft.record,
    claims: { ...draft.record.claims, premisesAddress: safety.record.claims.premisesAddress },
  });
  const documentHash = eLicence.licenceDocumentHash(appId);

  await r.write({
    who: 'admin-a',
    what: 'defines a premises fire-safety record (issued directly after an inspection)',
    call: (api) =>
      api.POST('/api/v1/licence-types', {
        body: {
          code: safetyType,
          name: 'Premises fire-safety record (City A)',
          dept: 'market',
          holderKind: 'enterprise',
          validity: { kind: 'days', days: 365 },
          claims: ['premisesAddress'],
          requiredApprovals: [],
        },
      }),
    show: (t) => `type ${t.code}, issued directly`,
  });
  await r.write({
    who: 'issuer-a',
    what: 'issues the enterprise its premises fire-safety record',
    call: (api) =>
      api.POST('/api/v1/licences', {
        body: {
          licenceId: safetyId,
          typeCode: safetyType,
          holder: r.voter('enterprise-a1'),
          documentHash: sha256Hex(`%PDF-1.7 fire-safety record ${safetyId}`),
          licencePrivate: safety.record,
        },
      }),
    show: (l) => `licence ${l.licenceId} held by the enterprise, valid until ${l.validUntil?.slice(0, 10)}`,
  });

  // fire approves automatically when the application references a valid fire-safety record of the same premises
  const foodType = {
    ...eLicence.foodBusinessLicenceType(typeA, Object.keys(sealed.record.claims)),
    autoApprovals: [
      {
        dept: 'fire',
        when: { kind: 'licence' as const, typeCode: safetyType, sameClaims: ['premisesAddress'] },
      },
    ],
  };
  await r.write({
    who: 'admin-a',
    what: 'defines a food business licence type that three departments must approve (fire: automatically on a fire-safety record of the same premises)',
    call: (api) => api.POST('/api/v1/licence-types', { body: foodType }),
    show: (t) => `type ${t.code}, approvals needed: ${t.requiredApprovals.join(', ')}`,
  });
  await r.write({
    who: 'admin-b',
    what: "defines City B's own food operation permit",
    call: (api) =>
      api.POST('/api/v1/licence-types', {
        body: eLicence.foodOperationPermitType(typeB, ['companyName', 'businessScope']),
      }),
    show: (t) => `type ${t.code} owned by ${t.ownerMsp}`,
  });
  await r.write({
    who: 'admin-b',
    what: "recognises City A's licence as equivalent to its own permit",
    settle: true,
    call: (api) => api.POST('/api/v1/recognitions', { body: eLicence.recognition(typeB, typeA) }),
    show: (x) => `${x.foreignTypeCode} counts as ${x.localTypeCode} in City B (${x.status})`,
  });
  const applicationBody = eLicence.applicationWithMaterials(appId, typeA, sealed.record, [
    { kind: 'licence', licenceId: safetyId },
  ]);
  await r.write({
    who: 'enterprise-a1',
    what: 'submits ONE application referencing its fire-safety record instead of re-submitting it; personal data goes as transient data, only hashes are public',
    call: (api) => api.POST('/api/v1/applications', { body: applicationBody }),
    check: (a) =>
      a.status !== 'pending'
        ? `status ${a.status}`
        : a.privateDataHash !== sealed.privateDataHash
          ? 'the ledger holds another private-record hash than the SDK computed'
          : !a.approvedDepts.includes('fire')
            ? 'the referenced fire-safety record did not approve fire automatically'
            : undefined,
    show: (a) =>
      `application ${a.applicationId} ${a.status}; referenced ${safetyId} verified on the ledger, ` +
      `fire approved automatically by the type's rule; waiting for ${a.pendingDepts.join(', ')}; ` +
      `private-record hash ${a.privateDataHash.slice(0, 12)}… as computed by the SDK`,
  });
  const approvers: [string, string][] = [
    ['approver-env-a', 'environment'],
    ['approver-market-a', 'market regulation'],
  ];
  for (const [who, dept] of approvers) {
    const last = who === 'approver-market-a';
    await r.write({
      who,
      what: `approves for ${dept}${last ? ' — the last approval' : ''}`,
      call: (api) =>
        api.POST('/api/v1/applications/{applicationId}/approvals', {
          params: { path: { applicationId: appId } },
          body: eLicence.approval(documentHash),
        }),
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
  await r.read({
    who: 'issuer-b',
    what: 'verifies the licence: its document hash, one disclosed claim (registered capital) and the private record',
    call: (api) =>
      api.POST('/api/v1/licences/{licenceId}/verification', {
        params: { path: { licenceId: appId } },
        body: {
          documentHash,
          claims: discloseClaims(sealed.record.claims, ['registeredCapital']),
          privateDataHash: sealed.privateDataHash,
        },
      }),
    settle: (v) => v.found,
    check: (v) => (v.valid && v.recognition?.recognised ? undefined : `valid=${v.valid}`),
    show: (v) =>
      `${v.status}; recognised in ${v.recognition?.org} as ${v.recognition?.localTypeCode} ` +
      `(${v.recognition?.basis}); document ${v.documentHashMatch ? 'matches' : 'differs'}; ` +
      v.claims.map((c) => `${c.name} ${c.match ? 'matches' : 'differs'}`).join(', ') +
      `; private record ${v.privateDataMatch ? 'matches' : 'differs'}`,
  });
  await r.read({
    who: 'issuer-b',
    what: 'checks a tampered copy of the licence document',
    call: (api) =>
      api.POST('/api/v1/licences/{licenceId}/verification', {
        params: { path: { licenceId: appId } },
        body: { documentHash: sha256Hex(`%PDF-1.7 food business licence ${appId} (edited)`) },
      }),
    check: (v) => (v.valid || v.documentHashMatch !== false ? 'the tampered copy passed' : undefined),
    show: () => 'NOT valid: the document hash does not match the ledger — tampering detected',
  });
}
