// lib/channel-readers.js: each organisation's Readers policy becomes OR(admin, peer, OU=staff),
// the OU principal naming the organisation's root CA by the hash Fabric's MSP computes.
'use strict';

const { describe, expect, it } = require('@jest/globals');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const readers = require('../lib/channel-readers');
const consortiumJs = require('../lib/consortium');

const ROOT = path.join(__dirname, '..', '..');
const { common, msp } = require(path.join(ROOT, 'node_modules', '@hyperledger', 'fabric-protos'));

// self-signed P-256 certificates: one whose signature has a low S (as Fabric CA signs), one a high S
const LOW_S_CA = `-----BEGIN CERTIFICATE-----
MIIBhzCCAS2gAwIBAgIUMEgx7cSlXxXUjKnAB3iPwfXMhpYwCgYIKoZIzj0EAwIw
GDEWMBQGA1UEAwwNY2EudGVzdC5sb2NhbDAgFw0yNjEyMDYxMTExMjZaGA8yMTI2
MTExMjExMTEyNlowGDEWMBQGA1UEAwwNY2EudGVzdC5sb2NhbDBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABK5iEr4nDBa0rh0Nl/K4SR0xI/kvNF/q1u89lVcl0dBD
5kLLTq/egk39Ciw+w0I9j2kEUfKVz85GMEboslms+qCjUzBRMB0GA1UdDgQWBBRY
wcO6c4V5cTAp6WG3ZcpSxChRYDAfBgNVHSMEGDAWgBRYwcO6c4V5cTAp6WG3ZcpS
xChRYDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQC6ps19CZ6x
oaU8eqd+RzKAH7EcZ7XbYyNUPJaFXApDhwIgcOxIn31jE7KQH4I2IX7g6508gwbf
CzAQD+bA+HBeUV4=
-----END CERTIFICATE-----
`;
const HIGH_S_CA = `-----BEGIN CERTIFICATE-----
MIIBhzCCAS2gAwIBAgIUBLQN8+Qu8/rJMra7d41jX7aOOcowCgYIKoZIzj0EAwIw
GDEWMBQGA1UEAwwNY2EudGVzdC5sb2NhbDAgFw0yNjEyMDYxMTExMjVaGA8yMTI2
MTExMjExMTEyNVowGDEWMBQGA1UEAwwNY2EudGVzdC5sb2NhbDBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABChbZlSfVJnQWHWRTse+Wfmg5V4DkOe4TYI5Usy8IH9R
yNN/8PZWS4SpPp9S1d56NSOOheEEbRewYFOn/TYLn26jUzBRMB0GA1UdDgQWBBTg
jLvWTSZN0f7nUaoBd/Zb7wQsdzAfBgNVHSMEGDAWgBTgjLvWTSZN0f7nUaoBd/Zb
7wQsdzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCICBMrIscOhYI
wzZFF019KcAe0VNPu0EFOev0iVktqaIOAiEA0Iw6SAfEgOH0UoMWocPTzuOsRT0F
TmPosifgkFc7nIk=
-----END CERTIFICATE-----
`;

/** An Application group with one organisation whose Readers is OR(admin, peer, client), as configtxgen writes it. */
function configWithOrg(mspId, rootPem) {
  const fabric = new msp.FabricMSPConfig();
  fabric.setName(mspId);
  fabric.setRootCertsList([Buffer.from(rootPem)]);
  const mspConfig = new msp.MSPConfig();
  mspConfig.setType(0);
  mspConfig.setConfig(fabric.serializeBinary());
  const mspValue = new common.ConfigValue();
  mspValue.setValue(mspConfig.serializeBinary());
  mspValue.setModPolicy('Admins');
  const before = new common.ConfigPolicy();
  before.setModPolicy('Admins');
  before.setPolicy(new common.Policy());
  const org = new common.ConfigGroup();
  org.getValuesMap().set('MSP', mspValue);
  org.getPoliciesMap().set('Readers', before);
  const application = new common.ConfigGroup();
  application.getGroupsMap().set(mspId, org);
  const channel = new common.ConfigGroup();
  channel.getGroupsMap().set('Application', application);
  const config = new common.Config();
  config.setChannelGroup(channel);
  return config;
}

function readersOf(config, mspId) {
  const policy = config
    .getChannelGroup()
    .getGroupsMap()
    .get('Application')
    .getGroupsMap()
    .get(mspId)
    .getPoliciesMap()
    .get('Readers');
  return { modPolicy: policy.getModPolicy(), policy: policy.getPolicy() };
}

describe('channel-readers', () => {
  it("writes OR(admin, peer, OU=<staff affiliation>) with the root CA's SHA-256 as certifiers identifier", () => {
    const config = configWithOrg('CityAMSP', LOW_S_CA);
    expect(readers.restrictConfig(config, 'staff')).toEqual(['CityAMSP']);
    const { modPolicy, policy } = readersOf(config, 'CityAMSP');
    expect(modPolicy).toBe('Admins');
    expect(policy.getType()).toBe(common.Policy.PolicyType.SIGNATURE);
    const envelope = common.SignaturePolicyEnvelope.deserializeBinary(policy.getValue_asU8());
    const rule = envelope.getRule().getNOutOf();
    expect(rule.getN()).toBe(1);
    expect(rule.getRulesList().map((r) => r.getSignedBy())).toEqual([0, 1, 2]);
    const [admin, peer, staff] = envelope.getIdentitiesList();
    const role = (p) => msp.MSPRole.deserializeBinary(p.getPrincipal_asU8());
    expect(admin.getPrincipalClassification()).toBe(msp.MSPPrincipal.Classification.ROLE);
    expect([role(admin).getMspIdentifier(), role(admin).getRole()]).toEqual([
      'CityAMSP',
      msp.MSPRole.MSPRoleType.ADMIN,
    ]);
    expect([role(peer).getMspIdentifier(), role(peer).getRole()]).toEqual([
      'CityAMSP',
      msp.MSPRole.MSPRoleType.PEER,
    ]);
    expect(staff.getPrincipalClassification()).toBe(msp.MSPPrincipal.Classification.ORGANIZATION_UNIT);
    const ou = msp.OrganizationUnit.deserializeBinary(staff.getPrincipal_asU8());
    const der = Buffer.from(new crypto.X509Certificate(LOW_S_CA).raw);
    expect(ou.getMspIdentifier()).toBe('CityAMSP');
    expect(ou.getOrganizationalUnitIdentifier()).toBe('staff');
    expect(Buffer.from(ou.getCertifiersIdentifier_asU8())).toEqual(
      crypto.createHash('sha256').update(der).digest(),
    );
  });

  it('refuses a root CA with a high-S signature (Fabric would hash a re-encoded copy)', () => {
    expect(readers.hasLowS(Buffer.from(new crypto.X509Certificate(LOW_S_CA).raw))).toBe(true);
    expect(readers.hasLowS(Buffer.from(new crypto.X509Certificate(HIGH_S_CA).raw))).toBe(false);
    expect(() => readers.restrictConfig(configWithOrg('CityBMSP', HIGH_S_CA), 'staff')).toThrow(/high-S/);
  });

  it('takes the staff OU from network/consortium.json and refuses a name that is not plain', () => {
    const real = JSON.parse(fs.readFileSync(path.join(ROOT, 'network', 'consortium.json'), 'utf8'));
    expect(readers.staffOu(real)).toBe(real.channelReaders.staffAffiliation);
    expect(() => readers.staffOu({ channelReaders: { staffAffiliation: 'a,b' } })).toThrow(/plain name/);
    expect(() => readers.staffOu({})).toThrow(/plain name/);
  });
});

describe('the channel configuration consortium.js renders', () => {
  it("lists the channel's read ACLs: block reads to Readers, commit status and height to Writers", () => {
    const yaml = consortiumJs.configtx('/state', 17000, 'raft');
    const acls = yaml.slice(yaml.indexOf('      ACLs:'));
    for (const resource of [
      'event/Block',
      'event/FilteredBlock',
      'qscc/GetBlockByNumber',
      'qscc/GetTransactionByID',
      'gateway/ChaincodeEvents',
    ])
      expect(acls).toContain(`        ${resource}: /Channel/Application/Readers`);
    expect(acls).toContain('        gateway/CommitStatus: /Channel/Application/Writers');
    expect(acls).toContain('        qscc/GetChainInfo: /Channel/Application/Writers');
  });

  it("names each organisation's staff reader for the gateway: an admin user, never a pseudonymous one", () => {
    const real = JSON.parse(fs.readFileSync(path.join(ROOT, 'network', 'consortium.json'), 'utf8'));
    for (const org of [...real.peerOrgs, real.addOrg]) {
      const name = consortiumJs.channelReader(org);
      const user = org.users.find((u) => u.name === name);
      expect(user.pseudonymous).toBeFalsy();
      expect(user.attrs['gov.role']).toBe('admin');
    }
    expect(
      consortiumJs.channelReader({
        users: [
          { name: 'c', attrs: {}, pseudonymous: true },
          { name: 's', attrs: { 'gov.role': 'officer' } },
        ],
      }),
    ).toBe('s');
  });
});
