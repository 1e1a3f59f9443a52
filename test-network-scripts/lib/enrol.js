#!/usr/bin/env node
'use strict';
// Registers and enrols a batch of identities at one organisation's Fabric CA in one process, over
// the CA's REST API (the requests the fabric-ca-client SDK and program make; Node's https and
// crypto, on kept-alive connections), several at a time. `network.sh up` used to run
// the fabric-ca-client program two or three times per identity (register, enrol, TLS enrol): about
// a hundred program starts of ~60 ms of CPU each on a cold 2-core machine, most of the time of `up`.
// The certificates are the same: the CA builds the subject from the CSR (CN = the enrolment id,
// C/ST/L/O = the organisation's subject) and adds the OUs from the identity's type and affiliation
// and the attributes registered with ecert=true, as for the command-line client.
//
//   enrol.js CA_URL CA_NAME CA_TLS_CERT REGISTRAR_HOME CSR_NAMES LOG < BATCH
//
// REGISTRAR_HOME: the fabric-ca-client home of the CA's registrar (msp/signcerts/cert.pem and its
// key in msp/keystore). BATCH: one identity a line, tab-separated: NAME TYPE DIR ATTRS TLS
// AFFILIATION (TLS is "tls" or empty; ATTRS the command line's --id.attrs syntax,
// name=value:ecert,...). CSR_NAMES: the command line's --csr.names (C=GB,ST=...,O=...). LOG: a
// line per registration and enrolment is appended to it.
// For each identity: DIR/msp/{signcerts/cert.pem, keystore/key.pem, cacerts/ca.pem}, and with tls
// DIR/tls/{server.crt, server.key, ca.crt} (a TLS-profile certificate for localhost and
// 127.0.0.1). NodeOUs (config.yaml) are written by network.sh, as before.

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const https = require('https');
const { URL } = require('url');
const { asn1 } = require('jsrsasign');

/** Order of P-256, for low-S signatures (Fabric's BCCSP refuses a high S). */
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/** DER INTEGER of a non-negative BigInt. */
function derInteger(n) {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

/** ECDSA P-256 SHA-256 signature of `data` in DER with a low S, as Fabric CA verifies it. */
function signLowS(data, keyPem) {
  const raw = crypto.sign('sha256', Buffer.from(data), { key: keyPem, dsaEncoding: 'ieee-p1363' });
  const r = BigInt(`0x${raw.subarray(0, 32).toString('hex')}`);
  let s = BigInt(`0x${raw.subarray(32).toString('hex')}`);
  if (s > P256_N >> 1n) s = P256_N - s;
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/**
 * The Authorization token of a request signed by the registrar (fabric-ca util.GenECDSAToken):
 * base64(cert) "." base64(signature of METHOD.base64(path).base64(body).base64(cert)).
 */
function authToken(method, urlPath, body, certPem, keyPem) {
  const cert = Buffer.from(certPem).toString('base64');
  const payload = `${method}.${Buffer.from(urlPath).toString('base64')}.${Buffer.from(body).toString('base64')}.${cert}`;
  return `${cert}.${signLowS(payload, keyPem).toString('base64')}`;
}

/** A client of one CA: POST /api/v1/METHOD with the registrar's token or basic auth. */
function caClient(caUrl, caName, tlsRoot) {
  const url = new URL(caUrl);
  const agent = new https.Agent({ keepAlive: true, maxSockets: 8, ca: tlsRoot });
  const post = (apiMethod, request, { auth, registrar } = {}) =>
    new Promise((resolve, reject) => {
      const urlPath = `/api/v1/${apiMethod}`;
      const body = JSON.stringify({ ...request, caname: caName });
      const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
      if (registrar) headers.Authorization = authToken('POST', urlPath, body, registrar.cert, registrar.key);
      const req = https.request(
        {
          hostname: url.hostname,
          port: url.port,
          path: urlPath,
          method: 'POST',
          agent,
          headers,
          auth,
          timeout: 10000,
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let doc;
            try {
              doc = JSON.parse(text);
            } catch {
              reject(new Error(`${apiMethod}: HTTP ${res.statusCode}, not JSON: ${text.slice(0, 200)}`));
              return;
            }
            if (doc.success) resolve(doc.result);
            else
              reject(new Error(`${apiMethod}: HTTP ${res.statusCode}: ${JSON.stringify(doc.errors || doc)}`));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${apiMethod}: no answer from ${caUrl} within 10 s`)));
      req.on('error', reject);
      req.end(body);
    });
  return {
    register: (request, registrar) => post('register', request, { registrar }).then((r) => r.secret),
    enroll: (id, secret, request) =>
      post('enroll', request, { auth: `${id}:${secret}` }).then((r) => ({
        certificate: Buffer.from(r.Cert, 'base64').toString(),
        rootCertificate: Buffer.from(r.ServerInfo.CAChain, 'base64').toString(),
      })),
    close: () => agent.destroy(),
  };
}

/** Parses --id.attrs syntax ("a=1:ecert,b=2") into registration attributes. */
function parseAttrs(text) {
  if (!text) return [];
  return text.split(',').map((item) => {
    const eq = item.indexOf('=');
    if (eq < 1) throw new Error(`bad attribute '${item}' (name=value[:ecert])`);
    let value = item.slice(eq + 1);
    let ecert = false;
    if (value.endsWith(':ecert')) {
      value = value.slice(0, -':ecert'.length);
      ecert = true;
    }
    return { name: item.slice(0, eq), value, ecert };
  });
}

/** The CSR subject in LDAP order (CN first) from --csr.names syntax and the common name. */
function subject(cn, csrNames) {
  const names = csrNames ? csrNames.split(',').filter(Boolean) : [];
  return [`CN=${cn}`, ...names.reverse()].join(',');
}

function writeFile(file, text, mode) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, mode ? { mode } : undefined);
}

/**
 * A fresh P-256 key (PKCS#8 PEM, as the command-line client stores it) and its CSR. The CSR's
 * signature is made by Node's own crypto (jsrsasign, which the SDK signs with, takes ~50 ms of CPU
 * per signature; jsrsasign only encodes the request here).
 */
function keyAndCsr(cn, csrNames, hosts) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const params = {
    subject: { str: asn1.x509.X500Name.ldapToOneline(subject(cn, csrNames)) },
    sbjpubkey: publicKey,
    sigalg: 'SHA256withECDSA',
  };
  if (hosts) {
    params.extreq = [
      { extname: 'subjectAltName', array: hosts.map((h) => (/^[0-9.]+$/.test(h) ? { ip: h } : { dns: h })) },
    ];
  }
  const info = new asn1.csr.CertificationRequestInfo(params).tohex();
  params.sighex = crypto.sign('sha256', Buffer.from(info, 'hex'), privateKey).toString('hex');
  return { keyPem: privateKey, csr: new asn1.csr.CertificationRequest(params).getPEM() };
}

/** Runs fn over items, at most `limit` at a time; rejects with the first failure. */
async function pool(items, limit, fn) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  });
  await Promise.all(workers);
}

/** Reads the batch (one identity a tab-separated line) into identity records. */
function parseBatch(text) {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [name, type, dir, attrs = '', tls = '', affiliation = ''] = line.split('\t');
      if (!name || !type || !dir)
        throw new Error(`bad batch line '${line}' (NAME TYPE DIR ATTRS TLS AFFILIATION)`);
      return { name, type, dir, attrs, tls: tls === 'tls', affiliation };
    });
}

/** The registrar's certificate and key files in a fabric-ca-client home. */
function registrarFiles(home) {
  const keystore = path.join(home, 'msp', 'keystore');
  const keys = fs.readdirSync(keystore).filter((f) => !f.startsWith('.'));
  if (keys.length !== 1) throw new Error(`expected one key in ${keystore}, found ${keys.length}`);
  return {
    registrarCert: path.join(home, 'msp', 'signcerts', 'cert.pem'),
    registrarKey: path.join(keystore, keys[0]),
  };
}

async function run(batch) {
  const log = (line) => fs.appendFileSync(batch.log, `${line}\n`);
  const tlsRoot = fs.readFileSync(batch.tlsCert, 'utf8');
  const ca = caClient(batch.caUrl, batch.caName, tlsRoot);
  const registrar = {
    cert: fs.readFileSync(batch.registrarCert, 'utf8'),
    key: fs.readFileSync(batch.registrarKey, 'utf8'),
  };
  try {
    await enrolAll(batch, ca, registrar, log);
  } finally {
    ca.close();
  }
}

/** Registers and enrols every identity of the batch, 4 at a time. */
async function enrolAll(batch, ca, registrar, log) {
  await pool(batch.identities, 4, async (id) => {
    const secret = crypto.randomBytes(12).toString('hex');
    try {
      await ca.register(
        {
          id: id.name,
          type: id.type,
          secret,
          affiliation: id.affiliation || '',
          max_enrollments: 0, // the CA's default (registry.maxenrollments), as the command line sends
          attrs: parseAttrs(id.attrs),
        },
        registrar,
      );
      log(
        `registered ${id.name} (type ${id.type}${id.affiliation ? `, affiliation ${id.affiliation}` : ''}${id.attrs ? `, attrs ${id.attrs}` : ''})`,
      );
      const msp = keyAndCsr(id.name, batch.csrNames);
      const e = await ca.enroll(id.name, secret, { certificate_request: msp.csr });
      writeFile(path.join(id.dir, 'msp', 'signcerts', 'cert.pem'), e.certificate);
      writeFile(path.join(id.dir, 'msp', 'keystore', 'key.pem'), msp.keyPem, 0o600);
      writeFile(path.join(id.dir, 'msp', 'cacerts', 'ca.pem'), e.rootCertificate);
      log(`enrolled ${id.name} into ${path.join(id.dir, 'msp')}`);
      if (id.tls) {
        const tls = keyAndCsr(id.name, batch.csrNames, ['localhost', '127.0.0.1']);
        const t = await ca.enroll(id.name, secret, { certificate_request: tls.csr, profile: 'tls' });
        writeFile(path.join(id.dir, 'tls', 'server.crt'), t.certificate);
        writeFile(path.join(id.dir, 'tls', 'server.key'), tls.keyPem, 0o600);
        writeFile(path.join(id.dir, 'tls', 'ca.crt'), t.rootCertificate);
        log(`enrolled ${id.name} (TLS profile) into ${path.join(id.dir, 'tls')}`);
      }
    } catch (err) {
      log(`FAILED ${id.name}: ${err.message}`);
      throw new Error(`${id.name}: ${err.message}`);
    }
  });
}

module.exports = { parseAttrs, parseBatch, subject, keyAndCsr, signLowS, authToken, pool, run };

if (require.main === module) {
  const [caUrl, caName, tlsCert, registrarHome, csrNames, log] = process.argv.slice(2);
  if (!log) {
    process.stderr.write('usage: enrol.js CA_URL CA_NAME CA_TLS_CERT REGISTRAR_HOME CSR_NAMES LOG < BATCH\n');
    process.exit(2);
  }
  Promise.resolve()
    .then(() =>
      run({
        caUrl,
        caName,
        tlsCert,
        csrNames,
        log,
        ...registrarFiles(registrarHome),
        identities: parseBatch(fs.readFileSync(0, 'utf8')),
      }),
    )
    .catch((err) => {
      process.stderr.write(`enrol.js: ${err.message}\n`);
      process.exit(1);
    });
}
