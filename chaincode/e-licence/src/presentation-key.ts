/**
 * Presentation keys (issue 18 part 3): each issuing organisation's gateway signs holder
 * presentations (SD-JWT shaped compact JWS, ES256) with its own key; the public half is
 * registered here, by an admin of that organisation, under its own MSP (no one registers a key in
 * another organisation's name), as the e-voting authority keys are. The record is created under
 * the channel's majority endorsement policy and then protected (owner AND one other
 * organisation), so no single organisation can swap or remove a key unnoticed. Verifiers, online
 * (the public gateway endpoint) and offline (the JWKS the gateway publishes from this list),
 * trust only keys listed here.
 */
import { createHash, createPublicKey } from 'crypto';
import type { Context } from 'fabric-contract-api';
import {
  getCaller,
  keyExists,
  protectRecord,
  readAll,
  txTimeIso,
  writeJson,
  compositeKey,
} from '@govledger/chaincode-common';
import { eLicence } from '@govledger/wire';
import { requireAdmin } from './authz';
import { errors } from './errors';
import type {
  ListPresentationKeysRequest,
  PresentationKey,
  PresentationKeyList,
  PresentationPublicJwk,
  RegisterPresentationKeyRequest,
} from './schemas';

/** Object type of a presentation key record: (mspId, kid). */
export const PRESENTATION_KEY = 'presentationKey';

/** Most keys listed by one read (every organisation's keys). */
const MAX_LISTED = 1000;

/** Key of a presentation key record. */
export function presentationKeyKey(ctx: Context, mspId: string, kid: string): string {
  return compositeKey(ctx, PRESENTATION_KEY, mspId, kid);
}

/** The RFC 7638 thumbprint of a P-256 JWK (SHA-256 of the required members in order, base64url). */
export function jwkThumbprint(jwk: PresentationPublicJwk): string {
  const canonical = `{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}","y":"${jwk.y}"}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

/** Refuses INVALID_ARGUMENT unless the JWK is a point of P-256 (a malformed or off-curve key). */
export function requireValidPoint(jwk: PresentationPublicJwk): void {
  try {
    const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
    if (key.type !== 'public' || key.asymmetricKeyType !== 'ec') throw new Error('not an EC public key');
  } catch {
    throw errors.invalidArgument('publicKey is not a valid P-256 public key', [
      { path: ['publicKey'], message: 'not a point of P-256' },
    ]);
  }
}

/**
 * RegisterPresentationKey: an `admin` registers the public half of its own organisation's
 * presentation key. A key registered already, or one beyond the organisation's bound
 * (eLicence.MAX_PRESENTATION_KEYS_PER_ORG), is refused PRESENTATION_KEY_EXISTS.
 */
export async function registerPresentationKey(
  ctx: Context,
  req: RegisterPresentationKeyRequest,
): Promise<PresentationKey> {
  const caller = getCaller(ctx);
  requireAdmin(caller);
  requireValidPoint(req.publicKey);
  const kid = jwkThumbprint(req.publicKey);
  const key = presentationKeyKey(ctx, caller.mspId, kid);
  if (await keyExists(ctx, key)) {
    throw errors.presentationKeyExists(`${caller.mspId} registered presentation key ${kid} already`);
  }
  const own = await readAll<PresentationKey>(
    ctx,
    PRESENTATION_KEY,
    [caller.mspId],
    eLicence.MAX_PRESENTATION_KEYS_PER_ORG + 1,
  );
  if (own.length >= eLicence.MAX_PRESENTATION_KEYS_PER_ORG) {
    throw errors.presentationKeyExists(
      `${caller.mspId} has ${own.length} presentation keys, the most an organisation may register`,
    );
  }
  const record: PresentationKey = {
    mspId: caller.mspId,
    kid,
    jwk: { kty: 'EC', crv: 'P-256', x: req.publicKey.x, y: req.publicKey.y },
    registeredAt: txTimeIso(ctx),
    txId: ctx.stub.getTxID(),
  };
  await writeJson(ctx, key, record);
  await protectRecord(ctx, key, caller.mspId);
  return record;
}

/** ListPresentationKeys (any member): the registered keys, of one organisation or all. */
export async function listPresentationKeys(
  ctx: Context,
  req: ListPresentationKeysRequest,
): Promise<PresentationKeyList> {
  const entries = await readAll<PresentationKey>(
    ctx,
    PRESENTATION_KEY,
    req.mspId === undefined ? [] : [req.mspId],
    MAX_LISTED,
  );
  return { keys: entries.map((e) => e.value) };
}
