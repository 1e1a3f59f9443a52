// lib/enrol.js (the batch enrolment of `network.sh up`) and lib/parallel.sh (its parallel steps),
// without a CA: parsing, CSRs, the pool, and the parallel jobs' output and failure reporting.
'use strict';

const { afterAll, describe, expect, it } = require('@jest/globals');
const { spawnSync } = require('child_process');
const { setTimeout: sleep } = require('timers/promises');
const fs = require('fs');
const os = require('os');
const path = require('path');
const enrol = require('../lib/enrol');
const consortium = require('../lib/consortium');

const LIB = path.join(__dirname, '..', 'lib');
const made = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'enrol-'));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('enrol.js', () => {
  it('parses --id.attrs syntax, ecert or not', () => {
    expect(enrol.parseAttrs('')).toEqual([]);
    expect(enrol.parseAttrs('gov.role=issuer:ecert,gov.dept=market')).toEqual([
      { name: 'gov.role', value: 'issuer', ecert: true },
      { name: 'gov.dept', value: 'market', ecert: false },
    ]);
    expect(() => enrol.parseAttrs('novalue')).toThrow(/bad attribute/);
  });

  it('parses a batch of tab-separated identities, empty fields included', () => {
    const text =
      'Admin@CityA\tadmin\t/s/admin\t\ttls\t\nalice\tclient\t/s/users/alice\tgov.role=x:ecert\t\tstaff\n\n';
    expect(enrol.parseBatch(text)).toEqual([
      { name: 'Admin@CityA', type: 'admin', dir: '/s/admin', attrs: '', tls: true, affiliation: '' },
      {
        name: 'alice',
        type: 'client',
        dir: '/s/users/alice',
        attrs: 'gov.role=x:ecert',
        tls: false,
        affiliation: 'staff',
      },
    ]);
    expect(() => enrol.parseBatch('only-a-name\n')).toThrow(/bad batch line/);
  });

  it('makes a CSR with the organisation subject, the CN, and for TLS the hosts', () => {
    expect(enrol.subject('peer0.CityA', 'C=GB,ST=England,L=Manchester,O=City A Council')).toBe(
      'CN=peer0.CityA,O=City A Council,L=Manchester,ST=England,C=GB',
    );
    const { keyPem, csr } = enrol.keyAndCsr('peer0.CityA', 'C=GB,ST=England,O=City A Council', [
      'localhost',
      '127.0.0.1',
    ]);
    expect(keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'csr.pem'), csr);
    const out = spawnSync(
      'openssl',
      ['req', '-in', path.join(dir, 'csr.pem'), '-noout', '-text', '-verify'],
      { encoding: 'utf8' },
    );
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(
      /Subject: C\s*=\s*GB, ST\s*=\s*England, O\s*=\s*City A Council, CN\s*=\s*peer0\.CityA/,
    );
    expect(out.stdout).toMatch(/DNS:localhost, IP Address:127\.0\.0\.1/);
    expect(out.stdout).toMatch(/prime256v1|P-256/);
  });

  it('signs the registrar token with a low S, verifiable over METHOD.path.body.cert', () => {
    const { privateKey, publicKey } = require('crypto').generateKeyPairSync('ec', {
      namedCurve: 'prime256v1',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const half = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551') >> 1n;
    for (let i = 0; i < 20; i += 1) {
      const sig = enrol.signLowS(`data ${i}`, privateKey);
      expect(require('crypto').verify('sha256', Buffer.from(`data ${i}`), publicKey, sig)).toBe(true);
      const rLen = sig[3];
      const sLen = sig[5 + rLen];
      const s = BigInt(`0x${sig.subarray(6 + rLen, 6 + rLen + sLen).toString('hex')}`);
      expect(s <= half).toBe(true);
    }
    const token = enrol.authToken('POST', '/api/v1/register', '{"id":"x"}', 'CERT', privateKey);
    const [cert, sig] = token.split('.');
    expect(Buffer.from(cert, 'base64').toString()).toBe('CERT');
    const payload = `POST.${Buffer.from('/api/v1/register').toString('base64')}.${Buffer.from('{"id":"x"}').toString('base64')}.${cert}`;
    expect(
      require('crypto').verify('sha256', Buffer.from(payload), publicKey, Buffer.from(sig, 'base64')),
    ).toBe(true);
  });

  it('runs a pool at most `limit` at a time and rejects on a failure', async () => {
    let running = 0;
    let most = 0;
    const done = [];
    await enrol.pool([1, 2, 3, 4, 5, 6], 2, async (n) => {
      running += 1;
      most = Math.max(most, running);
      await sleep(5);
      done.push(n);
      running -= 1;
    });
    expect(most).toBe(2);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6]);
    await expect(
      enrol.pool([1, 2], 2, async (n) => {
        if (n === 2) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });

  it('the pid network.sh computes with openssl is consortium.js pid', () => {
    const key = 'ab'.repeat(32);
    const out = spawnSync(
      'bash',
      [
        '-c',
        `printf '%s' "CityAMSP:citizen-a1" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:${key}" -r | cut -d' ' -f1`,
      ],
      { encoding: 'utf8' },
    );
    expect(out.stdout.trim()).toBe(consortium.pid('CityAMSP', 'citizen-a1', key));
  });

  it('refuses to run without its arguments', () => {
    const out = spawnSync('node', [path.join(LIB, 'enrol.js')], { encoding: 'utf8' });
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/usage: enrol\.js/);
  });
});

/** Runs a bash snippet with common.sh, procs.sh and parallel.sh sourced, STATE in a temp folder. */
const bash = (script) =>
  spawnSync(
    'bash',
    [
      '-c',
      `set -euo pipefail; source "${LIB}/common.sh"; source "${LIB}/procs.sh"; source "${LIB}/parallel.sh"; ${script}`,
    ],
    { encoding: 'utf8', env: { ...process.env, STATE: tempDir() } },
  );

describe('parallel.sh', () => {
  it('prints each job output in order and hands back the processes the jobs started', () => {
    const out = bash(`
      slow() { sleep 0.2; echo "slow $1"; STARTED_THIS_RUN+=("node-$1"); }
      fast() { echo "fast $1"; }
      par_begin g
      par_job g a slow 1
      par_job g b fast 2
      par_wait g "the test"
      echo "started: \${STARTED_THIS_RUN[*]}"`);
    expect(out.status).toBe(0);
    expect(out.stdout).toBe('slow 1\nfast 2\nstarted: node-1\n');
  });

  it('runs the jobs concurrently', () => {
    const t0 = Date.now();
    const out = bash(
      'par_begin g; for i in 1 2 3 4; do par_job g "j$i" sleep 0.5; done; par_wait g "sleeping"',
    );
    expect(out.status).toBe(0);
    expect(Date.now() - t0).toBeLessThan(1900);
  });

  it('fails when a job fails, naming it and showing its failing step and log tail, after all jobs end', () => {
    const out = bash(`
      bad() { step "Doing the bad thing"; echo "line in log" > "$STATE/x.log"; die "it broke" "$STATE/x.log"; }
      good() { sleep 0.2; echo good done; }
      par_begin g
      par_job g bad-one bad
      par_job g good-one good
      par_wait g "the group"
      echo never`);
    expect(out.status).toBe(1);
    expect(out.stdout).toContain('good done');
    expect(out.stdout).not.toContain('never');
    expect(out.stderr).toContain('[bad-one failed]');
    expect(out.stderr).toContain('error: it broke');
    expect(out.stderr).toContain('failing step: Doing the bad thing');
    expect(out.stderr).toContain('| line in log');
    expect(out.stderr).toMatch(/error: the group failed for: bad-one/);
  });
});
