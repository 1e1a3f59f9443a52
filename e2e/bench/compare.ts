/**
 * `npm run bench -- --compare BEFORE.json[,...] AFTER.json[,...]`: the side-by-side table of benchmark
 * runs (e.g. a comparison network with the old single-organisation endorsement policy,
 * `--policy old`, and the consortium's MAJORITY policy, `--policy consortium`, or a gateway before and
 * after a change): for every point both runs measured (writes only with `--writes`), tx/s and p50 of
 * each and the ratio AFTER/BEFORE, the CPU ms per request of all sampled processes and of the REST
 * gateway alone, plus the CPU each process group used during the point (% of one core), which says
 * where the extra work went.
 */
import { readFileSync } from 'fs';
import { gatewayCpuPerRequest, type PointResult } from './report';

/** The parts of a results JSON (main.ts) the comparison reads. */
interface Results {
  startedAt: string;
  git: { commit: string; dirty: boolean };
  machine: { loadAverageAtStart: number[] };
  settings: { endorsementPolicy?: string; durationS: number };
  points: PointResult[];
}

/** One scenario × concurrency × path measured by both runs. */
export interface Comparison {
  scenario: string;
  path: string;
  concurrency: number;
  before: PointResult;
  after: PointResult;
  /** AFTER tx/s ÷ BEFORE tx/s (null when BEFORE committed nothing). */
  tpsRatio: number | null;
}

const r2 = (v: number) => Math.round(v * 100) / 100;

/** Pairs the points of two runs by scenario, path and concurrency (AFTER's order). */
export function compare(before: PointResult[], after: PointResult[]): Comparison[] {
  const out: Comparison[] = [];
  for (const a of after) {
    const b = before.find(
      (p) => p.scenario === a.scenario && p.path === a.path && p.concurrency === a.concurrency,
    );
    if (!b) continue;
    out.push({
      scenario: a.scenario,
      path: a.path,
      concurrency: a.concurrency,
      before: b,
      after: a,
      tpsRatio: b.tps > 0 ? r2(a.tps / b.tps) : null,
    });
  }
  return out;
}

const fmt = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined ? 'n/a' : v.toFixed(digits);
const p50 = (p: PointResult) => (p.latency.count ? fmt(p.latency.p50Ms, 0) : 'n/a');

/**
 * CPU milliseconds (all cores) the network and the client spent per committed request during the
 * point: the sum of the sampled process groups' CPU% ÷ tx/s × 10. Less sensitive than tx/s to other
 * work on the machine taking the cores, though idle work (gossip, timers) still counts.
 */
export function cpuMsPerTx(p: PointResult): number | null {
  if (!(p.tps > 0)) return null;
  const total = Object.values(p.cpuByGroup).reduce((a, b) => a + b, 0);
  return Math.round((total / p.tps) * 10);
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const r1 = (v: number) => Math.round(v * 10) / 10;

/**
 * The points of several runs of the same settings, averaged point by point (tx/s, p50, CPU% by
 * group); `runs` keeps each run's tx/s. Points only some runs measured are averaged over those.
 */
export function averageRuns(runs: PointResult[][]): (PointResult & { runs: number[] })[] {
  const out: (PointResult & { runs: number[] })[] = [];
  for (const first of runs[0] ?? []) {
    const same = runs
      .map((points) =>
        points.find(
          (p) =>
            p.scenario === first.scenario && p.path === first.path && p.concurrency === first.concurrency,
        ),
      )
      .filter((p): p is PointResult => p !== undefined);
    const groups = [...new Set(same.flatMap((p) => Object.keys(p.cpuByGroup)))];
    const withLatency = same.filter((p) => p.latency.count > 0);
    out.push({
      ...first,
      ok: same.reduce((a, p) => a + p.ok, 0),
      errors: same.reduce((a, p) => a + p.errors, 0),
      tps: r1(mean(same.map((p) => p.tps))),
      latency: {
        ...first.latency,
        count: withLatency.reduce((a, p) => a + p.latency.count, 0),
        p50Ms: r1(mean(withLatency.map((p) => p.latency.p50Ms))),
      },
      cpuByGroup: Object.fromEntries(groups.map((g) => [g, r1(mean(same.map((p) => p.cpuByGroup[g] ?? 0)))])),
      gatewayCpuMsPerRequest: (() => {
        const v = same.map(gatewayCpuPerRequest).filter((x): x is number => x !== null);
        return v.length ? Math.round(mean(v) * 1000) / 1000 : null;
      })(),
      runs: same.map((p) => p.tps),
    });
  }
  return out;
}

/**
 * The markdown comparison of BEFORE and AFTER, each one results file or several (comma-separated
 * runs of the same settings, averaged point by point; each run's tx/s in brackets).
 */
export function compareMarkdown(beforeFiles: string, afterFiles: string, writesOnly = false): string {
  const read = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as Results;
  const side = (files: string) =>
    files
      .split(',')
      .filter(Boolean)
      .map((f) => ({ file: f, r: read(f) }));
  const before = side(beforeFiles);
  const after = side(afterFiles);
  const describe = (label: string, file: string, r: Results) =>
    `${label}: ${file} (${r.startedAt}, commit ${r.git.commit.slice(0, 7)}${r.git.dirty ? ' + changes' : ''}, ` +
    `policy ${r.settings.endorsementPolicy ?? 'not recorded'}, ${r.settings.durationS} s points, ` +
    `load average at start ${r.machine.loadAverageAtStart.join(' ')})`;
  const lines = [
    ...before.map((b) => describe('before', b.file, b.r)),
    ...after.map((a) => describe('after', a.file, a.r)),
    '',
    '| scenario | conc | path | before tx/s (runs) | after tx/s (runs) | after/before tx/s | p50 ms before → after | CPU ms/tx before → after | gateway CPU ms/request before → after | CPU% peers / chaincode / orderers / gateway / bench, before → after |',
    '|---|--:|---|--:|--:|--:|--:|--:|--:|---|',
  ];
  const b = averageRuns(before.map((x) => x.r.points));
  const a = averageRuns(after.map((x) => x.r.points));
  const runsOf = new Map<PointResult, number[]>([...b, ...a].map((p) => [p, p.runs]));
  const runs = (p: PointResult) => {
    const r = runsOf.get(p) ?? [];
    return r.length > 1 ? ` (${r.map((v) => fmt(v)).join(', ')})` : '';
  };
  const cpu = (p: PointResult) => {
    const c = p.cpuByGroup;
    return [c.peers, c.chaincode, c.orderers, c.gateway, c['bench-client']].map((v) => fmt(v, 0)).join(' / ');
  };
  const rows = compare(b, a).filter((c) => !writesOnly || c.after.kind === 'write');
  rows.sort(
    (x, y) =>
      x.scenario.localeCompare(y.scenario) || x.concurrency - y.concurrency || x.path.localeCompare(y.path),
  );
  for (const c of rows)
    lines.push(
      `| ${c.scenario} | ${c.concurrency} | ${c.path} | ${fmt(c.before.tps)}${runs(c.before)} | ` +
        `${fmt(c.after.tps)}${runs(c.after)} | ${fmt(c.tpsRatio, 2)} | ${p50(c.before)} → ${p50(c.after)} | ` +
        `${fmt(cpuMsPerTx(c.before), 0)} → ${fmt(cpuMsPerTx(c.after), 0)} | ` +
        `${c.path === 'gateway' ? `${fmt(gatewayCpuPerRequest(c.before), 2)} → ${fmt(gatewayCpuPerRequest(c.after), 2)}` : ''} | ` +
        `${cpu(c.before)} → ${cpu(c.after)} |`,
    );
  return lines.join('\n');
}
