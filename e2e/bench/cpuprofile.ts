/**
 * Summarises a V8 `.cpuprofile` (node --cpu-prof) of the REST gateway by category: where its CPU
 * went (JWT verification, wallet, validation, logging, idempotency store, JSON, signing, gRPC and
 * fabric-gateway, Express, Node's HTTP) as self time (each sample's own frame) and inclusive time
 * (each sample counted once for every category on its stack), with the top functions by self time.
 *
 *   node e2e/dist/bench/bench/cpuprofile.js PROFILE.cpuprofile [--requests N] [--top 25] [--json]
 *     [--from S] [--to S]   (only the samples S seconds after the profile started: one load point)
 *
 * With --requests N (successful gateway requests during the profile) it adds CPU ms per request.
 * `e2e/bench/profile-gateway.sh` records such a profile under the benchmark's own load.
 */
import { readFileSync } from 'fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
/** The parts of a V8 CPU profile this reads. */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Categories, first match wins (on the frame's URL, or its function name for V8's own entries). */
const CATEGORIES: { name: string; test: (f: CallFrame) => boolean }[] = [
  { name: 'idle', test: (f) => f.functionName === '(idle)' },
  { name: 'garbage collection', test: (f) => f.functionName === '(garbage collector)' },
  {
    name: 'JWT (jose)',
    test: (f) =>
      /node_modules\/jose\//.test(f.url) ||
      /(?:gateway\/dist|gateway\/src|gwbuild\/src|gwv\/[^/]+\/build\/src|govledger-micro-[^/]+\/[^/]+\/build\/src)\/auth\.js/.test(
        f.url,
      ),
  },
  {
    name: 'wallet / identity',
    test: (f) =>
      /(?:gateway\/dist|gateway\/src|gwbuild\/src|gwv\/[^/]+\/build\/src|govledger-micro-[^/]+\/[^/]+\/build\/src)\/(fabric\/wallet|sealed-box)\.js/.test(
        f.url,
      ),
  },
  { name: 'validation (zod)', test: (f) => /node_modules\/zod\//.test(f.url) },
  {
    name: 'logging (pino)',
    test: (f) =>
      /node_modules\/(pino|pino-http|pino-std-serializers|sonic-boom|fast-redact|@pinojs|thread-stream|on-exit-leak-free|fast-safe-stringify|safe-stable-stringify)\//.test(
        f.url,
      ) ||
      /(?:gateway\/dist|gateway\/src|gwbuild\/src|gwv\/[^/]+\/build\/src|govledger-micro-[^/]+\/[^/]+\/build\/src)\/logger\.js/.test(
        f.url,
      ),
  },
  {
    name: 'idempotency / SQLite',
    test: (f) =>
      /node_modules\/better-sqlite3\//.test(f.url) ||
      /(?:gateway\/dist|gateway\/src|gwbuild\/src|gwv\/[^/]+\/build\/src|govledger-micro-[^/]+\/[^/]+\/build\/src)\/(writes\/(idempotency|database|async-transactions)|storage\/)/.test(
        f.url,
      ),
  },
  {
    name: 'signing (OpenSSL, noble)',
    test: (f) =>
      /(?:gateway\/dist|gateway\/src|gwbuild\/src|gwv\/[^/]+\/build\/src|govledger-micro-[^/]+\/[^/]+\/build\/src)\/fabric\/signer\.js/.test(
        f.url,
      ) ||
      /node_modules\/@noble\//.test(f.url) ||
      /^node:internal\/crypto\/(sig|keys)/.test(f.url),
  },
  {
    name: 'gRPC / fabric-gateway / protobuf',
    test: (f) =>
      /node_modules\/(@grpc|@hyperledger|google-protobuf|@js-sdsl|@protobufjs|protobufjs)\//.test(f.url) ||
      /node:internal\/http2|node:http2|node:tls|node:_tls|node:internal\/tls/.test(f.url),
  },
  {
    name: 'metrics (prom-client)',
    test: (f) => /node_modules\/(prom-client|tdigest|bintrees)\//.test(f.url),
  },
  {
    name: 'Express and middleware',
    test: (f) =>
      /node_modules\/(express|router|body-parser|raw-body|helmet|express-rate-limit|path-to-regexp|qs|send|type-is|content-type|accepts|negotiator|mime-types|mime-db|finalhandler|on-finished|parseurl|iconv-lite|cookie|etag|fresh|range-parser|proxy-addr|forwarded|ipaddr\.js|vary|depd|http-errors|statuses|encodeurl|escape-html|media-typer|content-disposition|merge-descriptors|setprototypeof|debug|ms|side-channel[^/]*|call-bind[^/]*|get-intrinsic|es-[^/]*|has-[^/]*|math-intrinsics|function-bind|dunder-proto|gopd|hasown|object-inspect|ee-first|unpipe|utils-merge|safe-buffer|safer-buffer|is-promise|router)\//.test(
        f.url,
      ),
  },
  {
    name: 'JSON (parse / stringify)',
    test: (f) => f.url === '' && /^(parse|stringify|JSON\.(parse|stringify))$/.test(f.functionName),
  },
  {
    name: "Node's HTTP / net / streams",
    test: (f) =>
      /^node:(_http|http$|net|internal\/(http|streams|net|stream_base|timers)|events|internal\/event_target|internal\/async_hooks|internal\/process\/task_queues|timers|stream)/.test(
        f.url,
      ),
  },
  {
    name: 'gateway code (routes, pipeline)',
    test: (f) =>
      /(?:gateway\/dist|gateway\/src|gwbuild\/src|gwv\/[^/]+\/build\/src|govledger-micro-[^/]+\/[^/]+\/build\/src)\//.test(
        f.url,
      ),
  },
  { name: 'other JavaScript', test: (f) => f.url !== '' },
  { name: 'native / V8 (program)', test: () => true },
];

function categoryOf(f: CallFrame): string {
  for (const c of CATEGORIES) if (c.test(f)) return c.name;
  return 'native / V8 (program)';
}

/** The summary of one profile. */
export interface ProfileSummary {
  /** Profiled wall time (ms). */
  wallMs: number;
  /** Sampled time not idle (ms): the process's JavaScript-thread CPU as the profiler saw it. */
  busyMs: number;
  /** Self time per category (ms), busiest first; idle left out. */
  self: { category: string; ms: number; share: number }[];
  /** Inclusive time per category (ms): samples with the category anywhere on the stack. */
  inclusive: { category: string; ms: number; share: number }[];
  /** Functions with the most self time. */
  top: { fn: string; where: string; category: string; ms: number; share: number }[];
}

/** Summarises a profile (see the file comment). */
export function summariseProfile(
  profile: CpuProfile,
  topN = 25,
  window?: { fromS: number; toS: number },
): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const selfMs = new Map<number, number>();
  let atUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    atUs += profile.timeDeltas[i] ?? 0;
    if (window && (atUs < window.fromS * 1e6 || atUs >= window.toS * 1e6)) continue;
    const id = profile.samples[i];
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const fnSelf = new Map<string, { fn: string; where: string; category: string; ms: number }>();
  let busy = 0;
  for (const [id, ms] of selfMs) {
    const node = byId.get(id);
    if (!node) continue;
    const cat = categoryOf(node.callFrame);
    if (cat === 'idle') continue;
    busy += ms;
    self.set(cat, (self.get(cat) ?? 0) + ms);
    const where = `${node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(?:gateway\/dist|gateway\/src|gwbuild\/src|gwv\/[^/]+\/build\/src|govledger-micro-[^/]+\/[^/]+\/build\/src)\//, 'gateway/')}:${node.callFrame.lineNumber + 1}`;
    const key = `${node.callFrame.functionName}|${where}`;
    const entry = fnSelf.get(key) ?? {
      fn: node.callFrame.functionName || '(anonymous)',
      where,
      category: cat,
      ms: 0,
    };
    entry.ms += ms;
    fnSelf.set(key, entry);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at);
      if (!n) break;
      const c = categoryOf(n.callFrame);
      if (c === '(root)' || seen.has(c)) continue;
      seen.add(c);
      inclusive.set(c, (inclusive.get(c) ?? 0) + ms);
    }
  }
  const rows = (m: Map<string, number>) =>
    [...m]
      .filter(([c]) => c !== 'idle' && c !== 'native / V8 (program)' && c !== 'other JavaScript')
      .map(([category, ms]) => ({ category, ms: round(ms), share: round(ms / Math.max(busy, 1e-9), 3) }))
      .sort((a, b) => b.ms - a.ms);
  const selfRows = [...self]
    .map(([category, ms]) => ({ category, ms: round(ms), share: round(ms / Math.max(busy, 1e-9), 3) }))
    .sort((a, b) => b.ms - a.ms);
  return {
    wallMs: window ? (window.toS - window.fromS) * 1000 : round((profile.endTime - profile.startTime) / 1000),
    busyMs: round(busy),
    self: selfRows,
    inclusive: rows(inclusive),
    top: [...fnSelf.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, topN)
      .map((e) => ({ ...e, ms: round(e.ms), share: round(e.ms / Math.max(busy, 1e-9), 3) })),
  };
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Markdown tables of a summary; with `requests`, CPU ms per request beside each category. */
export function profileMarkdown(s: ProfileSummary, requests?: number): string {
  const per = (ms: number) => (requests ? ` | ${(ms / requests).toFixed(3)}` : '');
  const perHead = requests ? ' | ms per request' : '';
  const perSep = requests ? '|--:' : '';
  const lines = [
    `Profiled ${(s.wallMs / 1000).toFixed(1)} s, JavaScript thread busy ${(s.busyMs / 1000).toFixed(1)} s` +
      (requests ? `, ${requests} requests: ${(s.busyMs / requests).toFixed(3)} ms a request` : ''),
    '',
    `| category | self ms | share${perHead} |`,
    `|---|--:|--:${perSep}|`,
    ...s.self.map(
      (r) => `| ${r.category} | ${r.ms.toFixed(0)} | ${(r.share * 100).toFixed(1)} %${per(r.ms)} |`,
    ),
    '',
    `| category (inclusive: on the stack) | ms | share${perHead} |`,
    `|---|--:|--:${perSep}|`,
    ...s.inclusive.map(
      (r) => `| ${r.category} | ${r.ms.toFixed(0)} | ${(r.share * 100).toFixed(1)} %${per(r.ms)} |`,
    ),
    '',
    '| function (self) | where | category | ms | share |',
    '|---|---|---|--:|--:|',
    ...s.top.map(
      (r) =>
        `| ${r.fn} | ${r.where} | ${r.category} | ${r.ms.toFixed(0)} | ${(r.share * 100).toFixed(1)} % |`,
    ),
  ];
  return lines.join('\n');
}

function main(argv: string[]): void {
  const file = argv.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
  if (!file) {
    console.error(
      'usage: cpuprofile.js PROFILE.cpuprofile [--requests N] [--top 25] [--json] [--from S] [--to S]',
    );
    process.exit(2);
  }
  const opt = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : undefined;
  };
  const from = opt('--from');
  const to = opt('--to');
  const summary = summariseProfile(
    JSON.parse(readFileSync(file, 'utf8')) as CpuProfile,
    opt('--top') ?? 25,
    from !== undefined || to !== undefined ? { fromS: from ?? 0, toS: to ?? Infinity } : undefined,
  );
  if (argv.includes('--json')) console.log(JSON.stringify(summary, null, 2));
  else console.log(profileMarkdown(summary, opt('--requests')));
}

if (require.main === module) main(process.argv.slice(2));
