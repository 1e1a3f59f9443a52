/**
 * Token issuance of secret elections (RFC 9474), by k of n authorities: the one
 * place where this gateway uses an authority's private key.
 *
 * The voter's app makes one token and blinds it once per authority key. It sends
 * the blinded messages to {@link requestToken}, which records RequestToken under
 * the voter's own identity with only their SHA-256 hashes, and then asks each
 * authority this gateway acts for to issue ({@link issueAsAuthority}). An
 * authority issues only after its own organisation's IssueToken committed: the
 * chaincode checks the voter on the roll under (home MSP, pid), one issuance per
 * (voter, authority), and that the hash is the one the voter recorded. The
 * authority then blind-signs that blinded message, once: its signing log keeps
 * the one message signed per (election, authority, voter), and a retry of the
 * same message gets the same signature back.
 *
 * The authority side needs no voter credentials: the voter's request on the
 * ledger authorises it, and only the voter, who holds the blinding factor, can
 * turn the blind signature into a signature on the token.
 */
import crypto from 'node:crypto';
import { eVoting } from '@govledger/wire';
import type { Caller } from '../auth';
import type { AuthorityPublic, IssuedToken } from '../election-keys';
import type { PinnedInvocation } from '../fabric/endorsement';
import { ChaincodeRefusal, LedgerError } from '../fabric/ledger';
import { HttpProblem } from '../http/problem';
import type { TransactionService } from '../writes/transactions';

/** Refusal codes of the issuance itself (the chaincode's codes are relayed as they are). */
export const IssuanceErrorCode = {
  /** 400: a blinded message is not canonical base64url or has the wrong length. */
  InvalidRequest: 'INVALID_REQUEST',
  /** 409: this gateway does not act for the authority, or holds no key of it for the election. */
  KeyNotHeld: 'ELECTION_KEY_NOT_HELD',
  /** 409: the key this gateway holds is not the one the authority registered. */
  KeyMismatch: 'ELECTION_KEY_MISMATCH',
  /** 502: the committed token request is not the caller's. */
  RequestMismatch: 'TOKEN_REQUEST_MISMATCH',
} as const;

/** One organisation's authority keys (OrgElectionKeys). */
export interface AuthorityKeys {
  /** The public half of the key held for an election, or undefined. */
  get(electionId: string): Promise<AuthorityPublic | undefined>;
  /** Blind-signs a blinded message with the election's key. */
  blindSign(electionId: string, blindedMsg: Uint8Array): Promise<Uint8Array>;
}

/**
 * The signing log the issuance needs; `voter` is {@link logVoterKey}. Kept in the instance's
 * SQLite file (BlindSignatureLog) or in PostgreSQL shared by gateway replicas (storage/), so a
 * retry that lands on another replica is answered with the same signature.
 */
export interface SigningLog {
  /** The record of a voter's signature from an authority. */
  get(electionId: string, authority: string, voter: string): Promise<IssuedToken | undefined>;
  /** Records the blinded message of a committed issuance; false when one is recorded already (atomic). */
  reserve(
    electionId: string,
    authority: string,
    voter: string,
    blindedHash: string,
    txId: string,
  ): Promise<boolean>;
  /** Stores the signature returned to the voter. */
  signed(electionId: string, authority: string, voter: string, blindSig: Uint8Array): Promise<void>;
}

/** What the issuance needs. */
export interface TokenIssuanceDeps {
  /** Reads and writes on the ledger (the TransactionService). */
  transactions: Pick<TransactionService, 'evaluate' | 'submit'>;
  /** Deployed name of the e-voting chaincode. */
  chaincode: string;
  /** The keys of an authority organisation this gateway acts for, or undefined. */
  keysOf(mspId: string): AuthorityKeys | undefined;
  /** The wallet identity (an election admin) that signs IssueToken for an authority, or undefined. */
  authorityCaller(mspId: string): Caller | undefined;
  log: SigningLog;
}

/** One authority's blind signature for a voter. */
export interface AuthorityBlindSignature {
  /** The authority (MSP id). */
  mspId: string;
  /** The blind signature, unpadded base64url; the voter finalizes it. */
  blindSig: string;
  /** The IssueToken transaction. */
  transactionId: string;
}

/** What {@link requestToken} returns. */
export interface TokenRequestOutcome {
  electionId: string;
  /** The RequestToken transaction under the voter's identity. */
  requestTxId: string;
  /** Signatures of the authorities this gateway acts for. */
  signatures: AuthorityBlindSignature[];
  /** Authorities asked that this gateway does not act for: ask their gateways. */
  pending: string[];
}

/** A voter's key in the signing log: `<mspId>/<pid>`. */
export function logVoterKey(voter: eVoting.Subject): string {
  return `${voter.mspId}/${voter.pid}`;
}

/** What the issuance reads of GetElection. */
type ElectionViewPart = {
  election: { mode: { kind: string } };
  phase: eVoting.Phase;
  authorities: { mspId: string; key: { fingerprint: string; modulusBits: number } }[] | null;
};

function canonicalBase64url(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

function badBlindedMsg(message: string, path: string): HttpProblem {
  return new HttpProblem(400, IssuanceErrorCode.InvalidRequest, message, {
    errors: [{ location: 'body', path, message }],
  });
}

const sha256 = (bytes: Uint8Array) => crypto.createHash('sha256').update(bytes).digest('hex');

/** How long a write retries while another organisation's endorsing peer has not committed the previous step. */
export const LAGGING_PEER_MS = 5_000;

/**
 * Submits and waits for the commit, and submits again (a new transaction; nothing was written)
 * for at most {@link LAGGING_PEER_MS} while an endorser lags the step just committed: the
 * endorsements disagree (an endorse-stage rejection) or the chaincode on a lagging peer answers
 * one of `lagCodes` (e.g. TOKEN_NOT_REQUESTED right after the voter's request committed).
 */
async function submitWhileLagging(
  deps: TokenIssuanceDeps,
  caller: Caller,
  invocation: PinnedInvocation,
  lagCodes: readonly string[] = [],
) {
  const deadline = Date.now() + LAGGING_PEER_MS;
  for (let delay = 200; ; delay = Math.min(delay * 2, 1_000)) {
    try {
      return await deps.transactions.submit(caller, invocation, { async: false });
    } catch (err) {
      const lagging =
        err instanceof ChaincodeRefusal
          ? lagCodes.includes(err.body.code)
          : err instanceof LedgerError && err.stage === 'endorse' && err.failure === 'rejected';
      if (!lagging || Date.now() + delay > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

async function electionView(deps: TokenIssuanceDeps, caller: Caller, electionId: string) {
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
  return view;
}

/** Decodes a blinded message and checks its length against the authority's registered key. */
function decodeBlinded(view: ElectionViewPart, mspId: string, blindedMsg: string, path: string): Buffer {
  const blinded = canonicalBase64url(blindedMsg);
  if (!blinded) throw badBlindedMsg('the blinded message is not canonical unpadded base64url', path);
  const registered = view.authorities?.find((a) => a.mspId === mspId);
  if (!registered) {
    throw new HttpProblem(
      409,
      eVoting.ErrorCode.AuthorityKeyMissing,
      `${mspId} has registered no authority key for this election`,
    );
  }
  const bytes = registered.key.modulusBits / 8;
  if (blinded.length !== bytes)
    throw badBlindedMsg(`the blinded message for ${mspId} must be ${bytes} bytes`, path);
  return blinded;
}

/** The issuance on the ledger of an authority to a voter, when there is one. */
async function ledgerIssuance(
  deps: TokenIssuanceDeps,
  caller: Caller,
  electionId: string,
  voter: eVoting.Subject,
  mspId: string,
): Promise<{ blindedHash: string; txId: string } | undefined> {
  const status = (await deps.transactions.evaluate(caller, {
    chaincode: deps.chaincode,
    transaction: 'GetVoterStatus',
    args: [JSON.stringify({ electionId, ...voter })],
  })) as { issuances: { authority: string; blindedHash: string; txId: string }[] | null };
  return status.issuances?.find((i) => i.authority === mspId);
}

/**
 * Authority `mspId` issues to `voter` the blind signature on `blindedMsg`
 * (unpadded base64url): records IssueToken signed by its own organisation,
 * waits for the commit, then blind-signs with its own key, once. Throws an
 * HttpProblem for every refusal; the chaincode's refusals of IssueToken
 * (INELIGIBLE_VOTER, TOKEN_NOT_REQUESTED, BLINDED_MISMATCH, ...) pass through
 * and nothing is signed.
 */
export async function issueAsAuthority(
  deps: TokenIssuanceDeps,
  mspId: string,
  electionId: string,
  voter: eVoting.Subject,
  blindedMsg: string,
): Promise<AuthorityBlindSignature> {
  const caller = deps.authorityCaller(mspId);
  const keys = deps.keysOf(mspId);
  if (!caller || !keys) {
    throw new HttpProblem(
      409,
      IssuanceErrorCode.KeyNotHeld,
      `this gateway does not act for authority ${mspId}`,
    );
  }
  const view = await electionView(deps, caller, electionId);
  const blinded = decodeBlinded(view, mspId, blindedMsg, 'blindedMsg');
  const held = await keys.get(electionId);
  if (!held) {
    throw new HttpProblem(
      409,
      IssuanceErrorCode.KeyNotHeld,
      `this gateway holds no key of ${mspId} for election ${electionId}`,
    );
  }
  if (held.fingerprint !== view.authorities?.find((a) => a.mspId === mspId)?.key.fingerprint) {
    throw new HttpProblem(
      409,
      IssuanceErrorCode.KeyMismatch,
      `the key this gateway holds is not the key ${mspId} registered for election ${electionId}`,
    );
  }
  const hash = sha256(blinded);
  const who = logVoterKey(voter);
  const sign = async (txId: string): Promise<AuthorityBlindSignature> => {
    let rec = await deps.log.get(electionId, mspId, who);
    // another request (another replica) may reserve between the read and the insert: read its record
    if (!rec && !(await deps.log.reserve(electionId, mspId, who, hash, txId)))
      rec = await deps.log.get(electionId, mspId, who);
    if (rec && rec.blindedHash !== hash) {
      throw new HttpProblem(
        409,
        eVoting.ErrorCode.TokenAlreadyIssued,
        `${mspId} has issued a token to this voter for this election already`,
      );
    }
    const sig = rec?.blindSig ?? (await keys.blindSign(electionId, blinded));
    if (!rec?.blindSig) await deps.log.signed(electionId, mspId, who, sig);
    return { mspId, blindSig: Buffer.from(sig).toString('base64url'), transactionId: rec?.txId ?? txId };
  };
  const logged = await deps.log.get(electionId, mspId, who);
  if (logged) return sign(logged.txId);
  try {
    const committed = await submitWhileLagging(
      deps,
      caller,
      {
        chaincode: deps.chaincode,
        transaction: 'IssueToken',
        args: [JSON.stringify({ electionId, voter, blindedHash: hash })],
      },
      [eVoting.ErrorCode.TokenNotRequested],
    );
    return await sign(committed.transactionId);
  } catch (err) {
    // committed earlier, but the log lost it (a crash between commit and log): sign for the ledger's record only
    if (err instanceof ChaincodeRefusal && err.body.code === eVoting.ErrorCode.TokenAlreadyIssued) {
      const onLedger = await ledgerIssuance(deps, caller, electionId, voter, mspId);
      if (onLedger && onLedger.blindedHash === hash) return sign(onLedger.txId);
    }
    throw err;
  }
}

/**
 * The calling voter's token request: records RequestToken under the voter's
 * identity with the hash of each authority's blinded message, waits for the
 * commit, then has each authority this gateway acts for issue. A retry with
 * the same blinded messages after the request committed continues where it
 * stopped; other messages are refused (TOKEN_ALREADY_ISSUED).
 */
export async function requestToken(
  deps: TokenIssuanceDeps,
  caller: Caller,
  electionId: string,
  blinded: readonly { mspId: string; blindedMsg: string }[],
): Promise<TokenRequestOutcome> {
  const view = await electionView(deps, caller, electionId);
  const hashes = blinded.map((b, i) => ({
    mspId: b.mspId,
    blindedHash: sha256(decodeBlinded(view, b.mspId, b.blindedMsg, `blinded.${i}.blindedMsg`)),
  }));
  const self = caller.pid ? { mspId: caller.org, pid: caller.pid } : undefined;
  let requestTxId: string;
  let voter: eVoting.Subject | undefined;
  try {
    const committed = await submitWhileLagging(deps, caller, {
      chaincode: deps.chaincode,
      transaction: 'RequestToken',
      args: [JSON.stringify({ electionId, blinded: hashes })],
    });
    requestTxId = committed.transactionId;
    voter =
      committed.kind === 'committed'
        ? (committed.result as Partial<eVoting.TokenRequestResult> | null)?.voter
        : undefined;
  } catch (err) {
    if (
      !(err instanceof ChaincodeRefusal) ||
      err.body.code !== eVoting.ErrorCode.TokenAlreadyIssued ||
      !self
    ) {
      throw err;
    }
    // a retry: continue only with the very blinded messages the voter recorded
    const status = (await deps.transactions.evaluate(caller, {
      chaincode: deps.chaincode,
      transaction: 'GetVoterStatus',
      args: [JSON.stringify({ electionId, ...self })],
    })) as { tokenRequest: { blinded: eVoting.BlindedHash[]; txId: string } | null };
    const recorded = status.tokenRequest;
    const same =
      recorded !== null &&
      hashes.every((h) =>
        recorded.blinded.some((r) => r.mspId === h.mspId && r.blindedHash === h.blindedHash),
      );
    if (!same) throw err;
    requestTxId = recorded.txId;
    voter = self;
  }
  if (!voter || (self && logVoterKey(voter) !== logVoterKey(self))) {
    throw new HttpProblem(
      502,
      IssuanceErrorCode.RequestMismatch,
      "the committed token request is not this voter's",
    );
  }
  const signatures: AuthorityBlindSignature[] = [];
  const pending: string[] = [];
  for (const b of blinded) {
    if (deps.keysOf(b.mspId) && deps.authorityCaller(b.mspId)) {
      signatures.push(await issueAsAuthority(deps, b.mspId, electionId, voter, b.blindedMsg));
    } else {
      pending.push(b.mspId);
    }
  }
  return { electionId, requestTxId, signatures, pending };
}
