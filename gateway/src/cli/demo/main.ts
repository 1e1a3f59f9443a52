#!/usr/bin/env node
/**
 * `npm run demo`: the whole of GovLedger at work in about a minute, over plain
 * HTTP against the running network and gateway (`npm run up`).
 *
 * One short journey per chaincode, each step printed with who acts, what they
 * do, the HTTP method and path, the status and the key result:
 *
 *  1. e-licence: a City A enterprise applies once for a food business licence;
 *     three departments approve, each under its own identity; the last approval
 *     issues the licence; City B verifies it (recognised as its own type, with
 *     one selectively disclosed claim) and spots a tampered copy.
 *  2. data-sharing: a City A department lists a data category; a citizen
 *     consents to City B's housing department; City B gets an access ticket;
 *     City A's system verifies the ticket; the citizen reads the access in
 *     their log.
 *  3. fund-tracing: City A's finance creates and allocates a program; the
 *     industry department pays an enterprise; the enterprise spends, once
 *     outside the allowed categories, which raises an alert that City B's
 *     auditor resolves; the Audit Office traces the spend back to the budget.
 *  4. e-voting: a secret election (opens 15 s after creation, closes 20 s
 *     later); voters of both cities blind their tokens here, as a voter's app
 *     would, get them signed by the gateway, unblind them and vote through the
 *     anonymous ballot box; a reused token is refused; City B tallies after the
 *     close, the count is verified and a voter finds their ballot by receipt.
 *
 * Reads the gateway port from `<state>/network.json` (`gatewayPort`) and the
 * demo users' bearer tokens from `<state>/gateway/demo-tokens.json`. Every run
 * uses fresh ids, so it can run again and again on the same network.
 * Exit codes: 0 done, 1 a step failed (printed with its HTTP status and
 * problem+json), 2 bad arguments or no usable network state.
 *
 *   demo [--state-dir DIR]       default DIR: <repo>/.network
 *
 * The journeys call the gateway the way a portal backend would: through the
 * SDK, @govledger/client, the typed client generated from the gateway's OpenAPI
 * document, whose helpers also seal the licence's private record (salted claim
 * hashes, the private-record hash). Only a route outside the API document
 * (/readyz) goes as a raw request (Runner.run).
 *
 * This file reads the command line and runs the journeys in order; context.ts
 * reads the state folder, runner.ts sends (SDK or raw) and prints the HTTP
 * steps, printer.ts writes to the terminal, and each journey has its own file.
 * Most request bodies come from @govledger/fixtures, shared with the end-to-end
 * tests.
 */
import path from 'node:path';
import { DemoSetupError, loadContext, mintCommand, type DemoContext } from './context';
import { dataSharingJourney } from './data-sharing';
import { crossRegionJourney } from './cross-region';
import { licenceJourney } from './e-licence';
import { votingJourney } from './e-voting';
import { fundTracingJourney } from './fund-tracing';
import { Printer, type TextSink } from './printer';
import { DemoStepError, Runner } from './runner';

/** What the command line asks for. */
export interface DemoOptions {
  /** The network state folder (holds network.json and gateway/demo-tokens.json). */
  stateDir: string;
  /** Print the usage and stop. */
  help: boolean;
}

/** The usage text. */
export const USAGE = `usage: npm run demo [-- --state-dir DIR]

Runs one short journey per chaincode through the REST gateway of a running
GovLedger network (start one with \`npm run up\`).

  --state-dir DIR   network state folder (default: <repo>/.network)
  -h, --help        this text`;

/** The repository root (this file is gateway/src/cli/demo/main.ts, or gateway/dist/cli/demo/main.js once built). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/** Parses the command line (without the node and script arguments). */
export function parseArgs(argv: readonly string[], repoRoot: string = REPO_ROOT): DemoOptions {
  let stateDir = path.join(repoRoot, '.network');
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h' || arg === '--help') {
      help = true;
    } else if (arg === '--state-dir' || arg.startsWith('--state-dir=')) {
      const value = arg === '--state-dir' ? argv[++i] : arg.slice('--state-dir='.length);
      if (!value || value.startsWith('-')) throw new DemoSetupError('--state-dir needs a folder');
      stateDir = path.resolve(value);
    } else {
      throw new DemoSetupError(`unknown argument "${arg}" (try --help)`);
    }
  }
  return { stateDir, help };
}

/** Runs the demo; returns the exit code. Progress goes to `out`, failures to `errors`. */
export async function main(
  argv: readonly string[],
  out: TextSink = process.stdout,
  errors: TextSink = process.stderr,
): Promise<number> {
  const printer = new Printer(out);
  let options: DemoOptions;
  let ctx: DemoContext;
  try {
    options = parseArgs(argv);
    if (options.help) {
      printer.line(USAGE);
      return 0;
    }
    ctx = loadContext(options.stateDir);
  } catch (err) {
    if (err instanceof DemoSetupError) {
      errors.write(`demo: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  const p = printer;
  const run = Date.now().toString(36).toUpperCase();
  const r = new Runner(ctx, p, run);
  const started = Date.now();
  p.line(p.bold(`GovLedger demo — run ${run}, gateway ${ctx.baseUrl}`));
  p.line(p.dim('Every step: who acts · what they do, then the HTTP call, its status and the key result.'));
  try {
    await r.run<{ ready: boolean; checks: { name: string; ok: boolean; detail?: string }[] }>({
      who: undefined,
      what: 'anyone checks the gateway is ready: peers reachable, chaincodes committed',
      method: 'GET',
      path: '/readyz',
      show: (x) => {
        const heights = x.checks.filter((c) => c.name.startsWith('height:'));
        return `ready: ${heights.length} peers at block height ${heights.map((c) => c.detail).join('/')}`;
      },
    });
    r.journey(1, 5, 'e-licence', 'one application, three departments approve, the other city verifies');
    await licenceJourney(r, run);
    r.journey(2, 5, 'data-sharing', 'consent, a ticketed access, and the citizen sees it in their log');
    await dataSharingJourney(r, run);
    r.journey(3, 5, 'fund-tracing', 'from budget to spend, with an early warning');
    await fundTracingJourney(r, run);
    r.journey(4, 5, 'e-voting', 'a secret election with blind signatures, cast and tallied');
    await votingJourney(r, run);
    r.journey(5, 5, 'cross-region', 'a licence presented to anyone who checks; applying in another city');
    await crossRegionJourney(r, run, `APP-FOOD-${run}`);
  } catch (err) {
    p.line();
    const e = new Printer(errors);
    if (err instanceof DemoStepError) {
      errors.write(`${e.red('✖ demo failed')} at step ${err.step}\n`);
      errors.write(`  ${err.request}${err.status ? ` → ${err.status}` : ''}: ${err.message}\n`);
      if (err.body !== undefined) {
        const text = typeof err.body === 'string' ? err.body : JSON.stringify(err.body, null, 2);
        errors.write(`${text.replace(/^/gm, '  ')}\n`);
      }
      if (err.status === 401)
        errors.write(`  (tokens expired? mint fresh ones: ${mintCommand(options.stateDir)})\n`);
      return 1;
    }
    errors.write(`${e.red('✖ demo failed')}: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  p.line();
  p.line(
    p.green(
      p.bold(`✔ 5 journeys, ${r.steps} HTTP calls, ${r.commits} transactions committed, in ${seconds} s.`),
    ),
  );
  p.line(`  Explore the API: ${ctx.baseUrl}/docs   (OpenAPI: ${ctx.baseUrl}/openapi.json)`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`demo: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
