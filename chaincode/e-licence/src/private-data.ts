/**
 * Private records: the holder's personal data and clear claim values live only
 * in the issuing organisation's collection (`licencePrivate_<MSP>`); the public
 * record keeps one salted hash per claim and the SHA-256 of the private
 * record's bytes, which any organisation can compare with the collection's
 * on-chain hash (getPrivateDataHash) without seeing the data.
 *
 * Verify-by-hash (two transactions): a private-only transaction, endorsed by the
 * collection's member alone, stages the record ({@link putPrivateRecord}); the
 * public transaction, endorsed by the channel's majority, carries the record's
 * hash, and every endorser checks it against the collection's on-chain hash
 * ({@link requireStagedRecord}) without ever receiving the personal data.
 */
import type { Context } from 'fabric-contract-api';
import { eLicence } from '@govledger/wire';
import {
  invalidArgument,
  readTransientJson,
  saltedHash,
  sha256Hex,
  toBytes,
  txTimeIso,
} from '@govledger/chaincode-common';
import { errors } from './errors';
import type { ClaimSecret, PrivateRecord } from './model';
import { LicencePrivateTransient, PRIVATE_TRANSIENT_FIELD } from './schemas';
import { collectionOf } from './licensing-authority';

/** The private data collection of an organisation's licences (see licensing-authority.ts). */
export { collectionOf };

const COLLECTION_PREFIX = eLicence.COLLECTION_PREFIX;

/**
 * The endorsement rule of the licence collections, written once: a transaction
 * that writes (or must read) `licencePrivate_<MSP>` runs on a peer of `<MSP>`.
 *
 * Each collection's only member is its organisation (requiredPeerCount 0,
 * maxPeerCount 1), while the chaincode-level policy lets either city's peer
 * endorse alone: a client whose peer gateway endorses elsewhere (connected to
 * another organisation's peer, or with no usable peer of the collection's
 * organisation) would get an endorsement from outside the collection. The
 * member's peer is then not handed the private data at endorsement; it waits
 * for it at commit (Fabric's pvtData pullRetryThreshold, 60 s per block) and
 * commits without it. A peer outside the collection cannot read it either.
 * So the chaincode refuses
 * ENDORSER_NOT_COLLECTION_MEMBER (403) on any other peer, before anything is
 * written. Clients send such transactions with `endorsingOrganizations:
 * [<MSP>]` (the caller's own organisation when the caller may act at all).
 *
 * `ctx.stub.getMspID()` is the MSP of the peer running the proposal, not the
 * caller's. Returns the collection's name.
 */
export function requireCollectionEndorser(ctx: Context, collection: string): string {
  const peerMsp = ctx.stub.getMspID();
  if (collection !== collectionOf(peerMsp)) {
    const member = collection.startsWith(COLLECTION_PREFIX)
      ? collection.slice(COLLECTION_PREFIX.length)
      : collection;
    throw errors.endorserNotCollectionMember(
      `this transaction uses ${collection} and must be endorsed by a peer of ${member}, ` +
        `not of ${peerMsp}; send it with endorsingOrganizations [${member}]`,
      { collection, requiredEndorser: member, endorser: peerMsp },
    );
  }
  return collection;
}

/** Writes a private record to a licence collection (on a member peer only, see {@link requireCollectionEndorser}). */
export async function putPrivateRecord(
  ctx: Context,
  collection: string,
  key: string,
  bytes: Uint8Array,
): Promise<void> {
  requireCollectionEndorser(ctx, collection);
  await ctx.stub.putPrivateData(collection, key, bytes);
}

/** A private record ready to store: its canonical bytes and their hash. */
export interface SealedPrivateRecord {
  record: PrivateRecord;
  bytes: Uint8Array;
  hash: string;
  claimHashes: Record<string, string>;
}

/** Serialises a private record canonically and computes its hash and per-claim salted hashes. */
export function seal(record: PrivateRecord): SealedPrivateRecord {
  const bytes = toBytes(record);
  const claimHashes: Record<string, string> = {};
  for (const name of Object.keys(record.claims).sort()) {
    const claim = record.claims[name] as ClaimSecret;
    claimHashes[name] = saltedHash(claim.salt, claim.value);
  }
  return { record, bytes, hash: sha256Hex(bytes), claimHashes };
}

/**
 * Reads the transient private record and checks that its claims are exactly
 * the type's claims; refuses INVALID_ARGUMENT (missing/malformed) or CLAIMS_MISMATCH.
 */
export function readPrivateInput(ctx: Context, typeClaims: readonly string[]): SealedPrivateRecord {
  const input = readTransientJson(ctx, PRIVATE_TRANSIENT_FIELD, LicencePrivateTransient);
  requireTypeClaims(typeClaims, Object.keys(input.claims));
  requireBirthDatesPast(ctx, input.holder);
  return seal({ holder: input.holder, claims: input.claims, salt: input.salt });
}

/**
 * Reads a private record's bytes from a collection and checks them against
 * the expected hash; refuses ENDORSER_NOT_COLLECTION_MEMBER on a peer outside
 * the collection, PRIVATE_DATA_UNAVAILABLE when the (member) peer does not
 * hold them or they do not match.
 */
export async function readPrivateBytes(
  ctx: Context,
  collection: string,
  key: string,
  expectedHash: string,
): Promise<Uint8Array> {
  requireCollectionEndorser(ctx, collection);
  const bytes = await ctx.stub.getPrivateData(collection, key);
  if (!bytes || bytes.length === 0) {
    throw errors.privateDataUnavailable(`this peer holds no private record in ${collection}`);
  }
  if (sha256Hex(bytes) !== expectedHash) {
    throw errors.privateDataUnavailable(`the private record in ${collection} does not match its public hash`);
  }
  return bytes;
}

/** The on-chain hash of a private key (lower-case hex), readable by every organisation; '' when absent. */
export async function privateHashOnChain(ctx: Context, collection: string, key: string): Promise<string> {
  const bytes = await ctx.stub.getPrivateDataHash(collection, key);
  if (!bytes || bytes.length === 0) return '';
  return Buffer.from(bytes).toString('hex');
}

/**
 * Verify-by-hash, the check every endorser of a public transaction makes: the
 * collection holds a private record under `key` whose on-chain hash is
 * `expectedHash` (GetPrivateDataHash, which every peer has). Refuses
 * PRIVATE_DATA_HASH_MISMATCH (409) when the record is absent or differs.
 *
 * It deliberately reads only the hash, on every peer alike: reading the record
 * itself (GetPrivateData) on the member's peer would make the peer gateway's
 * endorsement plan ask for collection members only, which cannot satisfy the
 * channel's majority. The claim hashes of the public record are the issuing
 * organisation's word, as they were computed by the staging step on its peer
 * (a holder or verifier checks them against the disclosed values).
 */
export async function requireStagedRecord(
  ctx: Context,
  collection: string,
  key: string,
  expectedHash: string,
): Promise<void> {
  const onChain = await privateHashOnChain(ctx, collection, key);
  if (onChain !== expectedHash) {
    throw errors.privateDataHashMismatch(
      onChain === ''
        ? `${collection} holds no private record with hash ${expectedHash}; stage it first`
        : `the private record in ${collection} does not have hash ${expectedHash}`,
      { collection, expected: expectedHash, onChain: onChain === '' ? null : onChain },
    );
  }
}

/**
 * Refuses INVALID_ARGUMENT when a birth date of the holder (eLicence.BIRTH_DATE_FIELDS; the
 * schema checked its form and range) is after the transaction's date.
 */
export function requireBirthDatesPast(ctx: Context, holder: Readonly<Record<string, string>>): void {
  const today = txTimeIso(ctx).slice(0, 10);
  for (const field of eLicence.BIRTH_DATE_FIELDS) {
    const value = holder[field];
    if (value !== undefined && value > today) {
      throw invalidArgument(`holder.${field} must not be in the future`, [
        { path: ['licencePrivate', 'holder', field], message: 'must not be in the future' },
      ]);
    }
  }
}

/** Refuses CLAIMS_MISMATCH unless `given` names exactly the type's claims. */
export function requireTypeClaims(typeClaims: readonly string[], given: readonly string[]): void {
  const missing = typeClaims.filter((c) => !given.includes(c));
  const unknown = given.filter((c) => !typeClaims.includes(c));
  if (missing.length > 0 || unknown.length > 0) {
    throw errors.claimsMismatch(
      `claims must be exactly ${typeClaims.join(', ')}` +
        (missing.length ? `; missing ${missing.join(', ')}` : '') +
        (unknown.length ? `; not in the type ${unknown.join(', ')}` : ''),
      { missing, unknown },
    );
  }
}
