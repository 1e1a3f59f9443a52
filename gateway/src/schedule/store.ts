/**
 * When each scheduled job last ran, in the gateway database, so that the schedule survives
 * restarts: a run that fell due while the gateway was down runs at start-up. The table is
 * created here (`CREATE TABLE IF NOT EXISTS`), apart from the write pipeline's migrations. A run
 * is claimed first (a lease row): of replicas sharing the store, one runs each occurrence.
 */
import type { Db } from '../writes/database';

/** What is stored about a job. */
export interface JobState {
  /** Start of the last successful run (epoch ms); undefined when it never succeeded. */
  lastSuccessAt?: number;
  /** Start of the last attempt, successful or not (epoch ms). */
  lastAttemptAt?: number;
  /** The last attempt's error message, when it failed. */
  lastError?: string;
}

/** A row of the `schedule_runs` table. */
export interface Row {
  last_success_at: number | null;
  last_attempt_at: number | null;
  last_error: string | null;
}

/** The durable job states, as every backend keeps them (SQLite, or PostgreSQL shared by replicas). */
export interface ScheduleStorage {
  /** The stored state of a job (empty when it never ran). */
  get(job: string): Promise<JobState>;
  /** Records a run that started at `at`: successful (`error` undefined) or failed; releases the claim. */
  record(job: string, at: number, error?: string): Promise<void>;
  /**
   * Claims the occurrence of `job` due at `at` for `owner`, atomically (one conditional UPDATE):
   * true only when the job is due (see {@link ClaimTerms}) and no unexpired claim of another run
   * holds it, so that of several replicas sharing the store exactly one runs it. The claim lasts
   * until {@link ScheduleStorage.record} or `at + leaseMs` (a replica that died while running).
   */
  claim(job: string, at: number, owner: string, terms: ClaimTerms): Promise<boolean>;
}

/** When a job's occurrence may be claimed. */
export interface ClaimTerms {
  /** Due when the last success started at least this long ago (or never happened). */
  intervalMs: number;
  /** Not due while the last attempt failed less than this long ago. */
  retryMs: number;
  /** How long a claim holds when its run never records an outcome. */
  leaseMs: number;
}

/**
 * The claim's condition, in SQL over `schedule_runs` with positional parameters named by `p`:
 * `at`, `interval`, `retry` (the same rule as {@link Scheduler.isDue}) and an expired lease.
 */
export function claimCondition(p: { at: string; interval: string; retry: string }): string {
  return `(lease_until IS NULL OR lease_until <= ${p.at})
    AND (last_success_at IS NULL OR last_success_at <= ${p.at} - ${p.interval})
    AND NOT (last_error IS NOT NULL AND last_attempt_at IS NOT NULL AND last_attempt_at > ${p.at} - ${p.retry})`;
}

/** A job's state from its stored columns (shared by the backends). */
export function jobStateFromRow(row: Row | undefined): JobState {
  const state: JobState = {};
  if (!row) return state;
  if (row.last_success_at !== null) state.lastSuccessAt = row.last_success_at;
  if (row.last_attempt_at !== null) state.lastAttemptAt = row.last_attempt_at;
  if (row.last_error !== null) state.lastError = row.last_error;
  return state;
}

/** The durable job states in the gateway's SQLite file. */
export class ScheduleStore implements ScheduleStorage {
  readonly #db: Db;

  /** Opens the store (creating its table when needed). */
  constructor(db: Db) {
    this.#db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS schedule_runs (
       job TEXT PRIMARY KEY,
       last_success_at INTEGER,
       last_attempt_at INTEGER,
       last_error TEXT
     )`);
    const columns = (db.prepare('PRAGMA table_info(schedule_runs)').all() as { name: string }[]).map(
      (c) => c.name,
    );
    if (!columns.includes('lease_owner')) db.exec('ALTER TABLE schedule_runs ADD COLUMN lease_owner TEXT');
    if (!columns.includes('lease_until')) db.exec('ALTER TABLE schedule_runs ADD COLUMN lease_until INTEGER');
  }

  /** {@inheritDoc ScheduleStorage.claim} */
  async claim(job: string, at: number, owner: string, terms: ClaimTerms): Promise<boolean> {
    this.#db.prepare('INSERT INTO schedule_runs (job) VALUES (?) ON CONFLICT (job) DO NOTHING').run(job);
    const claimed = this.#db
      .prepare(
        `UPDATE schedule_runs SET lease_owner = @owner, lease_until = @at + @lease
         WHERE job = @job AND ${claimCondition({ at: '@at', interval: '@interval', retry: '@retry' })}`,
      )
      .run({ owner, at, lease: terms.leaseMs, job, interval: terms.intervalMs, retry: terms.retryMs });
    return claimed.changes === 1;
  }

  /** {@inheritDoc ScheduleStorage.get} */
  async get(job: string): Promise<JobState> {
    const row = this.#db
      .prepare('SELECT last_success_at, last_attempt_at, last_error FROM schedule_runs WHERE job = ?')
      .get(job) as Row | undefined;
    return jobStateFromRow(row);
  }

  /** {@inheritDoc ScheduleStorage.record} */
  async record(job: string, at: number, error?: string): Promise<void> {
    if (error === undefined) {
      this.#db
        .prepare(
          `INSERT INTO schedule_runs (job, last_success_at, last_attempt_at, last_error) VALUES (?, ?, ?, NULL)
           ON CONFLICT (job) DO UPDATE SET last_success_at = excluded.last_success_at,
             last_attempt_at = excluded.last_attempt_at, last_error = NULL, lease_owner = NULL, lease_until = NULL`,
        )
        .run(job, at, at);
    } else {
      this.#db
        .prepare(
          `INSERT INTO schedule_runs (job, last_attempt_at, last_error) VALUES (?, ?, ?)
           ON CONFLICT (job) DO UPDATE SET last_attempt_at = excluded.last_attempt_at, last_error = excluded.last_error,
             lease_owner = NULL, lease_until = NULL`,
        )
        .run(job, at, error.slice(0, 500));
    }
  }
}
