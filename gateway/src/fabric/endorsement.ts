/**
 * Endorsement pinning as data. A route (or any caller of the write pipeline)
 * may say which organisations' peers must endorse a transaction instead of
 * leaving the choice to the peer gateway's discovery: `'caller-org'` for the
 * signer's own organisation (transactions on its private data collection), or a
 * function of the chaincode request and the signer's organisation. The online
 * pipeline (writes/transactions.ts) and the offline-signing flow
 * (fabric/offline-signing.ts) both resolve the pin here, the same way.
 */
import type { Invocation } from './ledger';

/** Context a pin function gets. */
export interface EndorsementContext {
  /** The chaincode request (the transaction's one JSON argument, parsed; undefined if it is not JSON). */
  request: unknown;
  /** MSP ID of the organisation whose identity signs the transaction. */
  org: string;
}

/** Which organisations must endorse: the signer's own, or those a function names (undefined: discovery). */
export type EndorsementPin = 'caller-org' | ((context: EndorsementContext) => readonly string[] | undefined);

/** An invocation that may carry an endorsement pin, resolved before it reaches the ledger. */
export interface PinnedInvocation extends Invocation {
  /** The pin; ignored when `endorsingOrganizations` is given explicitly. */
  endorsement?: EndorsementPin;
}

function parsedRequest(args: readonly string[]): unknown {
  if (args.length === 0) return undefined;
  try {
    return JSON.parse(args[0]) as unknown;
  } catch {
    return undefined;
  }
}

/** The organisations a pin names for a signer of `org` (undefined: leave the choice to discovery). */
export function pinnedOrganizations(
  pin: EndorsementPin | undefined,
  invocation: Invocation,
  org: string,
): string[] | undefined {
  if (pin === undefined) return undefined;
  if (pin === 'caller-org') return [org];
  const orgs = pin({ request: parsedRequest(invocation.args), org });
  return orgs ? [...orgs] : undefined;
}

/**
 * The plain {@link Invocation} the ledger gets: the pin resolved for a signer of `org` into
 * `endorsingOrganizations` (an explicit list wins), and the pin itself removed.
 */
export function resolveEndorsement(invocation: PinnedInvocation, org: string): Invocation {
  const { endorsement, ...plain } = invocation;
  if (plain.endorsingOrganizations) return plain;
  const orgs = pinnedOrganizations(endorsement, plain, org);
  return orgs ? { ...plain, endorsingOrganizations: orgs } : plain;
}
