#!/usr/bin/env node
// Who may read the channel (README, "Who can read the channel"): each application
// organisation's Readers policy names its admins, its peers and its staff, i.e. the
// certificates carrying the organisational unit of the consortium's staff affiliation
// (network/consortium.json channelReaders.staffAffiliation; Fabric CA writes a user's
// affiliation into the certificate's OU). Citizens and enterprises are registered
// without that affiliation, so they are clients (they submit: Writers) but not Readers.
//
// configtxgen's policy language names MSP roles only, so this tool writes the
// ORGANIZATION_UNIT principal in protobuf form:
//
//   channel-readers.js genesis <in.block> <out.block>   every application organisation of a
//                                                       genesis block made by configtxgen
//   channel-readers.js config <in.pb> <out.pb>          every application organisation of a
//                                                       common.Config (addorg's new organisation)
//   channel-readers.js describe <in.block>              each organisation's Readers policy as JSON
//
// The OU principal's certifiers identifier is what Fabric's MSP computes for a certificate
// issued directly by a root CA: SHA-256 of the root certificate's DER. It is taken from the
// root certificate inside the organisation's MSP definition in the same configuration, so the
// policy and the MSP cannot disagree.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const ROOT = path.resolve(__dirname, '..', '..');
const { common, msp } = require(path.join(ROOT, 'node_modules', '@hyperledger', 'fabric-protos'));
const consortium = JSON.parse(fs.readFileSync(path.join(ROOT, 'network', 'consortium.json'), 'utf8'));

/** The OU that marks staff certificates (the CA affiliation staff users are registered under). */
function staffOu(c = consortium) {
  const ou = c.channelReaders && c.channelReaders.staffAffiliation;
  if (typeof ou !== 'string' || !/^[A-Za-z0-9_-]+$/.test(ou))
    throw new Error('network/consortium.json: channelReaders.staffAffiliation must be a plain name');
  return ou;
}

// P-256 group order and half of it: Fabric's MSP re-encodes a certificate whose ECDSA signature
// has a high S, and would then hash other bytes than the file holds.
const P256_N = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');

/** Reads one DER element at `offset`: { tag, start (of content), end }. */
function derElement(buf, offset) {
  const tag = buf[offset];
  let len = buf[offset + 1];
  let start = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[offset + 2 + i];
    start += n;
  }
  return { tag, start, end: start + len };
}

/** True when the certificate's ECDSA signature has a low S (or it is not a P-256 ECDSA signature). */
function hasLowS(der) {
  const cert = derElement(der, 0);
  const tbs = derElement(der, cert.start);
  const alg = derElement(der, tbs.end);
  const bits = derElement(der, alg.end);
  if (bits.tag !== 0x03) return true;
  const sig = derElement(der, bits.start + 1); // after the unused-bits byte
  if (sig.tag !== 0x30) return true;
  const r = derElement(der, sig.start);
  const s = derElement(der, r.end);
  const sValue = BigInt(`0x${der.subarray(s.start, s.end).toString('hex') || '0'}`);
  return sValue <= P256_N / 2n;
}

/** Fabric's certification chain identifier of certificates issued directly by `rootPem`. */
function certifiersIdentifier(rootPem) {
  const der = Buffer.from(new crypto.X509Certificate(rootPem).raw);
  if (!hasLowS(der))
    throw new Error(
      'the root CA certificate has a high-S ECDSA signature; Fabric would hash a re-encoded copy',
    );
  return crypto.createHash('sha256').update(der).digest();
}

function principal(classification, message) {
  const p = new msp.MSPPrincipal();
  p.setPrincipalClassification(classification);
  p.setPrincipal(message.serializeBinary());
  return p;
}

function rolePrincipal(mspId, role) {
  const r = new msp.MSPRole();
  r.setMspIdentifier(mspId);
  r.setRole(role);
  return principal(msp.MSPPrincipal.Classification.ROLE, r);
}

function ouPrincipal(mspId, ou, certifiers) {
  const u = new msp.OrganizationUnit();
  u.setMspIdentifier(mspId);
  u.setOrganizationalUnitIdentifier(ou);
  u.setCertifiersIdentifier(certifiers);
  return principal(msp.MSPPrincipal.Classification.ORGANIZATION_UNIT, u);
}

/** OR(admin, peer, OU=staff) of one organisation, as a SIGNATURE policy. */
function readersPolicy(mspId, rootPem, ou) {
  const identities = [
    rolePrincipal(mspId, msp.MSPRole.MSPRoleType.ADMIN),
    rolePrincipal(mspId, msp.MSPRole.MSPRoleType.PEER),
    ouPrincipal(mspId, ou, certifiersIdentifier(rootPem)),
  ];
  const nOutOf = new common.SignaturePolicy.NOutOf();
  nOutOf.setN(1);
  nOutOf.setRulesList(
    identities.map((_, i) => {
      const rule = new common.SignaturePolicy();
      rule.setSignedBy(i);
      return rule;
    }),
  );
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(nOutOf);
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setRule(rule);
  envelope.setIdentitiesList(identities);
  const policy = new common.Policy();
  policy.setType(common.Policy.PolicyType.SIGNATURE);
  policy.setValue(envelope.serializeBinary());
  return policy;
}

/** The MSP ID and the single root certificate of an organisation group. */
function orgMsp(group, name) {
  const value = group.getValuesMap().get('MSP');
  if (!value) throw new Error(`organisation ${name} has no MSP value`);
  const mspConfig = msp.MSPConfig.deserializeBinary(value.getValue_asU8());
  const fabric = msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
  const roots = fabric.getRootCertsList_asU8();
  if (roots.length !== 1 || fabric.getIntermediateCertsList().length !== 0)
    throw new Error(`organisation ${name}: expected one root CA and no intermediate CA`);
  return { mspId: fabric.getName(), rootPem: Buffer.from(roots[0]).toString('utf8') };
}

/** Replaces the Readers policy of one organisation group (its mod_policy stays Admins). */
function restrictOrg(group, name, ou = staffOu()) {
  const { mspId, rootPem } = orgMsp(group, name);
  const configPolicy = group.getPoliciesMap().get('Readers');
  if (!configPolicy) throw new Error(`organisation ${name} has no Readers policy`);
  configPolicy.setPolicy(readersPolicy(mspId, rootPem, ou));
  return mspId;
}

/** Restricts the Readers policy of every application organisation of a common.Config. */
function restrictConfig(config, ou = staffOu()) {
  const application = config.getChannelGroup().getGroupsMap().get('Application');
  if (!application) throw new Error('the configuration has no Application group');
  const done = [];
  application.getGroupsMap().forEach((group, name) => done.push(restrictOrg(group, name, ou)));
  return done;
}

function configEnvelopeOf(block) {
  const envelope = common.Envelope.deserializeBinary(block.getData().getDataList_asU8()[0]);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  return {
    envelope,
    payload,
    configEnvelope: common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()),
  };
}

/** Restricts every application organisation's Readers in a genesis block (before anyone joined it). */
function restrictGenesis(blockBytes, ou = staffOu()) {
  const block = common.Block.deserializeBinary(blockBytes);
  if (block.getHeader().getNumber() !== 0) throw new Error('not a genesis block');
  const { envelope, payload, configEnvelope } = configEnvelopeOf(block);
  const orgs = restrictConfig(configEnvelope.getConfig(), ou);
  payload.setData(configEnvelope.serializeBinary());
  envelope.setPayload(payload.serializeBinary());
  block.getData().setDataList([envelope.serializeBinary()]);
  // protoutil.BlockDataHash: SHA-256 of the concatenated data
  block
    .getHeader()
    .setDataHash(crypto.createHash('sha256').update(Buffer.from(envelope.serializeBinary())).digest());
  return { bytes: block.serializeBinary(), orgs };
}

/** Each application organisation's Readers principals, readable (for tests and diagnosis). */
function describe(blockBytes) {
  const { configEnvelope } = configEnvelopeOf(common.Block.deserializeBinary(blockBytes));
  const application = configEnvelope.getConfig().getChannelGroup().getGroupsMap().get('Application');
  const out = {};
  application.getGroupsMap().forEach((group, name) => {
    const policy = group.getPoliciesMap().get('Readers').getPolicy();
    const envelope = common.SignaturePolicyEnvelope.deserializeBinary(policy.getValue_asU8());
    out[name] = envelope.getIdentitiesList().map((p) => {
      if (p.getPrincipalClassification() === msp.MSPPrincipal.Classification.ORGANIZATION_UNIT) {
        const u = msp.OrganizationUnit.deserializeBinary(p.getPrincipal_asU8());
        return `${u.getMspIdentifier()} OU=${u.getOrganizationalUnitIdentifier()}`;
      }
      const r = msp.MSPRole.deserializeBinary(p.getPrincipal_asU8());
      const role = Object.keys(msp.MSPRole.MSPRoleType).find(
        (k) => msp.MSPRole.MSPRoleType[k] === r.getRole(),
      );
      return `${r.getMspIdentifier()}.${String(role).toLowerCase()}`;
    });
  });
  return out;
}

function main(argv) {
  const [cmd, input, output] = argv;
  switch (cmd) {
    case 'genesis': {
      const { bytes, orgs } = restrictGenesis(fs.readFileSync(input));
      fs.writeFileSync(output, bytes);
      return `Readers restricted to admins, peers and OU=${staffOu()} for ${orgs.join(', ')}`;
    }
    case 'config': {
      const config = common.Config.deserializeBinary(fs.readFileSync(input));
      const orgs = restrictConfig(config);
      fs.writeFileSync(output, config.serializeBinary());
      return `Readers restricted to admins, peers and OU=${staffOu()} for ${orgs.join(', ')}`;
    }
    case 'describe':
      return JSON.stringify(describe(fs.readFileSync(input)), null, 2);
    default:
      throw new Error('usage: channel-readers.js genesis|config|describe ...');
  }
}

module.exports = {
  staffOu,
  certifiersIdentifier,
  hasLowS,
  readersPolicy,
  restrictConfig,
  restrictGenesis,
  describe,
  main,
};

if (require.main === module) {
  try {
    const out = main(process.argv.slice(2));
    if (out) process.stdout.write(out + '\n');
  } catch (err) {
    process.stderr.write(`channel-readers.js: ${err.message}\n`);
    process.exit(2);
  }
}
