/**
 * `npm run bench -- --compare BEFORE.json AFTER.json`: the side-by-side table of two benchmark
 * runs (e.g. a comparison network with the old single-organisation endorsement policy,
 * `--policy old`, and the consortium's MAJORITY policy, `--policy consortium`): for every write
 * point both runs measured, tx/s and p50 of each and the ratio AFTER/BEFORE, plus the CPU each
 * process group used during the point (% of one core), which says where the extra work went.
 */
import { readFileSync } from 'fs';
import type { PointResult } from './report';

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
const cpu = (p: PointResult) => {
  const c = p.cpuByGroup;
  return `${fmt(c.peers, 0)} / ${fmt(c.chaincode, 0)} / ${fmt(c.orderers, 0)} / ${fmt(c.gateway, 0)} / ${fmt(c['bench-client'], 0)}`;
};

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

/** The markdown comparison of two results files. */
export function compareMarkdown(beforeFile: string, afterFile: string): string {
  const read = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as Results;
  const before = read(beforeFile);
  const after = read(afterFile);
  const describe = (label: string, file: string, r: Results) =>
    `${label}: ${file} (${r.startedAt}, commit ${r.git.commit.slice(0, 7)}${r.git.dirty ? ' + changes' : ''}, ` +
    `policy ${r.settings.endorsementPolicy ?? 'not recorded'}, ${r.settings.durationS} s points, ` +
    `load average at start ${r.machine.loadAverageAtStart.join(' ')})`;
  const lines = [
    describe('before', beforeFile, before),
    describe('after', afterFile, after),
    '',
    '| scenario | conc | path | before tx/s (p50 ms) | after tx/s (p50 ms) | after/before tx/s | CPU ms/tx before → after | CPU% before: peers / chaincode / orderers / gateway / bench | CPU% after |',
    '|---|--:|---|--:|--:|--:|--:|---|---|',
  ];
  const rows = compare(before.points, after.points).filter((c) => c.after.kind === 'write');
  rows.sort(
    (x, y) =>
      x.scenario.localeCompare(y.scenario) || x.concurrency - y.concurrency || x.path.localeCompare(y.path),
  );
  for (const c of rows)
    lines.push(
      `| ${c.scenario} | ${c.concurrency} | ${c.path} | ${fmt(c.before.tps)} (${p50(c.before)}) | ` +
        `${fmt(c.after.tps)} (${p50(c.after)}) | ${fmt(c.tpsRatio, 2)} | ${fmt(cpuMsPerTx(c.before), 0)} → ${fmt(cpuMsPerTx(c.after), 0)} | ${cpu(c.before)} | ${cpu(c.after)} |`,
    );
  return lines.join('\n');
}
