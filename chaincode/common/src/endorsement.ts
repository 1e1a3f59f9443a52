/**
 * Key-level (state-based) endorsement and the consortium facts it needs.
 *
 * A record an organisation owns is protected when it is created: any later
 * change to its key must be endorsed by a peer of the owner AND a peer of at
 * least one other organisation of the consortium, so neither the owner alone
 * nor another organisation alone can rewrite it. Creation itself is judged by
 * the chaincode-level policy (the channel's majority).
 *
 * The consortium's peer organisations and the organisations designated as
 * auditors of the others are given to every chaincode server by the network
 * scripts, from the consortium data, as `GOVLEDGER_PEER_ORGS` and
 * `GOVLEDGER_AUDIT_ORGS` (comma-separated MSP ids). Every honest endorser has the
 * same values, so every honest endorser writes the same policy bytes.
 */
import { common, msp } from '@hyperledger/fabric-protos';
import type { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { ChaincodeError } from './errors';

/** Environment variable naming the consortium's peer organisations. */
export const PEER_ORGS_ENV = 'GOVLEDGER_PEER_ORGS';
/** Environment variable naming the organisations that audit the others. */
export const AUDIT_ORGS_ENV = 'GOVLEDGER_AUDIT_ORGS';

function mspList(name: string): string[] {
  return (process.env[name] ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m.length > 0);
}

/** The consortium's peer organisations, sorted; 500 INTERNAL when the server was not told them. */
export function peerOrgs(): string[] {
  const orgs = [...new Set(mspList(PEER_ORGS_ENV))].sort();
  if (orgs.length === 0) {
    throw new ChaincodeError('INTERNAL', 500, `${PEER_ORGS_ENV} is not set on this chaincode server`);
  }
  return orgs;
}

/** True when the consortium data designates `mspId` as an auditor of the other organisations. */
export function auditsOthers(mspId: string): boolean {
  return mspList(AUDIT_ORGS_ENV).includes(mspId);
}

function peerPrincipal(mspId: string): msp.MSPPrincipal {
  const role = new msp.MSPRole();
  role.setMspIdentifier(mspId);
  role.setRole(msp.MSPRole.MSPRoleType.PEER);
  const principal = new msp.MSPPrincipal();
  principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
  principal.setPrincipal(role.serializeBinary());
  return principal;
}

function signedBy(index: number): common.SignaturePolicy {
  const rule = new common.SignaturePolicy();
  rule.setSignedBy(index);
  return rule;
}

function outOf(n: number, rules: common.SignaturePolicy[]): common.SignaturePolicy {
  const nOutOf = new common.SignaturePolicy.NOutOf();
  nOutOf.setN(n);
  nOutOf.setRulesList(rules);
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(nOutOf);
  return rule;
}

/**
 * The policy "a peer of `owner` AND a peer of one of `others`", as the bytes of
 * a SignaturePolicyEnvelope. With no other organisation it is refused (500):
 * a one-organisation consortium cannot protect anything.
 */
export function ownerAndOneOtherPolicy(owner: string, others: readonly string[]): Uint8Array {
  const rest = [...new Set(others)].filter((m) => m !== owner).sort();
  if (rest.length === 0) {
    throw new ChaincodeError('INTERNAL', 500, `no organisation besides ${owner} can co-endorse its records`);
  }
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setIdentitiesList([owner, ...rest].map(peerPrincipal));
  envelope.setRule(
    outOf(2, [
      signedBy(0),
      outOf(
        1,
        rest.map((_, i) => signedBy(i + 1)),
      ),
    ]),
  );
  return envelope.serializeBinary();
}

/**
 * Protects a record `owner` owns: from the next transaction on, a change to
 * `key` needs a peer of the owner and a peer of one other consortium organisation.
 */
export async function protectRecord(ctx: Context, key: string, owner: string): Promise<void> {
  await ctx.stub.setStateValidationParameter(key, ownerAndOneOtherPolicy(owner, peerOrgs()));
}

/** What a key-level policy asks for: the organisations named and how many signatures in all. */
export interface KeyPolicyView {
  /** The organisation that must always sign (the owner), when the policy is owner-and-one-other. */
  owner?: string;
  /** Every organisation the policy names, owner first. */
  orgs: string[];
}

/** Reads a key-level policy back (empty `orgs` when the key has none). */
export async function keyPolicy(ctx: Context, key: string): Promise<KeyPolicyView> {
  const bytes = await ctx.stub.getStateValidationParameter(key);
  if (!bytes || bytes.length === 0) return { orgs: [] };
  const envelope = common.SignaturePolicyEnvelope.deserializeBinary(bytes);
  const orgs = envelope
    .getIdentitiesList()
    .map((p) => msp.MSPRole.deserializeBinary(p.getPrincipal_asU8()).getMspIdentifier());
  const rules = envelope.getRule()?.getNOutOf()?.getRulesList() ?? [];
  const first = rules[0];
  const view: KeyPolicyView = { orgs };
  if (rules.length === 2 && first?.hasSignedBy() && rules[1]?.hasNOutOf())
    view.owner = orgs[first.getSignedBy()];
  return view;
}

/** The organisations named by the key-level policy of `key` (empty when none is set). */
export async function keyEndorsers(ctx: Context, key: string): Promise<string[]> {
  return (await keyPolicy(ctx, key)).orgs;
}

/**
 * Requires a peer of every listed organisation to endorse changes to `key`.
 * Prefer {@link protectRecord}: a policy naming one organisation lets it change
 * the record alone.
 */
export async function restrictToOrgs(ctx: Context, key: string, ...mspIds: string[]): Promise<void> {
  const policy = new KeyEndorsementPolicy();
  policy.addOrgs('PEER', ...mspIds);
  await ctx.stub.setStateValidationParameter(key, policy.getPolicy());
}
