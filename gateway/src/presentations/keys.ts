/**
 * The presentation signing keys of the organisations this gateway acts for: one ES256 (P-256)
 * key per organisation, generated here for that organisation only, sealed at rest with
 * AES-256-GCM under a key derived for that organisation alone (HKDF-SHA256 of the wallet key,
 * info = MSP id), as the election authority keys are (election-keys.ts). The private half never
 * leaves this gateway; the public half is registered on the ledger (RegisterPresentationKey) by
 * the organisation's admin, and only registered keys count.
 */
import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { eLicence } from '@govledger/wire';
import { isSealed, open, seal } from '../sealed-box';

const MSP_ID = /^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/;

/** One organisation's presentation key. */
export interface OrgPresentationKey {
  mspId: string;
  kid: string;
  jwk: eLicence.PresentationPublicJwk;
  privateKey: KeyObject;
}

/** The RFC 7638 thumbprint of a P-256 JWK (the chaincode's kid). */
export function thumbprint(jwk: eLicence.PresentationPublicJwk): string {
  return crypto
    .createHash('sha256')
    .update(`{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}","y":"${jwk.y}"}`)
    .digest('base64url');
}

/** The presentation keys of every organisation this gateway acts for, each sealed and stored apart. */
export class PresentationKeys {
  readonly #dir: string;
  readonly #walletKey: Buffer;
  readonly #cache = new Map<string, OrgPresentationKey>();

  /** Keys live in `dir/<mspId>.key.json`, sealed with a key derived from `walletKey` per organisation. */
  constructor(dir: string, walletKey: Buffer) {
    this.#dir = dir;
    this.#walletKey = walletKey;
  }

  #sealKey(mspId: string): Buffer {
    return Buffer.from(
      crypto.hkdfSync('sha256', this.#walletKey, 'govledger-presentation', `org:${mspId}`, 32),
    );
  }

  #file(mspId: string): string {
    if (!MSP_ID.test(mspId)) throw new Error('bad MSP id');
    return path.join(this.#dir, `${mspId}.key.json`);
  }

  static #of(mspId: string, privateKey: KeyObject): OrgPresentationKey {
    const j = crypto.createPublicKey(privateKey).export({ format: 'jwk' });
    const jwk: eLicence.PresentationPublicJwk = { kty: 'EC', crv: 'P-256', x: String(j.x), y: String(j.y) };
    return { mspId, kid: thumbprint(jwk), jwk, privateKey };
  }

  /** The organisation's key, or undefined when this gateway holds none. */
  async get(mspId: string): Promise<OrgPresentationKey | undefined> {
    const cached = this.#cache.get(mspId);
    if (cached) return cached;
    let text: string;
    try {
      text = await fs.readFile(this.#file(mspId), 'utf8');
    } catch {
      return undefined;
    }
    const sealed: unknown = JSON.parse(text);
    if (!isSealed(sealed)) throw new Error('presentation key file is not sealed');
    const pkcs8 = open(this.#sealKey(mspId), sealed, `govledger-presentation-key:v1:${mspId}`);
    const key = PresentationKeys.#of(
      mspId,
      crypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }),
    );
    this.#cache.set(mspId, key);
    return key;
  }

  /** The organisation's key, generated (and sealed to disk) on first use. */
  async getOrCreate(mspId: string): Promise<OrgPresentationKey> {
    const existing = await this.get(mspId);
    if (existing) return existing;
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
    await fs.mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const sealed = seal(this.#sealKey(mspId), pkcs8, `govledger-presentation-key:v1:${mspId}`);
    await fs
      .writeFile(this.#file(mspId), JSON.stringify(sealed), { mode: 0o600, flag: 'wx' })
      .catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    this.#cache.delete(mspId);
    const stored = await this.get(mspId);
    if (!stored) throw new Error('presentation key not stored');
    return stored;
  }
}
