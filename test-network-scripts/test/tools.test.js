// lib/tools.js: the JSON helpers deploy.sh and gateway.sh call instead of inline
// `node -e` programs, as functions, as a command, and through the shell functions.
'use strict';

const { afterAll, describe, expect, it } = require('@jest/globals');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const tools = require('../lib/tools');

const LIB = path.join(__dirname, '..', 'lib');
const ROOT = path.join(__dirname, '..', '..');
const TOOLS = path.join(LIB, 'tools.js');
const made = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nettools-'));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Runs tools.js with `args` and `input` on stdin. */
const cli = (args, input = '') => spawnSync('node', [TOOLS, ...args], { input, encoding: 'utf8' });

describe('json-field', () => {
  it('reads a top-level or nested field as a string, and absent or null as empty', () => {
    const doc = { a: 'x', n: 3, z: null, deep: { user: { token: 't' } } };
    expect(tools.jsonField(doc, ['a'])).toBe('x');
    expect(tools.jsonField(doc, ['n'])).toBe('3');
    expect(tools.jsonField(doc, ['z'])).toBe('');
    expect(tools.jsonField(doc, ['missing'])).toBe('');
    expect(tools.jsonField(doc, ['deep', 'user', 'token'])).toBe('t');
    expect(tools.jsonField(doc, ['a', 'length'])).toBe('');
    expect(tools.jsonField(doc, ['toString'])).toBe('');
  });

  it('reads a file or stdin (empty stdin is an empty document) and prints no newline', () => {
    const file = path.join(tempDir(), 'cc.json');
    fs.writeFileSync(file, JSON.stringify({ endorsementPolicy: "OR('A.peer')", collections: null }));
    expect(cli(['json-field', file, 'endorsementPolicy'])).toMatchObject({
      status: 0,
      stdout: "OR('A.peer')",
    });
    expect(cli(['json-field', file, 'collections'])).toMatchObject({ status: 0, stdout: '' });
    expect(cli(['json-field', '-', 'sequence'], '{"sequence":4,"version":"abc"}\n')).toMatchObject({
      status: 0,
      stdout: '4',
    });
    expect(cli(['json-field', '-', 'sequence'], '')).toMatchObject({ status: 0, stdout: '' });
  });

  it('fails with exit 1 when a --required field is missing, and 2 on bad input', () => {
    const file = path.join(tempDir(), 'tokens.json');
    fs.writeFileSync(file, JSON.stringify({ 'admin-a': { token: 'abc.def.ghi' } }));
    expect(cli(['json-field', '--required', file, 'admin-a', 'token'])).toMatchObject({
      status: 0,
      stdout: 'abc.def.ghi',
    });
    const missing = cli(['json-field', '--required', file, 'admin-b', 'token']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/has no admin-b\.token/);
    expect(cli(['json-field', '-', 'x'], 'not json').status).toBe(2);
    expect(cli(['json-field', '/nonexistent/file.json', 'x']).status).toBe(2);
    expect(cli(['json-field', file]).status).toBe(2);
    expect(cli(['frobnicate']).status).toBe(2);
  });
});

describe('ccaas-connection', () => {
  it('writes the connection.json a CCaaS package carries, with the TLS material inlined', () => {
    const dir = tempDir();
    const pem = (name) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, `-----BEGIN ${name}-----\nAAAA\n-----END ${name}-----\n`);
      return file;
    };
    const out = path.join(dir, 'connection.json');
    const r = cli(['ccaas-connection', out, '127.0.0.1:17500', pem('KEY'), pem('CERT'), pem('CA')]);
    expect(r).toMatchObject({ status: 0, stdout: '' });
    const text = fs.readFileSync(out, 'utf8');
    expect(JSON.parse(text)).toEqual({
      address: '127.0.0.1:17500',
      dial_timeout: '10s',
      tls_required: true,
      client_auth_required: true,
      client_key: '-----BEGIN KEY-----\nAAAA\n-----END KEY-----\n',
      client_cert: '-----BEGIN CERT-----\nAAAA\n-----END CERT-----\n',
      root_cert: '-----BEGIN CA-----\nAAAA\n-----END CA-----\n',
    });
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2));
    expect(cli(['ccaas-connection', out, 'a', '/nonexistent', 'b', 'c']).status).toBe(2);
  });
});

describe('installed-package-id', () => {
  const installed = {
    installed_chaincodes: [
      { package_id: 'e-licence_abc:1111', label: 'e-licence_abc' },
      { package_id: 'e-voting_def:2222', label: 'e-voting_def' },
    ],
  };

  it('finds the package id of a label in queryinstalled output', () => {
    expect(tools.installedPackageId(installed, 'e-voting_def')).toBe('e-voting_def:2222');
    expect(tools.installedPackageId(installed, 'e-voting')).toBe('');
    expect(tools.installedPackageId({}, 'x')).toBe('');
    expect(cli(['installed-package-id', 'e-licence_abc'], JSON.stringify(installed))).toMatchObject({
      status: 0,
      stdout: 'e-licence_abc:1111',
    });
    // the peer prints nothing when nothing is installed; deploy.sh feeds {} when the query fails
    expect(cli(['installed-package-id', 'x'], '')).toMatchObject({ status: 0, stdout: '' });
    expect(cli(['installed-package-id', 'x'], '{}\n')).toMatchObject({ status: 0, stdout: '' });
  });
});

describe('the shell functions that call the tools', () => {
  /** Runs `script` in bash with common.sh and deploy.sh sourced, as network.sh does. */
  const bash = (script, input = '') =>
    spawnSync(
      'bash',
      ['-c', `set -euo pipefail; source "${LIB}/common.sh"; source "${LIB}/deploy.sh"; ${script}`],
      { input, encoding: 'utf8' },
    );

  it('cc_def reads network/chaincodes/NAME/chaincode.json', () => {
    const def = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'network', 'chaincodes', 'e-licence', 'chaincode.json'), 'utf8'),
    );
    const r = bash('printf "%s|%s" "$(cc_def e-licence endorsementPolicy)" "$(cc_def e-licence nothing)"');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${def.endorsementPolicy}|`);
  });
});
