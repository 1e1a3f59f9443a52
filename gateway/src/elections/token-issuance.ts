/**
 * Blind-signature issuance for secret elections (RFC 9474): the one place where
 * this gateway uses an election authority's private key.
 *
 * A voter sends only a blinded message. The gateway checks that the election is
 * a secret one whose authority key it holds, records RequestToken under the
 * voter's own identity, waits for the commit, and only then blind-signs. Whether
 * a voter may have a token at all, and only one, is the chaincode's rule
 * (chaincode/e-voting/src/one-vote.ts): the gateway relays its refusals. What the
 * gateway keeps itself is its signing log: the one blinded message it signed for
 * each committed token request, so that a retry of the same message gets the
 * same signature back and the key never signs a second message for a request.
 * The log knows a voter as (home MSP, pid), like the chaincode: the same pid
 * under another organisation is another voter.
 */
import crypto from 'node:crypto';
import { eVoting } from '@govledger/wire';
import type { Caller } from '../auth';
import type { AuthorityPublic, IssuedToken } from '../election-keys';
import { HttpProblem } from '../http/problem';
import type { TransactionService } from '../writes/transactions';

/** Refusal codes of the issuance itself (the chaincode's codes are relayed as they are). */
export const IssuanceErrorCode = {
  /** 400: the blinded message is not canonical base64url or has the wrong length. */
  InvalidRequest: 'INVALID_REQUEST',
  /** 409: this gateway does not hold the election's authority key. */
  KeyNotHeld: 'ELECTION_KEY_NOT_HELD',
  /** 409: the key this gateway holds is not the one the election names. */
  KeyMismatch: 'ELECTION_KEY_MISMATCH',
  /** 502: the committed token request is not the caller's. */
  RequestMismatch: 'TOKEN_REQUEST_MISMATCH',
} as const;

/** The election keys the issuance needs (ElectionKeys). */
export interface AuthorityKeys {
  /** The public half of the key held for an election, or undefined. */
  get(electionId: string): Promise<AuthorityPublic | undefined>;
  /** Blind-signs a blinded message with the election's key. */
  blindSign(electionId: string, blindedMsg: Uint8Array): Promise<Uint8Array>;
}

/** The signing log the issuance needs (BlindSignatureLog); `voter` is {@link logVoterKey}. */
export interface SigningLog {
  /** The record of a voter in an election. */
  get(electionId: string, voter: string): IssuedToken | undefined;
  /** Records the blinded message of a committed token request; false when one is recorded already. */
  reserve(electionId: string, voter: string, blindedHash: string, txId: string): boolean;
  /** Stores the signature returned to the voter. */
  signed(electionId: string, voter: string, blindSig: Uint8Array): void;
}

/** What the issuance needs. */
export interface TokenIssuanceDeps {
  /** Reads and writes on the ledger (the TransactionService). */
  transactions: Pick<TransactionService, 'evaluate' | 'submit'>;
  /** Deployed name of the e-voting chaincode. */
  chaincode: string;
  keys: AuthorityKeys;
  log: SigningLog;
}

/** A blind signature issued to a voter. */
export interface IssuedBlindSignature {
  electionId: string;
  /** The blind signature, unpadded base64url; the voter finalizes it. */
  blindSig: string;
  /** The transaction that recorded the voter's token request. */
  transactionId: string;
}

/** A voter's key in the signing log: `<mspId>/<pid>`. */
export function logVoterKey(voter: eVoting.Subject): string {
  return `${voter.mspId}/${voter.pid}`;
}

/** What the issuance reads of GetElection. */
type ElectionViewPart = {
  election: { mode: { kind: string; authority?: { fingerprint?: string } } };
  phase: eVoting.Phase;
};

function canonicalBase64url(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

function badBlindedMsg(message: string, detail: string): HttpProblem {
  return new HttpProblem(400, IssuanceErrorCode.InvalidRequest, message, {
    errors: [{ location: 'body', path: 'blindedMsg', message: detail }],
  });
}

/** The election's authority key as this gateway holds it; refuses when it cannot sign for the election. */
async function heldKey(
  deps: TokenIssuanceDeps,
  caller: Caller,
  electionId: string,
): Promise<AuthorityPublic> {
  const view = (await deps.transactions.evaluate(caller, {
    chaincode: deps.chaincode,
    transaction: 'GetElection',
    args: [JSON.stringify({ electionId })],
  })) as ElectionViewPart;
  if (view.election.mode.kind !== 'secret') {
    throw new HttpProblem(
      409,
      eVoting.ErrorCode.WrongMode,
      `election ${electionId} is not a secret election`,
    );
  }
  if (view.phase === 'closed') {
    throw new HttpProblem(409, eVoting.ErrorCode.VotingClosed, `election ${electionId} is closed`);
  }
  const held = await deps.keys.get(electionId);
  if (!held) {
    throw new HttpProblem(
      409,
      IssuanceErrorCode.KeyNotHeld,
      `this gateway does not hold the authority key of election ${electionId}`,
    );
  }
  if (held.fingerprint !== view.election.mode.authority?.fingerprint) {
    throw new HttpProblem(
      409,
      IssuanceErrorCode.KeyMismatch,
      `the key this gateway holds is not the authority key of election ${electionId}`,
    );
  }
  return held;
}

/**
 * The signature already issued for a voter's committed token request, when the
 * same blinded message comes again (a retry); undefined when none is logged. A
 * different message is refused: the request has had its signature.
 */
async function reissue(
  deps: TokenIssuanceDeps,
  electionId: string,
  voter: string,
  blinded: Uint8Array,
  blindedHash: string,
): Promise<IssuedBlindSignature | undefined> {
  const rec = deps.log.get(electionId, voter);
  if (!rec) return undefined;
  if (rec.blindedHash !== blindedHash) {
    throw new HttpProblem(
      409,
      eVoting.ErrorCode.TokenAlreadyIssued,
      'a token was already issued to this voter for this election',
    );
  }
  const sig = rec.blindSig ?? (await deps.keys.blindSign(electionId, blinded));
  if (!rec.blindSig) deps.log.signed(electionId, voter, sig);
  return { electionId, blindSig: Buffer.from(sig).toString('base64url'), transactionId: rec.txId };
}

/**
 * Issues the blind signature on `blindedMsg` (unpadded base64url) to the calling
 * voter for a secret election. Throws an HttpProblem for every refusal; the
 * chaincode's refusals of RequestToken (e.g. INELIGIBLE_VOTER, TOKEN_ALREADY_ISSUED)
 * pass through unchanged and nothing is signed.
 */
export async function issueBlindSignature(
  deps: TokenIssuanceDeps,
  caller: Caller,
  electionId: string,
  blindedMsg: string,
): Promise<IssuedBlindSignature> {
  const blinded = canonicalBase64url(blindedMsg);
  if (!blinded) {
    throw badBlindedMsg('blindedMsg is not canonical base64url', 'must be canonical unpadded base64url');
  }
  const held = await heldKey(deps, caller, electionId);
  if (blinded.length !== held.modulusBits / 8) {
    throw badBlindedMsg(
      `blindedMsg must be ${held.modulusBits / 8} bytes`,
      `must be ${held.modulusBits / 8} bytes`,
    );
  }
  const hash = crypto.createHash('sha256').update(blinded).digest('hex');
  const self = caller.pid ? logVoterKey({ mspId: caller.org, pid: caller.pid }) : undefined;
  if (self) {
    const again = await reissue(deps, electionId, self, blinded, hash);
    if (again) return again;
  }
  const committed = await deps.transactions.submit(
    caller,
    { chaincode: deps.chaincode, transaction: 'RequestToken', args: [JSON.stringify({ electionId })] },
    { async: false },
  );
  const voter =
    committed.kind === 'committed'
      ? (committed.result as Partial<eVoting.TokenRequestResult> | null)?.voter
      : undefined;
  const committedKey = voter ? logVoterKey(voter) : undefined;
  if (!committedKey || (self && committedKey !== self)) {
    throw new HttpProblem(
      502,
      IssuanceErrorCode.RequestMismatch,
      "the committed token request is not this voter's",
    );
  }
  if (!deps.log.reserve(electionId, committedKey, hash, committed.transactionId)) {
    const again = await reissue(deps, electionId, committedKey, blinded, hash);
    if (again) return again;
  }
  const sig = await deps.keys.blindSign(electionId, blinded);
  deps.log.signed(electionId, committedKey, sig);
  return {
    electionId,
    blindSig: Buffer.from(sig).toString('base64url'),
    transactionId: committed.transactionId,
  };
}
