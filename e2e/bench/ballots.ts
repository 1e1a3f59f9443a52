/**
 * Cast ballot as a load scenario, in SECRET mode: CastSecretBallot is submitted by the
 * shared ballot-box identity with a token blind-signed by the election authority, so a
 * ballot is not tied to a voter and the load is bounded only by how many tokens there
 * are (each can be spent once; its ballot key is the token hash, so no two ballots share
 * a key). The bench is the election authority: it makes its own RSA key, creates a
 * secret election with the public half and mints (token, signature) pairs.
 *
 * Minting: a blind signature, unblinded, is an ordinary RSASSA-PSS signature of the
 * prepared token (RFC 9474 §4: finalize checks exactly that), and the chaincode verifies
 * nothing else (plain RSA-PSS, SHA-384, MGF1-SHA-384, salt as the variant says). The
 * authority holding the private key therefore signs the prepared token directly
 * (OpenSSL, about a millisecond) instead of running blind / blindSign / finalize, whose
 * private-key step the library does in JavaScript big integers. The library still makes
 * the key, prepares the token (the variant's random prefix) and checks the first pair
 * as the chaincode does. The bench does not submit a RequestToken per token: that is the
 * voter's step, not the ballot box's, and is not what this scenario measures.
 */
import { BlindRSA, getSuiteByName } from '@cloudflare/blindrsa-ts';
import { eVoting } from '@govledger/wire';
import { constants, KeyObject, randomBytes, sign, webcrypto, type SignKeyObjectInput } from 'crypto';
import type { Call } from './clients';
import { OperationError } from './load';
import type { Scenario, SetupContext } from './scenarios';

const CC = 'e-voting';
const API = '/api/v1';
/** The variant the gateway uses by default for the elections it creates. */
const VARIANT = 'RSABSSA-SHA384-PSS-Randomized';
/** The smallest modulus the chaincode accepts: the cheapest to sign and to verify. */
const MODULUS_BITS = 2048;
/** The election stays open for a day: longer than any benchmark run. */
const OPEN_FOR_MS = 24 * 3_600_000;
const BALLOT_BOX = 'ballot-box-a';
const ELECTION_ADMIN = 'election-admin-a';
const OPTIONS = ['a', 'b'];

/** One unused ballot token and the authority's signature on it, both base64url. */
interface SignedToken {
  token: string;
  signature: string;
}

/** The secret-ballot write scenario `ballot.cast`, with its election and token pool. */
export async function secretBallot(ctx: SetupContext): Promise<Scenario[]> {
  const suite = getSuiteByName(BlindRSA, VARIANT);
  const keys = (await suite.generateKey({
    modulusLength: MODULUS_BITS,
    publicExponent: Uint8Array.from([1, 0, 1]),
  })) as { publicKey: webcrypto.CryptoKey; privateKey: webcrypto.CryptoKey };
  const pem = KeyObject.from(keys.publicKey).export({ type: 'spki', format: 'pem' }).toString();
  const pss: SignKeyObjectInput = {
    key: KeyObject.from(keys.privateKey),
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: suite.params.saltLength,
  };

  const electionId = `BENCH-S-${ctx.run}`;
  /** A fresh prepared token of this election (random nonce, and the variant's random prefix). */
  const prepared = () =>
    Buffer.from(
      suite.prepare(Buffer.from(eVoting.tokenMessage(electionId, randomBytes(32).toString('hex')), 'utf8')),
    );
  const signed = (token: Buffer, signature: Buffer): SignedToken => ({
    token: token.toString('base64url'),
    signature: signature.toString('base64url'),
  });
  const mintNow = (): SignedToken => {
    const token = prepared();
    return signed(token, sign('sha384', token, pss));
  };
  /** Signs on the thread pool, so that several mint in parallel. */
  const mint = () =>
    new Promise<SignedToken>((resolve, reject) => {
      const token = prepared();
      sign('sha384', token, pss, (err, signature) => (err ? reject(err) : resolve(signed(token, signature))));
    });

  // the chaincode's check of a ballot (authority.ts verifyTokenSignature), on one pair
  const probe = await mint();
  const verifyKey = await webcrypto.subtle.importKey(
    'jwk',
    KeyObject.from(keys.publicKey).export({ format: 'jwk' }),
    { name: 'RSA-PSS', hash: 'SHA-384' },
    false,
    ['verify'],
  );
  const probeSignature = Buffer.from(probe.signature, 'base64url');
  if (
    probeSignature.length !== MODULUS_BITS / 8 ||
    !(await suite.verify(verifyKey, probeSignature, Buffer.from(probe.token, 'base64url')))
  )
    throw new Error('ballot.cast: a minted token signature does not verify as the chaincode verifies it');

  const opensAt = Date.now() + 6_000;
  const election = {
    electionId,
    title: 'Benchmark secret vote',
    ballot: { kind: 'single', options: OPTIONS.map((id) => ({ id, label: id.toUpperCase() })) },
    opensAt: new Date(opensAt).toISOString(),
    closesAt: new Date(opensAt + OPEN_FOR_MS).toISOString(),
    eligibility: { kind: 'rule', mspIds: ['CityAMSP'], roles: ['citizen'] },
    quorum: { kind: 'none' },
    passThresholdPerMille: 0,
    mode: {
      kind: 'secret',
      authority: { variant: VARIANT, publicKey: { format: 'spki-pem', pem } },
    },
  };
  await ctx.client.call({
    user: ELECTION_ADMIN,
    chaincode: CC,
    fn: 'CreateElection',
    mode: 'submit',
    request: election,
    http: { method: 'POST', path: `${API}/elections`, body: election },
  });

  let n = 0;
  const cast = (t: SignedToken): Call => {
    const body = { choices: [OPTIONS[n++ % OPTIONS.length]], token: t.token, signature: t.signature };
    return {
      user: BALLOT_BOX,
      chaincode: CC,
      fn: 'CastSecretBallot',
      mode: 'submit',
      request: { electionId, ...body },
      http: { method: 'POST', path: `${API}/ballot-box/elections/${electionId}/ballots`, body },
    };
  };

  // wait for the opening, then cast the probe: the whole chain (key accepted, token bound,
  // signature verified) is checked once before any load
  await new Promise((r) => setTimeout(r, Math.max(0, opensAt - Date.now() + 1_000)));
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.client.call(cast(probe));
      break;
    } catch (err) {
      if (!(err instanceof OperationError && /NOT_OPEN/.test(err.kind)) || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  ctx.log(`ballot.cast: secret election ${electionId} open, authority key ${MODULUS_BITS} bits`);

  const pool: SignedToken[] = [];
  const scenario: Scenario = {
    name: 'ballot.cast',
    chaincode: CC,
    kind: 'write',
    describe: `CastSecretBallot by ${BALLOT_BOX} (secret election; a fresh authority-signed token each, minted before the point)`,
    call: () => cast(pool.pop() ?? mintNow()),
    tape: { unsupported: 'each ballot needs a fresh authority-signed token, which Tape cannot template' },
    async prepare(requests) {
      const missing = requests - pool.length;
      if (missing <= 0) return;
      const t0 = Date.now();
      let started = 0;
      await Promise.all(
        Array.from({ length: Math.min(missing, 8) }, async () => {
          while (started++ < missing) pool.push(await mint());
        }),
      );
      ctx.log(`ballot.cast: minted ${missing} tokens in ${Date.now() - t0} ms (pool ${pool.length})`);
    },
  };
  return [scenario];
}
