/**
 * Which organisations are licensing cities: ledger data, not a list in code.
 *
 * An organisation is a licensing city exactly when the committed e-licence
 * chaincode definition has its private data collection, `licencePrivate_<MSP>`.
 * That definition is written by Fabric's lifecycle: every organisation approves
 * it and the commit needs the channel's `LifecycleEndorsement` (MAJORITY of the
 * application organisations), so no single organisation can make itself (or
 * another) a licensing city, nor remove one. The collections are generated from
 * network/consortium.json (`"licensing": true`) when the chaincode is deployed or
 * upgraded (`network.sh deploy`, `network.sh addorg ... --licensing`), so a new
 * city issues licences without a code change.
 *
 * The chaincode asks the peer's ledger, on every endorser alike: a private data
 * call on a collection the definition does not have fails with Fabric's
 * `collection [X] not defined in the collection config for chaincode [Y]`
 * (ledger `InvalidCollNameError`, checked before any read). Reading the hash of a
 * key (GetPrivateDataHash) needs no membership of the collection, so every peer
 * of the channel answers the same, and the endorsement plan is unaffected.
 */
import type { Context } from 'fabric-contract-api';
import { eLicence } from '@govledger/wire';
import { errors } from './errors';

/** The private data collection of a licensing city's licences, `licencePrivate_<MSP>`. */
export function collectionOf(mspId: string): string {
  return `${eLicence.COLLECTION_PREFIX}${mspId}`;
}

/** The key whose hash is read to probe a collection (any key does; nothing is ever stored under it). */
const PROBE_KEY = '\u0000licensingProbe\u0000';

/** Fabric's answer to a private data call on a collection the chaincode definition does not have. */
const UNDEFINED_COLLECTION = /not defined in the collection config/;

/**
 * True when the committed chaincode definition has the organisation's licence
 * collection, i.e. the consortium made it a licensing city; any other ledger
 * failure is thrown as it is.
 */
export async function isLicensingCity(ctx: Context, mspId: string): Promise<boolean> {
  try {
    await ctx.stub.getPrivateDataHash(collectionOf(mspId), PROBE_KEY);
    return true;
  } catch (err) {
    if (UNDEFINED_COLLECTION.test(err instanceof Error ? err.message : String(err))) return false;
    throw err;
  }
}

/** Refuses ORG_NOT_LICENSING (403) unless the organisation is a licensing city ({@link isLicensingCity}). */
export async function requireLicensingCity(ctx: Context, mspId: string): Promise<void> {
  if (!(await isLicensingCity(ctx, mspId))) {
    throw errors.orgNotLicensing(
      `${mspId} is not a licensing city: the e-licence chaincode definition has no collection ${collectionOf(mspId)}`,
      { mspId, collection: collectionOf(mspId) },
    );
  }
}
