/**
 * Journey 4, e-voting: a secret election of both cities' authorities (k = 2 of
 * 2; opens 20 s after creation, closes 25 s later). Each city's election admin
 * has the gateway make and hold that city's key and registers it under its own
 * identity; voters of both cities make one token, blind it once per authority
 * key, and get both blind signatures (each city records its issuance on the
 * ledger before it signs); they unblind them and drop their ballots in the
 * anonymous ballot box, which casts them together in one shuffled batch when
 * voting is about to close; a reused token is refused; City B tallies after the
 * close, the count is verified page by page and a voter finds their ballot.
 *
 * Every call goes through the SDK (@govledger/client); the request bodies are the
 * shared fixtures' (@govledger/fixtures, eVoting), typed by the SDK.
 */
import { BlindRSA, getSuiteByName } from '@cloudflare/blindrsa-ts';
import { eVoting, isoTime, sha256hex } from '@govledger/fixtures';
import { eVoting as wireEVoting } from '@govledger/wire';
import { randomBytes, webcrypto } from 'node:crypto';
import { short } from './printer';
import type { Runner } from './runner';

/** The token a voter's app makes (README of chaincode/e-voting: token format). */
export function tokenMessage(electionId: string, nonceHex: string): Uint8Array {
  return new TextEncoder().encode(wireEVoting.tokenMessage(electionId, nonceHex));
}

type BlindKey = Parameters<BlindRSA['blind']>[0];

/** Imports an authority's public JWK as the blind RSA library needs it. */
async function importPublicKey(jwk: object): Promise<BlindKey> {
  return (await webcrypto.subtle.importKey(
    'jwk',
    jwk as webcrypto.JsonWebKey,
    { name: 'RSA-PSS', hash: 'SHA-384' },
    true,
    ['verify'],
  )) as unknown as BlindKey;
}

/** Runs the e-voting journey; `run` makes its ids unique. */
export async function votingJourney(r: Runner, run: string): Promise<void> {
  const electionId = `E-LIBRARY-${run}`;
  const election = { path: { electionId } };
  const voters: [string, 'yes' | 'no'][] = [
    ['citizen-a1', 'yes'],
    ['citizen-a2', 'yes'],
    ['citizen-b1', 'no'],
  ];
  const opensAt = Date.now() + 20_000;
  // the ballot box flushes 10 s before the close (BALLOT_BOX_CLOSE_LEAD_MS)
  const closesAt = opensAt + 25_000;

  await r.write({
    who: 'election-admin-a',
    what: "creates a secret election whose ballots need both cities' authorities (k = 2 of 2)",
    call: (api) =>
      api.POST('/api/v1/elections', {
        body: eVoting.secretRollElection({
          electionId,
          title: 'Build the new riverside library?',
          opensAt: isoTime(opensAt),
          closesAt: isoTime(closesAt),
          authorities: ['CityAMSP', 'CityBMSP'],
          threshold: 2,
        }),
      }),
    check: (e) => (e.mode.kind === 'secret' ? undefined : `mode ${e.mode.kind}`),
    show: (e) =>
      `election ${e.electionId}: opens ${e.opensAt.slice(11, 19)}Z, closes ${e.closesAt.slice(11, 19)}Z; ` +
      (e.mode.kind === 'secret'
        ? `authorities ${e.mode.authorities.join(' + ')}, ${e.mode.threshold} signatures per ballot`
        : 'open roll-call'),
  });
  for (const admin of ['election-admin-a', 'election-admin-b']) {
    await r.write({
      who: admin,
      what: "registers its own city's authority key (the gateway makes it and holds it for that city only)",
      call: (api) =>
        api.POST('/api/v1/elections/{electionId}/authority-keys', {
          params: election,
          body: eVoting.gatewayAuthorityKey(),
        }),
      settle: true,
      show: (a) =>
        `${a.mspId}: RSA-${a.key.modulusBits} key ${short(a.key.fingerprint, 16)}, signed by ${a.mspId}`,
    });
  }
  await r.write({
    who: 'election-admin-a',
    what: 'registers three voters of both cities on the roll (by home organisation and pseudonymous id)',
    call: (api) =>
      api.POST('/api/v1/elections/{electionId}/roll-batches', {
        params: election,
        body: eVoting.rollBatch(
          'roll-1',
          voters.map(([v]) => r.voter(v)),
        ),
      }),
    show: (x) => `${x.added} voters on the roll; it freezes when voting opens`,
  });
  const view = await r.read({
    who: 'citizen-b1',
    what: "opens the election in a voter's app and reads both authorities' public keys",
    call: (api) => api.GET('/api/v1/elections/{electionId}', { params: election }),
    settle: (v) => v.rollSize === voters.length && (v.authorities?.length ?? 0) === 2,
    show: (v) =>
      `${v.phase}, roll of ${v.rollSize}; keys ${(v.authorities ?? [])
        .map((a) => `${a.mspId} ${short(a.key.fingerprint, 12)}`)
        .join(', ')}`,
  });
  const mode = view.election.mode;
  if (mode.kind !== 'secret' || !view.authorities) throw new Error('the election has no authority keys');
  const suite = getSuiteByName(BlindRSA, mode.variant);
  const keys = await Promise.all(
    view.authorities.map(async (a) => ({ mspId: a.mspId, key: await importPublicKey(a.key.jwk) })),
  );

  const ballots: {
    voter: string;
    choice: string;
    token: string;
    signatures: eVoting.AuthoritySignature[];
    receipt: string;
  }[] = [];
  for (const [voter, choice] of voters) {
    const prepared = suite.prepare(tokenMessage(electionId, randomBytes(32).toString('hex')));
    const blinds = await Promise.all(
      keys.map(async (k) => ({ ...k, ...(await suite.blind(k.key, prepared)) })),
    );
    r.local(
      voter,
      'makes a random token and blinds it once per authority key',
      `blinded messages ${blinds.map((b) => short(Buffer.from(b.blindedMsg).toString('base64url'), 12)).join(', ')} (the token never leaves the device)`,
    );
    const signed = await r.read({
      who: voter,
      what: "asks both cities' authorities for blind signatures (request and each issuance recorded on the ledger)",
      call: (api) =>
        api.POST('/api/v1/elections/{electionId}/tokens', {
          params: election,
          body: eVoting.tokenRequest(
            blinds.map((b) => ({
              mspId: b.mspId,
              blindedMsg: Buffer.from(b.blindedMsg).toString('base64url'),
            })),
          ),
        }),
      commits: true,
      show: (x) =>
        `token request ${short(x.requestTxId)} committed; ` +
        x.signatures.map((s) => `${s.mspId} issued in ${short(s.transactionId)}`).join(', '),
    });
    const signatures: eVoting.AuthoritySignature[] = [];
    for (const b of blinds) {
      const blindSig = signed.signatures.find((s) => s.mspId === b.mspId)?.blindSig;
      if (!blindSig) throw new Error(`no blind signature of ${b.mspId}`);
      const sig = await suite.finalize(b.key, prepared, Buffer.from(blindSig, 'base64url'), b.inv);
      signatures.push({ mspId: b.mspId, signature: Buffer.from(sig).toString('base64url') });
    }
    const receipt = sha256hex(prepared);
    r.local(
      voter,
      'unblinds both signatures and checks them',
      `valid signatures of ${signatures.map((s) => s.mspId).join(' and ')}; ballot receipt ${short(receipt, 16)}`,
    );
    ballots.push({ voter, choice, token: Buffer.from(prepared).toString('base64url'), signatures, receipt });
  }

  await r.countdown('voting opens', opensAt + 500);
  for (const b of ballots) {
    await r.read({
      who: undefined,
      what: `${b.voter}'s app drops a secret "${b.choice}" in the anonymous ballot box`,
      call: (api) =>
        api.POST('/api/v1/ballot-box/elections/{electionId}/ballots', {
          params: election,
          body: eVoting.ballot([b.choice], b.token, b.signatures),
        }),
      check: (x) => (x.receipt === b.receipt ? undefined : 'another receipt'),
      show: (x) => `${x.state}; receipt ${short(x.receipt, 16)} — the box casts ballots in shuffled batches`,
    });
  }
  const first = ballots[0] as (typeof ballots)[number];
  await r.read({
    who: undefined,
    what: `someone tries to vote again with ${first.voter}'s token`,
    call: (api) =>
      api.POST('/api/v1/ballot-box/elections/{electionId}/ballots', {
        params: election,
        body: eVoting.ballot(['no'], first.token, first.signatures),
      }),
    refusal: { status: 409, code: 'TOKEN_ALREADY_USED' },
    show: () => '',
  });

  await r.countdown('the ballot box flushes before the close', closesAt - 10_000 + 4_000);
  await r.read({
    who: undefined,
    what: `${first.voter}'s app checks where its ballot stands`,
    call: (api) =>
      api.GET('/api/v1/ballot-box/elections/{electionId}/ballots/{receipt}', {
        params: { path: { electionId, receipt: first.receipt } },
      }),
    check: (x) => (x.state === 'cast' ? undefined : `state ${x.state}`),
    show: (x) => `cast in batch transaction ${short(x.txId ?? '')} with the other voters' ballots`,
  });
  await r.countdown('voting closes', closesAt + 1000);
  let status: string | undefined;
  for (let i = 0; i < 5 && status !== 'final'; i++) {
    const tally = await r.write({
      who: 'citizen-b2',
      what: 'runs the tally (anyone may, once the election has closed)',
      call: (api) =>
        api.POST('/api/v1/elections/{electionId}/tally', { params: election, body: eVoting.tally() }),
      show: (t) =>
        t.result
          ? `${t.status}: ${t.result.counts.map((c) => `${c.option} ${c.votes}`).join(', ')}; ` +
            `turnout ${t.result.turnout}/${t.result.rollSize} (tokens issued ${t.result.issuedTokens}), ` +
            `quorum ${t.result.quorum.met ? 'met' : 'not met'}, ` +
            `${t.result.passed ? `PASSED (${t.result.winners.join(', ')})` : 'not passed'}`
          : `${t.status}…`,
    });
    status = tally.status;
  }
  await r.read({
    who: 'election-admin-b',
    what: 'recounts every ballot page by page and re-checks both signatures on each',
    call: (api) =>
      api.POST('/api/v1/elections/{electionId}/tally/verification', {
        params: election,
        body: eVoting.tallyVerification(true),
      }),
    settle: true,
    check: (v) => (v.confirmed ? undefined : `mismatches: ${v.mismatches.join(', ')}`),
    show: (v) =>
      `recount CONFIRMS the stored result (${v.pages} page(s); ballots within roll and issued tokens)`,
  });
  await r.read({
    who: first.voter,
    what: 'finds their own ballot by its receipt',
    call: (api) =>
      api.GET('/api/v1/elections/{electionId}/receipts/{receipt}', {
        params: { path: { electionId, receipt: first.receipt } },
      }),
    check: (b) => (b.choices.join() === first.choice ? undefined : `choices ${b.choices.join()}`),
    show: (b) => `ballot ${short(first.receipt, 16)} is counted: ${b.choices.join(', ')}`,
  });
}
