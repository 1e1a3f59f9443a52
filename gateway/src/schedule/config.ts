/**
 * Configuration of the scheduled checks (documented in gateway/README.md, "Scheduled
 * checks"). Read with the rest of the configuration at start; a bad value stops start-up
 * with a ConfigError naming the variable.
 */
import { ConfigError } from '../config';

/** The validated schedule settings. */
export interface ScheduleConfig {
  /**
   * The wallet identity the scheduled writes are submitted as (`SCHEDULE_IDENTITY`,
   * `<MSP ID>/<wallet label>`, e.g. `CityAMSP/auditor-a`, as BALLOT_BOX_IDENTITY); absent: nothing is scheduled.
   */
  identity?: { mspId: string; label: string };
  /** Interval of the unspent-funds sweep (`SCHEDULE_UNSPENT_SWEEP_INTERVAL_MS`, default one day; 0 turns it off). */
  unspentSweepMs: number;
  /** Interval of the overdue-approvals sweep (`SCHEDULE_OVERDUE_APPROVALS_INTERVAL_MS`, default one hour; 0 turns it off). */
  overdueApprovalsMs: number;
  /** How often due jobs are looked for (`SCHEDULE_TICK_MS`, default 60 000, never more than an interval). */
  tickMs: number;
}

type Env = Record<string, string | undefined>;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function whole(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, 'is invalid: must be a whole number');
  const n = Number(raw);
  if (n !== 0 && (n < min || n > max)) throw new ConfigError(name, `is invalid: must be 0 or ${min}-${max}`);
  return n;
}

/** Reads the schedule settings; throws ConfigError naming the variable at fault. */
export function loadScheduleConfig(env: Env): ScheduleConfig {
  const unspentSweepMs = whole(env, 'SCHEDULE_UNSPENT_SWEEP_INTERVAL_MS', DAY_MS, 1000, 365 * DAY_MS);
  const overdueApprovalsMs = whole(
    env,
    'SCHEDULE_OVERDUE_APPROVALS_INTERVAL_MS',
    HOUR_MS,
    1000,
    365 * DAY_MS,
  );
  const tick = whole(env, 'SCHEDULE_TICK_MS', 60_000, 100, DAY_MS);
  const config: ScheduleConfig = {
    unspentSweepMs,
    overdueApprovalsMs,
    tickMs: Math.max(
      100,
      Math.min(tick || 60_000, unspentSweepMs || Infinity, overdueApprovalsMs || Infinity),
    ),
  };
  const raw = env.SCHEDULE_IDENTITY;
  if (raw !== undefined && raw !== '') {
    const m = /^([A-Za-z0-9][A-Za-z0-9.-]{0,63})\/([A-Za-z0-9][A-Za-z0-9._@-]{0,127})$/.exec(raw);
    if (!m) throw new ConfigError('SCHEDULE_IDENTITY', 'is invalid: must be <MSP ID>/<wallet label>');
    config.identity = { mspId: m[1], label: m[2] };
  }
  return config;
}
