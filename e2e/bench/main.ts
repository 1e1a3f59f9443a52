/**
 * `npm run bench`: closed-loop load on a representative write and read of each
 * chaincode, through the REST gateway and through @hyperledger/fabric-gateway
 * directly (same identity), alternating, at several concurrencies; with the CPU
 * and memory of every process of the network. Prints a markdown table and writes
 * JSON to <repo>/bench-results/<timestamp>.json.
 *
 *   npm run bench -- [--state-dir DIR] [--duration S] [--concurrency 1,8,32,64]
 *                    [--quick] [--only licence.issue,funds.trace] [--paths gateway,direct,tape] [--up]
 *                    [--warmup N] [--out DIR] [--policy consortium|old] [--fabric release|snapshot]
 *   npm run bench -- --compare BEFORE.json[,...] AFTER.json[,...] [--writes]   (runs of each side averaged)
 */
import { execFileSync, spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { performance } from 'perf_hooks';
import { findFreePortBase, readFabricBuild, readNetworkInfo } from '../src/test-network';
import {
  DirectClient,
  PATHS,
  pidOf,
  RestClient,
  type Client,
  type ClientPathName,
  type PathName,
} from './clients';
import { compareMarkdown } from './compare';
import { closedLoop } from './load';
import {
  gatewayCpuPerRequest,
  headlines,
  loadGeneratorCpuPerRequest,
  markdown,
  ratios,
  scaling,
  type PointResult,
} from './report';
import { cpuByGroup, ProcessSampler } from './sampler';
import { prepareScenarios, SCENARIO_NAMES, type Scenario } from './scenarios';
import { summarise } from './stats';
import { ensureTape, runTape } from './tape';

/**
 * The chaincode-level policy before issue 12 (one city's peer alone could endorse a write), for
 * `--policy old`: a comparison network deployed with `network.sh deploy --endorsement-policy`.
 * Only the chaincode-level policy differs; the chaincodes are the same (e-licence still stages
 * privately and then issues, owned records still get owner-and-one-other key-level policies).
 */
export const OLD_POLICY = "OR('CityAMSP.peer','CityBMSP.peer')";
/** What `--policy consortium` (the default) commits: each chaincode.json's policy. */
const CONSORTIUM_POLICY =
  'network/chaincodes/*/chaincode.json (/Channel/Application/Endorsement = MAJORITY Endorsement)';

const TAPE_VERSION_NOTE =
  'Tape v0.2.7 (pinned in test-network-scripts/fabric-tools/tape/go.mod; the Go module proxy refuses v0.2.8 and v0.2.9)';

/** The repository root: the folder above this file (compiled or not) that holds the network scripts. */
function repoRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'test-network-scripts', 'network.sh'))) return dir;
  }
  throw new Error(`no test-network-scripts/network.sh above ${__dirname}`);
}
const ROOT = repoRoot();

/** Runs network.sh from this repository, streaming its progress; throws when it fails. */
function networkSh(args: string[]): void {
  const result = spawnSync('bash', [path.join(ROOT, 'test-network-scripts', 'network.sh'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 15 * 60 * 1000,
  });
  if (result.status !== 0)
    throw new Error(`network.sh ${args.join(' ')} failed with exit code ${result.status}`);
}

interface Options {
  stateDir: string;
  durationS: number;
  concurrency: number[];
  only: string[];
  paths: PathName[];
  up: boolean;
  warmup: number;
  /** Where the JSON goes (<repo>/bench-results by default). */
  outDir: string;
  /** With --up: the chaincode-level policy the network is deployed with. */
  policy: 'consortium' | 'old';
  /** With --up: the Fabric build the network runs (network.sh up --fabric; README "Fabric version"). */
  fabric: 'release' | 'snapshot';
}

function usage(message: string): never {
  console.error(`bench: ${message}`);
  console.error(
    'usage: npm run bench -- [--state-dir DIR] [--duration S] [--concurrency 1,8,32,64] [--quick] ' +
      `[--only ${SCENARIO_NAMES.join(',')}] [--paths gateway,direct,tape] [--up] [--warmup N] [--out DIR] ` +
      '[--policy consortium|old] [--fabric release|snapshot]\n       npm run bench -- --compare BEFORE.json[,...] AFTER.json[,...] [--writes]',
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    stateDir: path.join(ROOT, '.network'),
    durationS: 10,
    concurrency: [1, 8, 32, 64],
    only: [],
    paths: [...PATHS],
    up: false,
    warmup: 20,
    outDir: path.join(ROOT, 'bench-results'),
    policy: 'consortium',
    fabric: 'release',
  };
  let policySet = false;
  let fabricSet = false;
  let quick = false;
  let durationSet = false;
  let concurrencySet = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    const list = (v: string) => v.split(',').filter(Boolean);
    switch (a) {
      case '--state-dir':
        o.stateDir = path.resolve(value());
        break;
      case '--duration':
        o.durationS = Number(value());
        durationSet = true;
        if (!(o.durationS > 0)) usage('--duration must be a positive number of seconds');
        break;
      case '--concurrency':
        o.concurrency = list(value()).map(Number);
        concurrencySet = true;
        if (o.concurrency.some((c) => !Number.isInteger(c) || c < 1))
          usage('--concurrency takes positive integers');
        break;
      case '--quick':
        quick = true;
        break;
      case '--only':
        o.only = list(value());
        for (const s of o.only) if (!SCENARIO_NAMES.includes(s)) usage(`unknown scenario ${s}`);
        break;
      case '--paths':
        o.paths = list(value()) as PathName[];
        for (const p of o.paths) if (!PATHS.includes(p)) usage(`unknown path ${p}`);
        break;
      case '--up':
        o.up = true;
        break;
      case '--warmup':
        o.warmup = Number(value());
        if (!Number.isInteger(o.warmup) || o.warmup < 0) usage('--warmup takes a whole number of requests');
        break;
      case '--out':
        o.outDir = path.resolve(value());
        break;
      case '--policy': {
        const v = value();
        if (v !== 'consortium' && v !== 'old') usage('--policy takes consortium or old');
        o.policy = v;
        policySet = true;
        break;
      }
      case '--fabric': {
        const v = value();
        if (v !== 'release' && v !== 'snapshot') usage('--fabric takes release or snapshot');
        o.fabric = v;
        fabricSet = true;
        break;
      }
      default:
        usage(`unknown option ${a}`);
    }
  }
  if (policySet && !o.up)
    usage(
      '--policy needs --up (a running network keeps the policy it was deployed with: ' +
        'network.sh deploy --endorsement-policy P, or default)',
    );
  if (fabricSet && !o.up)
    usage('--fabric needs --up (a running network keeps the Fabric build it was created with)');
  if (quick) {
    if (!durationSet) o.durationS = 2;
    if (!concurrencySet) o.concurrency = [1, 8];
    o.warmup = Math.min(o.warmup, 5);
  }
  return o;
}

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}

function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    nproc: os.availableParallelism(),
    memoryMiB: Math.round(os.totalmem() / 2 ** 20),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
    kernel: os.release(),
    node: process.version,
    loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

/** What the bench reads from the REST gateway's /metrics before and after a point (totals since it started). */
interface GatewayCounters {
  /** MVCC / phantom-read conflicts it retried itself. */
  conflictRetries: number | null;
  /** API requests answered (every `/api` route and status). */
  apiRequests: number;
  /** Seconds it spent on them, from the listener's call to the response's end. */
  apiSeconds: number;
  /** Seconds of its Fabric calls (every stage: evaluate, endorse, submit, commit). */
  fabricSeconds: number;
}

/** Sums the samples of `metric` (e.g. `..._sum`) whose labels pass `labels`. */
function sumOf(text: string, metric: string, labels: (l: string) => boolean = () => true): number {
  let total = 0;
  for (const m of text.matchAll(new RegExp(`^${metric}(?:\\{([^}]*)\\})?\\s+(\\S+)$`, 'gm')))
    if (labels(m[1] ?? '')) total += Number(m[2]);
  return total;
}

/** The REST gateway's counters from /metrics; null when it does not answer. */
async function gatewayCounters(baseUrl: string): Promise<GatewayCounters | null> {
  try {
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    const retries = /^gateway_fabric_conflict_retries_total(?:\{[^}]*\})?\s+(\d+)/m.exec(text);
    const api = (l: string) => /route="\/api\//.test(l);
    return {
      conflictRetries: retries ? Number(retries[1]) : null,
      apiRequests: sumOf(text, 'gateway_http_request_duration_seconds_count', api),
      apiSeconds: sumOf(text, 'gateway_http_request_duration_seconds_sum', api),
      fabricSeconds: sumOf(text, 'gateway_fabric_stage_duration_seconds_sum'),
    };
  } catch {
    return null;
  }
}

/** Means per API request between two readings: time in the gateway, and of it in Fabric calls (ms). */
function gatewayTimes(
  before: GatewayCounters | null,
  after: GatewayCounters | null,
): Pick<PointResult, 'gatewayServerMs' | 'gatewayFabricMs'> {
  const requests = before && after ? after.apiRequests - before.apiRequests : 0;
  if (!before || !after || requests <= 0) return { gatewayServerMs: null, gatewayFabricMs: null };
  const ms = (seconds: number) => Math.round((seconds / requests) * 1e5) / 100;
  return {
    gatewayServerMs: ms(after.apiSeconds - before.apiSeconds),
    gatewayFabricMs: ms(after.fabricSeconds - before.fabricSeconds),
  };
}

/** An error's message and, for a fabric-gateway error, what each endorsing peer answered. */
function describeError(err: unknown): string {
  const e = err as { message?: unknown; details?: { mspId?: string; message?: string }[] };
  const details = Array.isArray(e.details)
    ? e.details.map((d) => ` [${d.mspId ?? '?'}: ${(d.message ?? '').slice(0, 160)}]`).join('')
    : '';
  return `${String(e.message ?? err).slice(0, 200)}${details}`;
}

const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

function logPoint(point: PointResult): void {
  log(
    `${point.scenario.padEnd(18)} ${point.path.padEnd(7)} c${String(point.concurrency).padEnd(3)} ${point.tps} tx/s, ` +
      (point.latency.count ? `p50 ${point.latency.p50Ms} ms, p99 ${point.latency.p99Ms} ms, ` : '') +
      `${point.ok} ok, ${point.errors} errors` +
      (Object.keys(point.errorKinds).length ? ` (${JSON.stringify(point.errorKinds)})` : '') +
      (point.gatewayConflictRetries ? `, ${point.gatewayConflictRetries} gateway conflict retries` : '') +
      (point.gatewayCpuMsPerRequest !== null && point.gatewayCpuMsPerRequest !== undefined
        ? `, gateway CPU ${point.gatewayCpuMsPerRequest} ms/request`
        : ''),
  );
}

async function bringUp(
  policy: Options['policy'],
  fabric: Options['fabric'] = 'release',
): Promise<{ stateDir: string; timings: Record<string, number> }> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'govledger-bench-'));
  const base = await findFreePortBase();
  const timings: Record<string, number> = {};
  const step = (name: string, args: string[]) => {
    const t0 = performance.now();
    networkSh([...args, '--state-dir', stateDir]);
    timings[name] = Math.round(performance.now() - t0) / 1000;
  };
  log(`bringing a network up in ${stateDir} on ports ${base}+ (policy ${policy}, Fabric ${fabric} build)`);
  // the gateway's per-user rate limit (1200 a minute by default) is a policy, not a cost:
  // the benchmark's gateway allows what the load needs
  process.env.RATE_LIMIT_MAX ??= '10000000';
  try {
    step('upS', ['up', '--port-base', String(base), '--fabric', fabric]);
    step('deployAllS', ['deploy', 'all', ...(policy === 'old' ? ['--endorsement-policy', OLD_POLICY] : [])]);
    step('gatewayS', ['gateway']);
  } catch (err) {
    tearDown(stateDir);
    throw err;
  }
  return { stateDir, timings };
}

function tearDown(stateDir: string): void {
  try {
    networkSh(['down', '--state-dir', stateDir]);
  } catch (err) {
    console.error(`could not tear the network down: ${(err as Error).message}`);
  }
}

/** The chaincode-level policy of the network in STATE_DIR (a comparison network's override, else chaincode.json's). */
function networkPolicy(stateDir: string): string {
  const file = path.join(stateDir, 'endorsement-policy');
  const override = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  return override
    ? `${override} (comparison network: network.sh deploy --endorsement-policy)`
    : CONSORTIUM_POLICY;
}

async function main(): Promise<void> {
  const compareAt = process.argv.indexOf('--compare');
  if (compareAt >= 0) {
    const [before, after] = process.argv.slice(compareAt + 1, compareAt + 3);
    if (!before || !after) usage('--compare needs two results files: BEFORE.json AFTER.json');
    console.log(compareMarkdown(before, after, process.argv.includes('--writes')));
    return;
  }
  const options = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  let upTimings: Record<string, number> | undefined;
  if (options.up) {
    const up = await bringUp(options.policy, options.fabric);
    options.stateDir = up.stateDir;
    upTimings = up.timings;
    // a failure from here on must not leave the network this run brought up running
    try {
      await measure(options, startedAt, upTimings);
    } catch (err) {
      tearDown(up.stateDir);
      throw err;
    }
    return;
  }
  await measure(options, startedAt, upTimings);
}

/** Measures every point against the network in options.stateDir, prints and writes the results. */
async function measure(
  options: Options,
  startedAt: Date,
  upTimings: Record<string, number> | undefined,
): Promise<void> {
  const stateDir = options.stateDir;
  process.env.E2E_STATE_DIR = stateDir;
  const info = readNetworkInfo(stateDir);
  const endorsementPolicy = networkPolicy(stateDir);
  const gatewayUrl = `http://127.0.0.1:${info.gatewayPort}`;
  const direct = new DirectClient(stateDir);
  const clients: Record<ClientPathName, Client> = { gateway: new RestClient(gatewayUrl, stateDir), direct };
  const setupClient = new DirectClient(stateDir);
  const run = Date.now().toString(36);
  const maxConcurrency = Math.max(...options.concurrency);
  const points: PointResult[] = [];
  const sampler = new ProcessSampler(stateDir);

  const tapeNotes: string[] = [];
  let tapeBinary: string | undefined;

  /** One closed-loop point through the REST gateway or fabric-gateway. */
  const clientPoint = async (
    scenario: Scenario,
    p: ClientPathName,
    concurrency: number,
  ): Promise<PointResult> => {
    if (scenario.prepare) {
      // enough for the fastest rate seen so far for this scenario, twice over
      const best = Math.max(20, ...points.filter((q) => q.scenario === scenario.name).map((q) => q.tps));
      await scenario.prepare(Math.ceil(best * 2 * options.durationS) + concurrency);
    }
    const before = p === 'gateway' ? await gatewayCounters(gatewayUrl) : null;
    sampler.window();
    const result = await closedLoop(
      (w) => clients[p].call(scenario.call(p, w)).then(() => undefined),
      concurrency,
      options.durationS * 1000,
      (err) => log(`  ${scenario.name} ${p} c${concurrency} error: ${describeError(err)}`),
    );
    const usage = sampler.windowUsage();
    const after = before === null ? null : await gatewayCounters(gatewayUrl);
    const retriesBefore = before?.conflictRetries ?? null;
    const retriesAfter = after?.conflictRetries ?? null;
    const point: PointResult = {
      scenario: scenario.name,
      kind: scenario.kind,
      path: p,
      concurrency,
      elapsedS: Math.round(result.elapsedMs) / 1000,
      ok: result.ok,
      errors: result.errors,
      errorKinds: result.errorKinds,
      gatewayConflictRetries:
        retriesBefore === null || retriesAfter === null ? null : retriesAfter - retriesBefore,
      tps: Math.round((result.ok / (result.elapsedMs / 1000)) * 10) / 10,
      latency: summarise(result.latenciesMs),
      cpuByGroup: cpuByGroup(usage),
      processes: usage,
      ...(p === 'gateway' ? gatewayTimes(before, after) : {}),
    };
    point.gatewayCpuMsPerRequest = gatewayCpuPerRequest(point);
    point.loadGeneratorCpuMsPerRequest = loadGeneratorCpuPerRequest(point);
    logPoint(point);
    return point;
  };

  /** One Tape point: as many transactions as the faster path committed in the same time, times 1.5. */
  const tapePoint = async (scenario: Scenario, concurrency: number): Promise<PointResult | undefined> => {
    const spec = scenario.tape;
    if (!spec || 'unsupported' in spec) {
      const note = `${scenario.name}: ${spec ? spec.unsupported : 'no Tape form of this write'}`;
      if (!tapeNotes.includes(note)) tapeNotes.push(note);
      return undefined;
    }
    tapeBinary ??= ensureTape(ROOT);
    // size the run from what this write reached so far (at this concurrency when measured)
    const ofScenario = points.filter((q) => q.scenario === scenario.name);
    const atLevel = ofScenario.filter((q) => q.concurrency === concurrency);
    const bestTps = Math.max(20, ...(atLevel.length ? atLevel : ofScenario).map((q) => q.tps));
    const requested = Math.ceil(bestTps * 1.5 * options.durationS);
    const startBlock = await direct.height(spec.user);
    sampler.window();
    const run = await runTape({
      tape: tapeBinary,
      info,
      chaincode: scenario.chaincode,
      spec,
      concurrency,
      requested,
      timeoutMs: (options.durationS * 6 + 30) * 1000,
      network: direct.network(spec.user),
      startBlock,
      onSpawn: (pid) => sampler.track(`tape-${scenario.name}-c${concurrency}`, pid),
      // a comparison network with the old policy takes one city's endorsement; else the majority
      endorsers: endorsementPolicy.startsWith(OLD_POLICY) ? 'own' : 'majority',
    });
    const usage = sampler.windowUsage();
    const invalid = Object.values(run.invalid).reduce((a, b) => a + b, 0);
    const errorKinds: Record<string, number> = { ...run.invalid };
    if (run.endorsementErrors) errorKinds['endorsement refused'] = run.endorsementErrors;
    if (run.timedOut) errorKinds[`stopped after ${options.durationS * 6 + 30} s`] = 1;
    for (const e of run.sampleErrors)
      log(`  ${scenario.name} tape c${concurrency} error: ${e.slice(0, 200)}`);
    const point: PointResult = {
      scenario: scenario.name,
      kind: scenario.kind,
      path: 'tape',
      concurrency,
      elapsedS: run.elapsedS,
      ok: run.valid,
      errors: invalid + run.endorsementErrors,
      errorKinds,
      gatewayConflictRetries: null,
      tps: Math.round((run.valid / Math.max(run.elapsedS, 0.001)) * 10) / 10,
      latency: summarise([]),
      cpuByGroup: cpuByGroup(usage),
      processes: usage,
    };
    point.gatewayCpuMsPerRequest = null;
    point.loadGeneratorCpuMsPerRequest = loadGeneratorCpuPerRequest(point);
    logPoint(point);
    return point;
  };
  try {
    log(`network ${stateDir}; gateway port ${info.gatewayPort}; run id ${run}`);
    log(`settings: ${options.durationS} s per point, concurrency ${options.concurrency.join(',')}`);
    log(`chaincode-level endorsement policy: ${endorsementPolicy}`);
    log(`Fabric build: ${readFabricBuild(stateDir).build}`);
    const scenarios = await prepareScenarios(
      { run, client: setupClient, maxConcurrency, pidOf: (u) => pidOf(stateDir, u), log },
      options.only,
    );
    sampler.start();
    for (const scenario of scenarios) {
      // warm-up: connections, sessions, chaincode JIT, not recorded
      for (const p of options.paths) {
        if (p === 'tape') continue;
        for (let i = 0; i < options.warmup; i++)
          await clients[p].call(scenario.call(p, 0)).catch(() => undefined);
      }
      for (const [ci, concurrency] of options.concurrency.entries()) {
        // alternate which path goes first at each concurrency
        const order = ci % 2 === 0 ? options.paths : [...options.paths].reverse();
        for (const p of order) {
          if (p === 'tape') {
            if (scenario.kind === 'read') continue;
            const point = await tapePoint(scenario, concurrency);
            if (point) points.push(point);
          } else {
            points.push(await clientPoint(scenario, p, concurrency));
          }
          // let the peers settle (commit the last blocks) before the next point
          await new Promise((r) => setTimeout(r, scenario.kind === 'write' ? 1500 : 300));
        }
      }
    }
  } finally {
    sampler.stop();
    clients.gateway.close();
    clients.direct.close();
    setupClient.close();
  }
  const runUsage = sampler.runUsage();
  const networkUp = upTimings
    ? `up ${upTimings.upS} s + deploy all ${upTimings.deployAllS} s + gateway ${upTimings.gatewayS} s (Fabric programs already built)`
    : 'not measured in this run (a running network was used; pass --up to measure it)';
  const tape = options.paths.includes('tape')
    ? `${TAPE_VERSION_NOTE}; open loop past endorsement (concurrency = endorsing goroutines), ` +
      `valid transactions only${tapeNotes.length ? `; not measured: ${tapeNotes.join('; ')}` : ''}`
    : 'not measured in this run (--paths without tape)';
  const table = markdown({ points, runUsage, tape, networkUp });
  const commit = sh('git', ['rev-parse', 'HEAD']);
  const dirty = sh('git', ['status', '--porcelain']).length > 0;
  const results = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: machine(),
    git: { commit, dirty },
    settings: {
      durationS: options.durationS,
      concurrency: options.concurrency,
      paths: options.paths,
      warmupRequests: options.warmup,
      scenarios: options.only.length ? options.only : SCENARIO_NAMES,
      stateDir,
      consensus: info.consensus,
      fabricBuild: readFabricBuild(stateDir).build,
      endorsementPolicy,
      gatewayPort: info.gatewayPort,
      runId: run,
      loop: 'closed loop: each worker sends its next request when the previous one answered',
    },
    networkUp: upTimings ?? null,
    tape: { used: options.paths.includes('tape'), note: tape, notMeasured: tapeNotes },
    points,
    ratios: ratios(points),
    headlines: headlines(points),
    scaling: scaling(points),
    processes: runUsage,
  };
  const outDir = options.outDir;
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  if (options.up) tearDown(stateDir);
  console.log(`\n${table}\n`);
  log(`results written to ${file}`);
  if (points.some((p) => Object.keys(p.errorKinds).some((k) => k.startsWith('http-429'))))
    log(
      "some requests met the gateway's per-user rate limit (429); restart the gateway with a higher one: " +
        'bash test-network-scripts/network.sh stop-node gateway && RATE_LIMIT_MAX=10000000 bash test-network-scripts/network.sh gateway',
    );
  if (points.every((p) => p.ok === 0)) throw new Error('no request succeeded');
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
