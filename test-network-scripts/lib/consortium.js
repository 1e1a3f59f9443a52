#!/usr/bin/env node
// Reads network/consortium.json (the consortium as data) and answers the shell
// scripts: port map and org facts as shell variables, demo users, and the channel
// configuration (configtx.yaml) rendered for a state folder and a consensus type.
//
//   consortium.js env <portBase> <consensus> <outFile>
//                                                   writes the settings as a file of shell
//                                                   assignments for network.sh to `source`
//   consortium.js shell <portBase> <consensus>      the same assignments on stdout
//   consortium.js users <orgName>                   name \t id.attrs \t pseudonymous(0|1)
//   consortium.js configtx <stateDir> <portBase> <consensus> <outFile>
//   consortium.js pid <mspId> <userName> <keyHex>   pseudonymous id (HMAC-SHA256, hex)
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { csrNames } = require('./ca-config');

const ROOT = path.resolve(__dirname, '..', '..');
const consortium = JSON.parse(fs.readFileSync(path.join(ROOT, 'network', 'consortium.json'), 'utf8'));

// ---- shell settings ------------------------------------------------------------
// network.sh `source`s what env writes, so the output must be nothing but assignments
// whatever consortium.json holds: every name is checked to be a shell identifier and
// every value (and every array element) is single-quoted, with ' written as '\''.
// Inside single quotes the shell expands nothing: no $(...), `...`, $VAR, globs or
// word splitting. Control characters (newlines included) are refused, so the file
// holds exactly one assignment a line.

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A value single-quoted for the shell. */
function shellQuote(value) {
  return `'${String(value).replace(/'/g, `'\\''`)}'`;
}

/**
 * One shell assignment: NAME='value', or NAME=('a' 'b') for an array. Refuses a name
 * that is not a shell identifier (it would run as a command) and a value that is not
 * a string, a finite number or an array of them.
 */
function assignment(name, value) {
  if (typeof name !== 'string' || !NAME.test(name))
    throw new Error(`not a shell variable name: ${JSON.stringify(name)}`);
  const scalar = (v) => {
    if (typeof v === 'string') {
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f]/.test(v))
        throw new Error(`${name}: a control character in ${JSON.stringify(v)}`);
      return shellQuote(v);
    }
    if (typeof v === 'number' && Number.isFinite(v)) return shellQuote(v);
    throw new Error(`${name}: not a string or finite number: ${JSON.stringify(v)}`);
  };
  if (Array.isArray(value)) return `${name}=(${value.map(scalar).join(' ')})`;
  return `${name}=${scalar(value)}`;
}

/** The organisations `network.sh addorg [NAME]` may add: the Audit Office (addOrg), then addOrgs. */
function addableOrgs(c = consortium) {
  return [c.addOrg, ...(Array.isArray(c.addOrgs) ? c.addOrgs : [])];
}

function allPeerOrgs() {
  return [...consortium.peerOrgs, ...addableOrgs()];
}

function findOrg(name) {
  const org = allPeerOrgs().find((o) => o.name === name);
  if (!org) throw new Error(`unknown organisation ${name}`);
  return org;
}

function ordererCount(consensus) {
  return consensus === 'bft' ? consortium.ordererOrg.bftOrderers : consortium.ordererOrg.orderers;
}

function ordererPorts(base, i) {
  const listen = base + consortium.ports.orderer.first + consortium.ports.orderer.stride * (i - 1);
  return { listen, admin: listen + 1, operations: listen + 2 };
}

/**
 * The user an organisation's gateway reads the channel with (readiness probes, chaincode
 * events): its first staff user with gov.role admin, else its first staff user. Staff users
 * are the ones that are not pseudonymous (README, Who can read the channel).
 */
function channelReader(org) {
  const staff = org.users.filter((u) => !u.pseudonymous);
  const admin = staff.find((u) =>
    String(u.attrs['gov.role'] || '')
      .split('+')
      .includes('admin'),
  );
  return (admin || staff[0] || {}).name;
}

/** The settings network.sh works with, as [name, value] pairs (a value may be an array). */
function settings(base, consensus, c = consortium) {
  if (!Number.isInteger(base)) throw new Error(`the port base must be an integer, not ${base}`);
  const vars = [];
  const set = (name, value) => vars.push([name, value]);
  const ordererPortsOf = (i) => {
    const listen = base + c.ports.orderer.first + c.ports.orderer.stride * (i - 1);
    return { listen, admin: listen + 1, operations: listen + 2 };
  };
  const peerOrgs = [...c.peerOrgs, ...addableOrgs(c)];
  set('CHANNEL', c.channel);
  set(
    'PEER_ORGS',
    c.peerOrgs.map((o) => o.name),
  );
  set('ADD_ORG', c.addOrg.name);
  // every organisation addorg may add (addorg's default is ADD_ORG, the Audit Office)
  set(
    'ADD_ORGS',
    addableOrgs(c).map((o) => o.name),
  );
  set('ORDERER_ORG', c.ordererOrg.name);
  set('ORDERER_MSP', c.ordererOrg.mspId);
  set(`CA_PORT_${c.ordererOrg.name}`, base + c.ordererOrg.caPort);
  set(`CA_OPS_PORT_${c.ordererOrg.name}`, base + c.ports.caOperationsOffset + c.ordererOrg.caPort);
  set(`CSR_NAMES_${c.ordererOrg.name}`, csrNames(c.ordererOrg));
  const orderers = [];
  const count = consensus === 'bft' ? c.ordererOrg.bftOrderers : c.ordererOrg.orderers;
  for (let i = 1; i <= count; i++) {
    const name = `orderer${i}`;
    orderers.push(name);
    const p = ordererPortsOf(i);
    set(`ORDERER_PORT_${name}`, p.listen);
    set(`ORDERER_ADMIN_PORT_${name}`, p.admin);
    set(`ORDERER_OPS_PORT_${name}`, p.operations);
  }
  set('ORDERERS', orderers);
  peerOrgs.forEach((o, index) => {
    set(`ORG_INDEX_${o.name}`, index);
    set(`ORG_MSP_${o.name}`, o.mspId);
    set(`ORG_LABEL_${o.name}`, o.label);
    set(`CA_PORT_${o.name}`, base + o.caPort);
    set(`CA_OPS_PORT_${o.name}`, base + c.ports.caOperationsOffset + o.caPort);
    // the organisation's certificate subject, sent with every enrolment (fabric-ca-client --csr.names)
    set(`CSR_NAMES_${o.name}`, csrNames(o));
    set(`PEER_PORT_${o.name}`, base + o.peerPort);
    set(`PEER_CC_PORT_${o.name}`, base + o.peerPort + 1);
    set(`PEER_OPS_PORT_${o.name}`, base + o.peerPort + 2);
    // a licensing city: e-licence's definition has its collection (licencePrivate_<MSP>) once it joined
    set(`LICENSING_${o.name}`, o.licensing === true ? 1 : 0);
  });
  peerOrgs.forEach((o) => {
    // the staff user the gateway reads the channel with (readiness, chaincode events)
    const reader = channelReader(o);
    if (reader) set(`READER_USER_${o.name}`, reader);
  });
  set('STAFF_AFFILIATION', (c.channelReaders && c.channelReaders.staffAffiliation) || '');
  const auditors = peerOrgs.filter((o) => o.auditsOthers === true).map((o) => o.mspId);
  set('AUDIT_ORG_MSPS', auditors.join(','));
  set('CHAINCODES', c.chaincodes);
  c.chaincodes.forEach((cc, index) => set(`CC_INDEX_${String(cc).replace(/-/g, '_')}`, index));
  set('CC_PORT_FIRST', base + c.ports.chaincodeServer.first);
  // one chaincode server per chaincode per organisation: first + stride * chaincodeIndex + orgIndex
  set('CC_PORT_STRIDE', peerOrgs.length);
  set('GATEWAY_PORT', base + c.ports.gateway);
  set('PORT_SPAN', c.ports.caOperationsOffset + 10);
  return vars;
}

/** The settings as shell assignments, one a line (see the quoting rules above). */
function shell(base, consensus, c = consortium) {
  return settings(base, consensus, c)
    .map(([name, value]) => assignment(name, value))
    .join('\n');
}

/** Writes the settings file atomically (a reader never sees half a file). */
function writeEnv(outFile, base, consensus, c = consortium) {
  const text = `# Written by test-network-scripts/lib/consortium.js from network/consortium.json. Do not edit.\n${shell(base, consensus, c)}\n`;
  const tmp = `${outFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, outFile);
}

function users(orgName) {
  return findOrg(orgName)
    .users.map((u) => {
      const attrs = Object.entries(u.attrs)
        .map(([k, v]) => `${k}=${v}:ecert`)
        .join(',');
      return `${u.name}\t${attrs}\t${u.pseudonymous ? 1 : 0}`;
    })
    .join('\n');
}

function pid(mspId, userName, keyHex) {
  return crypto.createHmac('sha256', Buffer.from(keyHex, 'hex')).update(`${mspId}:${userName}`).digest('hex');
}

// ---- configtx.yaml -------------------------------------------------------------

function orgPolicies(msp) {
  return [
    '    Policies:',
    '      Readers:',
    '        Type: Signature',
    `        Rule: "OR('${msp}.admin', '${msp}.peer', '${msp}.client')"`,
    '      Writers:',
    '        Type: Signature',
    `        Rule: "OR('${msp}.admin', '${msp}.client')"`,
    '      Admins:',
    '        Type: Signature',
    `        Rule: "OR('${msp}.admin')"`,
    '      Endorsement:',
    '        Type: Signature',
    `        Rule: "OR('${msp}.peer')"`,
  ];
}

function implicitPolicies(indent, extra) {
  const pad = ' '.repeat(indent);
  const rows = [
    ['Readers', 'ANY Readers'],
    ['Writers', 'ANY Writers'],
    ['Admins', 'MAJORITY Admins'],
    ...extra,
  ];
  const out = [`${pad}Policies:`];
  for (const [name, rule] of rows) {
    out.push(`${pad}  ${name}:`, `${pad}    Type: ImplicitMeta`, `${pad}    Rule: "${rule}"`);
  }
  return out;
}

// Who reads the channel (README, Who can read the channel). /Channel/Application/Readers is
// every organisation's Readers policy, which channel-readers.js narrows to admins, peers and
// staff (the OU of channelReaders.staffAffiliation); /Channel/Application/Writers is every
// client that may submit, citizens and enterprises included. Fabric would map each resource
// below to Readers by default; they are listed so that the channel configuration says what
// it enforces. Two go to Writers on purpose: a submitter needs its transaction's commit status
// (validation code and block number of a transaction id it already holds), and the channel
// height (GetChainInfo: height and block hashes, no block content) to read its own writes.
const CHANNEL_ACLS = {
  'event/Block': '/Channel/Application/Readers',
  'event/FilteredBlock': '/Channel/Application/Readers',
  'qscc/GetBlockByNumber': '/Channel/Application/Readers',
  'qscc/GetBlockByHash': '/Channel/Application/Readers',
  'qscc/GetTransactionByID': '/Channel/Application/Readers',
  'qscc/GetBlockByTxID': '/Channel/Application/Readers',
  'qscc/GetChainInfo': '/Channel/Application/Writers',
  'gateway/ChaincodeEvents': '/Channel/Application/Readers',
  'gateway/CommitStatus': '/Channel/Application/Writers',
  'cscc/GetConfigBlock': '/Channel/Application/Readers',
  'cscc/GetChannelConfig': '/Channel/Application/Readers',
};

function configtx(stateDir, base, consensus) {
  const ord = consortium.ordererOrg;
  const count = ordererCount(consensus);
  const y = [];
  y.push('# Rendered by test-network-scripts/lib/consortium.js from network/consortium.json. Do not edit.');
  y.push('Organizations:');
  y.push(
    `  - &${ord.name}`,
    `    Name: ${ord.mspId}`,
    `    ID: ${ord.mspId}`,
    `    MSPDir: ${stateDir}/orgs/${ord.name}/msp`,
  );
  y.push('    Policies:');
  y.push('      Readers:', '        Type: Signature', `        Rule: "OR('${ord.mspId}.member')"`);
  y.push('      Writers:', '        Type: Signature', `        Rule: "OR('${ord.mspId}.member')"`);
  y.push('      Admins:', '        Type: Signature', `        Rule: "OR('${ord.mspId}.admin')"`);
  y.push('    OrdererEndpoints:');
  for (let i = 1; i <= count; i++) y.push(`      - 127.0.0.1:${ordererPorts(base, i).listen}`);
  for (const o of allPeerOrgs()) {
    const mspDir = `${stateDir}/orgs/${o.name}/msp`;
    if (!consortium.peerOrgs.includes(o) && !fs.existsSync(mspDir)) continue;
    y.push(`  - &${o.name}`, `    Name: ${o.mspId}`, `    ID: ${o.mspId}`, `    MSPDir: ${mspDir}`);
    y.push(...orgPolicies(o.mspId));
    y.push('    AnchorPeers:', '      - Host: 127.0.0.1', `        Port: ${base + o.peerPort}`);
  }
  y.push('');
  y.push('Profiles:');
  y.push('  GovChannel:');
  y.push(...implicitPolicies(4, []));
  // V3_0 only for BFT (the snapshot build; Fabric v2.5.0 has no V3_0). Raft channels stay V2_0 on
  // both builds: the snapshot build's peer gateway takes any V3_0 channel for BFT and sends each
  // transaction to every orderer, which Raft then orders once per orderer (README "Fabric version")
  y.push('    Capabilities:', consensus === 'bft' ? '      V3_0: true' : '      V2_0: true');
  y.push('    Orderer:');
  y.push(`      OrdererType: ${consensus === 'bft' ? 'BFT' : 'etcdraft'}`);
  y.push(`      BatchTimeout: ${consortium.orderer.batchTimeout}`);
  y.push('      BatchSize:');
  y.push(`        MaxMessageCount: ${consortium.orderer.maxMessageCount}`);
  y.push(`        AbsoluteMaxBytes: ${consortium.orderer.absoluteMaxBytes}`);
  y.push(`        PreferredMaxBytes: ${consortium.orderer.preferredMaxBytes}`);
  const tls = (i) => `${stateDir}/nodes/orderer${i}/tls/server.crt`;
  if (consensus === 'bft') {
    y.push('      ConsenterMapping:');
    for (let i = 1; i <= count; i++) {
      y.push(
        `        - ID: ${i}`,
        '          Host: 127.0.0.1',
        `          Port: ${ordererPorts(base, i).listen}`,
        `          MSPID: ${ord.mspId}`,
        `          Identity: ${stateDir}/nodes/orderer${i}/msp/signcerts/cert.pem`,
        `          ClientTLSCert: ${tls(i)}`,
        `          ServerTLSCert: ${tls(i)}`,
      );
    }
    // every option: configtxgen leaves an unset one empty, and the orderer refuses an empty duration
    y.push('      SmartBFT:');
    for (const [key, value] of Object.entries(consortium.orderer.smartBft))
      y.push(`        ${key}: ${value}`);
  } else {
    y.push('      EtcdRaft:', '        Consenters:');
    for (let i = 1; i <= count; i++) {
      y.push(
        '          - Host: 127.0.0.1',
        `            Port: ${ordererPorts(base, i).listen}`,
        `            ClientTLSCert: ${tls(i)}`,
        `            ServerTLSCert: ${tls(i)}`,
      );
    }
    y.push(
      '        Options:',
      '          TickInterval: 500ms',
      '          ElectionTick: 10',
      '          HeartbeatTick: 1',
      '          MaxInflightBlocks: 5',
      `          SnapshotIntervalSize: ${consortium.orderer.raftSnapshotIntervalSize}`,
    );
  }
  y.push(`      Organizations:`, `        - *${ord.name}`);
  y.push(...implicitPolicies(6, [['BlockValidation', 'ANY Writers']]));
  y.push('      Capabilities:', '        V2_0: true');
  y.push('    Application:');
  y.push('      Organizations:');
  for (const o of consortium.peerOrgs) y.push(`        - *${o.name}`);
  y.push(
    ...implicitPolicies(6, [
      ['LifecycleEndorsement', 'MAJORITY Endorsement'],
      ['Endorsement', 'MAJORITY Endorsement'],
    ]),
  );
  y.push('      Capabilities:', '        V2_5: true');
  y.push('      ACLs:');
  for (const [resource, policy] of Object.entries(CHANNEL_ACLS)) y.push(`        ${resource}: ${policy}`);
  return y.join('\n') + '\n';
}

// ---- main ----------------------------------------------------------------------

function main(argv) {
  const [cmd, ...args] = argv;
  switch (cmd) {
    case 'shell':
      return shell(Number(args[0]), args[1]);
    case 'env':
      if (!args[2]) throw new Error('usage: consortium.js env <portBase> <consensus> <outFile>');
      writeEnv(args[2], Number(args[0]), args[1]);
      return '';
    case 'users':
      return users(args[0]);
    case 'configtx':
      fs.writeFileSync(args[3], configtx(args[0], Number(args[1]), args[2]));
      return '';
    case 'pid':
      return pid(args[0], args[1], args[2]);
    default:
      throw new Error(`usage: consortium.js env|shell|users|configtx|pid ...`);
  }
}

module.exports = {
  shellQuote,
  assignment,
  settings,
  shell,
  writeEnv,
  users,
  pid,
  configtx,
  channelReader,
  CHANNEL_ACLS,
  main,
};

if (require.main === module) {
  try {
    const out = main(process.argv.slice(2));
    if (out) process.stdout.write(out + '\n');
  } catch (err) {
    process.stderr.write(`consortium.js: ${err.message}\n`);
    process.exit(2);
  }
}
