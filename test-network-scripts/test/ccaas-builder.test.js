// The chaincode-as-a-service builder (ccaas-builder/bin): detect, build and release as the peer
// runs them, on a standard ccaas package whose connection.json holds Go templates, resolved like
// Fabric's own ccaas builder does from CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG.
'use strict';

const { afterAll, describe, expect, it } = require('@jest/globals');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const builder = require('../ccaas-builder/bin/build');

const BIN = path.join(__dirname, '..', 'ccaas-builder', 'bin');
const made = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A package as the peer unpacks it: source dir (code.tar.gz's content) and metadata dir. */
function unpacked(connection, metadata = { type: 'ccaas', label: 'probe_1' }, extra = () => {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccaas-builder-'));
  made.push(dir);
  const src = path.join(dir, 'src');
  const meta = path.join(dir, 'meta');
  const bld = path.join(dir, 'bld');
  const rel = path.join(dir, 'release');
  for (const d of [src, meta, bld, rel]) fs.mkdirSync(d);
  fs.writeFileSync(path.join(meta, 'metadata.json'), JSON.stringify(metadata));
  fs.writeFileSync(
    path.join(src, 'connection.json'),
    typeof connection === 'string' ? connection : JSON.stringify(connection),
  );
  extra(src);
  return { src, meta, bld, rel };
}

/** Runs one builder program with only the environment the peer would give it. */
function runBuilder(program, args, config) {
  const env = { PATH: process.env.PATH };
  if (config !== undefined) env.CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG = config;
  return spawnSync(path.join(BIN, program), args, { encoding: 'utf8', env });
}

const PEER_CONFIG = JSON.stringify({
  peername: 'peer0.CityA',
  mspid: 'CityAMSP',
  host: '127.0.0.1',
  ports: { cc: 9999 },
});

describe('ccaas builder on a templated package', () => {
  it('detects, builds and releases: the released connection.json has every template resolved', () => {
    const p = unpacked(
      {
        address: '{{.host}}:{{ .ports.cc }}',
        dial_timeout: '10s',
        tls_required: true,
        client_auth_required: true,
        root_cert: 'root for {{.peername}}',
        client_key: 'key of {{- .mspid -}}  ',
        client_cert: 'cert',
        unknown_field: 'dropped, as by Fabric',
      },
      undefined,
      (src) => {
        fs.mkdirSync(path.join(src, 'META-INF', 'statedb', 'couchdb', 'indexes'), { recursive: true });
        fs.writeFileSync(path.join(src, 'META-INF', 'statedb', 'couchdb', 'indexes', 'i.json'), '{}');
      },
    );
    expect(runBuilder('detect', [p.src, p.meta], PEER_CONFIG).status).toBe(0);
    const b = runBuilder('build', [p.src, p.meta, p.bld], PEER_CONFIG);
    expect(b.stderr).toBe('');
    expect(b.status).toBe(0);
    expect(runBuilder('release', [p.bld, p.rel], PEER_CONFIG).status).toBe(0);
    const released = JSON.parse(
      fs.readFileSync(path.join(p.rel, 'chaincode', 'server', 'connection.json'), 'utf8'),
    );
    expect(released).toEqual({
      address: '127.0.0.1:9999',
      dial_timeout: '10s',
      tls_required: true,
      client_auth_required: true,
      root_cert: 'root for peer0.CityA',
      client_key: 'key ofCityAMSP',
      client_cert: 'cert',
    });
    expect(fs.existsSync(path.join(p.rel, 'statedb', 'couchdb', 'indexes', 'i.json'))).toBe(true);
    expect(fs.existsSync(path.join(p.bld, 'metadata.json'))).toBe(true);
  });

  it('leaves a package without templates as it is (fields of a non-TLS connection emptied, as Fabric does)', () => {
    const p = unpacked({
      address: 'cc.example:7052',
      dial_timeout: '5s',
      tls_required: false,
      root_cert: 'x',
    });
    expect(runBuilder('build', [p.src, p.meta, p.bld], undefined).status).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(p.bld, 'connection.json'), 'utf8'))).toEqual({
      address: 'cc.example:7052',
      dial_timeout: '5s',
      tls_required: false,
      client_auth_required: false,
      root_cert: '',
      client_key: '',
      client_cert: '',
    });
  });

  it('fails, naming the field, when a template key is missing or the peer gives no configuration', () => {
    const p = unpacked({ address: '{{.peername}}_cc:9999', dial_timeout: '{{.timeout}}' });
    const missing = runBuilder('build', [p.src, p.meta, p.bld], PEER_CONFIG);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/dial_timeout: .*no entry for key "timeout"/);
    const none = runBuilder('build', [p.src, p.meta, p.bld], undefined);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/address: .*no entry for key "peername"/);
    expect(fs.existsSync(path.join(p.bld, 'connection.json'))).toBe(false);
  });

  it('refuses what it does not support rather than guessing, and a package that is not ccaas', () => {
    expect(() => builder.execTemplate('{{.a | printf "%s"}}', { a: 'x' }, 'address')).toThrow(
      /unsupported template action/,
    );
    expect(() => builder.execTemplate('{{if .a}}x{{end}}', { a: 'x' }, 'address')).toThrow(/unsupported/);
    expect(() => builder.execTemplate('{{.a', { a: 'x' }, 'address')).toThrow(/unclosed action/);
    expect(() => builder.execTemplate('{{.a}}', { a: { b: 1 } }, 'address')).toThrow(/not a string/);
    expect(() => builder.builderConfig({ CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: '{' })).toThrow(/not JSON/);
    const p = unpacked({ address: 'x:1' }, { type: 'golang', label: 'x' });
    expect(runBuilder('detect', [p.src, p.meta]).status).not.toBe(0);
    const b = runBuilder('build', [p.src, p.meta, p.bld]);
    expect(b.status).toBe(1);
    expect(b.stderr).toMatch(/chaincode type should be ccaas, it is golang/);
    const noAddress = unpacked({ address: '' });
    expect(runBuilder('build', [noAddress.src, noAddress.meta, noAddress.bld]).stderr).toMatch(/no address/);
  });
});
