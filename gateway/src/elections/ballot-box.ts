/**
 * The anonymous ballot box of secret elections: a module and endpoint of its
 * own, apart from token issuance. It takes ballots without any credentials,
 * logs no client address (the request log keeps only method, path, status and a
 * random request id), checks each ballot as the chaincode will (token bound to
 * the election, valid signatures of k distinct registered authorities, token not
 * seen before), and keeps it durably in the gateway database. It never submits
 * ballots one by one in arrival order: it submits CastSecretBallots batches of
 * at least `minBatch` ballots, in an order shuffled with crypto randomness, and
 * flushes whatever it holds, shuffled, `closeLeadMs` before voting closes; from
 * then on it refuses new ballots (BALLOT_BOX_CLOSED). Every batch goes out under
 * the ballot-box identity.
 *
 * When the chaincode refuses a batch because of one ballot ("ballot i: ..."),
 * that ballot is set aside as rejected (its state says why) and the rest go
 * again; a refusal of the whole batch that cannot change (VOTING_CLOSED,
 * WRONG_MODE, ...) rejects the batch. Other refusals (e.g. BALLOTS_EXCEED_ISSUED
 * from a peer that lags the last issuances) and failures leave the ballots
 * queued for the next sweep.
 */
import { BlindRSA, getSuiteByName } from '@cloudflare/blindrsa-ts';
import { eVoting } from '@govledger/wire';
import crypto, { webcrypto } from 'node:crypto';
import type { Logger } from 'pino';
import type { Caller } from '../auth';
import { ChaincodeRefusal } from '../fabric/ledger';
import { HttpProblem } from '../http/problem';
import type { Db } from '../writes/database';
import type { TransactionService } from '../writes/transactions';

/** Refusal codes of the ballot box itself (the chaincode's are relayed). */
export const BallotBoxErrorCode = {
  /** 409: the box has flushed for the close; ballots are no longer taken. */
  Closed: 'BALLOT_BOX_CLOSED',
  /** 404: the box holds no ballot with this receipt. */
  NotFound: 'BALLOT_NOT_FOUND',
} as const;

/** Refusals of a whole batch that no later attempt can change: its ballots are rejected. */
const FINAL_REFUSALS = new Set<string>([
  eVoting.ErrorCode.VotingClosed,
  eVoting.ErrorCode.WrongMode,
  eVoting.ErrorCode.ElectionNotFound,
  eVoting.ErrorCode.Forbidden,
]);

/** Settings of the ballot box. */
export interface BallotBoxSettings {
  /** Fewest ballots submitted in one batch before the close flush (default 10). */
  minBatch: number;
  /** The close flush runs this long before the election's closing time (default 10 s). */
  closeLeadMs: number;
  /** How often the box looks for batches to submit (default 1 s). */
  sweepMs: number;
}

/** What the ballot box needs. */
export interface BallotBoxDeps {
  transactions: Pick<TransactionService, 'evaluate' | 'submit'>;
  chaincode: string;
  db: Db;
  /** The ballot-box identity batches are cast under. */
  caller: Caller;
  settings: BallotBoxSettings;
  logger?: Logger;
  /** The clock (tests). */
  now?: () => number;
}

/** Where a ballot stands in the box. */
export interface BallotState {
  electionId: string;
  receipt: string;
  state: 'queued' | 'cast' | 'rejected';
  /** Why a ballot was rejected (a chaincode error code). */
  reason?: string;
  /** The batch transaction that cast it. */
  txId?: string;
}

type ElectionInfo = {
  closesAt: number;
  opensAt: number;
  variant: eVoting.BlindRsaVariant;
  threshold: number;
  keys: Map<string, webcrypto.CryptoKey>;
};

type Row = { election_id: string; receipt: string; body: string; closes_at: number };

/** Fisher-Yates with crypto randomness. */
export function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The anonymous ballot box. */
export class BallotBox {
  readonly #d: BallotBoxDeps;
  readonly #info = new Map<string, { at: number; info: Promise<ElectionInfo> }>();
  readonly #flushing = new Map<string, Promise<void>>();
  #timer: NodeJS.Timeout | undefined;

  /** Creates the box (and its table when missing). */
  constructor(deps: BallotBoxDeps) {
    this.#d = deps;
    deps.db.exec(`CREATE TABLE IF NOT EXISTS ballot_box (
       election_id TEXT NOT NULL,
       receipt TEXT NOT NULL,
       body TEXT NOT NULL,
       closes_at INTEGER NOT NULL,
       state TEXT NOT NULL CHECK (state IN ('queued', 'cast', 'rejected')),
       reason TEXT,
       tx_id TEXT,
       PRIMARY KEY (election_id, receipt)
     )`);
  }

  #now(): number {
    return (this.#d.now ?? Date.now)();
  }

  /** Starts the sweeper (batches and close flushes; also on the first ballot); it does not keep the process alive. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.sweep(), this.#d.settings.sweepMs);
    this.#timer.unref();
  }

  /** Stops the sweeper. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #electionInfo(electionId: string): Promise<ElectionInfo> {
    const cached = this.#info.get(electionId);
    if (cached && this.#now() - cached.at < 5_000) return cached.info;
    const info = (async () => {
      const view = (await this.#d.transactions.evaluate(this.#d.caller, {
        chaincode: this.#d.chaincode,
        transaction: 'GetElection',
        args: [JSON.stringify({ electionId })],
      })) as eVoting.ElectionView;
      const mode = view.election.mode;
      if (mode.kind !== 'secret') {
        throw new HttpProblem(
          409,
          eVoting.ErrorCode.WrongMode,
          `election ${electionId} is not a secret election`,
        );
      }
      const keys = new Map<string, webcrypto.CryptoKey>();
      for (const a of view.authorities ?? []) {
        keys.set(
          a.mspId,
          await webcrypto.subtle.importKey('jwk', a.key.jwk, { name: 'RSA-PSS', hash: 'SHA-384' }, false, [
            'verify',
          ]),
        );
      }
      return {
        closesAt: Date.parse(view.election.closesAt),
        opensAt: Date.parse(view.election.opensAt),
        variant: mode.variant,
        threshold: mode.threshold,
        keys,
      };
    })();
    this.#info.set(electionId, { at: this.#now(), info });
    info.catch(() => this.#info.delete(electionId));
    return info;
  }

  /**
   * Takes one ballot into the box after checking it; returns its receipt
   * (SHA-256 of the token). Refuses (as the chaincode would) an election that is
   * not open, a token not bound to it, a token seen before, and a ballot without
   * valid signatures of k distinct authorities.
   */
  async accept(electionId: string, ballot: eVoting.SecretBallot): Promise<BallotState> {
    const info = await this.#electionInfo(electionId);
    const now = this.#now();
    if (now < info.opensAt) {
      throw new HttpProblem(409, eVoting.ErrorCode.VotingNotOpen, `election ${electionId} is not open yet`);
    }
    if (now >= info.closesAt - this.#d.settings.closeLeadMs) {
      throw new HttpProblem(409, BallotBoxErrorCode.Closed, `the ballot box of ${electionId} has closed`);
    }
    const token = Buffer.from(ballot.token, 'base64url');
    const prefix = eVoting.preparePrefixLength(info.variant);
    const message = token.subarray(prefix).toString('utf8');
    const head = eVoting.tokenMessage(electionId, '');
    if (
      token.toString('base64url') !== ballot.token ||
      token.length <= prefix ||
      !message.startsWith(head) ||
      !eVoting.TokenNonce.test(message.slice(head.length))
    ) {
      throw new HttpProblem(
        400,
        eVoting.ErrorCode.InvalidToken,
        `the token is not a token of election ${electionId}`,
      );
    }
    const suite = getSuiteByName(BlindRSA, info.variant);
    let valid = 0;
    for (const s of ballot.signatures) {
      const key = info.keys.get(s.mspId);
      const ok =
        key !== undefined &&
        (await suite
          .verify(key as Parameters<BlindRSA['verify']>[0], Buffer.from(s.signature, 'base64url'), token)
          .catch(() => false));
      if (!ok) {
        throw new HttpProblem(
          400,
          eVoting.ErrorCode.BadSignature,
          `the signature of ${s.mspId} does not verify`,
        );
      }
      valid += 1;
    }
    if (valid < info.threshold) {
      throw new HttpProblem(
        400,
        eVoting.ErrorCode.InsufficientSignatures,
        `the token carries ${valid} authority signature(s); the election needs ${info.threshold}`,
      );
    }
    const receipt = crypto.createHash('sha256').update(token).digest('hex');
    const inserted = this.#d.db
      .prepare(
        "INSERT OR IGNORE INTO ballot_box (election_id, receipt, body, closes_at, state) VALUES (?, ?, ?, ?, 'queued')",
      )
      .run(electionId, receipt, JSON.stringify(ballot), info.closesAt).changes;
    if (inserted !== 1) {
      throw new HttpProblem(
        409,
        eVoting.ErrorCode.TokenAlreadyUsed,
        'a ballot with this token is in the box already',
      );
    }
    this.start();
    if (this.#queued(electionId) >= this.#d.settings.minBatch)
      void this.flush(electionId).catch(() => undefined);
    return { electionId, receipt, state: 'queued' };
  }

  /** Where a ballot stands, by receipt. */
  status(electionId: string, receipt: string): BallotState {
    const r = this.#d.db
      .prepare('SELECT state, reason, tx_id FROM ballot_box WHERE election_id = ? AND receipt = ?')
      .get(electionId, receipt) as
      { state: BallotState['state']; reason: string | null; tx_id: string | null } | undefined;
    if (!r)
      throw new HttpProblem(
        404,
        BallotBoxErrorCode.NotFound,
        'the ballot box holds no ballot with this receipt',
      );
    const s: BallotState = { electionId, receipt, state: r.state };
    if (r.reason) s.reason = r.reason;
    if (r.tx_id) s.txId = r.tx_id;
    return s;
  }

  #queued(electionId: string): number {
    return (
      this.#d.db
        .prepare("SELECT COUNT(*) AS n FROM ballot_box WHERE election_id = ? AND state = 'queued'")
        .get(electionId) as { n: number }
    ).n;
  }

  /** Submits the batches that are due: a full batch, or everything once the close flush is due. */
  async sweep(): Promise<void> {
    try {
      await this.#sweep();
    } catch (err) {
      this.#d.logger?.warn({ err: (err as Error).message }, 'ballot box sweep failed');
    }
  }

  async #sweep(): Promise<void> {
    const due = this.#d.db
      .prepare(
        "SELECT election_id, MIN(closes_at) AS closes_at, COUNT(*) AS n FROM ballot_box WHERE state = 'queued' GROUP BY election_id",
      )
      .all() as { election_id: string; closes_at: number; n: number }[];
    for (const d of due) {
      if (d.n >= this.#d.settings.minBatch || this.#now() >= d.closes_at - this.#d.settings.closeLeadMs) {
        await this.flush(d.election_id);
      }
    }
  }

  /** Submits an election's queued ballots in shuffled batches (one flush at a time per election). */
  flush(electionId: string): Promise<void> {
    const running = this.#flushing.get(electionId);
    if (running) return running;
    const run = this.#flush(electionId).finally(() => this.#flushing.delete(electionId));
    this.#flushing.set(electionId, run);
    return run;
  }

  async #flush(electionId: string): Promise<void> {
    for (;;) {
      const rows = this.#d.db
        .prepare(
          "SELECT election_id, receipt, body, closes_at FROM ballot_box WHERE election_id = ? AND state = 'queued'",
        )
        .all(electionId) as Row[];
      if (rows.length === 0) return;
      const closing = this.#now() >= (rows[0]?.closes_at ?? 0) - this.#d.settings.closeLeadMs;
      if (rows.length < this.#d.settings.minBatch && !closing) return;
      const batch = shuffle(rows).slice(0, eVoting.Limits.maxCastBatch);
      try {
        const outcome = await this.#d.transactions.submit(
          this.#d.caller,
          {
            chaincode: this.#d.chaincode,
            transaction: 'CastSecretBallots',
            args: [JSON.stringify({ electionId, ballots: batch.map((r) => JSON.parse(r.body) as unknown) })],
          },
          { async: false },
        );
        this.#mark(batch, 'cast', null, outcome.transactionId);
        this.#d.logger?.info({ electionId, ballots: batch.length }, 'ballot box cast a batch');
      } catch (err) {
        if (!(err instanceof ChaincodeRefusal)) {
          this.#d.logger?.warn(
            { electionId, err: (err as Error).message },
            'ballot box batch failed; kept queued',
          );
          return;
        }
        const one = /^ballot (\d+):/.exec(err.body.message ?? '');
        const culprit = one ? batch[Number(one[1])] : undefined;
        this.#d.logger?.warn({ electionId, code: err.body.code }, 'ballot box batch refused');
        if (culprit) {
          this.#mark([culprit], 'rejected', err.body.code, null);
        } else if (FINAL_REFUSALS.has(err.body.code)) {
          this.#mark(batch, 'rejected', err.body.code, null);
        } else {
          // e.g. BALLOTS_EXCEED_ISSUED on a peer that lags the last issuances: try again at the next sweep
          return;
        }
      }
    }
  }

  #mark(rows: Row[], state: BallotState['state'], reason: string | null, txId: string | null): void {
    const update = this.#d.db.prepare(
      "UPDATE ballot_box SET state = ?, reason = ?, tx_id = ?, body = CASE WHEN ? = 'queued' THEN body ELSE '' END WHERE election_id = ? AND receipt = ?",
    );
    this.#d.db.transaction(() => {
      for (const r of rows) update.run(state, reason, txId, state, r.election_id, r.receipt);
    })();
  }
}
