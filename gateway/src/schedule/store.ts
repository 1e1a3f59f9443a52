/**
 * When each scheduled job last ran, in the gateway database, so that the schedule survives
 * restarts: a run that fell due while the gateway was down runs at start-up. The table is
 * created here (`CREATE TABLE IF NOT EXISTS`), apart from the write pipeline's migrations.
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
  /** Records a run that started at `at`: successful (`error` undefined) or failed. */
  record(job: string, at: number, error?: string): Promise<void>;
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
             last_attempt_at = excluded.last_attempt_at, last_error = NULL`,
        )
        .run(job, at, at);
    } else {
      this.#db
        .prepare(
          `INSERT INTO schedule_runs (job, last_attempt_at, last_error) VALUES (?, ?, ?)
           ON CONFLICT (job) DO UPDATE SET last_attempt_at = excluded.last_attempt_at, last_error = excluded.last_error`,
        )
        .run(job, at, error.slice(0, 500));
    }
  }
}
