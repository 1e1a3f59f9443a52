// Supervision of the network's nodes: the files lib/supervision.js generates from a node's
// definition (supervisord configuration and program, systemd unit and target), and lib/procs.sh
// against a real supervisord (Debian's supervisor package, installed by install.sh) with a dummy
// node: a crash (kill -9) is restarted and counted, a deliberate stop stays stopped, a start is
// not counted as a restart, and sv_down leaves nothing running.
'use strict';

const { afterAll, beforeAll, describe, expect, it } = require('@jest/globals');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { setTimeout: sleep } = require('timers/promises');
const sup = require('../lib/supervision.js');

const LIB = path.join(__dirname, '..', 'lib');

describe('generated supervision files', () => {
  const state = '/srv/gov ledger/.network';

  it('configures one supervisord per state folder, with its socket, pid file, listener and programs', () => {
    const conf = sup.supervisordConf({
      state,
      socket: `${state}/supervisor/supervisor.sock`,
      python: '/usr/bin/python3',
      listener: '/opt/govledger/lib/sv-events.py',
    });
    expect(conf).toContain(`file=${state}/supervisor/supervisor.sock`);
    expect(conf).toContain(`serverurl=unix://${state}/supervisor/supervisor.sock`);
    expect(conf).toContain(`pidfile=${state}/supervisor/supervisord.pid`);
    // the listener gets the state folder as a shell-quoted argument (supervisord splits commands like a shell)
    expect(conf).toContain(
      `[eventlistener:sv-events]\ncommand='/usr/bin/python3' '/opt/govledger/lib/sv-events.py' '${state}'\nevents=PROCESS_STATE\n`,
    );
    // relative to the configuration's folder: supervisord splits include globs on spaces
    expect(conf).toContain('[include]\nfiles=programs/*.conf');
    expect(conf).toContain('nodaemon=false');
  });

  it('defines a node as a program that runs its run script, restarts after a crash and never starts by itself', () => {
    const conf = sup.programConf({ name: 'peer0.CityA', state, root: '/opt/govledger' });
    expect(conf.split('\n')).toEqual(
      expect.arrayContaining([
        '[program:peer0.CityA]',
        `command=/bin/bash '${state}/run/peer0.CityA.sh'`,
        'autostart=false',
        'autorestart=true',
        `startsecs=${sup.POLICY.startSecs}`,
        `startretries=${sup.POLICY.startRetries}`,
        'stopasgroup=true',
        'killasgroup=true',
        `stopwaitsecs=${sup.POLICY.stopWaitSecs}`,
        'priority=300',
      ]),
    );
  });

  it('orders starts and stops: CAs, orderers, peers, chaincode servers, then the gateway', () => {
    const order = ['ca-CityA', 'orderer1', 'peer0.CityB', 'cc-e-licence-CityA', 'gateway'].map(sup.priority);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(new Set(order).size).toBe(order.length);
  });

  it("escapes '%' in supervisord paths (its string expansion) and refuses relative paths and odd names", () => {
    expect(sup.programConf({ name: 'gateway', state: '/tmp/a%b', root: '/r' })).toContain(
      "command=/bin/bash '/tmp/a%%b/run/gateway.sh'",
    );
    expect(() => sup.programConf({ name: 'gateway', state: 'rel/state', root: '/r' })).toThrow(
      sup.UsageError,
    );
    expect(() => sup.programConf({ name: 'a:b', state, root: '/r' })).toThrow(sup.UsageError);
    expect(() => sup.programConf({ name: '../x', state, root: '/r' })).toThrow(sup.UsageError);
  });

  it('writes a systemd unit per node from the same run script: Restart=on-failure with RestartSec and a start limit', () => {
    const unit = sup.systemdUnit({ name: 'cc-e-licence-CityA', state, pathEnv: '/usr/bin:/bin' });
    const lines = unit.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        `ExecStart=/bin/bash "${state}/run/cc-e-licence-CityA.sh"`,
        'Environment="PATH=/usr/bin:/bin"',
        'Restart=on-failure',
        `RestartSec=${sup.POLICY.restartSec}`,
        `StartLimitBurst=${sup.POLICY.startLimitBurst}`,
        `StartLimitIntervalSec=${sup.POLICY.startLimitIntervalSec}`,
        'KillMode=control-group',
        `TimeoutStopSec=${sup.POLICY.stopWaitSecs}`,
        'PartOf=govledger.target',
        'WantedBy=govledger.target',
        'After=network-online.target govledger-peer0.CityA.service',
      ]),
    );
    const target = sup.systemdTarget({ state, names: ['ca-CityA', 'gateway'] });
    expect(target).toContain('Wants=govledger-ca-CityA.service govledger-gateway.service');
    expect(target).toContain('WantedBy=multi-user.target');
  });

  it('writes the files from the command line and rejects bad usage with exit code 2', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govledger-sup-'));
    try {
      const cli = (...args) =>
        spawnSync('node', [path.join(LIB, 'supervision.js'), ...args], { encoding: 'utf8' });
      expect(cli('unit', `${dir}/u/govledger-gateway.service`, 'gateway', dir, '/usr/bin').status).toBe(0);
      expect(fs.readFileSync(`${dir}/u/govledger-gateway.service`, 'utf8')).toContain('Restart=on-failure');
      expect(cli('program', `${dir}/p.conf`, 'gateway', dir, '/r').status).toBe(0);
      expect(fs.readFileSync(`${dir}/p.conf`, 'utf8')).toContain('[program:gateway]');
      expect(cli('program', `${dir}/p.conf`).status).toBe(2);
      expect(cli('frobnicate', `${dir}/x`).status).toBe(2);
      expect(cli('unit', `${dir}/x`, 'bad name', dir, '/usr/bin').status).toBe(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('lib/procs.sh under a real supervisord', () => {
  let state;

  /** Runs a snippet of bash with lib/common.sh and lib/procs.sh sourced, STATE set. */
  function procs(script) {
    const r = spawnSync(
      'bash',
      ['-c', `set -euo pipefail; source "${LIB}/common.sh"; source "${LIB}/procs.sh"; ${script}`],
      { encoding: 'utf8', env: { ...process.env, STATE: state }, timeout: 60_000 },
    );
    return { status: r.status, out: r.stdout, err: r.stderr };
  }

  /** Polls until check() is truthy; returns its value. */
  async function until(what, check, ms = 15_000) {
    const end = Date.now() + ms;
    for (;;) {
      const v = check();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
      await sleep(200);
    }
  }

  const pidOf = () => {
    const r = procs('proc_pid dummy');
    return r.status === 0 ? Number(r.out.trim()) : 0;
  };
  const row = () =>
    procs('status_table')
      .out.split('\n')
      .find((l) => l.trim().startsWith('dummy')) ?? '';

  beforeAll(() => {
    // a state path with a space and a quote: every supervision file must quote it
    state = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'govledger sv-')), "state 'x'");
    fs.mkdirSync(state);
  });

  afterAll(() => {
    procs('stop_procs $(all_procs); sv_down');
    fs.rmSync(path.dirname(state), { recursive: true, force: true });
  });

  it('starts a node under supervision, restarts it after kill -9 and counts the restart', async () => {
    const start = procs('start_proc dummy GREETING=hello -- sleep 300');
    expect(start).toMatchObject({ status: 0 });
    expect(fs.readFileSync(path.join(state, 'supervisor', 'programs', 'dummy.conf'), 'utf8')).toContain(
      '[program:dummy]',
    );
    expect(fs.readFileSync(path.join(state, 'systemd', 'govledger-dummy.service'), 'utf8')).toContain(
      `ExecStart=/bin/bash "${state}/run/dummy.sh"`,
    );
    const first = pidOf();
    expect(first).toBeGreaterThan(1);
    expect(fs.readFileSync(`/proc/${first}/environ`, 'utf8').split('\0')).toContain('GREETING=hello');
    await until('it is RUNNING', () => / RUNNING /.test(row()));
    expect(procs('restart_count dummy').out.trim()).toBe('0');

    process.kill(first, 'SIGKILL');
    const second = await until('a new pid is recorded', () => {
      const p = pidOf();
      return p && p !== first ? p : 0;
    });
    expect(second).not.toBe(first);
    expect(procs('restart_count dummy').out.trim()).toBe('1');
    await until('it is RUNNING again', () => / RUNNING /.test(row()));
    expect(row()).toMatch(/^\s*dummy\s+RUNNING\s+\d+\s+\d+:\d\d:\d\d\s+1$/);
    const log = fs.readFileSync(path.join(state, 'logs', 'dummy.log'), 'utf8');
    expect(log.match(/--- \S+ start ---/g)).toHaveLength(2);
  }, 60_000);

  it('leaves a deliberately stopped node stopped, and a start by hand is no restart', async () => {
    expect(procs('stop_proc dummy').status).toBe(0);
    expect(pidOf()).toBe(0);
    await sleep(2_500);
    expect(pidOf()).toBe(0);
    expect(row()).toMatch(/^\s*dummy\s+STOPPED\s+-\s+-\s+1$/);
    expect(procs('launch_proc dummy').status).toBe(0);
    expect(pidOf()).toBeGreaterThan(1);
    await until('it is RUNNING', () => / RUNNING /.test(row()));
    expect(procs('restart_count dummy').out.trim()).toBe('1');
  }, 60_000);

  it('stops every node and its supervisord on sv_down, by pid', () => {
    const svPid = Number(procs('sv_pid').out.trim());
    const node = pidOf();
    expect(svPid).toBeGreaterThan(1);
    expect(procs('stop_procs $(all_procs); sv_down').status).toBe(0);
    expect(fs.existsSync(`/proc/${svPid}`)).toBe(false);
    expect(fs.existsSync(`/proc/${node}`)).toBe(false);
    expect(procs('sv_pid').status).not.toBe(0);
    expect(procs('status_table').out).toMatch(/supervisord is NOT running/);
  }, 60_000);
});
