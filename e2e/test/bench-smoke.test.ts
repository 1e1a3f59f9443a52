/**
 * `npm run bench` is not part of `npm test`; this smoke run is: one second per
 * point at one worker, for one write (all three paths: REST gateway,
 * fabric-gateway directly, Tape) and one read, against the test network. It
 * asserts only that the benchmark produces numbers, never how large they are.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import os from 'os';
import path from 'path';
import { ROOT, stateDir } from '../src/test-network';

interface Point {
  scenario: string;
  path: string;
  ok: number;
  tps: number;
  latency: { count: number; p50Ms: number; meanMs: number };
  processes: { name: string; peakRssMiB: number }[];
  gatewayCpuMsPerRequest?: number | null;
  gatewayServerMs?: number | null;
  gatewayFabricMs?: number | null;
}
interface Results {
  points: Point[];
  ratios: { scenario: string; gatewayOverDirectTps: number | null; directOverTapeTps: number | null }[];
  processes: { name: string; cpuPercent: number; peakRssMiB: number }[];
  git: { commit: string };
  machine: { nproc: number };
}

describe('npm run bench (smoke)', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'govledger-bench-smoke-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('measures a write on three paths and a read on two, and writes the numbers as JSON', () => {
    const tsc = spawnSync(
      'node',
      [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'e2e/tsconfig.bench.json'],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
    const r = spawnSync(
      'node',
      [
        path.join(ROOT, 'e2e', 'dist', 'bench', 'bench', 'main.js'),
        ...['--state-dir', stateDir(), '--duration', '1', '--concurrency', '1', '--warmup', '1'],
        ...['--only', 'access.request,licence.verify', '--out', out],
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 400_000 },
    );
    const output = `${r.stdout}${r.stderr}`;
    if (r.status !== 0) throw new Error(`bench exited with ${r.status}:\n${output.slice(-3000)}`);
    expect(output).toMatch(/\| scenario \| kind \| conc \| path \| tx\/s \|/);

    const files = readdirSync(out).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    const results = JSON.parse(readFileSync(path.join(out, files[0]), 'utf8')) as Results;
    expect(results.git.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(results.machine.nproc).toBeGreaterThan(0);

    const at = (scenario: string, p: string) =>
      results.points.find((q) => q.scenario === scenario && q.path === p);
    for (const p of ['gateway', 'direct', 'tape']) {
      const point = at('access.request', p);
      expect(point).toBeDefined();
      expect(point?.ok).toBeGreaterThan(0);
      expect(point?.tps).toBeGreaterThan(0);
    }
    // Tape measures throughput only; the client paths measure latency too
    expect(at('access.request', 'direct')?.latency.count).toBeGreaterThan(0);
    expect(at('access.request', 'tape')?.latency.count).toBe(0);
    for (const p of ['gateway', 'direct']) expect(at('licence.verify', p)?.ok).toBeGreaterThan(0);
    // the gateway's CPU per request, on gateway points only
    expect(typeof at('licence.verify', 'gateway')?.gatewayCpuMsPerRequest).toBe('number');
    expect(at('licence.verify', 'direct')?.gatewayCpuMsPerRequest).toBeNull();
    expect(at('licence.verify', 'tape')).toBeUndefined(); // Tape is for writes
    // where a REST read's time went, from the gateway's own histograms: its Fabric call inside its
    // handling, its handling inside what the load generator saw
    const read = at('licence.verify', 'gateway');
    expect(read?.gatewayFabricMs).toBeGreaterThan(0);
    expect(read?.gatewayServerMs).toBeGreaterThan(read?.gatewayFabricMs ?? Infinity);
    expect(read?.latency.meanMs).toBeGreaterThan(read?.gatewayServerMs ?? Infinity);
    expect(at('licence.verify', 'direct')?.gatewayServerMs).toBeUndefined();
    expect(output).toMatch(/\| scenario \| conc \| REST mean ms \| outside the gateway's handler \|/);

    const write = results.ratios.find((x) => x.scenario === 'access.request');
    expect(write?.gatewayOverDirectTps).toBeGreaterThan(0);
    expect(write?.directOverTapeTps).toBeGreaterThan(0);
    const peer = results.processes.find((x) => x.name.startsWith('peer0.'));
    expect(peer?.peakRssMiB).toBeGreaterThan(0);
    expect(results.processes.some((x) => x.name === 'gateway')).toBe(true);
  });
});
