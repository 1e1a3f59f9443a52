/**
 * Runs time-based jobs (the unspent-funds sweep, ...) on their intervals. A job is due when
 * its last successful run started at least one interval ago, or never ran; the last run is
 * kept in the gateway database (store.ts), so a run missed while the gateway was down runs
 * right after start-up. A failed run is tried again after `retryMs` (default: one tick). Jobs
 * run one at a time, never overlapping; stop() waits for the running one. Each occurrence is
 * claimed in the store first, so that of several replicas sharing it exactly one runs it.
 */
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import crypto from 'node:crypto';
import type { ScheduleStorage } from './store';

/** A scheduled job. */
export interface Job {
  /** Stable name (the key of its stored state and its metrics label). */
  name: string;
  /** Interval between runs (ms). */
  intervalMs: number;
  /** One run; resolves with a summary for the log, rejects when it failed. */
  run(): Promise<Record<string, unknown>>;
}

/** Options of the scheduler. */
export interface SchedulerOptions {
  store: ScheduleStorage;
  jobs: readonly Job[];
  logger: Logger;
  /** How often due jobs are looked for (ms). */
  tickMs: number;
  /** Wait after a failed run before the next attempt (ms; default tickMs). */
  retryMs?: number;
  /** Registry of the metrics (gateway_scheduled_runs_total, gateway_scheduled_last_success_seconds). */
  registry?: Registry;
  /** The clock (tests). */
  now?: () => number;
  /** How long a claimed run holds its job when it never records an outcome (ms; default 10 minutes). */
  leaseMs?: number;
}

/** Runs jobs on their schedule. */
export class Scheduler {
  readonly #o: SchedulerOptions;
  readonly #now: () => number;
  readonly #runs?: Counter<'job' | 'outcome'>;
  readonly #lastSuccess?: Gauge<'job'>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  /** Who claims the runs (one id per scheduler, so per replica). */
  readonly #owner = crypto.randomUUID();

  /** Creates the scheduler (nothing runs before start()). */
  constructor(options: SchedulerOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    if (options.registry) {
      this.#runs = new Counter({
        name: 'gateway_scheduled_runs_total',
        help: 'Runs of scheduled jobs by job and outcome (ok, failed)',
        labelNames: ['job', 'outcome'] as const,
        registers: [options.registry],
      });
      this.#lastSuccess = new Gauge({
        name: 'gateway_scheduled_last_success_seconds',
        help: 'Start of the last successful run of each scheduled job (Unix seconds)',
        labelNames: ['job'] as const,
        registers: [options.registry],
      });
    }
  }

  /** True when the job should run now. */
  async isDue(job: Job, at: number = this.#now()): Promise<boolean> {
    const state = await this.#o.store.get(job.name);
    const retryMs = this.#o.retryMs ?? this.#o.tickMs;
    if (
      state.lastError !== undefined &&
      state.lastAttemptAt !== undefined &&
      at - state.lastAttemptAt < retryMs
    )
      return false;
    return state.lastSuccessAt === undefined || at - state.lastSuccessAt >= job.intervalMs;
  }

  /** Runs every due job once, one after the other (also what each tick does). */
  async runDue(): Promise<void> {
    for (const job of this.#o.jobs) {
      if (this.#stopped) return;
      if (!(await this.isDue(job))) continue;
      const at = this.#now();
      // replicas sharing the store: only the one whose claim of this occurrence succeeds runs it
      const claimed = await this.#o.store.claim(job.name, at, this.#owner, {
        intervalMs: job.intervalMs,
        retryMs: this.#o.retryMs ?? this.#o.tickMs,
        leaseMs: this.#o.leaseMs ?? 600_000,
      });
      if (!claimed) continue;
      try {
        const summary = await job.run();
        await this.#o.store.record(job.name, at);
        this.#runs?.inc({ job: job.name, outcome: 'ok' });
        this.#lastSuccess?.set({ job: job.name }, Math.floor(at / 1000));
        this.#o.logger.info({ job: job.name, ...summary }, 'scheduled job ran');
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        await this.#o.store.record(job.name, at, message);
        this.#runs?.inc({ job: job.name, outcome: 'failed' });
        this.#o.logger.warn(
          { job: job.name, error: message },
          'scheduled job failed; it will be tried again',
        );
      }
    }
  }

  /** Runs what is due now (missed runs included), then looks again every tick. */
  start(): void {
    if (this.#timer || this.#stopped) return;
    const tick = () => {
      if (this.#running || this.#stopped) return;
      this.#running = this.runDue()
        .catch((err: unknown) => {
          // the store unreachable (PostgreSQL restarting): the next tick tries again
          this.#o.logger.warn(
            { error: err instanceof Error ? err.message : String(err) },
            'scheduler tick failed',
          );
        })
        .finally(() => {
          this.#running = undefined;
        });
    };
    this.#timer = setInterval(tick, this.#o.tickMs);
    this.#timer.unref();
    tick();
  }

  /** Stops looking for due jobs and waits for the running one. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
