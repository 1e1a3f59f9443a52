#!/usr/bin/env node
// The multi-host mode's file rewriting (README, Organisations on separate hosts): what the shell
// scripts write for one host on 127.0.0.1 becomes what organisations on separate hosts agree on,
// host names of the nodes other organisations reach and the public files of the exchange folder.
//
//   multihost.js configtx <file> <stateDir> <hostsJson>
//        rewrites configtx.yaml in place: every MSPDir and consenter TLS certificate from the
//        exchange folder (<stateDir>/exchange/orgs/<org>/msp, exchange/orderers/<node>), every 127.0.0.1 address of a node other
//        organisations reach (orderer endpoints, consenters, anchor peers) as its host name
//   multihost.js network-json <in> <out> <hostsJson> <ipsJson> [orgName]
//        the connection facts of network.json for a client outside the namespaces (no org name:
//        every address as IP:port with the TLS host name as peerHostOverride) or for the gateway
//        of organisation orgName inside its namespace (only that organisation, by host name)
//
// hostsJson maps a listening port (string) to the host name of the node behind it; ipsJson maps
// a host name to its IP address.
'use strict';

const fs = require('fs');
const path = require('path');

/**
 * configtx.yaml for separate hosts: MSP folders and consenter certificates from the exchange
 * folder, nodes by host name.
 */
function configtx(text, stateDir, hosts) {
  const exchange = path.join(stateDir, 'exchange', 'orgs');
  const host = (port) => {
    const h = hosts[String(port)];
    if (!h) throw new Error(`no host name for port ${port}`);
    return h;
  };
  return text
    .replace(/MSPDir: (\S+)\/orgs\/([A-Za-z0-9]+)\/msp/g, (_m, _dir, org) => `MSPDir: ${exchange}/${org}/msp`)
    .replace(
      /(ClientTLSCert|ServerTLSCert): \S+\/nodes\/(orderer[0-9]+)\/tls\/server\.crt/g,
      (_m, key, node) => `${key}: ${path.join(stateDir, 'exchange', 'orderers', node)}/server.crt`,
    )
    .replace(/- 127\.0\.0\.1:([0-9]+)/g, (_m, port) => `- ${host(port)}:${port}`)
    .replace(
      /Host: 127\.0\.0\.1(\s+)Port: ([0-9]+)/g,
      (_m, ws, port) => `Host: ${host(port)}${ws}Port: ${port}`,
    );
}

/** network.json for a client in the root namespace (IPs) or for one organisation's gateway. */
function networkJson(facts, hosts, ips, orgName) {
  const out = JSON.parse(JSON.stringify(facts));
  const rewrite = (endpoint) => {
    const m = /^127\.0\.0\.1:([0-9]+)$/.exec(endpoint || '');
    if (!m || !hosts[m[1]]) return { endpoint };
    const h = hosts[m[1]];
    return orgName ? { endpoint: `${h}:${m[1]}` } : { endpoint: `${ips[h]}:${m[1]}`, hostOverride: h };
  };
  for (const o of out.orderers || []) o.endpoint = rewrite(o.endpoint).endpoint;
  out.organisations = (out.organisations || []).filter((o) => !orgName || o.name === orgName);
  // an organisation's gateway knows its own users only (<state>/hosts/<Org>/users)
  if (orgName && out.usersDir)
    out.usersDir = path.join(path.dirname(out.usersDir), 'hosts', orgName, 'users');
  for (const o of out.organisations) {
    const r = rewrite(o.peerEndpoint);
    o.peerEndpoint = r.endpoint;
    if (r.hostOverride) o.peerHostOverride = r.hostOverride;
    else delete o.peerHostOverride;
  }
  return out;
}

function main(argv) {
  const [cmd, ...args] = argv;
  switch (cmd) {
    case 'configtx': {
      const [file, stateDir, hostsJson] = args;
      fs.writeFileSync(file, configtx(fs.readFileSync(file, 'utf8'), stateDir, JSON.parse(hostsJson)));
      return '';
    }
    case 'network-json': {
      const [input, output, hostsJson, ipsJson, orgName] = args;
      const facts = JSON.parse(fs.readFileSync(input, 'utf8'));
      const json = networkJson(facts, JSON.parse(hostsJson), JSON.parse(ipsJson), orgName);
      const tmp = `${output}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(json, null, 2) + '\n');
      fs.renameSync(tmp, output);
      return '';
    }
    default:
      throw new Error('usage: multihost.js configtx|network-json ...');
  }
}

module.exports = { configtx, networkJson, main };

if (require.main === module) {
  try {
    const out = main(process.argv.slice(2));
    if (out) process.stdout.write(out + '\n');
  } catch (err) {
    process.stderr.write(`multihost.js: ${err.message}\n`);
    process.exit(2);
  }
}
