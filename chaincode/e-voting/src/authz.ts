/**
 * Who may do what: the election-admin role and the organising organisation,
 * the ballot box, and voter eligibility (the roll or an attribute rule). Each
 * rule lives here once.
 */
import type { Context } from 'fabric-contract-api';
import { getCaller, hasRole, keyExists, requireRole, type Caller } from '@govledger/chaincode-common';
import { errors } from './errors';
import { voterKey } from './keys';
import type { Election } from './model';

/** Role that creates elections and manages their roll. */
export const ELECTION_ADMIN = 'election-admin';

/** Role of the shared identity that submits secret ballots. */
export const BALLOT_BOX = 'ballot-box';

/** Refuses (403) unless the caller is an election admin. */
export function requireElectionAdmin(caller: Caller): void {
  requireRole(caller, ELECTION_ADMIN);
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

/** Refuses (403) unless the caller is a ballot box. */
export function requireBallotBox(caller: Caller): void {
  requireRole(caller, BALLOT_BOX);
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
 * the caller's certificate must carry a pid (gov.pid) and the pid must be on
 * the roll, or the certificate must match the rule. Returns the pid.
 */
export async function requireEligible(ctx: Context, election: Election): Promise<string> {
  const caller = getCaller(ctx);
  const pid = caller.pid;
  if (!pid) throw errors.ineligibleVoter('the caller certificate carries no pseudonymous id (gov.pid)');
  if (election.eligibility.kind === 'roll') {
    if (!(await keyExists(ctx, voterKey(ctx, election.electionId, pid)))) {
      throw errors.ineligibleVoter(`the caller is not on the roll of ${election.electionId}`);
    }
    return pid;
  }
  if (!matchesRule(caller, election, (name) => ctx.clientIdentity.getAttributeValue(name))) {
    throw errors.ineligibleVoter(`the caller does not match the eligibility rule of ${election.electionId}`);
  }
  return pid;
}
