/**
 * Jest global set-up: a fresh network on free ports with every chaincode deployed
 * and the REST gateway in front of it,
 * unless E2E_STATE_DIR names a network that is already running (then it is used
 * as it is and left running), or the run selects only suites that bring up a
 * network of their own (own-network-suites.json).
 */
import type { Config } from '@jest/types';
import { mkdtempSync, readdirSync } from 'fs';
import os from 'os';
import path from 'path';
import ownNetworkSuites from './own-network-suites.json';
import { fabricUpArgs, findFreePortBase, networkSh } from './test-network';

/** True when every suite the run selects brings up a network of its own. */
function onlyOwnNetworkSuites(globalConfig: Config.GlobalConfig): boolean {
  if (!globalConfig.testPathPattern) return false;
  const pattern = new RegExp(globalConfig.testPathPattern, 'i');
  const testDir = path.resolve(__dirname, '..', 'test');
  const selected = readdirSync(testDir)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.join(testDir, f))
    .filter((f) => pattern.test(f));
  return selected.length > 0 && selected.every((f) => ownNetworkSuites.some((name) => f.includes(name)));
}

export default async function globalSetup(globalConfig: Config.GlobalConfig): Promise<void> {
  if (onlyOwnNetworkSuites(globalConfig)) {
    process.env.E2E_OWN_NETWORK = '';
    console.log('\nthe selected suites bring up networks of their own: no shared network');
    return;
  }
  if (process.env.E2E_STATE_DIR) {
    process.env.E2E_OWN_NETWORK = '';
    console.log(`\nusing the running network in ${process.env.E2E_STATE_DIR}`);
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'govledger-e2e-'));
  process.env.E2E_STATE_DIR = dir;
  process.env.E2E_OWN_NETWORK = '1';
  const base = await findFreePortBase();
  console.log(
    `\nbringing up a test network in ${dir} on ports ${base}+${fabricUpArgs().length ? ` (${fabricUpArgs().join(' ')})` : ''}`,
  );
  const down = () => {
    try {
      networkSh(['down', '--state-dir', dir]);
    } catch (err) {
      console.error(`could not tear the network down: ${(err as Error).message}`);
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    down();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    networkSh(['up', '--state-dir', dir, '--port-base', String(base), ...fabricUpArgs()]);
    networkSh(['deploy', 'all', '--state-dir', dir]);
    networkSh(['gateway', '--state-dir', dir]);
  } catch (err) {
    down();
    throw err;
  }
}
