// lib/channel-config.js: the channel configuration steps of `network.sh addorg` (the new
// organisation with its anchor peer, the configuration with that organisation added, the
// CONFIG_UPDATE envelope), as functions and as a command, on small protobuf inputs.
'use strict';

const { afterAll, describe, expect, it } = require('@jest/globals');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const channelConfig = require('../lib/channel-config');

const ROOT = path.join(__dirname, '..', '..');
const TOOL = path.join(__dirname, '..', 'lib', 'channel-config.js');
const { common } = require(path.join(ROOT, 'node_modules', '@hyperledger', 'fabric-protos'));

const made = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chancfg-'));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Runs channel-config.js with `args`. */
const cli = (args) => spawnSync('node', [TOOL, ...args], { encoding: 'utf8' });

/** A ConfigValue holding `bytes`. */
function value(bytes, modPolicy = 'Admins') {
  const v = new common.ConfigValue();
  v.setValue(Buffer.from(bytes));
  v.setModPolicy(modPolicy);
  return v;
}

/** An organisation group with an MSP value (its bytes a marker) and a Readers policy. */
function orgGroup(marker) {
  const group = new common.ConfigGroup();
  group.getValuesMap().set('MSP', value(`msp of ${marker}`));
  const readers = new common.ConfigPolicy();
  readers.setModPolicy('Admins');
  group.getPoliciesMap().set('Readers', readers);
  group.setModPolicy('Admins');
  return group;
}

/** A Config whose channel group holds Application (with `orgs`) and an Orderer group, at `sequence`. */
function configWith(orgs, sequence = 3) {
  const application = new common.ConfigGroup();
  application.setModPolicy('Admins');
  for (const name of orgs) application.getGroupsMap().set(name, orgGroup(name));
  const orderer = new common.ConfigGroup();
  orderer.getValuesMap().set('BatchSize', value('batch'));
  const channel = new common.ConfigGroup();
  channel.getGroupsMap().set('Application', application);
  channel.getGroupsMap().set('Orderer', orderer);
  channel.getValuesMap().set('HashingAlgorithm', value('SHA256'));
  const config = new common.Config();
  config.setSequence(sequence);
  config.setChannelGroup(channel);
  return config;
}

/** A configuration block (as `peer channel fetch config` writes it) holding `config`. */
function configBlock(config, channel = 'govchannel', type = common.HeaderType.CONFIG) {
  const configEnvelope = new common.ConfigEnvelope();
  configEnvelope.setConfig(config);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(type);
  channelHeader.setChannelId(channel);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(configEnvelope.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  const data = new common.BlockData();
  data.setDataList([envelope.serializeBinary()]);
  const blockHeader = new common.BlockHeader();
  blockHeader.setNumber(7);
  const block = new common.Block();
  block.setHeader(blockHeader);
  block.setData(data);
  return Buffer.from(block.serializeBinary());
}

/** The organisation-only Config that addorg encodes from org-with-anchor's JSON. */
function orgOnly(mspId) {
  const application = new common.ConfigGroup();
  application.getGroupsMap().set(mspId, orgGroup(mspId));
  const channel = new common.ConfigGroup();
  channel.getGroupsMap().set('Application', application);
  const config = new common.Config();
  config.setChannelGroup(channel);
  return Buffer.from(config.serializeBinary());
}

/** The Application organisations of a serialised Config: name -> MSP value's text. */
function orgsOf(configBytes) {
  const config = common.Config.deserializeBinary(configBytes);
  const out = {};
  config
    .getChannelGroup()
    .getGroupsMap()
    .get('Application')
    .getGroupsMap()
    .forEach((group, name) => {
      out[name] = Buffer.from(group.getValuesMap().get('MSP').getValue_asU8()).toString();
    });
  return out;
}

/** configtxgen -printOrg output, trimmed to what matters here. */
const PRINTED_ORG = {
  groups: {},
  mod_policy: 'Admins',
  policies: { Readers: { mod_policy: 'Admins', policy: { type: 1 }, version: '0' } },
  values: { MSP: { mod_policy: 'Admins', value: { config: { name: 'AuditMSP' } }, version: '0' } },
  version: '0',
};

describe('org-with-anchor', () => {
  it("puts the printed organisation alone under Application with AnchorPeers set to the peer's address", () => {
    const doc = channelConfig.orgWithAnchor(PRINTED_ORG, 'AuditMSP', '127.0.0.1', '26040');
    expect(Object.keys(doc.channel_group.groups)).toEqual(['Application']);
    expect(Object.keys(doc.channel_group.groups.Application.groups)).toEqual(['AuditMSP']);
    const org = doc.channel_group.groups.Application.groups.AuditMSP;
    expect(org.values.AnchorPeers).toEqual({
      mod_policy: 'Admins',
      value: { anchor_peers: [{ host: '127.0.0.1', port: 26040 }] },
      version: '0',
    });
    // everything configtxgen printed stays as it was
    expect(org.values.MSP).toEqual(PRINTED_ORG.values.MSP);
    expect(org.policies).toEqual(PRINTED_ORG.policies);
    expect(org.mod_policy).toBe('Admins');
    // the input is not modified
    expect(PRINTED_ORG.values.AnchorPeers).toBeUndefined();
    // an organisation printed without values gets them
    const bare = channelConfig.orgWithAnchor({ mod_policy: 'Admins' }, 'X', 'h', 1);
    expect(Object.keys(bare.channel_group.groups.Application.groups.X.values)).toEqual(['AnchorPeers']);
  });

  it('refuses a non-object organisation, an empty MSP ID or host and a bad port', () => {
    expect(() => channelConfig.orgWithAnchor([], 'X', 'h', 1)).toThrow('not a JSON object');
    expect(() => channelConfig.orgWithAnchor(null, 'X', 'h', 1)).toThrow('not a JSON object');
    expect(() => channelConfig.orgWithAnchor({}, '', 'h', 1)).toThrow('no MSP ID');
    expect(() => channelConfig.orgWithAnchor({}, 'X', '', 1)).toThrow('no anchor peer host');
    expect(() => channelConfig.orgWithAnchor({}, 'X', 'h', '')).toThrow("port '' is not a port");
    expect(() => channelConfig.orgWithAnchor({}, 'X', 'h', '65536')).toThrow('is not a port');
    expect(() => channelConfig.orgWithAnchor({}, 'X', 'h', '0')).toThrow('is not a port');
  });

  it('writes the JSON file as a command (as addorg.sh calls it)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'org.json'), JSON.stringify(PRINTED_ORG, null, 2) + '\n');
    const out = path.join(dir, 'org-only.json');
    const r = cli(['org-with-anchor', path.join(dir, 'org.json'), 'AuditMSP', '127.0.0.1', '26040', out]);
    expect(r).toMatchObject({ status: 0, stdout: '', stderr: '' });
    const doc = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(doc.channel_group.groups.Application.groups.AuditMSP.values.AnchorPeers.value).toEqual({
      anchor_peers: [{ host: '127.0.0.1', port: 26040 }],
    });
    expect(doc).toEqual(channelConfig.orgWithAnchor(PRINTED_ORG, 'AuditMSP', '127.0.0.1', '26040'));
    fs.writeFileSync(path.join(dir, 'broken.json'), '{');
    const broken = cli(['org-with-anchor', path.join(dir, 'broken.json'), 'AuditMSP', 'h', '1', out]);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain('is not valid JSON');
    const missing = cli(['org-with-anchor', path.join(dir, 'none.json'), 'AuditMSP', 'h', '1', out]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  });
});

describe('add-org', () => {
  it("returns the block's configuration and a copy with the organisation added under Application", () => {
    const before = configWith(['CityAMSP', 'CityBMSP']);
    const { original, modified } = channelConfig.addOrg(configBlock(before), orgOnly('AuditMSP'), 'AuditMSP');
    // config.pb: the channel's configuration exactly as it is in the block
    expect(Buffer.from(original)).toEqual(Buffer.from(before.serializeBinary()));
    expect(orgsOf(original)).toEqual({ CityAMSP: 'msp of CityAMSP', CityBMSP: 'msp of CityBMSP' });
    // modified.pb: the same plus the new organisation, with its values and policies
    expect(orgsOf(modified)).toEqual({
      CityAMSP: 'msp of CityAMSP',
      CityBMSP: 'msp of CityBMSP',
      AuditMSP: 'msp of AuditMSP',
    });
    const after = common.Config.deserializeBinary(modified);
    expect(after.getSequence()).toBe(3);
    const audit = after.getChannelGroup().getGroupsMap().get('Application').getGroupsMap().get('AuditMSP');
    expect(audit.getModPolicy()).toBe('Admins');
    expect(audit.getPoliciesMap().get('Readers').getModPolicy()).toBe('Admins');
    // nothing else changes
    const rest = (c) => {
      const copy = common.Config.deserializeBinary(c.serializeBinary());
      copy.getChannelGroup().getGroupsMap().get('Application').getGroupsMap().del('AuditMSP');
      return Buffer.from(copy.serializeBinary());
    };
    expect(rest(after)).toEqual(Buffer.from(before.serializeBinary()));
  });

  it('refuses a block that is not a configuration block, a configuration without Application, an org-only config without the organisation', () => {
    expect(() =>
      channelConfig.addOrg(
        configBlock(configWith(['CityAMSP']), 'govchannel', common.HeaderType.ENDORSER_TRANSACTION),
        orgOnly('AuditMSP'),
        'AuditMSP',
      ),
    ).toThrow('not a configuration block');
    const noApplication = configWith([]);
    noApplication.getChannelGroup().getGroupsMap().del('Application');
    expect(() => channelConfig.addOrg(configBlock(noApplication), orgOnly('AuditMSP'), 'AuditMSP')).toThrow(
      'has no Application group',
    );
    expect(() =>
      channelConfig.addOrg(configBlock(configWith(['CityAMSP'])), orgOnly('OtherMSP'), 'AuditMSP'),
    ).toThrow('has no Application group AuditMSP');
    const empty = new common.Block();
    empty.setData(new common.BlockData());
    expect(() =>
      channelConfig.addOrg(Buffer.from(empty.serializeBinary()), orgOnly('AuditMSP'), 'AuditMSP'),
    ).toThrow('holds 0 envelopes');
  });

  it('writes config.pb and modified.pb as a command (as addorg.sh calls it)', () => {
    const dir = tempDir();
    const file = (n) => path.join(dir, n);
    fs.writeFileSync(file('config_block.pb'), configBlock(configWith(['CityAMSP', 'CityBMSP'])));
    fs.writeFileSync(file('org-only.pb'), orgOnly('AuditMSP'));
    const r = cli([
      'add-org',
      file('config_block.pb'),
      file('org-only.pb'),
      'AuditMSP',
      file('config.pb'),
      file('modified.pb'),
    ]);
    expect(r).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(Object.keys(orgsOf(fs.readFileSync(file('config.pb'))))).toEqual(['CityAMSP', 'CityBMSP']);
    expect(orgsOf(fs.readFileSync(file('modified.pb')))).toEqual({
      CityAMSP: 'msp of CityAMSP',
      CityBMSP: 'msp of CityBMSP',
      AuditMSP: 'msp of AuditMSP',
    });
    const bad = cli(['add-org', file('org-only.pb'), file('org-only.pb'), 'AuditMSP', file('a'), file('b')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^channel-config\.js: /);
    expect(fs.existsSync(file('a'))).toBe(false);
    expect(cli(['add-org', file('config_block.pb')]).stderr).toContain(
      'usage: channel-config.js add-org CONFIG_BLOCK ORG_ONLY_PB MSP CONFIG_OUT MODIFIED_OUT',
    );
  });
});

describe('update-envelope', () => {
  /** A ConfigUpdate adding one organisation, as configtxlator compute_update writes it. */
  function configUpdate(channel = 'govchannel') {
    const update = new common.ConfigUpdate();
    update.setChannelId(channel);
    update.setReadSet(configWith(['CityAMSP']).getChannelGroup());
    update.setWriteSet(configWith(['CityAMSP', 'AuditMSP']).getChannelGroup());
    return Buffer.from(update.serializeBinary());
  }

  /** The parts of a CONFIG_UPDATE envelope. */
  function openEnvelope(bytes) {
    const envelope = common.Envelope.deserializeBinary(bytes);
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(payload.getHeader().getChannelHeader_asU8());
    const updateEnvelope = common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
    return { envelope, payload, channelHeader, updateEnvelope };
  }

  it('wraps the update, unsigned, in an envelope of type CONFIG_UPDATE for the channel', () => {
    const update = configUpdate();
    const { envelope, payload, channelHeader, updateEnvelope } = openEnvelope(
      channelConfig.updateEnvelope(update, 'govchannel'),
    );
    expect(channelHeader.getType()).toBe(common.HeaderType.CONFIG_UPDATE);
    expect(channelHeader.getChannelId()).toBe('govchannel');
    expect(Buffer.from(updateEnvelope.getConfigUpdate_asU8())).toEqual(update);
    expect(updateEnvelope.getSignaturesList()).toHaveLength(0);
    expect(envelope.getSignature_asU8()).toHaveLength(0);
    expect(payload.getHeader().getSignatureHeader_asU8()).toHaveLength(0);
    const inner = common.ConfigUpdate.deserializeBinary(updateEnvelope.getConfigUpdate_asU8());
    expect([...inner.getWriteSet().getGroupsMap().get('Application').getGroupsMap().keys()].sort()).toEqual([
      'AuditMSP',
      'CityAMSP',
    ]);
  });

  it('refuses an empty channel and an update for another channel', () => {
    expect(() => channelConfig.updateEnvelope(configUpdate(), '')).toThrow('no channel given');
    expect(() => channelConfig.updateEnvelope(configUpdate('other'), 'govchannel')).toThrow(
      'the config update is for channel other, not govchannel',
    );
  });

  it('writes envelope.pb as a command (as addorg.sh calls it)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'update.pb'), configUpdate());
    const out = path.join(dir, 'envelope.pb');
    const r = cli(['update-envelope', path.join(dir, 'update.pb'), 'govchannel', out]);
    expect(r).toMatchObject({ status: 0, stdout: '', stderr: '' });
    const { channelHeader, updateEnvelope } = openEnvelope(fs.readFileSync(out));
    expect(channelHeader.getType()).toBe(common.HeaderType.CONFIG_UPDATE);
    expect(channelHeader.getChannelId()).toBe('govchannel');
    expect(Buffer.from(updateEnvelope.getConfigUpdate_asU8())).toEqual(configUpdate());
    expect(cli(['update-envelope', path.join(dir, 'none.pb'), 'govchannel', out])).toMatchObject({
      status: 2,
    });
    expect(cli(['nothing']).stderr).toContain(
      'usage: channel-config.js org-with-anchor|add-org|update-envelope',
    );
  });
});
