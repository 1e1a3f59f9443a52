/**
 * Journey 4, e-voting: a secret election (opens 15 s after creation, closes 20 s
 * later); voters of both cities blind their tokens here, as a voter's app would,
 * get them signed by the gateway, unblind them and vote through the anonymous
 * ballot box; a reused token is refused; City B tallies after the close, the
 * count is verified and a voter finds their ballot by receipt.
 */
import { BlindRSA, getSuiteByName } from '@cloudflare/blindrsa-ts';
import { eVoting, isoTime, sha256hex } from '@govledger/fixtures';
import { eVoting as wireEVoting } from '@govledger/wire';
import { randomBytes, webcrypto } from 'node:crypto';
import { short } from './printer';
import type { Runner } from './runner';

interface ElectionRecord {
  electionId: string;
  opensAt: string;
  closesAt: string;
  mode: {
    kind: string;
    authority?: { variant: string; publicKeyPem: string; fingerprint: string; modulusBits: number };
  };
}
interface TallyRecord {
  status: 'counting' | 'final';
  result?: {
    turnout: number;
    rollSize: number | null;
    quorum: { met: boolean };
    counts: { option: string; votes: number }[];
    winners: string[];
    passed: boolean;
  };
}

/** The token a voter's app makes (README of chaincode/e-voting: token format). */
export function tokenMessage(electionId: string, nonceHex: string): Uint8Array {
  return new TextEncoder().encode(wireEVoting.tokenMessage(electionId, nonceHex));
}

/** Imports the election's SPKI PEM public key as the blind RSA library needs it. */
async function importPublicKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return webcrypto.subtle.importKey('spki', der, { name: 'RSA-PSS', hash: 'SHA-384' }, true, ['verify']);
}

type BlindKey = Parameters<BlindRSA['blind']>[0];

/** Runs the e-voting journey; `run` makes its ids unique. */
export async function votingJourney(r: Runner, run: string): Promise<void> {
  const electionId = `E-LIBRARY-${run}`;
  const voters: [string, 'yes' | 'no'][] = [
    ['citizen-a1', 'yes'],
    ['citizen-a2', 'yes'],
    ['citizen-b1', 'no'],
  ];
  const opensAt = Date.now() + 15_000;
  const closesAt = opensAt + 20_000;

  await r.run<ElectionRecord>({
    who: 'election-admin-a',
    what: 'creates a secret election; the gateway makes and keeps the authority key',
    method: 'POST',
    path: '/api/v1/elections',
    write: true,
    body: eVoting.secretRollElection({
      electionId,
      title: 'Build the new riverside library?',
      opensAt: isoTime(opensAt),
      closesAt: isoTime(closesAt),
    }),
    show: (e) =>
      `election ${e.electionId}: opens ${e.opensAt.slice(11, 19)}Z, closes ${e.closesAt.slice(11, 19)}Z; ` +
      `RSA-${e.mode.authority?.modulusBits} key ${short(e.mode.authority?.fingerprint ?? '', 16)}`,
  });
  await r.run<{ added: number }>({
    who: 'election-admin-a',
    what: 'registers three voters of both cities on the roll (by home organisation and pseudonymous id)',
    method: 'POST',
    path: `/api/v1/elections/${electionId}/roll-batches`,
    write: true,
    body: eVoting.rollBatch(
      'roll-1',
      voters.map(([v]) => r.voter(v)),
    ),
    show: (x) => `${x.added} voters on the roll; it freezes when voting opens`,
  });
  const view = await r.run<{ election: ElectionRecord; phase: string; rollSize: number | null }>({
    who: 'citizen-b1',
    what: "opens the election in a voter's app and reads the authority's public key",
    method: 'GET',
    path: `/api/v1/elections/${electionId}`,
    settle: (v) => v.rollSize === voters.length,
    show: (v) =>
      `${v.phase}, roll of ${v.rollSize}; ${v.election.mode.authority?.variant}, ` +
      `key fingerprint ${short(v.election.mode.authority?.fingerprint ?? '', 16)}`,
  });
  const authority = view.election.mode.authority;
  if (!authority) throw new Error('the election has no authority key');
  const publicKey = (await importPublicKey(authority.publicKeyPem)) as unknown as BlindKey;
  const suite = getSuiteByName(BlindRSA, authority.variant);

  const ballots: { voter: string; choice: string; token: string; signature: string; receipt: string }[] = [];
  for (const [voter, choice] of voters) {
    const prepared = suite.prepare(tokenMessage(electionId, randomBytes(32).toString('hex')));
    const { blindedMsg, inv } = await suite.blind(publicKey, prepared);
    r.local(
      voter,
      'makes a random token and blinds it',
      `blinded message ${short(Buffer.from(blindedMsg).toString('base64url'), 16)} (the token never leaves the device)`,
    );
    const signed = await r.run<{ blindSig: string; transactionId: string }>({
      who: voter,
      what: 'asks for the blind signature (recorded once per voter on the ledger)',
      method: 'POST',
      path: `/api/v1/elections/${electionId}/tokens`,
      body: eVoting.tokenRequest(Buffer.from(blindedMsg).toString('base64url')),
      commits: true,
      show: (x) =>
        `blind signature ${short(x.blindSig, 16)}; token request ${short(x.transactionId)} committed`,
    });
    const signature = await suite.finalize(
      publicKey,
      prepared,
      Buffer.from(signed.blindSig, 'base64url'),
      inv,
    );
    const receipt = sha256hex(prepared);
    r.local(
      voter,
      'unblinds the signature and checks it',
      `valid signature; ballot receipt ${short(receipt, 16)}`,
    );
    ballots.push({
      voter,
      choice,
      token: Buffer.from(prepared).toString('base64url'),
      signature: Buffer.from(signature).toString('base64url'),
      receipt,
    });
  }

  await r.countdown('voting opens', opensAt + 500);
  for (const b of ballots) {
    await r.run<{ receipt: string }>({
      who: undefined,
      what: `${b.voter}'s app casts a secret "${b.choice}" at the anonymous ballot box`,
      method: 'POST',
      path: `/api/v1/ballot-box/elections/${electionId}/ballots`,
      write: true,
      body: eVoting.ballot([b.choice], b.token, b.signature),
      check: (x) => (x.receipt === b.receipt ? undefined : 'another receipt'),
      show: (x) => `recorded; receipt ${short(x.receipt, 16)} — no voter id on the ledger`,
    });
  }
  const first = ballots[0] as (typeof ballots)[number];
  await r.run<unknown>({
    who: undefined,
    what: `someone tries to vote again with ${first.voter}'s token`,
    method: 'POST',
    path: `/api/v1/ballot-box/elections/${electionId}/ballots`,
    body: eVoting.ballot(['no'], first.token, first.signature),
    refusal: { status: 409, code: 'TOKEN_ALREADY_USED' },
    show: () => '',
  });

  await r.countdown('voting closes', closesAt + 1000);
  let tally: TallyRecord | undefined;
  for (let i = 0; i < 5 && tally?.status !== 'final'; i++) {
    tally = await r.run<TallyRecord>({
      who: 'citizen-b2',
      what: 'runs the tally (anyone may, once the election has closed)',
      method: 'POST',
      path: `/api/v1/elections/${electionId}/tally`,
      write: true,
      body: eVoting.tally(),
      show: (t) =>
        t.result
          ? `${t.status}: ${t.result.counts.map((c) => `${c.option} ${c.votes}`).join(', ')}; ` +
            `turnout ${t.result.turnout}/${t.result.rollSize}, quorum ${t.result.quorum.met ? 'met' : 'not met'}, ` +
            `${t.result.passed ? `PASSED (${t.result.winners.join(', ')})` : 'not passed'}`
          : `${t.status}…`,
    });
  }
  await r.run<{ confirmed: boolean; mismatches: string[] }>({
    who: 'election-admin-b',
    what: 'recounts every ballot and re-checks every signature',
    method: 'POST',
    path: `/api/v1/elections/${electionId}/tally/verification`,
    body: eVoting.tallyVerification(true),
    settle: true,
    check: (v) => (v.confirmed ? undefined : `mismatches: ${v.mismatches.join(', ')}`),
    show: () => 'recount CONFIRMS the stored result',
  });
  await r.run<{ choices: string[] }>({
    who: first.voter,
    what: 'finds their own ballot by its receipt',
    method: 'GET',
    path: `/api/v1/elections/${electionId}/receipts/${first.receipt}`,
    check: (b) => (b.choices.join() === first.choice ? undefined : `choices ${b.choices.join()}`),
    show: (b) => `ballot ${short(first.receipt, 16)} is counted: ${b.choices.join(', ')}`,
  });
}
