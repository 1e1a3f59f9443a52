/**
 * Journey 2, data-sharing: a City A department lists a data category; a citizen
 * consents to City B's housing department; City B gets an access ticket; City A's
 * system verifies the ticket; the citizen reads the access in their log.
 *
 * Every call goes through the SDK (@govledger/client).
 */
import { dataSharing } from '@govledger/fixtures';
import { short } from './printer';
import type { Runner } from './runner';

/** Runs the data-sharing journey; `run` makes its ids unique. */
export async function dataSharingJourney(r: Runner, run: string): Promise<void> {
  const category = `SOCINS-${run}`;
  const consentId = `CNS-${run}`;
  const accessId = `ACC-${run}`;
  const purpose = 'HOUSING_SUBSIDY';

  await r.write({
    who: 'officer-social-a',
    what: 'lists the social insurance record in the data catalogue (the data stays in its own system)',
    call: (api) =>
      api.POST('/api/v1/data-categories', {
        body: dataSharing.socialInsuranceCategory(category, [
          'monthlyBase',
          'contributionStatus',
          'employerCode',
        ]),
      }),
    show: (c) => `category ${c.code}: ${c.fields.join(', ')} (sensitivity ${c.sensitivity})`,
  });
  const me = await r.read({
    who: 'citizen-a1',
    what: 'asks the gateway who they are (their pseudonymous id is what departments name them by)',
    call: (api) => api.GET('/api/v1/me'),
    check: (m) => (m.pid ? undefined : 'no pid'),
    show: (m) => `${m.org}, roles ${m.roles.join(', ')}, pid ${short(m.pid ?? '')}`,
  });
  const citizen = { mspId: me.org, pid: me.pid as string };
  await r.write({
    who: 'citizen-a1',
    what: "consents to City B's housing department seeing one field, for a housing subsidy, 3 uses",
    call: (api) =>
      api.POST('/api/v1/consents', {
        body: {
          ...dataSharing.consent({
            consentId,
            grantee: dataSharing.CITY_B_HOUSING,
            categoryCode: category,
            fields: [dataSharing.CONTRIBUTION_STATUS],
            now: Date.now(),
            validForMs: 24 * 3600_000,
            maxUses: 3,
          }),
          purpose,
        },
      }),
    show: (c) =>
      `consent ${c.consentId} ${c.state}, ${c.usesLeft} uses left, until ${c.validUntil.slice(0, 16)}Z`,
  });
  await r.read({
    who: 'officer-housing-b',
    what: 'sees the consent given to its department',
    call: (api) => api.GET('/api/v1/consents/{consentId}', { params: { path: { consentId } } }),
    settle: (c) => c.state === 'active',
    show: (c) =>
      `${c.state}: ${c.grantee.mspId}/${c.grantee.dept} may see ${c.fields.join(', ')} for ${c.purpose}`,
  });
  const access = await r.write({
    who: 'officer-housing-b',
    what: "asks for the citizen's contribution status for the housing subsidy",
    call: (api) =>
      api.POST('/api/v1/access-requests', {
        body: {
          ...dataSharing.accessRequest({
            accessId,
            citizen,
            categoryCode: category,
            fields: [dataSharing.CONTRIBUTION_STATUS],
            ticketTtlSeconds: 600,
          }),
          purpose,
        },
      }),
    check: (a) => (a.granted ? undefined : `refused: ${a.code} ${a.reason}`),
    show: (a) =>
      a.granted
        ? `granted under the consent: ticket ${a.ticket.ticketId} (hash ${short(a.ticket.hash)}), ` +
          `expires ${a.ticket.expiresAt.slice(11, 19)}Z`
        : `refused: ${a.code}`,
  });
  if (!access.granted) return;
  await r.read({
    who: 'officer-social-a',
    what: "checks City B's ticket before its system serves the data",
    call: (api) =>
      api.POST('/api/v1/tickets/{ticketId}/verification', {
        params: { path: { ticketId: access.ticket.ticketId } },
        body: dataSharing.ticketVerification(access.ticket.hash, [dataSharing.CONTRIBUTION_STATUS]),
      }),
    settle: (v) => v.status !== 'unknown',
    check: (v) => (v.valid ? undefined : `ticket ${v.status}`),
    show: (v) => `ticket ${v.status}, consent ${v.basisState}: serve contributionStatus to City B housing`,
  });
  await r.read({
    who: 'citizen-a1',
    what: 'opens their access log: who saw what, and why',
    call: (api) => api.GET('/api/v1/access-logs/citizen', { params: { query: { pageSize: 5 } } }),
    settle: (page) => page.records.some((a) => a.accessId === accessId),
    show: (page) => {
      const a = page.records.find((x) => x.accessId === accessId);
      if (!a) return 'not in the log';
      return (
        `${a.time.slice(11, 19)}Z ${a.requester.mspId}/${a.requester.dept} ${a.granted ? 'GRANTED' : 'REFUSED'} ` +
        `${a.fields.join(', ')} for ${a.purpose} under ${a.basis?.kind} ${a.basis?.id}`
      );
    },
  });
}
