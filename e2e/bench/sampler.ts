/**
 * Samples CPU time and memory of every process of the network (the pids in
 * <state>/pids/*.pid: peers, orderers, chaincode servers, CAs, the REST gateway)
 * and of the benchmark itself, from /proc every `intervalMs`.
 */
import { readdirSync, readFileSync } from 'fs';
import path from 'path';

const CLOCK_TICKS = 100; // USER_HZ on Linux

export interface ProcessUsage {
  name: string;
  pid: number;
  /** Average CPU over the window, in % of one core. */
  cpuPercent: number;
  /** CPU time used in the window (user + system, all threads), in ms; clock-tick resolution (10 ms). */
  cpuMs: number;
  /** Highest resident set seen in the window (MiB); VmHWM when it is higher. */
  peakRssMiB: number;
}

interface Sample {
  ticks: number;
  rssKiB: number;
  hwmKiB: number;
}

function readSample(pid: number): Sample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name (which may contain spaces) start at ") "
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14, 15)
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { ticks, rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
  } catch {
    return undefined; // the process is gone
  }
}

/** The processes the network's scripts started, by name (pid file name without .pid). */
export function networkProcesses(stateDir: string): { name: string; pid: number }[] {
  const dir = path.join(stateDir, 'pids');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => ({
      name: f.slice(0, -4),
      pid: Number(readFileSync(path.join(dir, f), 'utf8').trim().split(/\s+/)[0]),
    }))
    .filter((p) => Number.isInteger(p.pid) && p.pid > 0)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Samples a fixed set of processes; `window()` starts a measurement window. */
export class ProcessSampler {
  private timer: NodeJS.Timeout | undefined;
  private readonly processes: { name: string; pid: number }[];
  /** The last sample of each process, and when it was taken (for processes that have exited since). */
  private readonly last = new Map<number, { sample: Sample; at: number }>();
  private windowStart = new Map<number, { ticks: number; at: number }>();
  private windowPeak = new Map<number, number>();
  private runPeak = new Map<number, number>();
  private runStart = new Map<number, { ticks: number; at: number }>();

  constructor(
    stateDir: string,
    private readonly intervalMs = 500,
  ) {
    this.processes = [...networkProcesses(stateDir), { name: 'bench-client', pid: process.pid }];
  }

  start(): void {
    const now = Date.now();
    for (const p of this.processes) {
      const s = readSample(p.pid);
      if (s) this.runStart.set(p.pid, { ticks: s.ticks, at: now });
    }
    this.window();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Samples a process started during the run (the Tape load generator) from now on;
   * once it exits, its usage is its last sample's.
   */
  track(name: string, pid: number): void {
    this.processes.push({ name, pid });
    const s = readSample(pid);
    if (!s) return;
    const now = Date.now();
    this.windowStart.set(pid, { ticks: 0, at: now });
    this.runStart.set(pid, { ticks: 0, at: now });
    this.windowPeak.set(pid, s.rssKiB);
    this.last.set(pid, { sample: s, at: now });
  }

  /** Stops sampling processes that have exited (their usage stays in the run totals). */
  private sampleOf(pid: number): { sample: Sample; at: number } | undefined {
    const s = readSample(pid);
    if (!s) return this.last.get(pid);
    const entry = { sample: s, at: Date.now() };
    this.last.set(pid, entry);
    return entry;
  }

  /** Starts a new measurement window (a load point). */
  window(): void {
    const now = Date.now();
    this.windowStart.clear();
    this.windowPeak.clear();
    for (const p of this.processes) {
      const s = readSample(p.pid);
      if (!s) continue;
      this.windowStart.set(p.pid, { ticks: s.ticks, at: now });
      this.windowPeak.set(p.pid, s.rssKiB);
    }
  }

  private tick(): void {
    for (const p of this.processes) {
      const s = this.sampleOf(p.pid)?.sample;
      if (!s) continue;
      this.windowPeak.set(p.pid, Math.max(this.windowPeak.get(p.pid) ?? 0, s.rssKiB));
      this.runPeak.set(p.pid, Math.max(this.runPeak.get(p.pid) ?? 0, s.rssKiB, s.hwmKiB));
    }
  }

  private usage(
    starts: Map<number, { ticks: number; at: number }>,
    peaks: Map<number, number>,
  ): ProcessUsage[] {
    this.tick();
    const out: ProcessUsage[] = [];
    for (const p of this.processes) {
      const start = starts.get(p.pid);
      const seen = this.sampleOf(p.pid);
      if (!start || !seen) continue;
      const s = seen.sample;
      const seconds = Math.max(0.001, (seen.at - start.at) / 1000);
      out.push({
        name: p.name,
        pid: p.pid,
        cpuPercent: Math.round(((s.ticks - start.ticks) / CLOCK_TICKS / seconds) * 1000) / 10,
        cpuMs: Math.round(((s.ticks - start.ticks) / CLOCK_TICKS) * 1000),
        peakRssMiB: Math.round(((peaks.get(p.pid) ?? s.rssKiB) / 1024) * 10) / 10,
      });
    }
    return out;
  }

  /** CPU and peak RSS of every process since the last `window()`. */
  windowUsage(): ProcessUsage[] {
    return this.usage(this.windowStart, this.windowPeak);
  }

  /** CPU since start() and peak RSS (including the kernel's high-water mark) over the whole run. */
  runUsage(): ProcessUsage[] {
    return this.usage(this.runStart, this.runPeak);
  }
}

/** Groups processes for the summary columns: peer, orderer, chaincode, gateway, ca, bench-client. */
export function groupOf(name: string): string {
  if (name.startsWith('peer')) return 'peers';
  if (name.startsWith('orderer')) return 'orderers';
  if (name.startsWith('cc-')) return 'chaincode';
  if (name.startsWith('ca-')) return 'CAs';
  return name; // gateway, bench-client
}

/** Sums CPU% per group. */
export function cpuByGroup(usage: ProcessUsage[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const u of usage)
    out[groupOf(u.name)] = Math.round(((out[groupOf(u.name)] ?? 0) + u.cpuPercent) * 10) / 10;
  return out;
}
