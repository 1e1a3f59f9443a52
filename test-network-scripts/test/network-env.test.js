// network.sh env ORG [USER]: the peer CLI environment of an organisation, as export lines for
// eval, read from a state folder (no process is started: the folder is laid out by hand).
'use strict';

const { afterAll, beforeAll, describe, expect, it } = require('@jest/globals');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const NETWORK_SH = path.join(__dirname, '..', 'network.sh');
const ROOT = path.join(__dirname, '..', '..');
let state;
let sampleconfig;

/** Runs network.sh env with ARGS on the hand-made state folder. */
function env(...args) {
  return spawnSync('bash', [NETWORK_SH, 'env', ...args, '--state-dir', state], { encoding: 'utf8' });
}

/** Evaluates the output of `network.sh env` in a clean bash and prints the named variables. */
function evaluated(output, names) {
  const r = spawnSync(
    'bash',
    [
      '--noprofile',
      '--norc',
      '-c',
      `eval "$1"; ${names.map((n) => `printf '%s\\0' "$${n}"`).join('; ')}`,
      'bash',
      output,
    ],
    { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } },
  );
  expect(r.status).toBe(0);
  const values = r.stdout.split('\0');
  return Object.fromEntries(names.map((n, i) => [n, values[i]]));
}

beforeAll(() => {
  const version = fs
    .readFileSync(path.join(__dirname, '..', 'fabric-tools', 'fabric', 'go.mod'), 'utf8')
    .match(/^require github\.com\/hyperledger\/fabric (\S+)$/m)[1];
  const modcache = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).stdout.trim();
  sampleconfig = path.join(modcache, 'github.com', 'hyperledger', `fabric@${version}`, 'sampleconfig');
  // a state folder "with spaces" and a quote, as up would lay it out (only what env reads)
  state = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'network env ')), "state 'x'");
  const mk = (...p) => fs.mkdirSync(path.join(state, ...p), { recursive: true });
  mk('nodes', 'peer0.CityA');
  fs.writeFileSync(path.join(state, 'nodes', 'peer0.CityA', 'joined'), '');
  mk('nodes', 'peer0.CityB');
  fs.writeFileSync(path.join(state, 'nodes', 'peer0.CityB', 'joined'), '');
  mk('orgs', 'CityA', 'admin', 'msp');
  mk('users', 'issuer-b', 'msp');
  fs.writeFileSync(path.join(state, 'users', 'issuer-b', 'mspid'), 'CityBMSP\n');
  mk('users', 'issuer-a', 'msp');
  fs.writeFileSync(path.join(state, 'users', 'issuer-a', 'mspid'), 'CityAMSP\n');
  fs.writeFileSync(
    path.join(state, 'network.env'),
    `PORT_BASE=23000\nCONSENSUS=raft\nFABRIC_CFG_PATH=${sampleconfig}\n`,
  );
});
afterAll(() => fs.rmSync(path.dirname(state), { recursive: true, force: true }));

describe('network.sh env', () => {
  it("prints City A's admin environment as export lines that eval restores exactly", () => {
    const r = env('CityA');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const line of r.stdout.trim().split('\n')) expect(line).toMatch(/^(# .*|export [A-Z_]+=.+)$/);
    const v = evaluated(r.stdout, [
      'FABRIC_CFG_PATH',
      'PATH',
      'CORE_PEER_TLS_ENABLED',
      'CORE_PEER_LOCALMSPID',
      'CORE_PEER_MSPCONFIGPATH',
      'CORE_PEER_ADDRESS',
      'CORE_PEER_TLS_ROOTCERT_FILE',
      'ORDERER_ADDRESS',
      'ORDERER_CA',
      'CHANNEL_NAME',
    ]);
    expect(v).toEqual({
      FABRIC_CFG_PATH: sampleconfig,
      PATH: `${path.join(ROOT, 'bin')}:/usr/bin:/bin`,
      CORE_PEER_TLS_ENABLED: 'true',
      CORE_PEER_LOCALMSPID: 'CityAMSP',
      CORE_PEER_MSPCONFIGPATH: path.join(state, 'orgs', 'CityA', 'admin', 'msp'),
      CORE_PEER_ADDRESS: '127.0.0.1:23020',
      CORE_PEER_TLS_ROOTCERT_FILE: path.join(state, 'orgs', 'CityA', 'msp', 'tlscacerts', 'ca.pem'),
      ORDERER_ADDRESS: '127.0.0.1:23050',
      ORDERER_CA: path.join(state, 'orgs', 'Orderer', 'msp', 'tlscacerts', 'ca.pem'),
      CHANNEL_NAME: 'govchannel',
    });
    expect(fs.existsSync(path.join(v.FABRIC_CFG_PATH, 'core.yaml'))).toBe(true);
  });

  it('takes the MSP ID for the organisation and a demo user of it for the identity', () => {
    const r = env('CityBMSP', 'issuer-b');
    expect(r.status).toBe(0);
    const v = evaluated(r.stdout, ['CORE_PEER_LOCALMSPID', 'CORE_PEER_MSPCONFIGPATH', 'CORE_PEER_ADDRESS']);
    expect(v).toEqual({
      CORE_PEER_LOCALMSPID: 'CityBMSP',
      CORE_PEER_MSPCONFIGPATH: path.join(state, 'users', 'issuer-b', 'msp'),
      CORE_PEER_ADDRESS: '127.0.0.1:23030',
    });
    expect(evaluated(env('CityB', 'admin').stdout, ['CORE_PEER_MSPCONFIGPATH']).CORE_PEER_MSPCONFIGPATH).toBe(
      path.join(state, 'orgs', 'CityB', 'admin', 'msp'),
    );
  });

  it('refuses, on stderr with nothing to eval, an unknown organisation or user, a user of another organisation, an organisation not yet added', () => {
    const cases = [
      [[], /which organisation\? e\.g\. network\.sh env CityA/],
      [
        ['Nowhere'],
        /unknown organisation 'Nowhere' \(organisations: CityA \(CityAMSP\) CityB \(CityBMSP\) Audit \(AuditMSP\) CityC \(CityCMSP\)\)/,
      ],
      [['CityA', 'nobody'], /no user 'nobody' in this network \(users of CityA: admin issuer-a\)/],
      [['CityA', 'issuer-b'], /user 'issuer-b' belongs to CityBMSP, not to CityA/],
      [['CityA', '../users/issuer-a'], /no user '\.\.\/users\/issuer-a' in this network/],
      [['Audit'], /Audit has no peer on govchannel in this network \(add it with: network\.sh addorg\)/],
      [['CityA', 'issuer-a', 'extra'], /usage: network\.sh env ORG \[USER\]/],
    ];
    for (const [args, message] of cases) {
      const r = env(...args);
      expect({ args, status: r.status, stdout: r.stdout }).toEqual({ args, status: 1, stdout: '' });
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('network.sh units', () => {
  it('writes a systemd unit per defined node (its run script) and govledger.target, and lists them', () => {
    fs.mkdirSync(path.join(state, 'run'), { recursive: true });
    for (const n of ['ca-CityA', 'peer0.CityA', 'gateway'])
      fs.writeFileSync(path.join(state, 'run', `${n}.sh`), '#!/usr/bin/env bash\nexec sleep 1\n');
    const r = spawnSync('bash', [NETWORK_SH, 'units', '--state-dir', state], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('systemd units of 3 nodes');
    expect(r.stdout).toContain('govledger-peer0.CityA.service');
    const dir = path.join(state, 'systemd');
    expect(fs.readdirSync(dir).sort()).toEqual([
      'govledger-ca-CityA.service',
      'govledger-gateway.service',
      'govledger-peer0.CityA.service',
      'govledger.target',
    ]);
    const unit = fs.readFileSync(path.join(dir, 'govledger-peer0.CityA.service'), 'utf8');
    expect(unit).toContain(`ExecStart=/bin/bash "${path.join(state, 'run', 'peer0.CityA.sh')}"`);
    expect(unit).toContain('Restart=on-failure');
    expect(fs.readFileSync(path.join(dir, 'govledger.target'), 'utf8')).toContain(
      'Wants=govledger-ca-CityA.service govledger-gateway.service govledger-peer0.CityA.service',
    );
  });
});

const GO = spawnSync('bash', ['-c', 'command -v go'], { encoding: 'utf8' }).stdout.trim();

describe('a network of the snapshot Fabric build (network.env FABRIC_BUILD=snapshot)', () => {
  let snapState;
  let snapConfig;
  beforeAll(() => {
    const version = fs
      .readFileSync(path.join(__dirname, '..', 'fabric-tools', 'fabric-snapshot', 'go.mod'), 'utf8')
      .match(/^require github\.com\/hyperledger\/fabric (\S+)$/m)[1];
    const modcache = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).stdout.trim();
    snapConfig = path.join(modcache, 'github.com', 'hyperledger', `fabric@${version}`, 'sampleconfig');
    snapState = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'network env snapshot ')), 'state');
    fs.mkdirSync(path.join(snapState, 'nodes', 'peer0.CityA'), { recursive: true });
    fs.writeFileSync(path.join(snapState, 'nodes', 'peer0.CityA', 'joined'), '');
    fs.mkdirSync(path.join(snapState, 'run'), { recursive: true });
    fs.writeFileSync(path.join(snapState, 'run', 'peer0.CityA.sh'), '#!/usr/bin/env bash\nexec sleep 1\n');
    // as up writes it for --fabric snapshot (or --consensus bft)
    fs.writeFileSync(
      path.join(snapState, 'network.env'),
      `PORT_BASE=23000\nCONSENSUS=raft\nFABRIC_CFG_PATH=${snapConfig}\nFABRIC_BIN=${path.join(ROOT, 'bin', 'snapshot')}\nFABRIC_BUILD=snapshot\n`,
    );
  });
  afterAll(() => fs.rmSync(path.dirname(snapState), { recursive: true, force: true }));

  it("env gives the peer CLI the snapshot build's programs and sample configuration, not the release's", () => {
    expect(snapConfig).not.toBe(sampleconfig);
    const r = spawnSync('bash', [NETWORK_SH, 'env', 'CityA', '--state-dir', snapState], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const v = evaluated(r.stdout, ['FABRIC_CFG_PATH', 'PATH']);
    expect(v).toEqual({
      FABRIC_CFG_PATH: snapConfig,
      PATH: `${path.join(ROOT, 'bin', 'snapshot')}:/usr/bin:/bin`,
    });
    expect(fs.existsSync(path.join(snapConfig, 'core.yaml'))).toBe(true);
  });

  it("units run the nodes with the snapshot build's programs first on PATH", () => {
    const r = spawnSync('bash', [NETWORK_SH, 'units', '--state-dir', snapState], {
      encoding: 'utf8',
      // go: network.sh reads the build's sample configuration folder from the Go module cache
      env: { ...process.env, PATH: `${path.dirname(GO)}:/usr/bin:/bin` },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const unit = fs.readFileSync(path.join(snapState, 'systemd', 'govledger-peer0.CityA.service'), 'utf8');
    expect(unit).toMatch(new RegExp(`PATH=${path.join(ROOT, 'bin', 'snapshot')}:`));
    expect(unit).not.toMatch(new RegExp(`PATH=${path.join(ROOT, 'bin')}:`));
  });
});

describe('network.sh --fabric and install-fabric.sh --fabric', () => {
  it('refuses a BFT network on the release build, an unknown build, and --fabric outside up, starting nothing', () => {
    const cases = [
      [
        ['up', '--consensus', 'bft', '--fabric', 'release'],
        /--consensus bft needs --fabric snapshot: Fabric v2\.5\.0 has no SmartBFT/,
      ],
      [['up', '--fabric', 'v3'], /--fabric must be release or snapshot/],
      [['deploy', '--fabric', 'snapshot'], /--fabric applies to 'up' only \(the state folder remembers it\)/],
    ];
    for (const [args, message] of cases) {
      const r = spawnSync(
        'bash',
        [NETWORK_SH, ...args, '--state-dir', path.join(os.tmpdir(), 'never-created')],
        {
          encoding: 'utf8',
        },
      );
      expect({ args, status: r.status, stdout: r.stdout }).toEqual({ args, status: 2, stdout: '' });
      expect(r.stderr).toMatch(message);
    }
    expect(fs.existsSync(path.join(os.tmpdir(), 'never-created'))).toBe(false);
  });

  it("checks each build's programs in its own folder against its own pinned version", () => {
    const install = path.join(__dirname, '..', 'install-fabric.sh');
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'fabric-bin-'));
    try {
      for (const [build, folder, module] of [
        ['release', empty, 'fabric'],
        ['snapshot', path.join(empty, 'snapshot'), 'fabric-snapshot'],
      ]) {
        const version = fs
          .readFileSync(path.join(__dirname, '..', 'fabric-tools', module, 'go.mod'), 'utf8')
          .match(/^require github\.com\/hyperledger\/fabric (\S+)$/m)[1];
        const r = spawnSync('bash', [install, '--check', '--fabric', build], {
          encoding: 'utf8',
          env: { ...process.env, FABRIC_BIN: empty, FABRIC_BIN_BASE: '' },
        });
        expect(r.status).toBe(1);
        expect(r.stdout).toContain(`fabric ${version} (${build})`);
        expect(r.stdout).toContain(`install-fabric.sh --fabric ${build}`);
        if (build === 'snapshot') expect(r.stdout).toContain(`links in ${folder}`);
      }
      const bad = spawnSync('bash', [install, '--fabric', 'nightly'], { encoding: 'utf8' });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/--fabric must be release or snapshot/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
