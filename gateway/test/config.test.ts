import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  auditOrgsFromConsortium,
  ConfigError,
  DEFAULT_CONSORTIUM_FILE,
  loadConfig,
  rolesFromConsortium,
} from '../src/config';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-config-'));
const cert = path.join(dir, 'ca.crt');
fs.writeFileSync(cert, 'PEM');
fs.mkdirSync(path.join(dir, 'ca-admin', 'CityA', 'msp'), { recursive: true });
const orgsFile = path.join(dir, 'network.json');
fs.writeFileSync(
  orgsFile,
  JSON.stringify({
    channel: 'testchannel',
    organisations: [
      {
        name: 'CityA',
        mspId: 'CityAMSP',
        peerEndpoint: '127.0.0.1:17020',
        peerHostOverride: 'localhost',
        tlsRootCert: 'ca.crt',
        caUrl: 'https://127.0.0.1:17001',
        caTlsCert: 'ca.crt',
      },
      { name: 'CityB', mspId: 'CityBMSP', peerEndpoint: '127.0.0.1:17030', tlsRootCert: cert },
    ],
  }),
);

const base = { WALLET_KEY: 'ab'.repeat(32), JWT_HS256_SECRET: 'x'.repeat(32), FABRIC_ORGS_FILE: orgsFile };

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('reads a minimal configuration with defaults and the network.json organisations', () => {
    const c = loadConfig(base);
    expect(c.port).toBe(8080);
    expect(c.host).toBe('127.0.0.1');
    expect(c.channel).toBe('testchannel');
    expect(c.jwt.mode).toBe('hs256');
    expect(c.orgs.map((o) => o.mspId)).toEqual(['CityAMSP', 'CityBMSP']);
    expect(c.orgs[0].tlsRootCert.toString()).toBe('PEM');
    expect(c.orgs[0].ca?.caName).toBe('ca-CityA');
    expect(c.orgs[0].ca?.registrarMspDir).toBe(path.join(dir, 'ca-admin', 'CityA', 'msp'));
    expect(c.orgs[1].ca).toBeUndefined();
    expect(c.chaincodes['e-licence']).toBe('e-licence');
    expect(c.deadlines).toEqual({
      evaluateMs: 5000,
      endorseMs: 15000,
      submitMs: 5000,
      commitStatusMs: 60000,
    });
    expect(c.mvccRetries).toBe(3);
    expect(c.wallet.key).toHaveLength(32);
    expect(c.ballotBox).toEqual({ mspId: 'CityAMSP', label: 'ballot-box-a' });
    expect(c.ballotBoxBatching).toEqual({ minBatch: 10, closeLeadMs: 10_000 });
    expect(c.electionAuthorities).toEqual({ CityAMSP: 'election-admin-a', CityBMSP: 'election-admin-b' });
    expect(c.grpcKeepaliveMs).toBe(120000);
  });

  it('accepts overrides and chaincode aliases', () => {
    const c = loadConfig({
      ...base,
      GATEWAY_PORT: '0',
      FABRIC_CHANNEL: 'other',
      FABRIC_CHAINCODES: 'e-licence=elic_v2,data-sharing',
      FABRIC_MVCC_RETRIES: '5',
    });
    expect(c.port).toBe(0);
    expect(c.channel).toBe('other');
    expect(c.chaincodes['e-licence']).toBe('elic_v2');
    expect(c.chaincodes['fund-tracing']).toBe('fund-tracing');
    expect(c.mvccRetries).toBe(5);
  });

  it.each([
    [{ WALLET_KEY: '' }, 'WALLET_KEY'],
    [{ WALLET_KEY: 'abcd' }, 'WALLET_KEY'],
    [{ JWT_HS256_SECRET: 'short' }, 'JWT_HS256_SECRET'],
    [{ JWT_MODE: 'none' }, 'JWT_MODE'],
    [{ JWT_MODE: 'rs256' }, 'JWT_JWKS_URL'],
    [{ JWT_MODE: 'rs256', JWT_JWKS_URL: 'not a url' }, 'JWT_JWKS_URL'],
    [{ GATEWAY_PORT: 'eighty' }, 'GATEWAY_PORT'],
    [{ GATEWAY_PORT: '70000' }, 'GATEWAY_PORT'],
    [{ FABRIC_ORGS_FILE: '' }, 'FABRIC_ORGS_FILE'],
    [{ FABRIC_ORGS_FILE: path.join(dir, 'missing.json') }, 'FABRIC_ORGS_FILE'],
    [{ FABRIC_ENDORSE_TIMEOUT_MS: '5' }, 'FABRIC_ENDORSE_TIMEOUT_MS'],
    [{ BODY_LIMIT: 'lots' }, 'BODY_LIMIT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ FABRIC_CHAINCODES: 'bad name' }, 'FABRIC_CHAINCODES'],
    [{ GATEWAY_TLS_CERT_FILE: cert }, 'GATEWAY_TLS_KEY_FILE'],
    [{ WALLET_IMPORT_USERS_DIR: path.join(dir, 'nope') }, 'WALLET_IMPORT_USERS_DIR'],
    [{ BALLOT_BOX_IDENTITY: 'no-slash' }, 'BALLOT_BOX_IDENTITY'],
    [{ ELECTION_KEY_BITS: '1024' }, 'ELECTION_KEY_BITS'],
  ])('names the variable at fault: %j', (override, variable) => {
    const err = failure({ ...base, ...override } as Record<string, string>);
    expect(err.variable).toBe(variable);
    expect(err.message).toContain(variable);
  });

  it('names the field inside the organisations file', () => {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(
      bad,
      JSON.stringify({ organisations: [{ mspId: 'CityAMSP', peerEndpoint: 'nope', tlsRootCert: 'ca.crt' }] }),
    );
    expect(failure({ ...base, FABRIC_ORGS_FILE: bad }).variable).toBe(
      'FABRIC_ORGS_FILE: organisations.0.peerEndpoint',
    );
    const missingCert = path.join(dir, 'bad2.json');
    fs.writeFileSync(
      missingCert,
      JSON.stringify([{ mspId: 'CityAMSP', peerEndpoint: 'h:1', tlsRootCert: 'nope.crt' }]),
    );
    expect(failure({ ...base, FABRIC_ORGS_FILE: missingCert }).variable).toBe(
      'FABRIC_ORGS_FILE: organisations.0.tlsRootCert',
    );
  });

  it('takes inline organisations from FABRIC_ORGS', () => {
    const c = loadConfig({
      ...base,
      FABRIC_ORGS_FILE: '',
      FABRIC_ORGS: JSON.stringify([{ mspId: 'CityAMSP', peerEndpoint: 'h:1', tlsRootCert: cert }]),
    });
    expect(c.orgs[0].name).toBe('CityA');
    expect(failure({ ...base, FABRIC_ORGS_FILE: '', FABRIC_ORGS: '{' }).variable).toBe('FABRIC_ORGS');
  });

  it("derives each organisation's issuable roles from the consortium file, without admin", () => {
    const c = loadConfig(base);
    expect(c.orgs[0].issuableRoles).toEqual([
      'approver',
      'auditor',
      'ballot-box',
      'citizen',
      'election-admin',
      'enterprise',
      'issuer',
      'officer',
    ]);
    // City B's approvers decide the applications made to it (from any city); City A has no legal officer
    expect(c.orgs[1].issuableRoles).toContain('approver');
    expect(c.orgs[0].issuableRoles).not.toContain('legal-officer');
    expect(c.orgs[1].issuableRoles).toContain('legal-officer');
    expect(c.orgs[1].issuableRoles).not.toContain('admin');
    const roles = rolesFromConsortium(JSON.parse(fs.readFileSync(DEFAULT_CONSORTIUM_FILE, 'utf8')));
    expect(roles.get('AuditMSP')).toEqual(['auditor']);
  });

  it('takes allow-lists per organisation from IDENTITY_ISSUABLE_ROLES, and a consortium file from CONSORTIUM_FILE', () => {
    const c = loadConfig({
      ...base,
      IDENTITY_ISSUABLE_ROLES: 'CityAMSP=officer, citizen,officer; CityBMSP=',
    });
    expect(c.orgs[0].issuableRoles).toEqual(['citizen', 'officer']);
    expect(c.orgs[1].issuableRoles).toEqual([]);
    const consortium = path.join(dir, 'consortium.json');
    fs.writeFileSync(
      consortium,
      JSON.stringify({
        peerOrgs: [
          { mspId: 'CityAMSP', users: [{ attrs: { 'gov.role': 'officer+approver' } }, { attrs: {} }] },
        ],
      }),
    );
    const d = loadConfig({
      ...base,
      CONSORTIUM_FILE: consortium,
      IDENTITY_ISSUABLE_ROLES: 'CityBMSP=issuer',
    });
    expect(d.orgs[0].issuableRoles).toEqual(['approver', 'officer']);
    expect(d.orgs[1].issuableRoles).toEqual(['issuer']);
    const none = loadConfig({ ...base, CONSORTIUM_FILE: path.join(dir, 'consortium.json') });
    expect(none.orgs[1].issuableRoles).toBeUndefined();
  });

  it.each([
    [{ IDENTITY_ISSUABLE_ROLES: 'OtherMSP=officer' }, 'IDENTITY_ISSUABLE_ROLES'],
    [{ IDENTITY_ISSUABLE_ROLES: 'officer' }, 'IDENTITY_ISSUABLE_ROLES'],
    [{ IDENTITY_ISSUABLE_ROLES: 'CityAMSP=Officer' }, 'IDENTITY_ISSUABLE_ROLES'],
    [{ IDENTITY_ISSUABLE_ROLES: 'CityAMSP=officer;CityAMSP=issuer' }, 'IDENTITY_ISSUABLE_ROLES'],
    [{ CONSORTIUM_FILE: path.join(dir, 'no-consortium.json') }, 'CONSORTIUM_FILE'],
    [{ CONSORTIUM_FILE: cert }, 'CONSORTIUM_FILE'],
  ])('refuses a bad allow-list setting: %j', (override, variable) => {
    expect(failure({ ...base, ...override } as Record<string, string>).variable).toBe(variable);
  });
});

describe('event stream settings', () => {
  it('takes the designated audit organisations from the consortium data, or GOVLEDGER_AUDIT_ORGS', () => {
    const consortium = JSON.parse(fs.readFileSync(DEFAULT_CONSORTIUM_FILE, 'utf8')) as unknown;
    expect(auditOrgsFromConsortium(consortium)).toEqual(['AuditMSP']);
    expect(loadConfig(base).events).toEqual({ auditOrgs: ['AuditMSP'], maxStreamsPerCaller: 3 });
    expect(loadConfig({ ...base, GOVLEDGER_AUDIT_ORGS: 'CityBMSP, AuditMSP' }).events.auditOrgs).toEqual([
      'AuditMSP',
      'CityBMSP',
    ]);
    expect(loadConfig({ ...base, GOVLEDGER_AUDIT_ORGS: '' }).events.auditOrgs).toEqual([]);
    expect(loadConfig({ ...base, SSE_MAX_STREAMS_PER_CALLER: '5' }).events.maxStreamsPerCaller).toBe(5);
    expect(failure({ ...base, GOVLEDGER_AUDIT_ORGS: 'bad msp' }).variable).toBe('GOVLEDGER_AUDIT_ORGS');
    expect(failure({ ...base, SSE_MAX_STREAMS_PER_CALLER: '0' }).variable).toBe('SSE_MAX_STREAMS_PER_CALLER');
  });
});

describe('security settings (issue 14)', () => {
  it('has defaults for token age, failed authentications, JSON depth, headers and offline sessions', () => {
    const c = loadConfig(base);
    expect(c.jwt.maxTokenAgeSec).toBe(12 * 3600);
    expect(c.authFailureLimit).toEqual({ windowMs: 60_000, max: 30 });
    expect(c.jsonMaxDepth).toBe(32);
    expect(c.maxHeaderBytes).toBe(16_384);
    expect(c.offline).toEqual({ ttlSec: 900, maxOpenPerCaller: 5 });
  });

  it('accepts overrides and refuses bad values, naming the variable', () => {
    const c = loadConfig({
      ...base,
      JWT_MAX_TOKEN_AGE_S: '3600',
      AUTH_FAILURE_WINDOW_MS: '300000',
      AUTH_FAILURE_MAX: '10',
      JSON_MAX_DEPTH: '16',
      GATEWAY_MAX_HEADER_BYTES: '32768',
      OFFLINE_SESSION_TTL_S: '300',
      OFFLINE_SESSIONS_PER_CALLER: '2',
    });
    expect(c.jwt.maxTokenAgeSec).toBe(3600);
    expect(c.authFailureLimit).toEqual({ windowMs: 300_000, max: 10 });
    expect(c.jsonMaxDepth).toBe(16);
    expect(c.maxHeaderBytes).toBe(32_768);
    expect(c.offline).toEqual({ ttlSec: 300, maxOpenPerCaller: 2 });
    expect(failure({ ...base, JSON_MAX_DEPTH: '0' }).variable).toBe('JSON_MAX_DEPTH');
    expect(failure({ ...base, OFFLINE_SESSION_TTL_S: 'forever' }).variable).toBe('OFFLINE_SESSION_TTL_S');
    expect(failure({ ...base, JWT_MAX_TOKEN_AGE_S: '999999999' }).variable).toBe('JWT_MAX_TOKEN_AGE_S');
  });

  it('refuses HS256 when NODE_ENV=production, and accepts RS256 there', () => {
    const err = failure({ ...base, NODE_ENV: 'production' });
    expect(err.variable).toBe('JWT_MODE');
    expect(err.message).toMatch(/NODE_ENV=production/);
    expect(
      failure({ ...base, NODE_ENV: 'production', JWT_MODE: 'hs256', JWT_HS256_SECRET: 'y'.repeat(64) })
        .variable,
    ).toBe('JWT_MODE');
    const c = loadConfig({
      ...base,
      NODE_ENV: 'production',
      JWT_MODE: 'rs256',
      JWT_JWKS_URL: 'https://idp.example/jwks.json',
    });
    expect(c.jwt.mode).toBe('rs256');
    expect(loadConfig({ ...base, NODE_ENV: 'development' }).jwt.mode).toBe('hs256');
  });
});

describe('GATEWAY_DATABASE_URL (gateway replicas)', () => {
  it('is unset by default (the SQLite file alone) and read when a postgres URL', () => {
    expect(loadConfig(base).db.url).toBeUndefined();
    const url = 'postgres://gateway@127.0.0.1:5432/govledger';
    expect(loadConfig({ ...base, GATEWAY_DATABASE_URL: url }).db.url).toBe(url);
  });

  it('refuses anything but a postgres URL, naming the variable', () => {
    expect(failure({ ...base, GATEWAY_DATABASE_URL: 'mysql://x/y' }).variable).toBe('GATEWAY_DATABASE_URL');
  });
});
