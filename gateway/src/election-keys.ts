/**
 * Election authority keys for secret ballots (RFC 9474 blind RSA), kept per
 * organisation. An election names one signing authority per participating
 * organisation; each organisation's key for an election is generated here, for
 * that organisation only, sealed at rest with AES-256-GCM under a key derived
 * for that organisation alone (HKDF-SHA256 of the wallet key, info = MSP id),
 * stored in that organisation's own folder, and never sent to the ledger.
 * This gateway signs as authority X only with X's key and only for X's
 * issuances. The local network runs one gateway process for City A and City B,
 * so one operator runs both; the multi-host mode runs each organisation's
 * gateway, and so each key, in its own process (chaincode/e-voting/README.md).
 *
 * The signing log records, per election, authority and voter, the one blinded
 * message signed, so a voter never obtains a second signature from an authority.
 */
import { BlindRSA, getSuiteByName, RSABSSA } from '@cloudflare/blindrsa-ts';
import { eVoting } from '@govledger/wire';
import crypto, { webcrypto } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Db } from './writes/database';
import { isSealed, open, seal } from './sealed-box';

/** The blind RSA variants the e-voting chaincode accepts (the wire contract's). */
export const BLIND_RSA_VARIANTS = eVoting.BlindRsaVariants;

/** A blind RSA variant. */
export type BlindRsaVariant = eVoting.BlindRsaVariant;

/** The public half of an authority key, as RegisterAuthorityKey takes it. */
export interface AuthorityPublic {
  variant: BlindRsaVariant;
  publicKeyPem: string;
  /** SHA-256 (hex) of the SPKI DER: what the chaincode stores as `fingerprint`. */
  fingerprint: string;
  modulusBits: number;
}

function pem(kind: string, der: Buffer): string {
  return `-----BEGIN ${kind}-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END ${kind}-----\n`;
}

const MSP_ID = /^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/;

/** The authority keys of every organisation this gateway acts for, each sealed and stored apart. */
export class ElectionKeys {
  readonly #dir: string;
  readonly #walletKey: Buffer;
  readonly #bits: number;

  /** Keys live in `dir/<mspId>/`, sealed with a key derived from `walletKey` per organisation; new keys have `bits` bits. */
  constructor(dir: string, walletKey: Buffer, bits = 2048) {
    this.#dir = dir;
    this.#walletKey = walletKey;
    this.#bits = bits;
  }

  /** The keys of one organisation's authority. */
  forOrg(mspId: string): OrgElectionKeys {
    if (!MSP_ID.test(mspId)) throw new Error('bad MSP id');
    const sealKey = Buffer.from(
      crypto.hkdfSync('sha256', this.#walletKey, 'govledger-election-authority', `org:${mspId}`, 32),
    );
    return new OrgElectionKeys(mspId, path.join(this.#dir, mspId), sealKey, this.#bits);
  }
}

/** One organisation's authority keys, one per election. */
export class OrgElectionKeys {
  /** The organisation these keys sign for. */
  readonly mspId: string;
  readonly #dir: string;
  readonly #key: Buffer;
  readonly #bits: number;

  /** Keys of `mspId` live in `dir`, sealed with `sealKey`; new keys have `bits` bits. */
  constructor(mspId: string, dir: string, sealKey: Buffer, bits = 2048) {
    this.mspId = mspId;
    this.#dir = dir;
    this.#key = sealKey;
    this.#bits = bits;
  }

  #aad(electionId: string): string {
    return `govledger-election-key:v2:${this.mspId}:${electionId}`;
  }

  #file(electionId: string): string {
    if (!eVoting.ElectionId.safeParse(electionId).success) throw new Error('bad election id');
    return path.join(this.#dir, `${electionId}.key.json`);
  }

  async #read(
    electionId: string,
  ): Promise<{ variant: BlindRsaVariant; pkcs8: Buffer; spki: Buffer } | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.#file(electionId), 'utf8');
    } catch {
      return undefined;
    }
    const sealed: unknown = JSON.parse(text);
    if (!isSealed(sealed)) throw new Error('election key file is not sealed');
    const inner = JSON.parse(open(this.#key, sealed, this.#aad(electionId)).toString('utf8')) as {
      variant: BlindRsaVariant;
      pkcs8: string;
      spki: string;
    };
    return {
      variant: inner.variant,
      pkcs8: Buffer.from(inner.pkcs8, 'base64'),
      spki: Buffer.from(inner.spki, 'base64'),
    };
  }

  static #public(variant: BlindRsaVariant, spki: Buffer): AuthorityPublic {
    const key = crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const modulusBits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    return {
      variant,
      publicKeyPem: pem('PUBLIC KEY', spki),
      fingerprint: crypto.createHash('sha256').update(spki).digest('hex'),
      modulusBits,
    };
  }

  /** The public half of the key held for an election, or undefined. */
  async get(electionId: string): Promise<AuthorityPublic | undefined> {
    const k = await this.#read(electionId);
    return k ? OrgElectionKeys.#public(k.variant, k.spki) : undefined;
  }

  /** The key held for an election, creating it (with `variant`) when there is none. */
  async getOrCreate(electionId: string, variant: BlindRsaVariant): Promise<AuthorityPublic> {
    const existing = await this.#read(electionId);
    if (existing) return OrgElectionKeys.#public(existing.variant, existing.spki);
    const pair = await RSABSSA.SHA384.generateKey({
      modulusLength: this.#bits,
      publicExponent: Uint8Array.from([1, 0, 1]),
    });
    const pkcs8 = Buffer.from(
      await webcrypto.subtle.exportKey('pkcs8', pair.privateKey as webcrypto.CryptoKey),
    );
    const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', pair.publicKey as webcrypto.CryptoKey));
    const body = seal(
      this.#key,
      Buffer.from(
        JSON.stringify({ variant, pkcs8: pkcs8.toString('base64'), spki: spki.toString('base64') }),
      ),
      this.#aad(electionId),
    );
    await fs.mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const file = this.#file(electionId);
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(body), { mode: 0o600, flag: 'wx' });
    try {
      await fs.link(tmp, file); // fails if another request created the key first
    } catch {
      await fs.unlink(tmp);
      const winner = await this.#read(electionId);
      if (!winner) throw new Error('election key vanished');
      return OrgElectionKeys.#public(winner.variant, winner.spki);
    }
    await fs.unlink(tmp);
    return OrgElectionKeys.#public(variant, spki);
  }

  /** Blind-signs a blinded message with the election's key (RFC 9474 BlindSign). */
  async blindSign(electionId: string, blindedMsg: Uint8Array): Promise<Uint8Array> {
    const k = await this.#read(electionId);
    if (!k) throw new Error('no key for this election');
    const privateKey = await webcrypto.subtle.importKey(
      'pkcs8',
      k.pkcs8,
      { name: 'RSA-PSS', hash: 'SHA-384' },
      true,
      ['sign'],
    );
    const suite = getSuiteByName(BlindRSA, k.variant);
    return suite.blindSign(privateKey as unknown as Parameters<BlindRSA['blindSign']>[0], blindedMsg);
  }
}

/** A blind signature an authority issued to a voter. */
export interface IssuedToken {
  electionId: string;
  /** The authority (MSP id) that signed. */
  authority: string;
  /** The voter as `<home MSP>/<pid>` (a pid alone is not a voter). */
  voter: string;
  blindedHash: string;
  /** The IssueToken transaction. */
  txId: string;
  blindSig?: Uint8Array;
}

/**
 * The durable log of blind signatures in the instance's SQLite file: one blinded message per
 * (election, authority, voter). Replicas share storage/postgres.ts's instead.
 */
export class BlindSignatureLog {
  readonly #db: Db;

  /** Uses the `authority_signatures` table (created when missing). */
  constructor(db: Db) {
    this.#db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS authority_signatures (
       election_id TEXT NOT NULL,
       authority TEXT NOT NULL,
       voter TEXT NOT NULL,
       blinded_hash TEXT NOT NULL,
       tx_id TEXT NOT NULL,
       blind_sig BLOB,
       created_at INTEGER NOT NULL,
       PRIMARY KEY (election_id, authority, voter)
     )`);
  }

  /** The record of a voter's signature from an authority in an election. */
  async get(electionId: string, authority: string, voter: string): Promise<IssuedToken | undefined> {
    const r = this.#db
      .prepare('SELECT * FROM authority_signatures WHERE election_id = ? AND authority = ? AND voter = ?')
      .get(electionId, authority, voter) as
      { blinded_hash: string; tx_id: string; blind_sig: Buffer | null } | undefined;
    if (!r) return undefined;
    const t: IssuedToken = { electionId, authority, voter, blindedHash: r.blinded_hash, txId: r.tx_id };
    if (r.blind_sig) t.blindSig = new Uint8Array(r.blind_sig);
    return t;
  }

  /** Records the blinded message of a committed issuance; false when one is recorded already. */
  async reserve(
    electionId: string,
    authority: string,
    voter: string,
    blindedHash: string,
    txId: string,
  ): Promise<boolean> {
    return (
      this.#db
        .prepare(
          'INSERT OR IGNORE INTO authority_signatures (election_id, authority, voter, blinded_hash, tx_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(electionId, authority, voter, blindedHash, txId, Date.now()).changes === 1
    );
  }

  /** Stores the signature returned to the voter. */
  async signed(electionId: string, authority: string, voter: string, blindSig: Uint8Array): Promise<void> {
    this.#db
      .prepare(
        'UPDATE authority_signatures SET blind_sig = ? WHERE election_id = ? AND authority = ? AND voter = ?',
      )
      .run(Buffer.from(blindSig), electionId, authority, voter);
  }
}
