#!/usr/bin/env node
// The channel configuration steps of `network.sh addorg` (lib/addorg.sh), so that the script
// carries no inline Node program. The configuration itself is handled as protobuf, never as
// configtxlator JSON: the configtxlator of the snapshot build (fabric-config v0.1.0) cannot
// decode a BFT channel's configuration (it knows no Orderer value "Orderers", the BFT consenter
// list). Only the new organisation's own definition goes through JSON (configtxgen -printOrg).
//
//   channel-config.js org-with-anchor ORG_JSON MSP HOST PORT OUT_JSON
//       ORG_JSON is `configtxgen -printOrg MSP` output; writes OUT_JSON: a common.Config (as
//       configtxlator JSON) holding nothing but that organisation under Application, with its
//       AnchorPeers value set to HOST:PORT (configtxlator needs the Application path to know how
//       to encode the organisation's values)
//   channel-config.js add-org CONFIG_BLOCK ORG_ONLY_PB MSP CONFIG_OUT MODIFIED_OUT
//       CONFIG_BLOCK is `peer channel fetch config` output, ORG_ONLY_PB the encoded OUT_JSON above;
//       writes the channel's current common.Config to CONFIG_OUT and a copy with the group MSP of
//       ORG_ONLY_PB's Application added under the channel's Application to MODIFIED_OUT (the two
//       inputs of `configtxlator compute_update`)
//   channel-config.js update-envelope UPDATE_PB CHANNEL OUT
//       UPDATE_PB is `configtxlator compute_update` output (a common.ConfigUpdate); writes OUT: the
//       unsigned common.Envelope of type CONFIG_UPDATE for CHANNEL that `peer channel
//       signconfigtx` signs and `peer channel update` submits
//
// Exit codes: 0 done, 2 bad usage or input.
'use strict';

const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const { common } = require(path.join(ROOT, 'node_modules', '@hyperledger', 'fabric-protos'));

/** A bad command line or input: exit code 2. */
class UsageError extends Error {}

function readFile(file) {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${file} (${err.code || err.message})`);
  }
}

function decode(type, bytes, what) {
  try {
    return type.deserializeBinary(bytes);
  } catch (err) {
    throw new UsageError(`${what} is not a ${type.displayName || 'protobuf message'} (${err.message})`);
  }
}

/**
 * The configtxlator JSON of a common.Config that holds only the organisation `org` (configtxgen
 * -printOrg output, not modified) under Application.MSP, with the AnchorPeers value `host:port`.
 */
function orgWithAnchor(org, mspId, host, port) {
  if (org === null || typeof org !== 'object' || Array.isArray(org))
    throw new UsageError('the organisation definition is not a JSON object');
  if (!mspId) throw new UsageError('no MSP ID given');
  if (!host) throw new UsageError('no anchor peer host given');
  const portNumber = /^[0-9]+$/.test(String(port)) ? Number(port) : NaN;
  if (!(portNumber >= 1 && portNumber <= 65535))
    throw new UsageError(`anchor peer port '${port}' is not a port`);
  const group = { ...org, values: { ...(org.values || {}) } };
  group.values.AnchorPeers = {
    mod_policy: 'Admins',
    value: { anchor_peers: [{ host, port: portNumber }] },
    version: '0',
  };
  return { channel_group: { groups: { Application: { groups: { [mspId]: group } } } } };
}

/** The common.Config inside a configuration block (its single envelope's ConfigEnvelope). */
function configOfBlock(blockBytes) {
  const block = decode(common.Block, blockBytes, 'the configuration block');
  const data = block.getData() ? block.getData().getDataList_asU8() : [];
  if (data.length !== 1)
    throw new UsageError(`the configuration block holds ${data.length} envelopes, not 1`);
  const envelope = decode(common.Envelope, data[0], "the block's envelope");
  const payload = decode(common.Payload, envelope.getPayload_asU8(), "the envelope's payload");
  const header = payload.getHeader();
  const channelHeader =
    header && decode(common.ChannelHeader, header.getChannelHeader_asU8(), 'the channel header');
  if (!channelHeader || channelHeader.getType() !== common.HeaderType.CONFIG)
    throw new UsageError('the block is not a configuration block (its envelope is not of type CONFIG)');
  const config = decode(common.ConfigEnvelope, payload.getData_asU8(), 'the config envelope').getConfig();
  if (!config || !config.getChannelGroup())
    throw new UsageError('the config envelope holds no configuration');
  return config;
}

/** The group `name` under Application of a common.Config (undefined when absent). */
function applicationGroup(config, name) {
  const application = config.getChannelGroup() && config.getChannelGroup().getGroupsMap().get('Application');
  return application && application.getGroupsMap().get(name);
}

/**
 * From a configuration block and an organisation-only common.Config: the channel's current
 * configuration (`original`) and a copy with the organisation `mspId` set under Application
 * (`modified`), both serialised common.Config.
 */
function addOrg(blockBytes, orgOnlyBytes, mspId) {
  const config = configOfBlock(blockBytes);
  const original = config.serializeBinary();
  const application = config.getChannelGroup().getGroupsMap().get('Application');
  if (!application) throw new UsageError('the channel configuration has no Application group');
  const org = applicationGroup(decode(common.Config, orgOnlyBytes, 'the organisation configuration'), mspId);
  if (!org) throw new UsageError(`the organisation configuration has no Application group ${mspId}`);
  application.getGroupsMap().set(mspId, org);
  return { original, modified: config.serializeBinary() };
}

/** The unsigned CONFIG_UPDATE envelope of a serialised common.ConfigUpdate for `channel`. */
function updateEnvelope(updateBytes, channel) {
  if (!channel) throw new UsageError('no channel given');
  const update = decode(common.ConfigUpdate, updateBytes, 'the config update');
  if (update.getChannelId() && update.getChannelId() !== channel)
    throw new UsageError(`the config update is for channel ${update.getChannelId()}, not ${channel}`);
  const configUpdateEnvelope = new common.ConfigUpdateEnvelope();
  configUpdateEnvelope.setConfigUpdate(updateBytes);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG_UPDATE);
  channelHeader.setChannelId(channel);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(configUpdateEnvelope.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope.serializeBinary();
}

const USAGE = {
  'org-with-anchor': 'org-with-anchor ORG_JSON MSP HOST PORT OUT_JSON',
  'add-org': 'add-org CONFIG_BLOCK ORG_ONLY_PB MSP CONFIG_OUT MODIFIED_OUT',
  'update-envelope': 'update-envelope UPDATE_PB CHANNEL OUT',
};

/** Runs one subcommand (writes its output files); returns what to print. */
function main(argv) {
  const [cmd, ...args] = argv;
  const arity = { 'org-with-anchor': 5, 'add-org': 5, 'update-envelope': 3 }[cmd];
  if (arity === undefined)
    throw new UsageError(`usage: channel-config.js ${Object.keys(USAGE).join('|')} ...`);
  if (args.length !== arity) throw new UsageError(`usage: channel-config.js ${USAGE[cmd]}`);
  switch (cmd) {
    case 'org-with-anchor': {
      const [orgJson, mspId, host, port, out] = args;
      let org;
      try {
        org = JSON.parse(readFile(orgJson).toString('utf8'));
      } catch (err) {
        if (err instanceof UsageError) throw err;
        throw new UsageError(`${orgJson} is not valid JSON (${err.message})`);
      }
      fs.writeFileSync(out, JSON.stringify(orgWithAnchor(org, mspId, host, port)));
      return '';
    }
    case 'add-org': {
      const [block, orgOnly, mspId, configOut, modifiedOut] = args;
      const { original, modified } = addOrg(readFile(block), readFile(orgOnly), mspId);
      fs.writeFileSync(configOut, original);
      fs.writeFileSync(modifiedOut, modified);
      return '';
    }
    default: {
      const [update, channel, out] = args;
      fs.writeFileSync(out, updateEnvelope(readFile(update), channel));
      return '';
    }
  }
}

module.exports = { orgWithAnchor, configOfBlock, addOrg, updateEnvelope, main, UsageError };

if (require.main === module) {
  try {
    process.stdout.write(main(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`channel-config.js: ${err.message}\n`);
    process.exit(2);
  }
}
