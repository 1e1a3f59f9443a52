/**
 * The private record of a licence or application (transient field `licencePrivate`): the holder's
 * personal data and the clear claim values with their salts, plus one salt for the whole record.
 * The issuing organisation's collection stores its canonical JSON; the public record keeps
 * `privateDataHash = sha256hex(canonical JSON bytes)`, which is also Fabric's on-chain hash of the
 * collection entry, and one salted hash per claim (`claimHashes`).
 */
import { canonicalJson } from './canonical-json';
import { assertSalt, claimHashes, newSalt, saltClaims, type SaltedClaim } from './claims';
import { sha256Hex } from './sha256';

/** A private record exactly as the chaincode takes it (no other member is accepted). */
export interface PrivateRecord {
  /** The holder's personal data (at most 50 fields of ≤ 1000 characters). */
  holder: Record<string, string>;
  /** Exactly the licence type's claims, each with its own salt. */
  claims: Record<string, SaltedClaim>;
  /** A salt for the whole record, so that its hash cannot be guessed from low-entropy data. */
  salt: string;
}

/** A private record with the hashes the ledger will hold for it. */
export interface SealedPrivateRecord {
  /** Send this as `licencePrivate`; give it to the holder, who discloses claims from it. */
  record: PrivateRecord;
  /** The record's canonical JSON (the bytes the collection stores). */
  recordJson: string;
  /** The public `privateDataHash`. */
  privateDataHash: string;
  /** The public `claimHashes`. */
  claimHashes: Record<string, string>;
}

/** Only the members the chaincode hashes, so that an extra member cannot change the hash silently. */
function exact(record: PrivateRecord): PrivateRecord {
  assertSalt(record.salt);
  const claims: Record<string, SaltedClaim> = {};
  for (const [name, c] of Object.entries(record.claims)) claims[name] = { value: c.value, salt: c.salt };
  return { holder: { ...record.holder }, claims, salt: record.salt };
}

/** The canonical JSON of a private record. */
export function privateRecordJson(record: PrivateRecord): string {
  return canonicalJson(exact(record));
}

/**
 * The `privateDataHash` of a private record, or of the record's JSON text as
 * `GET /api/v1/licences/{licenceId}/private-data` returns it (`recordJson`, hashed as it is).
 */
export function privateRecordHash(record: PrivateRecord | string): string {
  return sha256Hex(typeof record === 'string' ? record : privateRecordJson(record));
}

/** Seals a private record: computes its canonical JSON and the hashes the ledger will hold. */
export function sealPrivateRecord(record: PrivateRecord): SealedPrivateRecord {
  const exactRecord = exact(record);
  const recordJson = canonicalJson(exactRecord);
  return {
    record: exactRecord,
    recordJson,
    privateDataHash: sha256Hex(recordJson),
    claimHashes: claimHashes(exactRecord.claims),
  };
}

/** Builds and seals a private record from clear values: a fresh salt per claim and for the record. */
export function newPrivateRecord(
  holder: Readonly<Record<string, string>>,
  claimValues: Readonly<Record<string, string>>,
): SealedPrivateRecord {
  return sealPrivateRecord({ holder: { ...holder }, claims: saltClaims(claimValues), salt: newSalt() });
}
