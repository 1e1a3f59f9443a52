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

function readFile(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file} (${err.code || err.message})`);
  }
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
    default:
      throw new UsageError('usage: tools.js json-field|ccaas-connection|installed-package-id ...');
  }
}

module.exports = { jsonField, ccaasConnection, installedPackageId, main, UsageError, MissingField };

if (require.main === module) {
  try {
    process.stdout.write(main(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`tools.js: ${err.message}\n`);
    process.exit(err instanceof MissingField ? 1 : 2);
  }
}
