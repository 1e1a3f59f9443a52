/**
 * The newcomer path, checked fast (no network): the README's quick start lists exactly the
 * commands a fresh clone runs, in order, and `npm run up` installs what it needs before it
 * starts anything. (Running a fresh clone through them end to end takes far longer than a CI
 * run should; it is proven by hand.)
 */
import { readFileSync } from 'fs';
import path from 'path';
import { ROOT } from '../src/test-network';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

/** The commands of the first code block under "## Quick start", comments and blank lines dropped. */
function quickStartCommands(): string[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Quick start'));
  if (!section) throw new Error('README.md has no "## Quick start" section');
  const block = /```(?:bash|sh)?\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('the quick start has no code block');
  return block[1]
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

describe('the newcomer path', () => {
  it("README's quick start is exactly: npm run up, npm run demo, npm test, npm run down", () => {
    expect(quickStartCommands()).toEqual(['npm run up', 'npm run demo', 'npm test', 'npm run down']);
  });

  it('npm run up installs first (npm ci when needed, Fabric, a build), then brings up all the demo needs', () => {
    const steps = pkg.scripts.up.split('&&').map((s) => s.trim());
    expect(steps).toEqual([
      'bash test-network-scripts/install.sh',
      'bash test-network-scripts/network.sh up',
      'bash test-network-scripts/network.sh deploy all',
      // the demo acts for the Audit Office (AuditMSP) from step 25 on
      'bash test-network-scripts/network.sh addorg',
      'bash test-network-scripts/network.sh gateway',
    ]);
    const install = readFileSync(path.join(ROOT, 'test-network-scripts', 'install.sh'), 'utf8');
    const npmCi = install.indexOf('npm ci --no-audit');
    const fabric = install.indexOf('install-fabric.sh"');
    const build = install.indexOf('tsc -b');
    expect(npmCi).toBeGreaterThan(0);
    expect(install).toMatch(/if \[ ! -f node_modules\/\.package-lock\.json \]/);
    expect(fabric).toBeGreaterThan(npmCi);
    expect(build).toBeGreaterThan(fabric);
  });

  it('npm run demo and npm test are the scripts the quick start promises', () => {
    expect(pkg.scripts.demo).toBe('node gateway/dist/cli/demo/main.js');
    expect(pkg.scripts.test).toMatch(/test:e2e/);
    expect(pkg.scripts.down).toBe('bash test-network-scripts/network.sh down');
  });
});
