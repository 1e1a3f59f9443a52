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
  /**
   * CPU milliseconds the REST gateway process used per successful request during a gateway point
   * (its sampled CPU ÷ successful requests; a licence.issue request is two transactions); null on
   * other paths. Shows the gateway's cost even when the peers, not the gateway, limit throughput.
   */
  gatewayCpuMsPerRequest?: number | null;
  /** CPU milliseconds the load generator (this process, or Tape) used per successful request. */
  loadGeneratorCpuMsPerRequest?: number | null;
  /**
   * Mean milliseconds the REST gateway spent per API request during a gateway point, from its own
   * latency histogram (its listener's call to the response's end); null when not measured.
   */
  gatewayServerMs?: number | null;
  /** Of that, the mean milliseconds of its Fabric calls per API request (every stage, from /metrics). */
  gatewayFabricMs?: number | null;
}

const r3 = (v: number) => Math.round(v * 1000) / 1000;

/** CPU ms of the processes whose name passes `test` during a point (from cpuMs, or CPU% × elapsed for older results). */
function cpuMsOf(p: PointResult, test: (name: string) => boolean): number | null {
  const procs = p.processes.filter((u) => test(u.name));
  if (!procs.length) return null;
  return procs.reduce((a, u) => a + (u.cpuMs ?? (u.cpuPercent / 100) * p.elapsedS * 1000), 0);
}

/**
 * The REST gateway's CPU ms per successful request of a gateway point (every gateway replica
 * counted); null on other paths, without a sampled gateway or without a success. Derived from the
 * sampled processes when the point predates the field.
 */
export function gatewayCpuPerRequest(p: PointResult): number | null {
  if (p.gatewayCpuMsPerRequest !== undefined) return p.gatewayCpuMsPerRequest;
  if (p.path !== 'gateway' || p.ok <= 0) return null;
  const ms = cpuMsOf(p, (n) => n === 'gateway' || n.startsWith('gateway-'));
  return ms === null ? null : r3(ms / p.ok);
}

/** The load generator's CPU ms per successful request (this process; Tape's on a Tape point). */
export function loadGeneratorCpuPerRequest(p: PointResult): number | null {
  if (p.loadGeneratorCpuMsPerRequest !== undefined) return p.loadGeneratorCpuMsPerRequest;
  if (p.ok <= 0) return null;
  const ms = cpuMsOf(p, (n) => (p.path === 'tape' ? n.startsWith('tape-') : n === 'bench-client'));
  return ms === null ? null : r3(ms / p.ok);
}

export interface Ratio {
  scenario: string;
  concurrency: number;
  gatewayOverDirectTps: number | null;
  gatewayMinusDirectP50Ms: number | null;
  /** fabric-gateway ÷ Tape committed tx/s for the same write (null for reads and untaped writes). */
  directOverTapeTps: number | null;
  /** The REST gateway's CPU ms per successful request at this point ({@link gatewayCpuPerRequest}). */
  gatewayCpuMsPerRequest: number | null;
  /**
   * What the REST hop adds: the gateway's CPU per request minus the direct path's client CPU per
   * request (the fabric-gateway work, signing and gRPC, which the gateway does instead of the client).
   */
  gatewayAddedCpuMsPerRequest: number | null;
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
      gatewayCpuMsPerRequest: g ? gatewayCpuPerRequest(g) : null,
      gatewayAddedCpuMsPerRequest: (() => {
        const gc = g ? gatewayCpuPerRequest(g) : null;
        const dc = d ? loadGeneratorCpuPerRequest(d) : null;
        return gc === null || dc === null ? null : r3(gc - dc);
      })(),
    });
  }
  return out;
}

/** Where a REST request's time goes at one point: means, in ms. */
export interface TimeSplit {
  scenario: string;
  concurrency: number;
  /** The REST path's mean latency, as the load generator saw it. */
  restMs: number;
  /** Outside the gateway's handler: the load generator's HTTP client, the loopback, waiting for the gateway's event loop. */
  outsideMs: number;
  /** The gateway's own steps: its time per request minus its Fabric calls. */
  gatewayStepsMs: number;
  /** The gateway's Fabric calls per request. */
  fabricMs: number;
  /** The direct path's mean latency (the same Fabric work from the load generator). */
  directMs: number;
}

/** The split of each point's REST latency whose gateway point has the gateway's own timings. */
export function timeSplits(points: PointResult[]): TimeSplit[] {
  const out: TimeSplit[] = [];
  for (const g of points) {
    const serverMs = g.gatewayServerMs ?? null;
    const fabricMs = g.gatewayFabricMs ?? null;
    if (g.path !== 'gateway' || serverMs === null || fabricMs === null || !g.latency.count) continue;
    const d = points.find(
      (p) => p.scenario === g.scenario && p.concurrency === g.concurrency && p.path === 'direct',
    );
    if (!d || !d.latency.count) continue;
    out.push({
      scenario: g.scenario,
      concurrency: g.concurrency,
      restMs: g.latency.meanMs,
      outsideMs: r2(g.latency.meanMs - serverMs),
      gatewayStepsMs: r2(serverMs - fabricMs),
      fabricMs,
      directMs: d.latency.meanMs,
    });
  }
  return out;
}

/** Per scenario: the lowest gateway/direct ratio, the added p50 at one worker, the gateway's CPU per request. */
export interface Headline {
  scenario: string;
  lowestRatio: number | null;
  lowestAt: number | null;
  addedP50AtOneMs: number | null;
  cpuMin: number | null;
  cpuMax: number | null;
}

/** The headline figures of each scenario against issue 20's targets. */
export function headlines(points: PointResult[]): Headline[] {
  const all = ratios(points);
  const out: Headline[] = [];
  for (const scenario of new Set(all.map((r) => r.scenario))) {
    const rs = all.filter((r) => r.scenario === scenario);
    const withRatio = rs.filter((r) => r.gatewayOverDirectTps !== null);
    if (!withRatio.length) continue;
    const lowest = withRatio.reduce((a, b) =>
      (b.gatewayOverDirectTps ?? 0) < (a.gatewayOverDirectTps ?? 0) ? b : a,
    );
    const cpu = rs.map((r) => r.gatewayCpuMsPerRequest).filter((v): v is number => v !== null);
    out.push({
      scenario,
      lowestRatio: lowest.gatewayOverDirectTps,
      lowestAt: lowest.concurrency,
      addedP50AtOneMs: rs.find((r) => r.concurrency === 1)?.gatewayMinusDirectP50Ms ?? null,
      cpuMin: cpu.length ? Math.min(...cpu) : null,
      cpuMax: cpu.length ? Math.max(...cpu) : null,
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
    '| scenario | kind | conc | path | tx/s | p50 ms | p95 ms | p99 ms | ok | errors | CPU% peers | orderers | chaincode | gateway | load generator | gateway CPU ms/request |',
    '|---|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
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
      )} | ${fmt(c.gateway, 0)} | ${fmt(loadGenerator(c), 0)} | ${p.path === 'gateway' ? fmt(gatewayCpuPerRequest(p), 2) : ''} |`,
    );
  }
  lines.push(
    '',
    "| scenario | conc | gateway/direct tx/s | gateway p50 − direct p50 (ms) | gateway CPU ms/request | minus the direct client's | direct/Tape tx/s |",
    '|---|--:|--:|--:|--:|--:|--:|',
  );
  for (const r of ratios(points)) {
    lines.push(
      `| ${r.scenario} | ${r.concurrency} | ${fmt(r.gatewayOverDirectTps, 2)} | ${fmt(
        r.gatewayMinusDirectP50Ms,
        1,
      )} | ${fmt(r.gatewayCpuMsPerRequest, 2)} | ${fmt(r.gatewayAddedCpuMsPerRequest, 2)} | ${fmt(
        r.directOverTapeTps,
        2,
      )} |`,
    );
  }
  const heads = headlines(points);
  if (heads.length) {
    lines.push(
      '',
      '| scenario | gateway/direct tx/s (lowest, at conc) | added p50 at 1 worker (ms) | gateway CPU ms/request (range) |',
      '|---|--:|--:|--:|',
    );
    for (const h of heads)
      lines.push(
        `| ${h.scenario} | ${fmt(h.lowestRatio, 2)}${h.lowestAt ? ` (c${h.lowestAt})` : ''} | ${fmt(
          h.addedP50AtOneMs,
          1,
        )} | ${h.cpuMin === null ? 'n/a' : `${fmt(h.cpuMin, 2)}-${fmt(h.cpuMax, 2)}`} |`,
      );
  }
  const splits = timeSplits(points);
  if (splits.length) {
    lines.push(
      '',
      "| scenario | conc | REST mean ms | outside the gateway's handler | gateway's own steps | its Fabric calls | direct mean ms |",
      '|---|--:|--:|--:|--:|--:|--:|',
    );
    for (const t of splits)
      lines.push(
        `| ${t.scenario} | ${t.concurrency} | ${fmt(t.restMs)} | ${fmt(t.outsideMs, 2)} | ${fmt(t.gatewayStepsMs, 2)} | ${fmt(
          t.fabricMs,
          2,
        )} | ${fmt(t.directMs)} |`,
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
