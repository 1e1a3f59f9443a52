#!/usr/bin/env node
// Small JSON helpers for the network scripts (deploy.sh, gateway.sh), so that no
// script carries an inline `node -e` program. Each subcommand prints its answer
// on stdout without a trailing newline (ready for "$(...)"), or writes a file.
//
//   tools.js json-field [--required] FILE|- KEY...   a (nested) field of a JSON document
//                                                    ('' when absent or null; - reads stdin,
//                                                    where empty input counts as {})
//   tools.js ccaas-connection OUT ADDRESS KEY CERT ROOT_CERT
//                                                    writes a chaincode-as-a-service
//                                                    connection.json (mutual TLS)
//   tools.js installed-package-id LABEL              reads `peer lifecycle chaincode
//                                                    queryinstalled -O json` on stdin; prints
//                                                    the package id of LABEL ('' when none)
//   tools.js network-json OUT KEY=VALUE... [--orderer KEY=VALUE...]... [--org KEY=VALUE...]...
//                                                    writes the network's connection facts
//                                                    (network.sh's $STATE/network.json, read by
//                                                    the gateway and the end-to-end tests): the
//                                                    network's fields, then one --orderer and one
//                                                    --org group per node/organisation (fields in
//                                                    NETWORK_FIELDS, ORDERER_FIELDS, ORG_FIELDS)
//   tools.js collections-config CONSORTIUM COLLECTIONS OUT [--members MSP,...]
//                                                    writes a chaincode's private data collection
//                                                    config: COLLECTIONS (without blockToLive;
//                                                    `forEachOrgWith` templates expanded for the
//                                                    consortium's organisations with that flag,
//                                                    only the --members ones when given) with
//                                                    each collection's blockToLive computed from the
//                                                    consortium's privateDataRetention
//
// Exit codes: 0 done, 1 a --required field is missing, 2 bad usage or unreadable input.
'use strict';

const fs = require('fs');

/** Parses JSON text; empty (or blank) text counts as an empty object. */
function parseJson(text, what) {
  try {
    return JSON.parse(text.trim() === '' ? '{}' : text);
  } catch (err) {
    throw new UsageError(`${what} is not valid JSON (${err.message})`);
  }
}

/** A bad command line or unreadable input: exit code 2. */
class UsageError extends Error {}
/** A field asked for with --required is absent or null: exit code 1. */
class MissingField extends Error {}

/** The field at `keys` of `doc`, as a string: '' when absent or null (String() of anything else). */
function jsonField(doc, keys) {
  let v = doc;
  for (const key of keys) {
    if (v === null || v === undefined || typeof v !== 'object') return '';
    v = Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined;
  }
  return v === null || v === undefined ? '' : String(v);
}

/** The connection.json of a chaincode-as-a-service package: where the peer dials, with mutual TLS. */
function ccaasConnection(address, clientKey, clientCert, rootCert) {
  return JSON.stringify(
    {
      address,
      dial_timeout: '10s',
      tls_required: true,
      client_auth_required: true,
      client_key: clientKey,
      client_cert: clientCert,
      root_cert: rootCert,
    },
    null,
    2,
  );
}

/** The package id of `label` in a queryinstalled answer ('' when not installed). */
function installedPackageId(queryInstalled, label) {
  const list = Array.isArray(queryInstalled.installed_chaincodes) ? queryInstalled.installed_chaincodes : [];
  const hit = list.find((c) => c && c.label === label);
  return hit && typeof hit.package_id === 'string' ? hit.package_id : '';
}

/** network.json's top-level fields, in the order written ('port': a TCP port, written as a number). */
const NETWORK_FIELDS = {
  channel: 'text',
  consensus: 'text',
  portBase: 'port',
  gatewayPort: 'port',
  usersDir: 'text',
};
/** The fields of one orderer (after --orderer), in the order written. */
const ORDERER_FIELDS = { name: 'text', endpoint: 'text' };
/**
 * The fields of one organisation (after --org), in the order written; probeIdentity may be empty
 * (an organisation without a staff reader; the gateway then reads with any identity of the org).
 */
const ORG_FIELDS = {
  name: 'text',
  mspId: 'text',
  label: 'text',
  peerEndpoint: 'text',
  peerHostOverride: 'text',
  tlsRootCert: 'text',
  caUrl: 'text',
  caTlsCert: 'text',
  adminMsp: 'text',
  probeIdentity: 'optional',
};

/**
 * Builds one record from KEY=VALUE pairs: every field of `fields` exactly once, nothing else,
 * written in the order of `fields`; 'text' non-empty, 'port' an integer 1..65535.
 */
function record(pairs, fields, what) {
  const given = new Map();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`${what}: expected KEY=VALUE, got '${pair}'`);
    const key = pair.slice(0, eq);
    if (!Object.prototype.hasOwnProperty.call(fields, key))
      throw new UsageError(`${what}: unknown field '${key}'`);
    if (given.has(key)) throw new UsageError(`${what}: field '${key}' given twice`);
    given.set(key, pair.slice(eq + 1));
  }
  const out = {};
  for (const [key, kind] of Object.entries(fields)) {
    if (!given.has(key)) throw new UsageError(`${what}: field '${key}' is missing`);
    const value = given.get(key);
    if (kind !== 'optional' && value === '') throw new UsageError(`${what}: field '${key}' is empty`);
    if (kind === 'port') {
      const port = /^[0-9]+$/.test(value) ? Number(value) : NaN;
      if (!(port >= 1 && port <= 65535)) throw new UsageError(`${what}: ${key} '${value}' is not a port`);
      out[key] = port;
    } else out[key] = value;
  }
  return out;
}

/**
 * network.json from the arguments after OUT: the network's KEY=VALUE fields, then groups each
 * opened by --orderer or --org. Orderer and organisation names must be unique; at least one of each.
 */
function networkJson(args) {
  const groups = [{ kind: 'network', pairs: [] }];
  for (const arg of args) {
    if (arg === '--orderer' || arg === '--org') groups.push({ kind: arg.slice(2), pairs: [] });
    else groups[groups.length - 1].pairs.push(arg);
  }
  const net = record(groups[0].pairs, NETWORK_FIELDS, 'network');
  const orderers = [];
  const organisations = [];
  groups.slice(1).forEach((g) => {
    if (g.kind === 'orderer')
      orderers.push(record(g.pairs, ORDERER_FIELDS, `orderer #${orderers.length + 1}`));
    else organisations.push(record(g.pairs, ORG_FIELDS, `organisation #${organisations.length + 1}`));
  });
  if (orderers.length === 0) throw new UsageError('network-json: no --orderer given');
  if (organisations.length === 0) throw new UsageError('network-json: no --org given');
  for (const [list, what] of [
    [orderers, 'orderer'],
    [organisations, 'organisation'],
  ]) {
    const names = list.map((r) => r.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) throw new UsageError(`network-json: ${what} '${dup}' given twice`);
  }
  const doc = {
    channel: net.channel,
    consensus: net.consensus,
    portBase: net.portBase,
    gatewayPort: net.gatewayPort,
    orderers,
    organisations,
    usersDir: net.usersDir,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

function readFile(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file} (${err.code || err.message})`);
  }
}

/**
 * A collection's blockToLive from its retention entry in network/consortium.json's
 * privateDataRetention: `retentionDays` x `blocksPerDay` (the consortium's planning figure of
 * blocks cut per day), or 0 (kept forever) only for `keepForever: true` with a `legalReason`.
 */
function blockToLive(retention, family) {
  const what = `privateDataRetention.${family}`;
  if (!retention || typeof retention !== 'object') throw new UsageError(`the consortium has no ${what}`);
  if (retention.keepForever === true) {
    if (typeof retention.legalReason !== 'string' || retention.legalReason.trim() === '')
      throw new UsageError(`${what}: keepForever needs a legalReason`);
    return 0;
  }
  const { retentionDays, blocksPerDay } = retention;
  for (const [name, v] of Object.entries({ retentionDays, blocksPerDay }))
    if (!Number.isSafeInteger(v) || v <= 0)
      throw new UsageError(`${what}.${name} must be a positive integer`);
  return retentionDays * blocksPerDay;
}

/** Every peer organisation of the consortium: the founding ones, then those `addorg` adds. */
function consortiumOrgs(consortium) {
  const added = Array.isArray(consortium.addOrgs) ? consortium.addOrgs : [];
  return [...(consortium.peerOrgs || []), ...(consortium.addOrg ? [consortium.addOrg] : []), ...added];
}

/** `value` with every `{{mspId}}` in its strings (deeply) replaced by `mspId`. */
function withMsp(value, mspId) {
  if (typeof value === 'string') return value.split('{{mspId}}').join(mspId);
  if (Array.isArray(value)) return value.map((v) => withMsp(v, mspId));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withMsp(v, mspId)]));
  return value;
}

/**
 * The collections of a collection file with its templates expanded: an entry with
 * `forEachOrgWith: FLAG` stands for one collection per consortium organisation whose FLAG is
 * true (e.g. `"licensing": true`), in consortium order, with `{{mspId}}` replaced by the
 * organisation's MSP id; when `members` (MSP ids) is given, only those organisations (the ones
 * that have joined the channel: a collection must not name an organisation the channel lacks).
 * Keys starting with `_` are comments and are dropped. Other entries are kept as they are.
 */
function expandCollections(consortium, collections, members) {
  const out = [];
  for (const c of collections) {
    const { forEachOrgWith, ...rest } = c;
    for (const k of Object.keys(rest)) if (k.startsWith('_')) delete rest[k];
    if (forEachOrgWith === undefined) {
      out.push(rest);
      continue;
    }
    if (typeof forEachOrgWith !== 'string' || forEachOrgWith === '')
      throw new UsageError(`collection ${c.name}: forEachOrgWith must name an organisation flag`);
    for (const org of consortiumOrgs(consortium)) {
      if (org[forEachOrgWith] !== true) continue;
      if (members && !members.includes(org.mspId)) continue;
      out.push(withMsp(rest, org.mspId));
    }
  }
  return out;
}

/**
 * The collection config to commit: each collection of `collections` (named
 * `<family>_<MSP ID>`, with no blockToLive of its own; templates expanded by
 * {@link expandCollections} for the organisations `members`, all when undefined) with the
 * blockToLive of its family's retention in `consortium.privateDataRetention`.
 */
function collectionsConfig(consortium, collections, members) {
  if (!Array.isArray(collections)) throw new UsageError('the collection config must be a JSON array');
  const retention = consortium.privateDataRetention || {};
  return expandCollections(consortium, collections, members).map((c) => {
    if ('blockToLive' in c)
      throw new UsageError(
        `collection ${c.name}: blockToLive comes from network/consortium.json, not the collection file`,
      );
    const family = String(c.name).split('_')[0];
    return { ...c, blockToLive: blockToLive(retention[family], family) };
  });
}

/** Runs one subcommand; returns what to print. `stdin` is read only when needed. */
function main(argv, stdin = () => fs.readFileSync(0, 'utf8')) {
  const [cmd, ...args] = argv;
  switch (cmd) {
    case 'json-field': {
      const required = args[0] === '--required';
      const [source, ...keys] = required ? args.slice(1) : args;
      if (!source || keys.length === 0)
        throw new UsageError('usage: tools.js json-field [--required] FILE|- KEY...');
      const doc = source === '-' ? parseJson(stdin(), 'stdin') : parseJson(readFile(source), source);
      const value = jsonField(doc, keys);
      if (required && value === '') throw new MissingField(`${source} has no ${keys.join('.')}`);
      return value;
    }
    case 'ccaas-connection': {
      if (args.length !== 5)
        throw new UsageError('usage: tools.js ccaas-connection OUT ADDRESS KEY CERT ROOT_CERT');
      const [out, address, key, cert, root] = args;
      fs.writeFileSync(out, ccaasConnection(address, readFile(key), readFile(cert), readFile(root)));
      return '';
    }
    case 'installed-package-id': {
      if (args.length !== 1) throw new UsageError('usage: tools.js installed-package-id LABEL');
      return installedPackageId(parseJson(stdin(), 'stdin'), args[0]);
    }
    case 'network-json': {
      const [out, ...rest] = args;
      if (!out || out.includes('=') || out.startsWith('--'))
        throw new UsageError(
          'usage: tools.js network-json OUT KEY=VALUE... [--orderer KEY=VALUE...]... [--org KEY=VALUE...]...',
        );
      fs.writeFileSync(out, networkJson(rest));
      return '';
    }
    case 'collections-config': {
      const usage = 'usage: tools.js collections-config CONSORTIUM COLLECTIONS OUT [--members MSP,...]';
      if (args.length !== 3 && !(args.length === 5 && args[3] === '--members')) throw new UsageError(usage);
      const [consortium, collections, out] = args;
      const members = args.length === 5 ? args[4].split(',').filter((m) => m !== '') : undefined;
      const config = collectionsConfig(
        parseJson(readFile(consortium), consortium),
        parseJson(readFile(collections), collections),
        members,
      );
      fs.writeFileSync(out, `${JSON.stringify(config, null, 2)}\n`);
      return '';
    }
    default:
      throw new UsageError(
        'usage: tools.js json-field|ccaas-connection|installed-package-id|network-json|collections-config ...',
      );
  }
}

module.exports = {
  jsonField,
  blockToLive,
  collectionsConfig,
  expandCollections,
  consortiumOrgs,
  ccaasConnection,
  installedPackageId,
  networkJson,
  NETWORK_FIELDS,
  ORDERER_FIELDS,
  ORG_FIELDS,
  main,
  UsageError,
  MissingField,
};

if (require.main === module) {
  try {
    process.stdout.write(main(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`tools.js: ${err.message}\n`);
    process.exit(err instanceof MissingField ? 1 : 2);
  }
}
