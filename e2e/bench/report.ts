/** The benchmark's results: the point table, headline ratios, per-process usage, markdown and JSON. */
import type { PathName } from './clients';
import type { ProcessUsage } from './sampler';
import type { LatencySummary } from './stats';

export interface PointResult {
  scenario: string;
  kind: 'write' | 'read';
  path: PathName;
  concurrency: number;
  elapsedS: number;
  ok: number;
  errors: number;
  errorKinds: Record<string, number>;
  /** Conflicts the REST gateway retried during the point (from its /metrics); null on the direct path. */
  gatewayConflictRetries: number | null;
  /** Successful (for writes: committed) requests per second. */
  tps: number;
  latency: LatencySummary;
  cpuByGroup: Record<string, number>;
  processes: ProcessUsage[];
}

export interface Ratio {
  scenario: string;
  concurrency: number;
  gatewayOverDirectTps: number | null;
  gatewayMinusDirectP50Ms: number | null;
  /** fabric-gateway ÷ Tape committed tx/s for the same write (null for reads and untaped writes). */
  directOverTapeTps: number | null;
}

export interface Scaling {
  scenario: string;
  path: PathName;
  from: number;
  to: number;
  ratio: number | null;
}

const r2 = (v: number) => Math.round(v * 100) / 100;

export function ratios(points: PointResult[]): Ratio[] {
  const out: Ratio[] = [];
  const keys = new Set(points.map((p) => `${p.scenario}|${p.concurrency}`));
  for (const key of keys) {
    const [scenario, c] = key.split('|');
    const concurrency = Number(c);
    const at = (path: PathName) =>
      points.find((p) => p.scenario === scenario && p.concurrency === concurrency && p.path === path);
    const g = at('gateway');
    const d = at('direct');
    const t = at('tape');
    out.push({
      scenario,
      concurrency,
      gatewayOverDirectTps: g && d && d.tps > 0 ? r2(g.tps / d.tps) : null,
      gatewayMinusDirectP50Ms: g && d && g.ok > 0 && d.ok > 0 ? r2(g.latency.p50Ms - d.latency.p50Ms) : null,
      directOverTapeTps: d && t && t.tps > 0 ? r2(d.tps / t.tps) : null,
    });
  }
  return out;
}

/** Throughput at concurrency `to` (32, or the highest measured) over concurrency 1. */
export function scaling(points: PointResult[]): Scaling[] {
  const out: Scaling[] = [];
  const levels = [...new Set(points.map((p) => p.concurrency))].sort((a, b) => a - b);
  const to = levels.includes(32) ? 32 : levels[levels.length - 1];
  for (const scenario of new Set(points.map((p) => p.scenario))) {
    for (const path of ['gateway', 'direct', 'tape'] as PathName[]) {
      const one = points.find((p) => p.scenario === scenario && p.path === path && p.concurrency === 1);
      const top = points.find((p) => p.scenario === scenario && p.path === path && p.concurrency === to);
      if (!one || !top) continue;
      out.push({ scenario, path, from: 1, to, ratio: one.tps > 0 ? r2(top.tps / one.tps) : null });
    }
  }
  return out;
}

const fmt = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined ? 'n/a' : v.toFixed(digits);

/** A latency column; Tape reports none per transaction. */
const lat = (p: PointResult, q: 'p50Ms' | 'p95Ms' | 'p99Ms') => (p.latency.count ? fmt(p.latency[q]) : 'n/a');

/** CPU of the load generator: this process, or the Tape process of a Tape point. */
function loadGenerator(c: Record<string, number>): number | undefined {
  const tape = Object.entries(c).find(([k]) => k.startsWith('tape-'));
  return (c['bench-client'] ?? 0) + (tape ? tape[1] : 0);
}

export interface ReportInput {
  points: PointResult[];
  runUsage: ProcessUsage[];
  tape: string;
  networkUp: string;
}

export function markdown(input: ReportInput): string {
  const { points } = input;
  const lines: string[] = [];
  lines.push(
    '| scenario | kind | conc | path | tx/s | p50 ms | p95 ms | p99 ms | ok | errors | CPU% peers | orderers | chaincode | gateway | load generator |',
    '|---|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  );
  for (const p of points) {
    const c = p.cpuByGroup;
    const errs = p.errors
      ? `${p.errors} (${Object.entries(p.errorKinds)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')})`
      : '0';
    const retried = p.gatewayConflictRetries
      ? `; ${p.gatewayConflictRetries} conflicts retried by the gateway`
      : '';
    lines.push(
      `| ${p.scenario} | ${p.kind} | ${p.concurrency} | ${p.path} | ${fmt(p.tps)} | ${lat(p, 'p50Ms')} | ${lat(
        p,
        'p95Ms',
      )} | ${lat(p, 'p99Ms')} | ${p.ok} | ${errs}${retried} | ${fmt(c.peers, 0)} | ${fmt(c.orderers, 0)} | ${fmt(
        c.chaincode,
        0,
      )} | ${fmt(c.gateway, 0)} | ${fmt(loadGenerator(c), 0)} |`,
    );
  }
  lines.push(
    '',
    '| scenario | conc | gateway/direct tx/s | gateway p50 − direct p50 (ms) | direct/Tape tx/s |',
    '|---|--:|--:|--:|--:|',
  );
  for (const r of ratios(points)) {
    lines.push(
      `| ${r.scenario} | ${r.concurrency} | ${fmt(r.gatewayOverDirectTps, 2)} | ${fmt(
        r.gatewayMinusDirectP50Ms,
        1,
      )} | ${fmt(r.directOverTapeTps, 2)} |`,
    );
  }
  const sc = scaling(points);
  if (sc.length) {
    lines.push('', `| scenario | path | tx/s at ${sc[0].to} / tx/s at 1 |`, '|---|---|--:|');
    for (const s of sc) lines.push(`| ${s.scenario} | ${s.path} | ${fmt(s.ratio, 2)} |`);
  }
  lines.push('', '| process | CPU% (whole run, of one core) | peak RSS MiB |', '|---|--:|--:|');
  for (const u of input.runUsage) lines.push(`| ${u.name} | ${fmt(u.cpuPercent)} | ${fmt(u.peakRssMiB)} |`);
  lines.push('', `Network ceiling (Tape): ${input.tape}`, `Network up + deploy: ${input.networkUp}`);
  return lines.join('\n');
}
