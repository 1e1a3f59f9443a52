/**
 * Who may do what: the election-admin role and the organising organisation,
 * the ballot box, and voter eligibility (the roll or an attribute rule). Each
 * rule lives here once.
 *
 * Trust (issue 12): an organisation acts only in its own name. It organises
 * only its own elections, a voter is always the pair (home MSP from the
 * certificate's issuer, pid from gov.pid), and a secret ballot comes only from a
 * ballot box of a consortium organisation.
 */
import type { Context } from 'fabric-contract-api';
import {
  getCaller,
  hasRole,
  keyExists,
  peerOrgs,
  requireRole,
  type Caller,
  type Subject,
} from '@govledger/chaincode-common';
import { errors } from './errors';
import { voterKey } from './keys';
import type { Election, Mode } from './model';

/** Role that creates elections and manages their roll. */
export const ELECTION_ADMIN = 'election-admin';

/** Role of the shared identity that submits secret ballots. */
export const BALLOT_BOX = 'ballot-box';

/** Refuses (403) unless the caller is an election admin. */
export function requireElectionAdmin(caller: Caller): void {
  requireRole(caller, ELECTION_ADMIN);
}

/**
 * The organiser of a new election: the caller's own organisation. Refuses (403)
 * a request that names another organisation (no one creates an election in
 * another organisation's name).
 */
export function organiserOf(caller: Caller, named: string | undefined): string {
  requireElectionAdmin(caller);
  if (named !== undefined && named !== caller.mspId) {
    throw errors.forbidden(`${caller.mspId} cannot create an election in the name of ${named}`);
  }
  return caller.mspId;
}

/** Refuses (403) unless the caller is an election admin of the organising organisation. */
export function requireOrganiser(caller: Caller, election: Election): void {
  requireElectionAdmin(caller);
  if (caller.mspId !== election.organiser.mspId) {
    throw errors.forbidden(
      `only election admins of ${election.organiser.mspId} manage election ${election.electionId}`,
    );
  }
}

/**
 * Refuses (403) unless the caller is an election admin of one of the
 * election's authority organisations: an authority registers its key and
 * issues tokens only with its own organisation's certificate.
 */
export function requireAuthorityAdmin(
  caller: Caller,
  election: Election,
  mode: Extract<Mode, { kind: 'secret' }>,
): void {
  requireElectionAdmin(caller);
  if (!mode.authorities.includes(caller.mspId)) {
    throw errors.forbidden(`${caller.mspId} is not a signing authority of election ${election.electionId}`);
  }
}

/**
 * The k-of-n rule of a secret election (INVALID_THRESHOLD otherwise): every
 * authority is a consortium organisation (GOVLEDGER_PEER_ORGS), 1 <= k <= n,
 * and k >= 2 whenever the consortium has two or more organisations, so that no
 * single organisation can mint a valid ballot. A one-authority election (k = 1)
 * is accepted only in a consortium of one organisation, where there is no one
 * else to share the trust with.
 */
export function checkAuthorities(authorities: readonly string[], threshold: number): void {
  const consortium = peerOrgs();
  const outside = authorities.filter((a) => !consortium.includes(a));
  if (outside.length > 0) {
    throw errors.invalidThreshold(`not consortium organisations: ${outside.join(', ')}`);
  }
  if (threshold < 1 || threshold > authorities.length) {
    throw errors.invalidThreshold(`threshold ${threshold} is not within 1..${authorities.length}`);
  }
  if (consortium.length >= 2 && threshold < 2) {
    throw errors.invalidThreshold(
      `a consortium of ${consortium.length} organisations needs at least 2 authorities' signatures per ballot`,
    );
  }
}

/**
 * Refuses (403) unless the caller is a ballot box of a consortium organisation
 * (one of GOVLEDGER_PEER_ORGS): no one else inserts secret ballots.
 */
export function requireBallotBox(caller: Caller): void {
  requireRole(caller, BALLOT_BOX);
  if (!peerOrgs().includes(caller.mspId)) {
    throw errors.forbidden(`${caller.mspId} is not a consortium organisation; its ballot boxes cast nothing`);
  }
}

/** True when the certificate matches the election's attribute rule. */
export function matchesRule(
  caller: Caller,
  election: Election,
  attribute: (name: string) => string | null,
): boolean {
  const rule = election.eligibility;
  if (rule.kind !== 'rule') return false;
  if (!rule.mspIds.includes(caller.mspId)) return false;
  if (!hasRole(caller, ...rule.roles)) return false;
  return Object.entries(rule.attributes).every(([name, value]) => attribute(name) === value);
}

/**
 * Refuses with INELIGIBLE_VOTER unless the caller may vote in the election:
 * the caller's certificate must carry a pid (gov.pid) and the pair (caller's
 * MSP, pid) must be on the roll (the same pid under another MSP does not count),
 * or the certificate must match the rule. Returns the voter as (home MSP, pid).
 */
export async function requireEligible(ctx: Context, election: Election): Promise<Subject> {
  const caller = getCaller(ctx);
  if (!caller.pid)
    throw errors.ineligibleVoter('the caller certificate carries no pseudonymous id (gov.pid)');
  const voter: Subject = { mspId: caller.mspId, pid: caller.pid };
  if (election.eligibility.kind === 'roll') {
    if (!(await keyExists(ctx, voterKey(ctx, election.electionId, voter)))) {
      throw errors.ineligibleVoter(
        `the caller is not on the roll of ${election.electionId} as ${voter.mspId}`,
      );
    }
    return voter;
  }
  if (!matchesRule(caller, election, (name) => ctx.clientIdentity.getAttributeValue(name))) {
    throw errors.ineligibleVoter(`the caller does not match the eligibility rule of ${election.electionId}`);
  }
  return voter;
}
