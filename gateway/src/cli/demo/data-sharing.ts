/**
 * Journey 2, data-sharing: a City A department lists a data category; a citizen
 * consents to City B's housing department; City B gets an access ticket; City A's
 * system verifies the ticket; the citizen reads the access in their log.
 */
import { dataSharing } from '@govledger/fixtures';
import { short } from './printer';
import type { Runner } from './runner';

interface Dept {
  mspId: string;
  dept: string;
}
interface Consent {
  consentId: string;
  state: string;
  grantee: Dept;
  fields: string[];
  purpose: string;
  usesLeft: number | null;
  validUntil: string;
}
type AccessResult =
  | { granted: true; accessId: string; ticket: { ticketId: string; hash: string; expiresAt: string } }
  | { granted: false; accessId: string; code: string; reason: string };
interface Access {
  accessId: string;
  time: string;
  granted: boolean;
  requester: Dept;
  fields: string[];
  purpose: string;
  basis: { kind: string; id: string } | null;
}

/** Runs the data-sharing journey; `run` makes its ids unique. */
export async function dataSharingJourney(r: Runner, run: string): Promise<void> {
  const category = `SOCINS-${run}`;
  const consentId = `CNS-${run}`;
  const accessId = `ACC-${run}`;
  const citizen = r.voter('citizen-a1');

  await r.run<{ code: string; fields: string[]; sensitivity: string }>({
    who: 'officer-social-a',
    what: 'lists the social insurance record in the data catalogue (the data stays in its own system)',
    method: 'POST',
    path: '/api/v1/data-categories',
    write: true,
    body: dataSharing.socialInsuranceCategory(category, [
      'monthlyBase',
      'contributionStatus',
      'employerCode',
    ]),
    show: (c) => `category ${c.code}: ${c.fields.join(', ')} (sensitivity ${c.sensitivity})`,
  });
  await r.run<Consent>({
    who: 'citizen-a1',
    what: "consents to City B's housing department seeing one field, for a housing subsidy, 3 uses",
    method: 'POST',
    path: '/api/v1/consents',
    write: true,
    body: dataSharing.consent({
      consentId,
      grantee: dataSharing.CITY_B_HOUSING,
      categoryCode: category,
      fields: [dataSharing.CONTRIBUTION_STATUS],
      purpose: dataSharing.HOUSING_SUBSIDY,
      now: Date.now(),
      validForMs: 24 * 3600_000,
      maxUses: 3,
    }),
    show: (c) =>
      `consent ${c.consentId} ${c.state}, ${c.usesLeft} uses left, until ${c.validUntil.slice(0, 16)}Z`,
  });
  await r.run<Consent>({
    who: 'officer-housing-b',
    what: 'sees the consent given to its department',
    method: 'GET',
    path: `/api/v1/consents/${consentId}`,
    settle: (c) => c.state === 'active',
    show: (c) =>
      `${c.state}: ${c.grantee.mspId}/${c.grantee.dept} may see ${c.fields.join(', ')} for ${c.purpose}`,
  });
  const access = await r.run<AccessResult>({
    who: 'officer-housing-b',
    what: "asks for the citizen's contribution status for the housing subsidy",
    method: 'POST',
    path: '/api/v1/access-requests',
    write: true,
    body: dataSharing.accessRequest({
      accessId,
      citizen,
      categoryCode: category,
      fields: [dataSharing.CONTRIBUTION_STATUS],
      purpose: dataSharing.HOUSING_SUBSIDY,
      ticketTtlSeconds: 600,
    }),
    check: (a) => (a.granted ? undefined : `refused: ${a.code} ${a.reason}`),
    show: (a) =>
      a.granted
        ? `granted under the consent: ticket ${a.ticket.ticketId} (hash ${short(a.ticket.hash)}), ` +
          `expires ${a.ticket.expiresAt.slice(11, 19)}Z`
        : `refused: ${a.code}`,
  });
  if (!access.granted) return;
  await r.run<{ valid: boolean; status: string; basisState: string | null }>({
    who: 'officer-social-a',
    what: "checks City B's ticket before its system serves the data",
    method: 'POST',
    path: `/api/v1/tickets/${access.ticket.ticketId}/verification`,
    body: dataSharing.ticketVerification(access.ticket.hash, [dataSharing.CONTRIBUTION_STATUS]),
    settle: (v) => v.status !== 'unknown',
    check: (v) => (v.valid ? undefined : `ticket ${v.status}`),
    show: (v) => `ticket ${v.status}, consent ${v.basisState}: serve contributionStatus to City B housing`,
  });
  await r.run<{ records: Access[] }>({
    who: 'citizen-a1',
    what: 'opens their access log: who saw what, and why',
    method: 'GET',
    path: '/api/v1/access-logs/citizen?pageSize=5',
    settle: (page) => page.records.some((a) => a.accessId === accessId),
    show: (page) => {
      const a = page.records.find((x) => x.accessId === accessId) as Access;
      return (
        `${a.time.slice(11, 19)}Z ${a.requester.mspId}/${a.requester.dept} ${a.granted ? 'GRANTED' : 'REFUSED'} ` +
        `${a.fields.join(', ')} for ${a.purpose} under ${a.basis?.kind} ${a.basis?.id}`
      );
    },
  });
}
