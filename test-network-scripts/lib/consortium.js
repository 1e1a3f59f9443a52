#!/usr/bin/env node
// Reads network/consortium.json (the consortium as data) and answers the shell
// scripts: port map and org facts as shell variables, demo users, and the channel
// configuration (configtx.yaml) rendered for a state folder and a consensus type.
//
//   consortium.js shell <portBase> <consensus>      shell assignments (eval them)
//   consortium.js users <orgName>                   name \t id.attrs \t pseudonymous(0|1)
//   consortium.js configtx <stateDir> <portBase> <consensus> <outFile>
//   consortium.js pid <mspId> <userName> <keyHex>   pseudonymous id (HMAC-SHA256, hex)
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const ROOT = path.resolve(__dirname, '..', '..');
const consortium = JSON.parse(fs.readFileSync(path.join(ROOT, 'network', 'consortium.json'), 'utf8'));

function allPeerOrgs() {
  return [...consortium.peerOrgs, consortium.addOrg];
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

function shell(base, consensus) {
  const lines = [];
  const q = (v) => `'${String(v).replace(/'/g, `'\\''`)}'`;
  const peerOrgs = consortium.peerOrgs.map((o) => o.name);
  lines.push(`CHANNEL=${q(consortium.channel)}`);
  lines.push(`PEER_ORGS=(${peerOrgs.join(' ')})`);
  lines.push(`ADD_ORG=${q(consortium.addOrg.name)}`);
  lines.push(`ORDERER_ORG=${q(consortium.ordererOrg.name)}`);
  lines.push(`ORDERER_MSP=${q(consortium.ordererOrg.mspId)}`);
  lines.push(`CA_PORT_${consortium.ordererOrg.name}=${base + consortium.ordererOrg.caPort}`);
  lines.push(
    `CA_OPS_PORT_${consortium.ordererOrg.name}=${base + consortium.ports.caOperationsOffset + consortium.ordererOrg.caPort}`,
  );
  const orderers = [];
  for (let i = 1; i <= ordererCount(consensus); i++) {
    const name = `orderer${i}`;
    orderers.push(name);
    const p = ordererPorts(base, i);
    lines.push(
      `ORDERER_PORT_${name}=${p.listen}`,
      `ORDERER_ADMIN_PORT_${name}=${p.admin}`,
      `ORDERER_OPS_PORT_${name}=${p.operations}`,
    );
  }
  lines.push(`ORDERERS=(${orderers.join(' ')})`);
  allPeerOrgs().forEach((o, index) => {
    lines.push(`ORG_INDEX_${o.name}=${index}`);
    lines.push(`ORG_MSP_${o.name}=${q(o.mspId)}`);
    lines.push(`ORG_LABEL_${o.name}=${q(o.label)}`);
    lines.push(`CA_PORT_${o.name}=${base + o.caPort}`);
    lines.push(`CA_OPS_PORT_${o.name}=${base + consortium.ports.caOperationsOffset + o.caPort}`);
    lines.push(`PEER_PORT_${o.name}=${base + o.peerPort}`);
    lines.push(`PEER_CC_PORT_${o.name}=${base + o.peerPort + 1}`);
    lines.push(`PEER_OPS_PORT_${o.name}=${base + o.peerPort + 2}`);
  });
  const auditors = allPeerOrgs()
    .filter((o) => o.auditsOthers === true)
    .map((o) => o.mspId);
  lines.push(`AUDIT_ORG_MSPS=${q(auditors.join(','))}`);
  lines.push(`CHAINCODES=(${consortium.chaincodes.join(' ')})`);
  consortium.chaincodes.forEach((cc, index) => {
    lines.push(`CC_INDEX_${cc.replace(/-/g, '_')}=${index}`);
  });
  lines.push(`CC_PORT_FIRST=${base + consortium.ports.chaincodeServer.first}`);
  lines.push(`GATEWAY_PORT=${base + consortium.ports.gateway}`);
  lines.push(`PORT_SPAN=${consortium.ports.caOperationsOffset + 10}`);
  return lines.join('\n');
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
    if (o === consortium.addOrg && !fs.existsSync(mspDir)) continue;
    y.push(`  - &${o.name}`, `    Name: ${o.mspId}`, `    ID: ${o.mspId}`, `    MSPDir: ${mspDir}`);
    y.push(...orgPolicies(o.mspId));
    y.push('    AnchorPeers:', '      - Host: 127.0.0.1', `        Port: ${base + o.peerPort}`);
  }
  y.push('');
  y.push('Profiles:');
  y.push('  GovChannel:');
  y.push(...implicitPolicies(4, []));
  // V3_0 only for BFT: the pinned Fabric build's peer gateway takes any V3_0 channel for BFT and
  // sends each transaction to every orderer, which Raft then orders once per orderer; a copy that
  // lands in a later block than the original stalls private-data members for 60 s (README)
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
  return y.join('\n') + '\n';
}

// ---- main ----------------------------------------------------------------------

function main(argv) {
  const [cmd, ...args] = argv;
  switch (cmd) {
    case 'shell':
      return shell(Number(args[0]), args[1]);
    case 'users':
      return users(args[0]);
    case 'configtx':
      fs.writeFileSync(args[3], configtx(args[0], Number(args[1]), args[2]));
      return '';
    case 'pid':
      return pid(args[0], args[1], args[2]);
    default:
      throw new Error(`usage: consortium.js shell|users|configtx|pid ...`);
  }
}

try {
  const out = main(process.argv.slice(2));
  if (out) process.stdout.write(out + '\n');
} catch (err) {
  process.stderr.write(`consortium.js: ${err.message}\n`);
  process.exit(2);
}
