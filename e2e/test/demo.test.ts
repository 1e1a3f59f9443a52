/**
 * `npm run demo` against the test network: the four journeys over HTTP, from a
 * licence to a tallied secret election, finish with exit code 0.
 */
import { spawnSync } from 'child_process';
import path from 'path';
import { ROOT, stateDir } from '../src/test-network';

describe('npm run demo', () => {
  it('runs one journey per chaincode through the gateway and says so', () => {
    const r = spawnSync(
      'node',
      [path.join(ROOT, 'gateway', 'dist', 'cli', 'demo', 'main.js'), '--state-dir', stateDir()],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 170_000,
      },
    );
    const out = `${r.stdout}${r.stderr}`;
    if (r.status !== 0) throw new Error(`demo exited with ${r.status}:\n${out.slice(-3000)}`);
    expect(out).toMatch(/5 journeys, \d+ HTTP calls, \d+ transactions committed/);
    expect(out).toMatch(/TOKEN_ALREADY_USED/);
  });
});
