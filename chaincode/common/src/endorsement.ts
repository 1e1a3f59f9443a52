/**
 * Key-level (state-based) endorsement: after a record is written with
 * {@link restrictToOrgs}, any later change to that key must be endorsed by a
 * peer of each listed organisation, whatever the chaincode-level policy says.
 */
import type { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';

/** Requires a peer of every listed organisation to endorse changes to `key`. */
export async function restrictToOrgs(ctx: Context, key: string, ...mspIds: string[]): Promise<void> {
  const policy = new KeyEndorsementPolicy();
  policy.addOrgs('PEER', ...mspIds);
  await ctx.stub.setStateValidationParameter(key, policy.getPolicy());
}

/** The organisations whose peers must endorse changes to `key` (empty when no key-level policy is set). */
export async function keyEndorsers(ctx: Context, key: string): Promise<string[]> {
  const bytes = await ctx.stub.getStateValidationParameter(key);
  if (!bytes || bytes.length === 0) return [];
  return new KeyEndorsementPolicy(bytes).listOrgs();
}
