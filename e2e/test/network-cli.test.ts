/**
 * network.sh refuses bad input with a one-line error, a non-zero exit code and
 * nothing left half-started.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { createServer, type Server } from 'net';
import os from 'os';
import path from 'path';
import { ROOT, findFreePortBase, stateDir } from '../src/test-network';

function network(args: string[]): { status: number | null; out: string } {
  const r = spawnSync('bash', [path.join(ROOT, 'test-network-scripts', 'network.sh'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('network.sh bad input', () => {
  it('refuses an unknown command and an unknown option', () => {
    const cmd = network(['frobnicate']);
    expect(cmd.status).toBe(2);
    expect(cmd.out).toMatch(/unknown command 'frobnicate'/);
    const opt = network(['status', '--colour']);
    expect(opt.status).toBe(2);
    expect(opt.out).toMatch(/unknown option '--colour'/);
    const base = network(['up', '--port-base', 'abc']);
    expect(base.status).toBe(2);
    expect(base.out).toMatch(/--port-base must be a number/);
  });

  it('refuses up while a network is running in that state folder', () => {
    const r = network(['up', '--state-dir', stateDir()]);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/already running/);
  });

  it('refuses to deploy a chaincode that does not exist', () => {
    const r = network(['deploy', 'no-such-chaincode', '--state-dir', stateDir()]);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/no chaincode named 'no-such-chaincode'/);
  });

  it('refuses a port range that is in use and leaves no state behind', async () => {
    const base = await findFreePortBase();
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(base + 20, '127.0.0.1', () => resolve()));
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'govledger-cli-')), 'net');
    try {
      const r = network(['up', '--state-dir', dir, '--port-base', String(base)]);
      expect(r.status).toBe(1);
      expect(r.out).toMatch(new RegExp(`port\\(s\\) ${base + 20} already in use`));
      expect(existsSync(dir)).toBe(false);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });

  it('says what to do when Go is missing', () => {
    const r = spawnSync('bash', [path.join(ROOT, 'test-network-scripts', 'install-fabric.sh'), '--force'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, PATH: '/usr/bin:/bin' },
    });
    expect(r.status).toBe(1);
    expect(`${r.stdout}${r.stderr}`).toMatch(/Go is not installed: install Go 1\.25 or newer/);
  });

  it('says what to do when no network exists', () => {
    const r = network(['status', '--state-dir', path.join(os.tmpdir(), 'govledger-none')]);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/no network in .* \(start one with: npm run up\)/);
  });
});
