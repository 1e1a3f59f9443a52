#!/usr/bin/env node
// Renders each organisation's Fabric CA configuration from network/consortium.json, so that
// certificates carry the consortium's subject (C, ST, L, O) instead of fabric-ca's default
// (C=US, ST=North Carolina, O=Hyperledger).
//
//   ca-config.js server <orgName> <port> <operationsAddress> <outFile>
//        writes fabric-ca-server-config.yaml for the organisation's CA; the bootstrap admin's
//        secret is read from the environment variable CA_BOOTSTRAP_SECRET (never from argv,
//        which other users of the machine can read in ps)
//   ca-config.js csr-names <orgName>
//        the subject as fabric-ca-client's --csr.names value (C=..,ST=..,L=..,O=..)
//
// fabric-ca-server reads its bootstrap identity from the configuration file whenever the file
// exists (the -b flag only fills the default file it writes when there is none), so the file
// holds the whole configuration: fabric-ca's own defaults, with csr.names from the consortium.
// One CA per organisation issues both its MSP certificates and its TLS certificates (profile
// tls), and its own TLS server certificate is made from the same csr section, so the CA
// certificate, the CA's TLS certificate and every certificate it issues carry the subject.
'use strict';

const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');

/** consortium.json, read when first needed. */
function loadConsortium() {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'network', 'consortium.json'), 'utf8'));
}

/** Every organisation with a CA: the orderer organisation, the peer organisations, those added later. */
function allOrgs(c) {
  return [c.ordererOrg, ...c.peerOrgs, c.addOrg, ...(Array.isArray(c.addOrgs) ? c.addOrgs : [])];
}

/** The organisation named `name` (its `name` field, e.g. CityA). */
function findOrg(name, c = loadConsortium()) {
  const org = allOrgs(c).find((o) => o.name === name);
  if (!org)
    throw new Error(
      `unknown organisation ${name} (known: ${allOrgs(c)
        .map((o) => o.name)
        .join(', ')})`,
    );
  return org;
}

/** The subject fields of consortium.json and the X.509 attribute each becomes. */
const SUBJECT_FIELDS = [
  ['country', 'C'],
  ['state', 'ST'],
  ['locality', 'L'],
  ['organisation', 'O'],
];

/**
 * The organisation's certificate subject as X.509 names ({C, ST, L, O}), checked: every field
 * present, the country a two-letter ISO 3166 code, and no character that would break
 * fabric-ca-client's `--csr.names` list (`,` `=`), YAML or a distinguished name (control
 * characters, `"`, `\`, `+`, `;`, `<`, `>`).
 */
function subjectNames(org) {
  const subject = org && org.subject;
  if (!subject || typeof subject !== 'object')
    throw new Error(`organisation ${org && org.name}: no subject in network/consortium.json`);
  const names = {};
  for (const [field, attr] of SUBJECT_FIELDS) {
    const value = subject[field];
    if (typeof value !== 'string' || value.trim() === '')
      throw new Error(`organisation ${org.name}: subject.${field} must be a non-empty string`);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f,="\\+;<>]/.test(value) || value !== value.trim())
      throw new Error(
        `organisation ${org.name}: subject.${field} ${JSON.stringify(value)} has a character a subject cannot hold`,
      );
    names[attr] = value;
  }
  if (!/^[A-Z]{2}$/.test(names.C))
    throw new Error(
      `organisation ${org.name}: subject.country must be a two-letter code such as GB, not ${JSON.stringify(names.C)}`,
    );
  return names;
}

/** The subject as fabric-ca-client's --csr.names value: C=GB,ST=England,L=Manchester,O=City A Council. */
function csrNames(org) {
  return Object.entries(subjectNames(org))
    .map(([attr, value]) => `${attr}=${value}`)
    .join(',');
}

/** A YAML double-quoted scalar (JSON strings are valid YAML). */
const q = (value) => JSON.stringify(String(value));

/**
 * fabric-ca-server-config.yaml for one organisation's CA: fabric-ca v1.5's default configuration
 * (signing profiles, key algorithm, registrar attributes of the bootstrap admin) with this
 * network's settings: listening on 127.0.0.1 at `port`, TLS on, CA name ca-<org>, common name ca.<org>.govledger.local,
 * hosts localhost and 127.0.0.1, SQLite, unlimited enrolments, no preset affiliations (network.sh
 * adds the staff affiliation), and csr.names from the consortium's subject.
 */
function serverConfig({ org, port, operationsAddress, adminSecret }) {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`not a port: ${port}`);
  if (!/^[0-9.]+:[0-9]+$/.test(String(operationsAddress)))
    throw new Error(`not a HOST:PORT operations address: ${operationsAddress}`);
  if (typeof adminSecret !== 'string' || !/^[A-Za-z0-9]{16,}$/.test(adminSecret))
    throw new Error('the bootstrap secret must be at least 16 letters or digits');
  const names = subjectNames(org);
  const y = [
    `# Rendered by test-network-scripts/lib/ca-config.js from network/consortium.json (organisation ${org.name}). Do not edit.`,
    'address: "127.0.0.1"',
    `port: ${port}`,
    'debug: false',
    'crlsizelimit: 512000',
    'tls:',
    '  enabled: true',
    '  clientauth:',
    '    type: noclientcert',
    'ca:',
    `  name: ${q(`ca-${org.name}`)}`,
    'crl:',
    '  expiry: 24h',
    'registry:',
    '  maxenrollments: -1',
    '  identities:',
    '    - name: admin',
    `      pass: ${q(adminSecret)}`,
    '      type: client',
    '      affiliation: ""',
    '      attrs:',
    '        hf.Registrar.Roles: "*"',
    '        hf.Registrar.DelegateRoles: "*"',
    '        hf.Revoker: true',
    '        hf.IntermediateCA: true',
    '        hf.GenCRL: true',
    '        hf.Registrar.Attributes: "*"',
    '        hf.AffiliationMgr: true',
    'db:',
    '  type: sqlite3',
    '  datasource: fabric-ca-server.db',
    'ldap:',
    '  enabled: false',
    'affiliations: {}',
    'signing:',
    '  default:',
    '    usage:',
    '      - digital signature',
    '    expiry: 8760h',
    '  profiles:',
    '    ca:',
    '      usage:',
    '        - cert sign',
    '        - crl sign',
    '      expiry: 43800h',
    '      caconstraint:',
    '        isca: true',
    '        maxpathlen: 0',
    '    tls:',
    '      usage:',
    '        - signing',
    '        - key encipherment',
    '        - server auth',
    '        - client auth',
    '        - key agreement',
    '      expiry: 8760h',
    'csr:',
    `  cn: ${q(`ca.${org.name}.govledger.local`)}`,
    '  keyrequest:',
    '    algo: ecdsa',
    '    size: 256',
    '  names:',
    `    - C: ${q(names.C)}`,
    `      ST: ${q(names.ST)}`,
    `      L: ${q(names.L)}`,
    `      O: ${q(names.O)}`,
    '  hosts:',
    '    - localhost',
    '    - 127.0.0.1',
    '  ca:',
    '    expiry: 131400h',
    '    pathlength: 1',
    'bccsp:',
    '  default: SW',
    '  sw:',
    '    hash: SHA2',
    '    security: 256',
    '    filekeystore:',
    '      keystore: msp/keystore',
    'cfg:',
    '  identities:',
    '    passwordattempts: 10',
    'operations:',
    `  listenAddress: ${q(operationsAddress)}`,
    '  tls:',
    '    enabled: false',
    'metrics:',
    '  provider: disabled',
  ];
  return y.join('\n') + '\n';
}

function main(argv, env = process.env) {
  const [cmd, ...args] = argv;
  switch (cmd) {
    case 'server': {
      if (args.length !== 4)
        throw new Error('usage: ca-config.js server <orgName> <port> <operationsAddress> <outFile>');
      const [name, port, operationsAddress, outFile] = args;
      const text = serverConfig({
        org: findOrg(name),
        port: Number(port),
        operationsAddress,
        adminSecret: env.CA_BOOTSTRAP_SECRET,
      });
      fs.writeFileSync(outFile, text, { mode: 0o600 });
      return '';
    }
    case 'csr-names':
      if (args.length !== 1) throw new Error('usage: ca-config.js csr-names <orgName>');
      return csrNames(findOrg(args[0]));
    default:
      throw new Error('usage: ca-config.js server|csr-names ...');
  }
}

module.exports = { SUBJECT_FIELDS, subjectNames, csrNames, serverConfig, findOrg, main };

if (require.main === module) {
  try {
    const out = main(process.argv.slice(2));
    if (out) process.stdout.write(out + '\n');
  } catch (err) {
    process.stderr.write(`ca-config.js: ${err.message}\n`);
    process.exit(2);
  }
}
