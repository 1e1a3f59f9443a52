/**
 * The wallet: Fabric identities (certificate, private key, MSP ID) by organisation
 * and label, each in its own file sealed with AES-256-GCM (key from WALLET_KEY).
 * The label is the token subject the identity acts for. Decrypted identities are
 * kept in memory only.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { SUBJECT_PATTERN } from '../caller';
import type { FabricIdentity } from './ledger';
import { isSealed, open, seal } from '../sealed-box';

/** An identity as the wallet keeps it. */
export interface WalletIdentity extends FabricIdentity {
  /** Certificate attributes it was enrolled with (gov.dept, gov.role, gov.pid), when known. */
  attrs?: Record<string, string>;
}

const stored = z.object({
  mspId: z.string(),
  label: z.string(),
  certificate: z.string(),
  privateKey: z.string().optional(),
  attrs: z.record(z.string(), z.string()).optional(),
});

const MSP_PATTERN = /^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/;

/** Storage of Fabric identities, encrypted at rest. */
export class Wallet {
  readonly #dir: string;
  readonly #key: Buffer;
  readonly #cache = new Map<string, WalletIdentity>();

  /** Opens (lazily) a wallet folder with a 32-byte key. */
  constructor(dir: string, key: Buffer) {
    if (key.length !== 32) throw new Error('the wallet key must be 32 bytes');
    this.#dir = dir;
    this.#key = key;
  }

  #file(mspId: string, label: string): string {
    if (!MSP_PATTERN.test(mspId)) throw new Error(`bad MSP ID ${mspId}`);
    if (!SUBJECT_PATTERN.test(label)) throw new Error(`bad wallet label ${label}`);
    return path.join(this.#dir, mspId, `${label}.id.json`);
  }

  static #aad(mspId: string, label: string): string {
    return `govledger-wallet:v1:${mspId}/${label}`;
  }

  /** The identity of `label` in organisation `mspId`, or undefined. */
  async get(mspId: string, label: string): Promise<WalletIdentity | undefined> {
    const cacheKey = `${mspId}/${label}`;
    const cached = this.#cache.get(cacheKey);
    if (cached) return cached;
    let text: string;
    try {
      text = await fs.readFile(this.#file(mspId, label), 'utf8');
    } catch {
      return undefined;
    }
    const sealedValue: unknown = JSON.parse(text);
    if (!isSealed(sealedValue)) throw new Error(`wallet entry ${cacheKey} is not a sealed identity`);
    const identity = stored.parse(
      JSON.parse(open(this.#key, sealedValue, Wallet.#aad(mspId, label)).toString('utf8')),
    );
    if (identity.mspId !== mspId || identity.label !== label)
      throw new Error(`wallet entry ${cacheKey} does not match its place`);
    const result: WalletIdentity = { mspId, label, certificate: identity.certificate };
    if (identity.privateKey) result.privateKey = identity.privateKey;
    if (identity.attrs) result.attrs = identity.attrs;
    this.#cache.set(cacheKey, result);
    return result;
  }

  /** Stores (or replaces) an identity; the file is written atomically with mode 0600. */
  async put(identity: WalletIdentity): Promise<void> {
    const file = this.#file(identity.mspId, identity.label);
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const body = JSON.stringify(
      seal(
        this.#key,
        Buffer.from(JSON.stringify(identity), 'utf8'),
        Wallet.#aad(identity.mspId, identity.label),
      ),
    );
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, body, { mode: 0o600 });
    await fs.rename(tmp, file);
    this.#cache.set(`${identity.mspId}/${identity.label}`, { ...identity });
  }

  /** Labels of an organisation's identities, sorted. */
  async list(mspId: string): Promise<string[]> {
    if (!MSP_PATTERN.test(mspId)) return [];
    try {
      const names = await fs.readdir(path.join(this.#dir, mspId));
      return names
        .filter((n) => n.endsWith('.id.json'))
        .map((n) => n.slice(0, -'.id.json'.length))
        .sort();
    } catch {
      return [];
    }
  }

  /** Removes an identity; true when there was one. */
  async remove(mspId: string, label: string): Promise<boolean> {
    this.#cache.delete(`${mspId}/${label}`);
    try {
      await fs.unlink(this.#file(mspId, label));
      return true;
    } catch {
      return false;
    }
  }
}
