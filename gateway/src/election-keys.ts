/**
 * Election authority keys for secret ballots (RFC 9474 blind RSA). The gateway
 * of the organiser holds each secret election's private key: generated here,
 * sealed at rest with AES-256-GCM (the wallet key), never sent to the ledger.
 * The blind-signature log records, per election and voter pid, the one blinded
 * message signed, so a voter can never obtain a second signature.
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

/** The public half of an election key, as CreateElection takes it. */
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

/** The election authority keys held by this gateway. */
export class ElectionKeys {
  readonly #dir: string;
  readonly #key: Buffer;
  readonly #bits: number;

  /** Keys live in `dir`, sealed with `sealKey`; new keys have `bits` bits. */
  constructor(dir: string, sealKey: Buffer, bits = 2048) {
    this.#dir = dir;
    this.#key = sealKey;
    this.#bits = bits;
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
    const inner = JSON.parse(
      open(this.#key, sealed, `govledger-election-key:v1:${electionId}`).toString('utf8'),
    ) as { variant: BlindRsaVariant; pkcs8: string; spki: string };
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
    return k ? ElectionKeys.#public(k.variant, k.spki) : undefined;
  }

  /** The key held for an election, creating it (with `variant`) when there is none. */
  async getOrCreate(electionId: string, variant: BlindRsaVariant): Promise<AuthorityPublic> {
    const existing = await this.#read(electionId);
    if (existing) return ElectionKeys.#public(existing.variant, existing.spki);
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
      `govledger-election-key:v1:${electionId}`,
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
      return ElectionKeys.#public(winner.variant, winner.spki);
    }
    await fs.unlink(tmp);
    return ElectionKeys.#public(variant, spki);
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

/** A blind signature issued to a voter. */
export interface IssuedToken {
  electionId: string;
  /** The voter as `<home MSP>/<pid>` (a pid alone is not a voter). */
  pid: string;
  blindedHash: string;
  txId: string;
  blindSig?: Uint8Array;
}

/** The durable log of blind signatures: one blinded message per (election, voter). */
export class BlindSignatureLog {
  readonly #db: Db;

  /** Uses the `blind_tokens` table. */
  constructor(db: Db) {
    this.#db = db;
  }

  /** The record of a voter in an election. */
  get(electionId: string, pid: string): IssuedToken | undefined {
    const r = this.#db
      .prepare('SELECT * FROM blind_tokens WHERE election_id = ? AND pid = ?')
      .get(electionId, pid) as
      | { election_id: string; pid: string; blinded_hash: string; tx_id: string; blind_sig: Buffer | null }
      | undefined;
    if (!r) return undefined;
    const t: IssuedToken = {
      electionId: r.election_id,
      pid: r.pid,
      blindedHash: r.blinded_hash,
      txId: r.tx_id,
    };
    if (r.blind_sig) t.blindSig = new Uint8Array(r.blind_sig);
    return t;
  }

  /** Records the blinded message a voter's committed token request is for; false when one is recorded already. */
  reserve(electionId: string, pid: string, blindedHash: string, txId: string): boolean {
    return (
      this.#db
        .prepare(
          'INSERT OR IGNORE INTO blind_tokens (election_id, pid, blinded_hash, tx_id, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(electionId, pid, blindedHash, txId, Date.now()).changes === 1
    );
  }

  /** Stores the signature returned to the voter. */
  signed(electionId: string, pid: string, blindSig: Uint8Array): void {
    this.#db
      .prepare('UPDATE blind_tokens SET blind_sig = ? WHERE election_id = ? AND pid = ?')
      .run(Buffer.from(blindSig), electionId, pid);
  }
}
