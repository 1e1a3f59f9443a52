// lib/postgres.sh and lib/replicas.sh without a network: PostgreSQL started as a network process
// in a hand-made state folder (initdb, start, database created, stopped by its pid) and the
// generated HAProxy configuration accepted by haproxy itself. Needs Debian's postgresql and
// haproxy (install.sh installs them).
'use strict';

const { afterAll, describe, expect, it } = require('@jest/globals');
const { spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const LIB = path.join(__dirname, '..', 'lib');
const state = fs.mkdtempSync(path.join(os.tmpdir(), 'replicas-sh-'));
// the nodes run under the state folder's own supervisord (lib/procs.sh): stop it by its pid, then
// remove the folder
afterAll(() => {
  sh(31000, 'sv_down');
  fs.rmSync(state, { recursive: true, force: true });
});

/** Runs bash with the libraries sourced, in the state folder, the port base `base`. */
function sh(base, script) {
  return spawnSync(
    'bash',
    [
      '-c',
      `set -euo pipefail; source ${LIB}/common.sh; source ${LIB}/procs.sh; source ${LIB}/postgres.sh; ` +
        `source ${LIB}/replicas.sh; GATEWAY_PORT=$((PORT_BASE + 90)); ${script}`,
    ],
    { encoding: 'utf8', env: { ...process.env, STATE: state, PORT_BASE: String(base), NO_COLOR: '1' } },
  );
}

/** A port base whose +90..+99 are free. */
async function freeBase() {
  const free = (port) =>
    new Promise((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (let base = 31000 + Math.floor(Math.random() * 200) * 110; ; base += 110) {
    let ok = true;
    for (let p = base + 90; p < base + 100 && ok; p++) ok = await free(p);
    if (ok) return base;
  }
}

describe('gateway replicas scripts', () => {
  it('start PostgreSQL with the gateway database, and stop it by its pid', async () => {
    const base = await freeBase();
    const up = sh(base, 'pg_start; pg_start; proc_pid postgres');
    expect({ status: up.status, stderr: up.stderr }).toMatchObject({ status: 0 });
    expect(up.stdout).toContain(`postgres://gateway@127.0.0.1:${base + 96}/govledger`);
    const pid = Number(up.stdout.trim().split('\n').pop());
    expect(fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('postgres');
    const psql = sh(
      base,
      `"$(pg_bin)/psql" -h 127.0.0.1 -p ${base + 96} -U gateway -d govledger -tAc 'SELECT 41 + 1'`,
    );
    expect(psql.stdout.trim()).toBe('42');
    const down = sh(base, 'pg_stop; is_running postgres && echo running || echo stopped');
    expect(down.stdout.trim()).toBe('stopped');
    expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
  }, 120_000);

  it('generate an HAProxy configuration haproxy accepts, one checked server per replica', () => {
    const r = sh(
      17000,
      `proxy_config 3 > "$STATE/haproxy.cfg"; haproxy -c -f "$STATE/haproxy.cfg"; cat "$STATE/haproxy.cfg"`,
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Configuration file is valid');
    expect(r.stdout).toContain('bind 127.0.0.1:17090');
    expect(r.stdout).toContain('option httpchk GET /livez');
    for (const i of [1, 2, 3]) expect(r.stdout).toContain(`server gateway-${i} 127.0.0.1:${17090 + i}`);
  });

  it('refuse a replica count out of range', () => {
    const r = sh(17000, 'cmd_gateway_replicas 1');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('--replicas must be between 2 and 5');
  });

  it('restart the running replicas one at a time (addorg), and start none that was not running', async () => {
    const base = await freeBase();
    const fake = (i) =>
      `start_proc gateway-${i} -- node -e "require('http').createServer((q, s) => s.end('ok')).listen(${base + 90 + i}, '127.0.0.1')"; ` +
      `wait_port gateway-${i} ${base + 90 + i} 20`;
    const up = sh(base, `${fake(1)}; ${fake(2)}; proc_pid gateway-1; proc_pid gateway-2`);
    expect({ status: up.status, stderr: up.stderr }).toMatchObject({ status: 0 });
    const before = up.stdout.trim().split('\n').slice(-2);
    try {
      const r = sh(base, 'running_replicas; restart_replicas; proc_pid gateway-1; proc_pid gateway-2');
      expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
      const lines = r.stdout.trim().split('\n');
      // running before, then restarted (gateway-3 was never started: it stays stopped)
      expect(lines.slice(0, 4)).toEqual(['gateway-1', 'gateway-2', 'gateway-1', 'gateway-2']);
      const after = lines.slice(-2);
      expect(after[0]).not.toBe(before[0]);
      expect(after[1]).not.toBe(before[1]);
      for (const pid of before) expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
      expect(sh(base, 'is_running gateway-3 && echo running || echo stopped').stdout.trim()).toBe('stopped');
    } finally {
      sh(base, 'stop_proc gateway-1; stop_proc gateway-2');
    }
  }, 120_000);
});
