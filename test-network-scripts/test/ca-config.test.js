// lib/ca-config.js: every CA's configuration and every enrolment carry the consortium's
// certificate subject, never fabric-ca's default (C=US, ST=North Carolina, O=Hyperledger).
'use strict';

const { afterAll, describe, expect, it } = require('@jest/globals');
const fs = require('fs');
const os = require('os');
const path = require('path');
const caConfig = require('../lib/ca-config');
const consortiumJs = require('../lib/consortium');

const ROOT = path.join(__dirname, '..', '..');
const real = JSON.parse(fs.readFileSync(path.join(ROOT, 'network', 'consortium.json'), 'utf8'));
const allOrgs = [real.ordererOrg, ...real.peerOrgs, real.addOrg];
const made = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const cityA = {
  name: 'CityA',
  subject: { country: 'GB', state: 'England', locality: 'Manchester', organisation: 'City A Council' },
};
const SECRET = '0123456789abcdef0123456789abcdef';

/** The lines of the csr section of a rendered configuration (up to the next top-level key). */
function csrSection(text) {
  const lines = text.split('\n');
  const start = lines.indexOf('csr:');
  const end = lines.findIndex((l, i) => i > start && /^[a-z]/.test(l));
  return lines.slice(start, end);
}

describe('the consortium data', () => {
  it('gives every organisation with a CA a complete subject', () => {
    for (const org of allOrgs) {
      const names = caConfig.subjectNames(org);
      expect(Object.keys(names)).toEqual(['C', 'ST', 'L', 'O']);
      expect(names.O).not.toBe('Hyperledger');
    }
  });

  it('hands each organisation its --csr.names through the settings network.sh sources', () => {
    const settings = new Map(consortiumJs.settings(17000, 'raft'));
    for (const org of allOrgs) {
      const s = org.subject;
      expect(settings.get(`CSR_NAMES_${org.name}`)).toBe(
        `C=${s.country},ST=${s.state},L=${s.locality},O=${s.organisation}`,
      );
    }
  });
});

describe('csrNames', () => {
  it("is fabric-ca-client's --csr.names list in C, ST, L, O order", () => {
    expect(caConfig.csrNames(cityA)).toBe('C=GB,ST=England,L=Manchester,O=City A Council');
  });

  it('refuses a subject that is missing a field or would break the list or the distinguished name', () => {
    const withSubject = (subject) => ({ name: 'X', subject });
    expect(() => caConfig.csrNames({ name: 'X' })).toThrow(/no subject/);
    expect(() => caConfig.csrNames(withSubject({ ...cityA.subject, locality: undefined }))).toThrow(
      /subject.locality must be a non-empty string/,
    );
    expect(() => caConfig.csrNames(withSubject({ ...cityA.subject, organisation: 'A, B' }))).toThrow(
      /cannot hold/,
    );
    expect(() => caConfig.csrNames(withSubject({ ...cityA.subject, state: 'O=Evil' }))).toThrow(
      /cannot hold/,
    );
    expect(() => caConfig.csrNames(withSubject({ ...cityA.subject, state: 'a\nb' }))).toThrow(/cannot hold/);
    expect(() => caConfig.csrNames(withSubject({ ...cityA.subject, country: 'England' }))).toThrow(
      /two-letter code/,
    );
  });
});

describe('serverConfig', () => {
  const text = caConfig.serverConfig({
    org: cityA,
    port: 17001,
    operationsAddress: '127.0.0.1:17101',
    adminSecret: SECRET,
  });

  it("sets csr.names to the organisation's subject, not fabric-ca's default", () => {
    const csr = csrSection(text);
    expect(csr).toEqual(
      expect.arrayContaining([
        '  cn: "ca.CityA.govledger.local"',
        '  names:',
        '    - C: "GB"',
        '      ST: "England"',
        '      L: "Manchester"',
        '      O: "City A Council"',
      ]),
    );
    expect(text).not.toMatch(/North Carolina|Hyperledger|C: US/);
  });

  it('keeps what network.sh relies on: address, port, TLS, CA name, bootstrap admin, the tls profile', () => {
    expect(text).toMatch(/^address: "127\.0\.0\.1"$/m);
    expect(text).toMatch(/^port: 17001$/m);
    expect(text).toMatch(/^tls:\n {2}enabled: true$/m);
    expect(text).toMatch(/^ca:\n {2}name: "ca-CityA"$/m);
    expect(text).toMatch(/^ {4}- name: admin\n {6}pass: "0123456789abcdef0123456789abcdef"$/m);
    expect(text).toMatch(/hf\.Registrar\.Attributes: "\*"/);
    expect(text).toMatch(/^ {4}tls:\n {6}usage:\n(?: {8}- .*\n)*? {8}- server auth$/m);
    expect(text).toMatch(/^ {2}maxenrollments: -1$/m);
    expect(text).toMatch(/^operations:\n {2}listenAddress: "127\.0\.0\.1:17101"$/m);
  });

  it('refuses a bad port, operations address or bootstrap secret', () => {
    const base = { org: cityA, port: 17001, operationsAddress: '127.0.0.1:17101', adminSecret: SECRET };
    expect(() => caConfig.serverConfig({ ...base, port: 0 })).toThrow(/not a port/);
    expect(() => caConfig.serverConfig({ ...base, operationsAddress: 'x' })).toThrow(/operations address/);
    expect(() => caConfig.serverConfig({ ...base, adminSecret: undefined })).toThrow(/bootstrap secret/);
    expect(() => caConfig.serverConfig({ ...base, adminSecret: 'a"b' })).toThrow(/bootstrap secret/);
  });

  it('is written by the CLI for a consortium organisation, the secret taken from the environment only', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-config-'));
    made.push(dir);
    const out = path.join(dir, 'fabric-ca-server-config.yaml');
    caConfig.main(['server', 'CityB', '17002', '127.0.0.1:17102', out], { CA_BOOTSTRAP_SECRET: SECRET });
    const written = fs.readFileSync(out, 'utf8');
    const b = real.peerOrgs.find((o) => o.name === 'CityB').subject;
    expect(csrSection(written)).toEqual(
      expect.arrayContaining([`      O: ${JSON.stringify(b.organisation)}`]),
    );
    expect(fs.statSync(out).mode & 0o077).toBe(0);
    expect(() => caConfig.main(['server', 'CityB', '17002', '127.0.0.1:17102', out], {})).toThrow(
      /bootstrap secret/,
    );
    expect(() => caConfig.main(['server', 'Nowhere', '17002', '127.0.0.1:17102', out], {})).toThrow(
      /unknown organisation Nowhere/,
    );
    expect(caConfig.main(['csr-names', 'Audit'])).toBe(caConfig.csrNames(real.addOrg));
  });
});
