// network.sh backup / restore on a hand-made state folder (no process runs: no CA, peer or
// gateway, so no ledger snapshot is taken and nothing is restarted), and lib/backup-tools.js:
// SQLite's online backup of a live WAL database, the manifest. What the archive holds, that keys
// stay 0600, and that restore checks the archive against its manifest before it touches anything.
'use strict';

const { afterAll, beforeAll, describe, expect, it } = require('@jest/globals');
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const Database = require('better-sqlite3');

const NETWORK_SH = path.join(__dirname, '..', 'network.sh');
const TOOLS = path.join(__dirname, '..', 'lib', 'backup-tools.js');
let tmp;
let state;

function network(...args) {
  return spawnSync('bash', [NETWORK_SH, ...args, '--state-dir', state], {
    encoding: 'utf8',
    timeout: 120_000,
  });
}

function tools(...args) {
  return spawnSync('node', [TOOLS, ...args], { encoding: 'utf8' });
}

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const mode = (file) => fs.statSync(file).mode & 0o777;

/** Writes FILE (and its folders) with CONTENT and MODE. */
function put(file, content, fileMode = 0o644) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, { mode: fileMode });
  fs.chmodSync(file, fileMode);
}

/** A SQLite database in WAL mode with N rows that stay in its -wal file (no checkpoint); open. */
function liveWalDatabase(file, n) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE records (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO records (body) VALUES (?)');
  for (let i = 0; i < n; i++) insert.run(`record ${i}`);
  return db;
}

/** Unpacks an archive into a new folder. */
function unpack(archive) {
  const dir = fs.mkdtempSync(path.join(tmp, 'unpacked-'));
  const r = spawnSync('tar', ['-C', dir, '-xpzf', archive]);
  expect(r.status).toBe(0);
  return dir;
}

let gatewayDb;
let caDb;

beforeAll(() => {
  const version = fs
    .readFileSync(path.join(__dirname, '..', 'fabric-tools', 'fabric', 'go.mod'), 'utf8')
    .match(/^require github\.com\/hyperledger\/fabric (\S+)$/m)[1];
  const modcache = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).stdout.trim();
  const sampleconfig = path.join(modcache, 'github.com', 'hyperledger', `fabric@${version}`, 'sampleconfig');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'network-backup-'));
  state = path.join(tmp, 'state');
  // City B's files as `up` and `gateway` lay them out (only what backup reads), and one of City A's
  put(path.join(state, 'network.env'), `PORT_BASE=23000\nCONSENSUS=raft\nFABRIC_CFG_PATH=${sampleconfig}\n`);
  put(path.join(state, 'orgs', 'CityB', 'pid.key'), 'pid-key\n', 0o600);
  put(path.join(state, 'ca', 'CityB', 'ca-cert.pem'), 'CITY B CA CERT\n');
  put(path.join(state, 'ca', 'CityB', 'msp', 'keystore', 'ca_sk'), 'CITY B CA KEY\n', 0o600);
  put(path.join(state, 'ca', 'CityB', 'msp', 'keystore', 'IssuerSecretKey'), 'IDEMIX KEY\n', 0o644);
  put(path.join(state, 'ca', 'CityB', 'bootstrap.secret'), 'secret\n', 0o600);
  put(path.join(state, 'ca', 'CityB', 'fabric-ca-server-config.yaml'), 'port: 23002\n');
  put(path.join(state, 'ca-admin', 'CityB', 'msp', 'keystore', 'key.pem'), 'REGISTRAR KEY\n', 0o600);
  put(path.join(state, 'orgs', 'CityB', 'msp', 'cacerts', 'ca.pem'), 'CITY B CA CERT\n');
  put(path.join(state, 'orgs', 'CityB', 'admin', 'msp', 'keystore', 'key.pem'), 'ADMIN KEY\n', 0o600);
  put(path.join(state, 'nodes', 'peer0.CityB', 'msp', 'keystore', 'key.pem'), 'PEER KEY\n', 0o600);
  put(path.join(state, 'nodes', 'peer0.CityB', 'tls', 'server.key'), 'PEER TLS KEY\n', 0o600);
  put(
    path.join(state, 'nodes', 'peer0.CityB', 'data', 'ledgersData', 'chains', 'blockfile_000000'),
    'BLOCKS',
  );
  put(path.join(state, 'users', 'issuer-b', 'mspid'), 'CityBMSP\n');
  put(path.join(state, 'users', 'issuer-b', 'msp', 'keystore', 'key.pem'), 'ISSUER B KEY\n', 0o600);
  put(path.join(state, 'users', 'issuer-a', 'mspid'), 'CityAMSP\n');
  put(path.join(state, 'users', 'issuer-a', 'msp', 'keystore', 'key.pem'), 'ISSUER A KEY\n', 0o600);
  put(path.join(state, 'gateway', 'secrets.env'), 'WALLET_KEY=00\n', 0o600);
  put(path.join(state, 'gateway', 'wallet', 'issuer-b.id'), '{"sealed":true}\n', 0o600);
  caDb = liveWalDatabase(path.join(state, 'ca', 'CityB', 'fabric-ca-server.db'), 10);
  gatewayDb = liveWalDatabase(path.join(state, 'gateway', 'gateway.db'), 200);
});

afterAll(() => {
  caDb?.close();
  gatewayDb?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('backup-tools.js', () => {
  it('copies a live WAL database with its uncheckpointed transactions, where a raw file copy loses them', () => {
    const src = path.join(tmp, 'live.db');
    const db = liveWalDatabase(src, 50);
    try {
      expect(fs.statSync(`${src}-wal`).size).toBeGreaterThan(0);
      const raw = path.join(tmp, 'raw-copy.db');
      fs.copyFileSync(src, raw);
      const rawRows = tools('sqlite-check', raw);
      // the raw copy of the main file misses the table and its rows, which are still in the -wal file
      expect(rawRows.status === 0 ? (JSON.parse(rawRows.stdout).records ?? 0) : 0).toBe(0);

      const dest = path.join(tmp, 'online-copy.db');
      const r = tools('sqlite-backup', src, dest);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual({ records: 50 });
      expect(mode(dest)).toBe(0o600);
      expect(fs.existsSync(`${dest}-wal`)).toBe(false);
      const copy = new Database(dest, { readonly: true });
      try {
        expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
        expect(copy.prepare('SELECT body FROM records WHERE id = 50').get().body).toBe('record 49');
      } finally {
        copy.close();
      }
    } finally {
      db.close();
    }
  });

  it('refuses a file that is not a database, and a missing one', () => {
    const junk = path.join(tmp, 'junk.db');
    fs.writeFileSync(junk, 'not a database at all, just text that is long enough to be read '.repeat(20));
    expect(tools('sqlite-check', junk).status).toBe(1);
    expect(tools('sqlite-backup', path.join(tmp, 'missing.db'), path.join(tmp, 'x.db')).status).toBe(1);
  });

  it('writes a typed manifest and refuses unknown, malformed or missing fields', () => {
    const out = path.join(tmp, 'manifest.json');
    const ok = tools(
      'manifest',
      out,
      'format=1',
      'organisation=CityB',
      'mspId=CityBMSP',
      'channel=govchannel',
      'createdAt=2026-01-01T00:00:00Z',
      'peerHeight=12',
      'gateway=yes',
      'snapshotBlock=',
    );
    expect(ok.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual({
      format: 1,
      organisation: 'CityB',
      mspId: 'CityBMSP',
      channel: 'govchannel',
      createdAt: '2026-01-01T00:00:00Z',
      peerHeight: 12,
      gateway: true,
    });
    expect(mode(out)).toBe(0o600);
    expect(tools('manifest', out, 'format=1', 'colour=blue').stderr).toMatch(/unknown manifest field/);
    expect(tools('manifest', out, 'format=one').stderr).toMatch(/format must be a whole number/);
    expect(tools('manifest', out, 'format=1', 'organisation=CityB').stderr).toMatch(/needs mspId/);
    expect(tools('frobnicate').status).toBe(2);
  });
});

describe('network.sh backup and restore (hand-made state folder)', () => {
  let archive;

  it('backs up City B alone into one 0600 archive: every file listed in SHA256SUMS, every file 0600', () => {
    const r = network('backup', 'CityB', path.join(tmp, 'backups'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    archive = /^Backup of CityB in [0-9.]+s: (\S+)$/m.exec(r.stdout)[1];
    expect(path.basename(archive)).toMatch(/^govledger-CityB-\d{8}T\d{6}Z\.tar\.gz$/);
    expect(mode(archive)).toBe(0o600);
    expect(mode(path.join(tmp, 'backups'))).toBe(0o700);

    const dir = unpack(archive);
    const listed = fs
      .readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => [l.slice(66), l.slice(0, 64)]);
    const files = listed.map(([f]) => f).sort();
    expect(files).toEqual(
      [
        'manifest.json',
        'state/ca-admin/CityB/msp/keystore/key.pem',
        'state/ca/CityB/bootstrap.secret',
        'state/ca/CityB/ca-cert.pem',
        'state/ca/CityB/fabric-ca-server-config.yaml',
        'state/ca/CityB/fabric-ca-server.db',
        'state/ca/CityB/msp/keystore/IssuerSecretKey',
        'state/ca/CityB/msp/keystore/ca_sk',
        'state/gateway/gateway.db',
        'state/gateway/secrets.env',
        'state/gateway/wallet/issuer-b.id',
        'state/nodes/peer0.CityB/msp/keystore/key.pem',
        'state/nodes/peer0.CityB/tls/server.key',
        'state/orgs/CityB/admin/msp/keystore/key.pem',
        'state/orgs/CityB/msp/cacerts/ca.pem',
        'state/orgs/CityB/pid.key',
        'state/users/issuer-b/msp/keystore/key.pem',
        'state/users/issuer-b/mspid',
      ].sort(),
    );
    for (const [f, hash] of listed) {
      expect(sha256(path.join(dir, f))).toBe(hash);
      expect(mode(path.join(dir, f))).toBe(0o600);
    }
    // the databases are whole: the rows still in the live databases' -wal files are in the copies
    expect(JSON.parse(tools('sqlite-check', path.join(dir, 'state/gateway/gateway.db')).stdout)).toEqual({
      records: 200,
    });
    expect(
      JSON.parse(tools('sqlite-check', path.join(dir, 'state/ca/CityB/fabric-ca-server.db')).stdout),
    ).toEqual({
      records: 10,
    });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'))).toMatchObject({
      format: 1,
      organisation: 'CityB',
      mspId: 'CityBMSP',
      gateway: true,
      peerHeight: 0,
    });
  });

  it('restores City B: files back as they were, keys 0600, other organisations untouched', () => {
    const caKey = path.join(state, 'ca', 'CityB', 'msp', 'keystore', 'ca_sk');
    const before = sha256(caKey);
    // a lost CA home, a changed user key, a gateway database that moved on
    fs.rmSync(path.join(state, 'ca', 'CityB'), { recursive: true, force: true });
    caDb.close();
    caDb = undefined;
    put(path.join(state, 'users', 'issuer-b', 'msp', 'keystore', 'key.pem'), 'OTHER KEY\n', 0o644);
    put(path.join(state, 'users', 'issuer-a', 'msp', 'keystore', 'key.pem'), 'ISSUER A NEW KEY\n', 0o600);
    gatewayDb.prepare('INSERT INTO records (body) VALUES (?)').run('after the backup');
    gatewayDb.close();
    gatewayDb = undefined;

    const r = network('restore', 'CityB', path.join(tmp, 'backups'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(sha256(caKey)).toBe(before);
    expect(mode(caKey)).toBe(0o600);
    expect(mode(path.join(state, 'ca', 'CityB', 'msp', 'keystore', 'IssuerSecretKey'))).toBe(0o600);
    const userKey = path.join(state, 'users', 'issuer-b', 'msp', 'keystore', 'key.pem');
    expect(fs.readFileSync(userKey, 'utf8')).toBe('ISSUER B KEY\n');
    expect(mode(userKey)).toBe(0o600);
    expect(fs.readFileSync(path.join(state, 'users', 'issuer-a', 'msp', 'keystore', 'key.pem'), 'utf8')).toBe(
      'ISSUER A NEW KEY\n',
    );
    // the gateway database is the backup's: the row written after it is gone, no stale -wal left
    expect(fs.existsSync(path.join(state, 'gateway', 'gateway.db-wal'))).toBe(false);
    expect(JSON.parse(tools('sqlite-check', path.join(state, 'gateway', 'gateway.db')).stdout)).toEqual({
      records: 200,
    });
    // the peer's ledger is not part of an organisation's backup, and restore leaves it alone
    expect(fs.existsSync(path.join(state, 'nodes', 'peer0.CityB', 'data', 'ledgersData', 'chains'))).toBe(
      true,
    );
  });

  /** A copy of the archive changed by CHANGE(dir), repacked as a backup of City B. */
  function tampered(name, change) {
    const dir = unpack(archive);
    change(dir);
    const folder = fs.mkdtempSync(path.join(tmp, `${name}-`));
    const out = path.join(folder, 'govledger-CityB-20000101T000000Z.tar.gz');
    expect(spawnSync('tar', ['-C', dir, '-czf', out, '.']).status).toBe(0);
    return out;
  }

  it('refuses an archive whose files do not match its manifest, restoring nothing', () => {
    const caCert = path.join(state, 'ca', 'CityB', 'ca-cert.pem');
    const changed = tampered('changed', (dir) =>
      put(path.join(dir, 'state/ca/CityB/ca-cert.pem'), 'EVIL CA\n'),
    );
    const r = network('restore', 'CityB', changed);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/fails its manifest, nothing restored/);
    expect(r.stderr).toContain('state/ca/CityB/ca-cert.pem');
    expect(fs.readFileSync(caCert, 'utf8')).toBe('CITY B CA CERT\n');
  });

  it('refuses an archive with a file its manifest does not list, or without a listed file', () => {
    const extra = tampered('extra', (dir) => put(path.join(dir, 'state/users/intruder/mspid'), 'CityBMSP\n'));
    const r1 = network('restore', 'CityB', extra);
    expect(r1.status).toBe(1);
    expect(r1.stderr).toMatch(/files its manifest does not list/);
    expect(fs.existsSync(path.join(state, 'users', 'intruder'))).toBe(false);
    const missing = tampered('missing', (dir) => fs.rmSync(path.join(dir, 'state/orgs/CityB/pid.key')));
    const r2 = network('restore', 'CityB', missing);
    expect(r2.status).toBe(1);
    expect(r2.stderr).toMatch(/fails its manifest|does not list/);
  });

  it('refuses a backup for another organisation, a symbolic link in the archive, and a folder with no backup', () => {
    const other = network('restore', 'CityA', archive);
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/is a backup of CityB, not of CityA/);
    const link = tampered('link', (dir) => fs.symlinkSync('/etc/passwd', path.join(dir, 'state/link')));
    const r = network('restore', 'CityB', link);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/holds something other than files and folders/);
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
    expect(network('restore', 'CityB', empty).stderr).toMatch(/no backup of CityB/);
  });

  it('refuses bad usage with one line', () => {
    expect(network('backup', 'CityB').stderr).toMatch(/usage: network.sh backup ORG DIR/);
    expect(network('backup', 'Nowhere', tmp).stderr).toMatch(/unknown organisation 'Nowhere'/);
    expect(network('restore-peer', 'peer0.CityB').stderr).toMatch(/usage: network.sh restore-peer/);
    expect(network('restore-peer', 'orderer1', '--from-genesis').stderr).toMatch(/'orderer1' is not a peer/);
    const both = network('restore-peer', 'peer0.CityB', '--from-genesis', '--from-snapshot', tmp);
    expect(both.stderr).toMatch(/usage: network.sh restore-peer/);
    const duration = spawnSync(
      'bash',
      [NETWORK_SH, 'restore-peer', 'peer0.CityB', '--from-genesis', '--state-dir', state],
      {
        encoding: 'utf8',
        env: { ...process.env, REBUILD_PULL_RETRY: 'soon' },
      },
    );
    expect(duration.stderr).toMatch(/REBUILD_PULL_RETRY must be a duration such as 3s, not 'soon'/);
    const wrong = spawnSync('bash', [NETWORK_SH, 'status', '--from-snapshot', tmp], { encoding: 'utf8' });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/apply to 'restore-peer' only/);
  });
});
