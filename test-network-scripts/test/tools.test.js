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

describe('network-json', () => {
  const network = [
    'channel=govchannel',
    'consensus=raft',
    'portBase=17000',
    'gatewayPort=17999',
    'usersDir=/state/users',
  ];
  const orderer = (n, port) => ['--orderer', `name=${n}`, `endpoint=127.0.0.1:${port}`];
  const org = (n, probe = `staff-${n}`) => [
    '--org',
    `name=${n}`,
    `mspId=${n}MSP`,
    `label=City ${n}`,
    'peerEndpoint=127.0.0.1:7100',
    'peerHostOverride=localhost',
    `tlsRootCert=/state/nodes/peer0.${n}/tls/ca.crt`,
    'caUrl=https://127.0.0.1:7300',
    `caTlsCert=/state/ca/${n}/ca-cert.pem`,
    `adminMsp=/state/orgs/${n}/admin/msp`,
    `probeIdentity=${probe}`,
  ];
  const args = [
    ...network,
    ...orderer('orderer1', 7050),
    ...orderer('orderer2', 7051),
    ...org('cityA'),
    ...org('cityB', ''),
  ];

  it('builds network.json from KEY=VALUE fields in a fixed key order, ports as numbers, with a final newline', () => {
    const text = tools.networkJson(args);
    expect(text.endsWith('}\n')).toBe(true);
    const doc = JSON.parse(text);
    expect(Object.keys(doc)).toEqual([
      'channel',
      'consensus',
      'portBase',
      'gatewayPort',
      'orderers',
      'organisations',
      'usersDir',
    ]);
    expect(doc).toMatchObject({
      channel: 'govchannel',
      consensus: 'raft',
      portBase: 17000,
      gatewayPort: 17999,
    });
    expect(doc.usersDir).toBe('/state/users');
    expect(doc.orderers).toEqual([
      { name: 'orderer1', endpoint: '127.0.0.1:7050' },
      { name: 'orderer2', endpoint: '127.0.0.1:7051' },
    ]);
    expect(doc.organisations.map((o) => Object.keys(o))).toEqual([
      Object.keys(tools.ORG_FIELDS),
      Object.keys(tools.ORG_FIELDS),
    ]);
    expect(doc.organisations[0]).toEqual({
      name: 'cityA',
      mspId: 'cityAMSP',
      label: 'City cityA',
      peerEndpoint: '127.0.0.1:7100',
      peerHostOverride: 'localhost',
      tlsRootCert: '/state/nodes/peer0.cityA/tls/ca.crt',
      caUrl: 'https://127.0.0.1:7300',
      caTlsCert: '/state/ca/cityA/ca-cert.pem',
      adminMsp: '/state/orgs/cityA/admin/msp',
      probeIdentity: 'staff-cityA',
    });
    // an organisation without a staff reader keeps an empty probeIdentity
    expect(doc.organisations[1].probeIdentity).toBe('');
    // values are data, not JSON: quotes and backslashes survive
    const odd = JSON.parse(tools.networkJson([...args.slice(0, -1), 'probeIdentity=a"b\\c']));
    expect(odd.organisations[1].probeIdentity).toBe('a"b\\c');
  });

  it('rejects missing, empty, unknown, repeated and malformed fields, bad ports and duplicate names', () => {
    const bad = (a) => () => tools.networkJson(a);
    expect(bad(args.filter((a) => a !== 'channel=govchannel'))).toThrow(
      "network: field 'channel' is missing",
    );
    expect(bad(['channel=', ...args.slice(1)])).toThrow("network: field 'channel' is empty");
    expect(bad(['colour=blue', ...args])).toThrow("network: unknown field 'colour'");
    expect(bad(['channel=x', ...args])).toThrow("network: field 'channel' given twice");
    expect(bad(['channel', ...args])).toThrow("network: expected KEY=VALUE, got 'channel'");
    expect(bad(['portBase=70000', ...args.slice(0, 2), ...args.slice(3)])).toThrow(
      "portBase '70000' is not a port",
    );
    expect(bad(['gatewayPort=', ...args.filter((a) => !a.startsWith('gatewayPort='))])).toThrow(
      "field 'gatewayPort' is empty",
    );
    expect(bad([...network, ...orderer('orderer1', 7050), ...org('cityA').slice(0, -1)])).toThrow(
      "organisation #1: field 'probeIdentity' is missing",
    );
    expect(bad([...network, ...org('cityA')])).toThrow('no --orderer given');
    expect(bad([...network, ...orderer('orderer1', 7050)])).toThrow('no --org given');
    expect(bad([...args, ...orderer('orderer1', 7052)])).toThrow("orderer 'orderer1' given twice");
    expect(bad([...args, ...org('cityA')])).toThrow("organisation 'cityA' given twice");
    expect(bad([...network, ...orderer('orderer1', 7050), '--orderer', 'name=o2', ...org('cityA')])).toThrow(
      "orderer #2: field 'endpoint' is missing",
    );
  });

  it('writes the file as a command; exit 2 and no file on bad fields', () => {
    const dir = tempDir();
    const out = path.join(dir, 'network.json');
    expect(cli(['network-json', out, ...args])).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(fs.readFileSync(out, 'utf8')).toBe(tools.networkJson(args));
    const none = path.join(dir, 'none.json');
    const r = cli(['network-json', none, ...args.slice(1)]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("field 'channel' is missing");
    expect(fs.existsSync(none)).toBe(false);
    expect(cli(['network-json']).status).toBe(2);
    expect(cli(['network-json', 'channel=x']).stderr).toContain('usage: tools.js network-json OUT');
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

  it("network.sh's network_json passes every joined organisation and orderer to network-json", () => {
    const script = fs.readFileSync(path.join(LIB, '..', 'network.sh'), 'utf8');
    const fn = script.match(/^network_json\(\) \{\n[\s\S]*?\n\}\n/m);
    expect(fn).not.toBeNull();
    const state = tempDir();
    fs.mkdirSync(path.join(state, 'nodes', 'peer0.cityA'), { recursive: true });
    fs.mkdirSync(path.join(state, 'nodes', 'peer0.audit'), { recursive: true });
    const r = bash(
      [
        `STATE='${state}'`,
        'var() { local n="$1"; printf "%s" "${!n}"; }',
        'ca_url() { echo "https://127.0.0.1:$(var "CA_PORT_$1")"; }',
        'ca_tls() { echo "$STATE/ca/$1/ca-cert.pem"; }',
        'PEER_ORGS=(cityA cityB); ADD_ORG=audit; ADD_ORGS=(audit); ORDERERS=(orderer1); ORDERER_PORT_orderer1=7050',
        'ORG_MSP_cityA=CityAMSP; ORG_LABEL_cityA="City A"; PEER_PORT_cityA=7100; CA_PORT_cityA=7300',
        'READER_USER_cityA=staffA',
        'ORG_MSP_audit=AuditMSP; ORG_LABEL_audit="Audit Office"; PEER_PORT_audit=7500; CA_PORT_audit=7600',
        'READER_USER_audit=staffAudit',
        'CHANNEL=govchannel; CONSENSUS=bft; PORT_BASE=17000; GATEWAY_PORT=17999',
        fn[0],
        'network_json',
      ].join('\n'),
    );
    expect(r.stderr).toBe('');
    const doc = JSON.parse(fs.readFileSync(path.join(state, 'network.json'), 'utf8'));
    expect(doc).toMatchObject({
      channel: 'govchannel',
      consensus: 'bft',
      portBase: 17000,
      gatewayPort: 17999,
    });
    expect(doc.usersDir).toBe(`${state}/users`);
    expect(doc.orderers).toEqual([{ name: 'orderer1', endpoint: '127.0.0.1:7050' }]);
    // cityB has no peer folder (not started): left out; the Audit Office is in once its peer exists
    expect(doc.organisations.map((o) => o.name)).toEqual(['cityA', 'audit']);
    expect(doc.organisations[1]).toEqual({
      name: 'audit',
      mspId: 'AuditMSP',
      label: 'Audit Office',
      peerEndpoint: '127.0.0.1:7500',
      peerHostOverride: 'localhost',
      tlsRootCert: `${state}/nodes/peer0.audit/tls/ca.crt`,
      caUrl: 'https://127.0.0.1:7600',
      caTlsCert: `${state}/ca/audit/ca-cert.pem`,
      adminMsp: `${state}/orgs/audit/admin/msp`,
      probeIdentity: 'staffAudit',
    });
  });
});

describe('collections-config: blockToLive from the consortium', () => {
  const base = { name: 'licencePrivate_CityAMSP', policy: "OR('CityAMSP.member')", memberOnlyRead: true };
  const retention = { licencePrivate: { retentionDays: 10, blocksPerDay: 7 } };

  it("gives each collection its family's retention in blocks and keeps its other fields", () => {
    expect(tools.collectionsConfig({ privateDataRetention: retention }, [base])).toEqual([
      { ...base, blockToLive: 70 },
    ]);
  });

  it('keeps a record forever (0) only with keepForever and a legal reason', () => {
    const forever = { licencePrivate: { keepForever: true, legalReason: 'statute X requires it' } };
    expect(tools.collectionsConfig({ privateDataRetention: forever }, [base])[0].blockToLive).toBe(0);
    for (const bad of [
      { keepForever: true },
      { keepForever: true, legalReason: ' ' },
      {},
      { retentionDays: 0, blocksPerDay: 5 },
      { retentionDays: 1.5, blocksPerDay: 5 },
    ])
      expect(() =>
        tools.collectionsConfig({ privateDataRetention: { licencePrivate: bad } }, [base]),
      ).toThrow(tools.UsageError);
  });

  it('refuses a collection without a retention entry, or with a blockToLive of its own', () => {
    expect(() => tools.collectionsConfig({ privateDataRetention: {} }, [base])).toThrow(
      /privateDataRetention.licencePrivate/,
    );
    expect(() =>
      tools.collectionsConfig({ privateDataRetention: retention }, [{ ...base, blockToLive: 0 }]),
    ).toThrow(/comes from network\/consortium.json/);
  });

  it("writes the repository's e-licence collections with a non-zero retention", () => {
    const dir = tempDir();
    const out = path.join(dir, 'collections.json');
    const r = cli([
      'collections-config',
      path.join(ROOT, 'network', 'consortium.json'),
      path.join(ROOT, 'network', 'chaincodes', 'e-licence', 'collections.json'),
      out,
      // the founding members (City C's collection comes when it joins)
      '--members',
      'CityAMSP,CityBMSP',
    ]);
    expect(r.status).toBe(0);
    const written = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(written.map((c) => c.name)).toEqual(['licencePrivate_CityAMSP', 'licencePrivate_CityBMSP']);
    for (const c of written) expect(c.blockToLive).toBeGreaterThan(0);
  });
});

describe('collections-config: licensing cities as data', () => {
  const template = [
    {
      _doc: 'a comment',
      forEachOrgWith: 'licensing',
      name: 'licencePrivate_{{mspId}}',
      policy: "OR('{{mspId}}.member')",
      requiredPeerCount: 0,
      maxPeerCount: 1,
      memberOnlyRead: true,
      memberOnlyWrite: true,
      endorsementPolicy: { signaturePolicy: "OR('{{mspId}}.peer')" },
    },
  ];
  const consortium = {
    peerOrgs: [
      { name: 'CityA', mspId: 'CityAMSP', licensing: true },
      { name: 'CityB', mspId: 'CityBMSP', licensing: true },
    ],
    addOrg: { name: 'Audit', mspId: 'AuditMSP', auditsOthers: true },
    addOrgs: [{ name: 'CityC', mspId: 'CityCMSP', licensing: true }],
    privateDataRetention: { licencePrivate: { retentionDays: 10, blocksPerDay: 7 } },
  };

  it('generates one member-only collection per licensing organisation, none for the others', () => {
    const out = tools.collectionsConfig(consortium, template);
    expect(out.map((c) => c.name)).toEqual([
      'licencePrivate_CityAMSP',
      'licencePrivate_CityBMSP',
      'licencePrivate_CityCMSP',
    ]);
    expect(out[2]).toEqual({
      name: 'licencePrivate_CityCMSP',
      policy: "OR('CityCMSP.member')",
      requiredPeerCount: 0,
      maxPeerCount: 1,
      memberOnlyRead: true,
      memberOnlyWrite: true,
      endorsementPolicy: { signaturePolicy: "OR('CityCMSP.peer')" },
      blockToLive: 70,
    });
  });

  it('generates collections only for the organisations that have joined (--members)', () => {
    const joined = tools.collectionsConfig(consortium, template, ['CityAMSP', 'CityBMSP', 'AuditMSP']);
    expect(joined.map((c) => c.name)).toEqual(['licencePrivate_CityAMSP', 'licencePrivate_CityBMSP']);
    const withC = tools.collectionsConfig(consortium, template, ['CityAMSP', 'CityBMSP', 'CityCMSP']);
    expect(withC.map((c) => c.name)).toContain('licencePrivate_CityCMSP');
  });

  it('refuses a template without an organisation flag', () => {
    expect(() => tools.collectionsConfig(consortium, [{ ...template[0], forEachOrgWith: '' }])).toThrow(
      tools.UsageError,
    );
  });

  it("marks the repository's licensing cities in consortium.json and writes theirs through the CLI", () => {
    const repo = JSON.parse(fs.readFileSync(path.join(ROOT, 'network', 'consortium.json'), 'utf8'));
    const licensing = tools
      .consortiumOrgs(repo)
      .filter((o) => o.licensing === true)
      .map((o) => o.mspId);
    expect(licensing).toEqual(expect.arrayContaining(['CityAMSP', 'CityBMSP']));
    expect(licensing).not.toContain('AuditMSP');
    const dir = tempDir();
    const out = path.join(dir, 'collections.json');
    const r = cli([
      'collections-config',
      path.join(ROOT, 'network', 'consortium.json'),
      path.join(ROOT, 'network', 'chaincodes', 'e-licence', 'collections.json'),
      out,
      '--members',
      'CityAMSP,AuditMSP',
    ]);
    expect(r.status).toBe(0);
    const written = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(written.map((c) => c.name)).toEqual(['licencePrivate_CityAMSP']);
    expect(written[0]).not.toHaveProperty('forEachOrgWith');
    expect(Object.keys(written[0]).some((k) => k.startsWith('_'))).toBe(false);
  });
});
