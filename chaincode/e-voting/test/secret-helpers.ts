/**
 * Secret-election fixtures: authority keys of both cities, the voter's app
 * (make a token, blind it once per authority key, finalize) and the
 * authorities' side (IssueToken by each city's election admin, then blind-sign).
 */
import { createHash, randomBytes, webcrypto } from 'crypto';
import { RSABSSA, type BlindRSA } from '@cloudflare/blindrsa-ts';
import type { TestIdentity, TestLedger } from '@govledger/chaincode-common/testing';
import { tokenMessage } from '../src';
import { T, openElection, submit, subject, who } from './helpers';

/** A WebCrypto key pair. */
export type KeyPair = { publicKey: webcrypto.CryptoKey; privateKey: webcrypto.CryptoKey };

/** The Randomized and Deterministic PSS suites. */
export const randomized = RSABSSA.SHA384.PSS.Randomized();
/** The Deterministic PSS suite. */
export const deterministic = RSABSSA.SHA384.PSS.Deterministic();

/** unpadded base64url */
export const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/** A new 2048-bit authority key pair. */
export async function newKey(): Promise<KeyPair> {
  return (await randomized.generateKey({
    publicExponent: Uint8Array.from([1, 0, 1]),
    modulusLength: 2048,
  })) as KeyPair;
}

/** SPKI PEM of a public key. */
export async function spkiPem(key: KeyPair): Promise<string> {
  const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', key.publicKey));
  return `-----BEGIN PUBLIC KEY-----\n${spki.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PUBLIC KEY-----\n`;
}

/** The election admin who acts for each city's authority. */
export const authorityAdmin: Record<string, TestIdentity> = { CityAMSP: who.adminA, CityBMSP: who.adminB };

/** A secret yes/no/abstain election of both cities' authorities, k = 2, on a roll. */
export function secretElection(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return openElection({
    electionId: 'E-SECRET-1',
    title: 'Community budget: build the library?',
    ballot: { kind: 'yesNoAbstain' },
    quorum: { kind: 'perMilleOfRoll', perMille: 500 },
    passThresholdPerMille: 500,
    mode: {
      kind: 'secret',
      variant: 'RSABSSA-SHA384-PSS-Randomized',
      authorities: [{ mspId: 'CityAMSP' }, { mspId: 'CityBMSP' }],
      threshold: 2,
    },
    ...overrides,
  });
}

/**
 * Creates the election, has each authority register its own key (signed by its
 * own organisation) and puts a1, a2 and b1 on the roll.
 */
export async function setUpSecret(
  ledger: TestLedger,
  keys: Record<string, KeyPair>,
  overrides: Record<string, unknown> = {},
  voters: TestIdentity[] = [who.a1, who.a2, who.b1],
): Promise<string> {
  const e = await submit<{ electionId: string }>(
    ledger,
    who.adminA,
    'CreateElection',
    secretElection(overrides),
    {
      time: T.create,
    },
  );
  for (const [mspId, key] of Object.entries(keys)) {
    await submit(
      ledger,
      authorityAdmin[mspId] as TestIdentity,
      'RegisterAuthorityKey',
      { electionId: e.electionId, publicKey: { format: 'spki-pem', pem: await spkiPem(key) } },
      { time: T.create },
    );
  }
  if (voters.length > 0) {
    await submit(
      ledger,
      who.adminA,
      'RegisterVoters',
      { electionId: e.electionId, batchId: 'B1', voters: voters.map(subject) },
      { time: T.beforeOpen },
    );
  }
  return e.electionId;
}

/** A token as the voter's app holds it after the signing rounds. */
export interface Token {
  token: string;
  signatures: { mspId: string; signature: string }[];
  receipt: string;
}

/** The voter's app: a token bound to the election, prepared once, blinded once per authority. */
export async function blindToken(
  electionId: string,
  keys: Record<string, KeyPair>,
  suite: BlindRSA = randomized,
): Promise<{
  prepared: Uint8Array;
  blinded: Record<string, { blindedMsg: Uint8Array; inv: Uint8Array; hash: string }>;
}> {
  const prepared = suite.prepare(
    new TextEncoder().encode(tokenMessage(electionId, randomBytes(32).toString('hex'))),
  );
  const blinded: Record<string, { blindedMsg: Uint8Array; inv: Uint8Array; hash: string }> = {};
  for (const [mspId, key] of Object.entries(keys)) {
    const { blindedMsg, inv } = await suite.blind(key.publicKey, prepared);
    blinded[mspId] = { blindedMsg, inv, hash: createHash('sha256').update(blindedMsg).digest('hex') };
  }
  return { prepared, blinded };
}

/** Signs and finalizes a blinded token with each key (the authorities' gateways and the voter's app). */
export async function signToken(
  blind: Awaited<ReturnType<typeof blindToken>>,
  keys: Record<string, KeyPair>,
  suite: BlindRSA = randomized,
): Promise<Token> {
  const signatures: { mspId: string; signature: string }[] = [];
  for (const [mspId, key] of Object.entries(keys)) {
    const b = blind.blinded[mspId];
    if (!b) throw new Error(`no blinded message for ${mspId}`);
    const blindSig = await suite.blindSign(key.privateKey, b.blindedMsg);
    signatures.push({
      mspId,
      signature: b64url(await suite.finalize(key.publicKey, blind.prepared, blindSig, b.inv)),
    });
  }
  return {
    token: b64url(blind.prepared),
    signatures,
    receipt: createHash('sha256').update(blind.prepared).digest('hex'),
  };
}

/**
 * The whole issuance of a voter's token: RequestToken under the voter's identity
 * with a blinded hash per authority, IssueToken by each authority's election
 * admin, then each authority blind-signs and the voter finalizes.
 */
export async function obtainToken(
  ledger: TestLedger,
  voter: TestIdentity,
  electionId: string,
  keys: Record<string, KeyPair>,
  time: string = T.beforeOpen,
  suite: BlindRSA = randomized,
): Promise<Token> {
  const blind = await blindToken(electionId, keys, suite);
  await submit(
    ledger,
    voter,
    'RequestToken',
    {
      electionId,
      blinded: Object.entries(blind.blinded).map(([mspId, b]) => ({ mspId, blindedHash: b.hash })),
    },
    { time },
  );
  for (const [mspId, b] of Object.entries(blind.blinded)) {
    await submit(
      ledger,
      authorityAdmin[mspId] as TestIdentity,
      'IssueToken',
      { electionId, voter: subject(voter), blindedHash: b.hash },
      { time },
    );
  }
  return signToken(blind, keys, suite);
}

/** A secret ballot as the ballot box sends it. */
export function ballotOf(t: Token, choices: string[], signatures = t.signatures): Record<string, unknown> {
  return { choices, token: t.token, signatures };
}
