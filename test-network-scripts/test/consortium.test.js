// lib/consortium.js env/shell: network.sh sources its output, so it must be
// nothing but assignments whose values the shell takes literally, whatever
// network/consortium.json holds.
'use strict';

const { afterAll, describe, expect, it } = require('@jest/globals');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const consortiumJs = require('../lib/consortium');

const ROOT = path.join(__dirname, '..', '..');
const real = JSON.parse(fs.readFileSync(path.join(ROOT, 'network', 'consortium.json'), 'utf8'));
const made = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consortium-env-'));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A single-quoted shell word: no expansion happens inside. */
const QUOTED = "'(?:[^']|'\\\\'')*'";
/** A line that only assigns: NAME='value' or NAME=('a' 'b' ...). */
const ASSIGNMENT = new RegExp(`^[A-Za-z_][A-Za-z0-9_]*=(?:${QUOTED}|\\((?:${QUOTED}(?: ${QUOTED})*)?\\))$`);

/**
 * Sources `file` in a clean bash (cwd `dir`) and returns each named variable's
 * value (an array's elements), read back NUL-separated so nothing is lost:
 * for each variable its element count, then the elements.
 */
function sourced(file, dir, names) {
  const script = names
    .map((n) => `printf '%s\\0' "\${#${n}[@]}"; for v in "\${${n}[@]}"; do printf '%s\\0' "$v"; done`)
    .join('; ');
  const r = spawnSync(
    'bash',
    ['--noprofile', '--norc', '-c', `set -e; source "$1"; ${script}`, 'bash', file],
    {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: dir },
    },
  );
  if (r.status !== 0) throw new Error(`bash failed: ${r.stderr}`);
  const fields = r.stdout.split('\0');
  const out = {};
  let i = 0;
  for (const name of names) {
    const count = Number(fields[i++]);
    out[name] = fields.slice(i, i + count);
    i += count;
  }
  return out;
}

/** Writes the env file for `c` and checks every setting reads back exactly. */
function roundTrip(c, base = 17000, consensus = 'raft') {
  const dir = tempDir();
  const file = path.join(dir, 'consortium.env');
  consortiumJs.writeEnv(file, base, consensus, c);
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
  for (const line of lines) expect(line).toMatch(ASSIGNMENT);
  const settings = consortiumJs.settings(base, consensus, c);
  const values = sourced(
    file,
    dir,
    settings.map(([n]) => n),
  );
  for (const [name, value] of settings) {
    expect({ name, value: values[name] }).toEqual({
      name,
      value: (Array.isArray(value) ? value : [value]).map(String),
    });
  }
  expect(fs.readdirSync(dir)).toEqual(['consortium.env']);
  return { dir, values };
}

describe('the settings of the real consortium', () => {
  it('are only quoted assignments, for raft and for bft', () => {
    for (const consensus of ['raft', 'bft']) {
      const text = consortiumJs.shell(17000, consensus);
      for (const line of text.split('\n')) expect(line).toMatch(ASSIGNMENT);
    }
  });

  it('read back as network.sh uses them', () => {
    const { values } = roundTrip(real, 17000, 'bft');
    expect(values.PEER_ORGS).toEqual(real.peerOrgs.map((o) => o.name));
    expect(values.ADD_ORG).toEqual([real.addOrg.name]);
    expect(values.ORDERERS).toHaveLength(real.ordererOrg.bftOrderers);
    expect(values.CHAINCODES).toEqual(real.chaincodes);
    expect(values.GATEWAY_PORT).toEqual([String(17000 + real.ports.gateway)]);
    expect(values.AUDIT_ORG_MSPS).toEqual([
      [...real.peerOrgs, real.addOrg]
        .filter((o) => o.auditsOthers === true)
        .map((o) => o.mspId)
        .join(','),
    ]);
    expect(values[`CC_INDEX_${real.chaincodes[0].replace(/-/g, '_')}`]).toEqual(['0']);
  });

  it('name every organisation addorg may add, the licensing cities, and a chaincode server port each', () => {
    const { values } = roundTrip(real, 17000, 'raft');
    const added = [real.addOrg, ...(real.addOrgs || [])];
    expect(values.ADD_ORGS).toEqual(added.map((o) => o.name));
    expect(values.ADD_ORGS).toContain('CityC');
    const orgs = [...real.peerOrgs, ...added];
    for (const o of orgs) expect(values[`LICENSING_${o.name}`]).toEqual([o.licensing === true ? '1' : '0']);
    expect(values.LICENSING_CityC).toEqual(['1']);
    expect(values.LICENSING_Audit).toEqual(['0']);
    // every chaincode server of every organisation (and every node) gets a port of its own, below the gateway's
    const stride = Number(values.CC_PORT_STRIDE[0]);
    expect(stride).toBe(orgs.length);
    const ports = [];
    for (const o of orgs) {
      ports.push(Number(values[`CA_PORT_${o.name}`][0]), Number(values[`CA_OPS_PORT_${o.name}`][0]));
      for (const k of ['PEER_PORT', 'PEER_CC_PORT', 'PEER_OPS_PORT'])
        ports.push(Number(values[`${k}_${o.name}`][0]));
      real.chaincodes.forEach((_cc, index) =>
        ports.push(
          Number(values.CC_PORT_FIRST[0]) + stride * index + Number(values[`ORG_INDEX_${o.name}`][0]),
        ),
      );
    }
    for (let i = 1; i <= real.ordererOrg.bftOrderers; i++) {
      const first = 17000 + real.ports.orderer.first + real.ports.orderer.stride * (i - 1);
      ports.push(first, first + 1, first + 2);
    }
    expect(new Set(ports).size).toBe(ports.length);
    expect(Math.max(...ports)).toBeLessThan(17000 + Number(values.PORT_SPAN[0]));
    const gateway = Number(values.GATEWAY_PORT[0]);
    expect(ports).not.toContain(gateway);
  });

  it('are written by the env command, and a bad port base is refused', () => {
    const dir = tempDir();
    const file = path.join(dir, 'consortium.env');
    const script = path.join(__dirname, '..', 'lib', 'consortium.js');
    const ok = spawnSync('node', [script, 'env', '17000', 'raft', file], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe(
      `# Written by test-network-scripts/lib/consortium.js from network/consortium.json. Do not edit.\n${consortiumJs.shell(17000, 'raft')}\n`,
    );
    const bad = spawnSync('node', [script, 'env', 'abc', 'raft', path.join(dir, 'other.env')], {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/port base must be an integer/);
    expect(fs.existsSync(path.join(dir, 'other.env'))).toBe(false);
  });
});

describe('hostile values in consortium.json', () => {
  const HOSTILE = [
    '$(touch pwned-dollar)',
    '`touch pwned-backtick`',
    "'; touch pwned-quote; '",
    'it\'s "quoted" \\ and ; & | > < *',
    '${HOME} $HOME ~ !!',
    '',
  ];

  it('stay literal values: sourcing runs nothing and reads each value back exactly', () => {
    for (const evil of HOSTILE) {
      const c = JSON.parse(JSON.stringify(real));
      c.channel = evil;
      c.peerOrgs[0].label = evil;
      c.peerOrgs[1].mspId = evil;
      c.addOrg.auditsOthers = true;
      c.addOrg.mspId = `${evil},x`;
      const { dir, values } = roundTrip(c);
      expect(values.CHANNEL).toEqual([evil]);
      expect(values[`ORG_LABEL_${c.peerOrgs[0].name}`]).toEqual([evil]);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('pwned'))).toEqual([]);
    }
  });

  it('are refused where they would become a variable name, before anything is written', () => {
    for (const name of ['A;touch pwned', 'A B', 'A$(touch pwned)', 'A\nB', 'A-B', 'A=B']) {
      const c = JSON.parse(JSON.stringify(real));
      c.peerOrgs[0].name = name;
      const dir = tempDir();
      const file = path.join(dir, 'consortium.env');
      expect(() => consortiumJs.writeEnv(file, 17000, 'raft', c)).toThrow(
        /not a shell variable name|control character/,
      );
      expect(fs.readdirSync(dir)).toEqual([]);
    }
    const c = JSON.parse(JSON.stringify(real));
    c.chaincodes = ['e-licence', 'x$(touch pwned)'];
    expect(() => consortiumJs.shell(17000, 'raft', c)).toThrow(/not a shell variable name/);
  });

  it('are refused when a value holds a control character or is not a string or a number', () => {
    for (const evil of ['line one\nline two', 'a\rb', 'a\u0000b', 'a\u001bb']) {
      const c = JSON.parse(JSON.stringify(real));
      c.peerOrgs[0].label = evil;
      expect(() => consortiumJs.shell(17000, 'raft', c)).toThrow(/control character/);
    }
    expect(() => consortiumJs.assignment('X', { toString: () => '$(touch pwned)' })).toThrow(/not a string/);
    expect(() => consortiumJs.assignment('X', Number.NaN)).toThrow(/not a string/);
    expect(consortiumJs.assignment('X', ["a'b", 2])).toBe("X=('a'\\''b' '2')");
  });
});
