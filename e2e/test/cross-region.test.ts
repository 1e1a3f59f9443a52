/**
 * Cross-region service (issue 18) on a network of its own: adding City C as a licensing city
 * makes every majority 2 of 3 (and, with the Audit Office, 3 of 4) for the suites that would run
 * after it, so this suite does not share the run's network. It brings up City A and City B on
 * free ports in a temporary folder, deploys every chaincode, starts the gateway, runs each part's
 * cases, and tears the network down even when they fail (E2E_CROSS_REGION_STATE_DIR names a
 * running network to use instead, left running; E2E_CROSS_REGION_KEEP_LOGS=1 keeps the nodes'
 * logs in <state folder>-logs).
 *
 * Each part of the issue puts its cases in e2e/test/cross-region/<part>.ts and is called once
 * here, in order.
 */
import { cpSync, mkdtempSync } from 'fs';
import os from 'os';
import path from 'path';
import { closeAll } from '../src/fabric-client';
import { fabricUpArgs, findFreePortBase, networkSh, useStateDir } from '../src/test-network';
import { citiesSuite } from './cross-region/cities';
import { materialsSuite } from './cross-region/materials';
import { presentationSuite } from './cross-region/presentation';

const given = process.env.E2E_CROSS_REGION_STATE_DIR;
const dir = given || mkdtempSync(path.join(os.tmpdir(), 'govledger-e2e-cross-region-'));

function down(): void {
  if (given) return;
  if (process.env.E2E_CROSS_REGION_KEEP_LOGS) {
    try {
      // keep the nodes' logs for a look after the run (the state folder goes with the network)
      cpSync(path.join(dir, 'logs'), `${dir}-logs`, { recursive: true });
    } catch {
      // no logs yet
    }
  }
  try {
    networkSh(['down', '--state-dir', dir]);
  } catch (err) {
    console.error(`could not tear the cross-region network down: ${(err as Error).message}`);
  }
}

beforeAll(async () => {
  useStateDir(dir);
  if (given) return;
  const base = await findFreePortBase();
  console.log(`bringing up the cross-region network in ${dir} on ports ${base}+`);
  try {
    networkSh(['up', '--state-dir', dir, '--port-base', String(base), ...fabricUpArgs()]);
    networkSh(['deploy', 'all', '--state-dir', dir]);
    networkSh(['gateway', '--state-dir', dir]);
  } catch (err) {
    down();
    throw err;
  }
}, 15 * 60_000);

afterAll(() => {
  closeAll();
  down();
}, 2 * 60_000);

citiesSuite();
presentationSuite();
materialsSuite();
