// lib/multihost.js: the multi-host mode's rewriting of configtx.yaml (MSP folders and consenter
// certificates from the exchange folder, nodes by host name) and of network.json (for a client
// outside the namespaces, and for one organisation's gateway), on the configtx.yaml that
// consortium.js renders.
'use strict';

const { describe, expect, it } = require('@jest/globals');
const multihost = require('../lib/multihost');
const consortium = require('../lib/consortium');

const STATE = '/tmp/state';
const BASE = 17000;
// the ports consortium.json gives orderers and peers at port base 17000
const hosts = {
  17050: 'orderer1.orderer.govledger.test',
  17053: 'orderer2.orderer.govledger.test',
  17056: 'orderer3.orderer.govledger.test',
  17020: 'peer0.citya.govledger.test',
  17030: 'peer0.cityb.govledger.test',
};

describe('configtx.yaml for separate hosts', () => {
  const text = multihost.configtx(consortium.configtx(STATE, BASE, 'raft'), STATE, hosts);

  it('names every orderer, consenter and anchor peer by host name, never 127.0.0.1', () => {
    expect(text).not.toContain('127.0.0.1');
    expect(text).toContain('- orderer1.orderer.govledger.test:17050');
    expect(text).toMatch(/- Host: orderer2\.orderer\.govledger\.test\s+Port: 17053/);
    expect(text).toMatch(/- Host: peer0\.cityb\.govledger\.test\s+Port: 17030/);
  });

  it('reads MSP folders and consenter certificates from the exchange folder only', () => {
    const paths = [...text.matchAll(/(?:MSPDir|ClientTLSCert|ServerTLSCert): (\S+)/g)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThan(5);
    for (const p of paths) expect(p.startsWith(`${STATE}/exchange/`)).toBe(true);
    expect(text).toContain(`MSPDir: ${STATE}/exchange/orgs/CityA/msp`);
    expect(text).toContain(`ServerTLSCert: ${STATE}/exchange/orderers/orderer3/server.crt`);
  });

  it('refuses a node address it has no host name for', () => {
    expect(() => multihost.configtx('- 127.0.0.1:9999\n', STATE, hosts)).toThrow(
      /no host name for port 9999/,
    );
  });
});

describe('network.json for separate hosts', () => {
  const facts = {
    channel: 'govchannel',
    usersDir: '/tmp/state/users',
    orderers: [{ name: 'orderer1', endpoint: '127.0.0.1:17050' }],
    organisations: [
      { name: 'CityA', mspId: 'CityAMSP', peerEndpoint: '127.0.0.1:17020', peerHostOverride: 'localhost' },
      { name: 'CityB', mspId: 'CityBMSP', peerEndpoint: '127.0.0.1:17030', peerHostOverride: 'localhost' },
    ],
  };
  const ips = {
    'orderer1.orderer.govledger.test': '10.77.1.10',
    'peer0.citya.govledger.test': '10.77.1.11',
    'peer0.cityb.govledger.test': '10.77.1.12',
  };

  it('outside the namespaces: addresses by IP, the host name as the TLS name to expect', () => {
    const out = multihost.networkJson(facts, hosts, ips);
    expect(out.orderers[0].endpoint).toBe('10.77.1.10:17050');
    expect(out.organisations[1]).toMatchObject({
      peerEndpoint: '10.77.1.12:17030',
      peerHostOverride: 'peer0.cityb.govledger.test',
    });
  });

  it("for an organisation's gateway: only that organisation, by host name", () => {
    const out = multihost.networkJson(facts, hosts, ips, 'CityB');
    expect(out.organisations).toEqual([
      { name: 'CityB', mspId: 'CityBMSP', peerEndpoint: 'peer0.cityb.govledger.test:17030' },
    ]);
    expect(out.usersDir).toBe('/tmp/state/hosts/CityB/users');
    expect(facts.organisations).toHaveLength(2);
  });
});
