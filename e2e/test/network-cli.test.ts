/**
 * network.sh refuses bad input with a one-line error, a non-zero exit code and
 * nothing left half-started; and the network is conventional to operate: the peer CLI
 * works with only the environment `network.sh env` prints, certificates carry the
 * consortium's subject, and a standard ccaas package with a templated connection.json
 * is resolved per peer by the builder, as Fabric's own ccaas builder does.
 */
import { X509Certificate } from 'crypto';
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createServer, type Server } from 'net';
import os from 'os';
import path from 'path';
import { ROOT, findFreePortBase, readNetworkInfo, stateDir } from '../src/test-network';

function network(args: string[]): { status: number | null; out: string } {
  const r = spawnSync('bash', [path.join(ROOT, 'test-network-scripts', 'network.sh'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('network.sh bad input', () => {
  it('refuses an unknown command and an unknown option', () => {
    const cmd = network(['frobnicate']);
    expect(cmd.status).toBe(2);
    expect(cmd.out).toMatch(/unknown command 'frobnicate'/);
    const opt = network(['status', '--colour']);
    expect(opt.status).toBe(2);
    expect(opt.out).toMatch(/unknown option '--colour'/);
    const base = network(['up', '--port-base', 'abc']);
    expect(base.status).toBe(2);
    expect(base.out).toMatch(/--port-base must be a number/);
  });

  it('refuses up while a network is running in that state folder', () => {
    const r = network(['up', '--state-dir', stateDir()]);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/already running/);
  });

  it('refuses to deploy a chaincode that does not exist', () => {
    const r = network(['deploy', 'no-such-chaincode', '--state-dir', stateDir()]);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/no chaincode named 'no-such-chaincode'/);
  });

  it('refuses a port range that is in use and leaves no state behind', async () => {
    const base = await findFreePortBase();
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(base + 20, '127.0.0.1', () => resolve()));
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'govledger-cli-')), 'net');
    try {
      const r = network(['up', '--state-dir', dir, '--port-base', String(base)]);
      expect(r.status).toBe(1);
      expect(r.out).toMatch(new RegExp(`port\\(s\\) ${base + 20} already in use`));
      expect(existsSync(dir)).toBe(false);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });

  it('says what to do when Go is missing', () => {
    const r = spawnSync('bash', [path.join(ROOT, 'test-network-scripts', 'install-fabric.sh'), '--force'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, PATH: '/usr/bin:/bin' },
    });
    expect(r.status).toBe(1);
    expect(`${r.stdout}${r.stderr}`).toMatch(/Go is not installed: install Go 1\.25 or newer/);
  });

  it('says what to do when no network exists', () => {
    const r = network(['status', '--state-dir', path.join(os.tmpdir(), 'govledger-none')]);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/no network in .* \(start one with: npm run up\)/);
  });
});

const NETWORK_SH = path.join(ROOT, 'test-network-scripts', 'network.sh');

/** The directory of a program on this process's PATH. */
function dirOf(program: string): string {
  const r = spawnSync('bash', ['-c', `command -v ${program}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${program} is not on PATH`);
  return path.dirname(r.stdout.trim());
}

/**
 * Runs `script` in a bash whose environment holds nothing of Fabric's (no FABRIC_CFG_PATH, no
 * CORE_*, no bin/ on PATH: only the directories of node and go, which network.sh itself needs),
 * after `eval "$(network.sh env ...)"`: whatever the peer CLI needs must come from that output.
 */
function withOrgEnv(envArgs: string[], script: string): { status: number | null; out: string; err: string } {
  const quoted = [...envArgs, '--state-dir', stateDir()]
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  const r = spawnSync(
    'bash',
    [
      '--noprofile',
      '--norc',
      '-c',
      `set -euo pipefail; eval "$(bash '${NETWORK_SH}' env ${quoted})"; ${script}`,
    ],
    {
      cwd: os.tmpdir(),
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        PATH: [path.dirname(process.execPath), dirOf('go'), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
        HOME: process.env.HOME ?? os.tmpdir(),
        // Go's own settings (where its module cache is), for network.sh to find Fabric's core.yaml
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => /^GO[A-Z]+$/.test(k))),
      },
    },
  );
  return { status: r.status, out: r.stdout, err: r.stderr };
}

interface Subject {
  country: string;
  state: string;
  locality: string;
  organisation: string;
}
interface ConsortiumOrg {
  name: string;
  mspId: string;
  subject: Subject;
}
const consortium = JSON.parse(readFileSync(path.join(ROOT, 'network', 'consortium.json'), 'utf8')) as {
  ordererOrg: ConsortiumOrg;
  peerOrgs: ConsortiumOrg[];
  addOrg: ConsortiumOrg;
};

describe('network.sh env: the peer CLI environment of an organisation', () => {
  it('prints export lines for eval, and network.env records FABRIC_CFG_PATH', () => {
    const r = spawnSync('bash', [NETWORK_SH, 'env', 'CityA', '--state-dir', stateDir()], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    for (const line of lines) expect(line).toMatch(/^export [A-Z_]+=/);
    const names = lines.map((l) => l.slice('export '.length, l.indexOf('=')));
    expect(names).toEqual(
      expect.arrayContaining([
        'FABRIC_CFG_PATH',
        'PATH',
        'CORE_PEER_TLS_ENABLED',
        'CORE_PEER_LOCALMSPID',
        'CORE_PEER_MSPCONFIGPATH',
        'CORE_PEER_ADDRESS',
        'CORE_PEER_TLS_ROOTCERT_FILE',
        'ORDERER_ADDRESS',
        'ORDERER_CA',
      ]),
    );
    const networkEnv = readFileSync(path.join(stateDir(), 'network.env'), 'utf8');
    const cfg = /^FABRIC_CFG_PATH=(.+)$/m.exec(networkEnv)?.[1];
    expect(cfg).toBeDefined();
    expect(existsSync(path.join(cfg as string, 'core.yaml'))).toBe(true);
    expect(r.stdout).toContain(`export FABRIC_CFG_PATH=${cfg}\n`);
  });

  it("runs peer CLI queries with nothing but City A's environment from network.sh env", () => {
    const r = withOrgEnv(
      ['CityA'],
      [
        'echo "peer=$(command -v peer)"',
        'echo "msp=$CORE_PEER_LOCALMSPID"',
        'peer lifecycle chaincode querycommitted -C "$CHANNEL_NAME" -O json > committed.json.$$',
        'echo "committed=$(tr -d \'\\n\' < committed.json.$$)"; rm -f committed.json.$$',
        `echo "metadata=$(peer chaincode query -C "$CHANNEL_NAME" -n e-licence -c '{"Args":["org.hyperledger.fabric:GetMetadata"]}')"`,
        'peer channel getinfo -c "$CHANNEL_NAME"',
      ].join('; '),
    );
    expect(r.err).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    const field = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(r.out)?.[1] ?? '';
    expect(field('peer')).toBe(path.join(ROOT, 'bin', 'peer'));
    expect(field('msp')).toBe('CityAMSP');
    const committed = JSON.parse(field('committed')) as { chaincode_definitions: { name: string }[] };
    expect(committed.chaincode_definitions.map((d) => d.name).sort()).toEqual(
      ['data-sharing', 'e-licence', 'e-voting', 'fund-tracing'].sort(),
    );
    const metadata = JSON.parse(field('metadata')) as { contracts: Record<string, unknown> };
    expect(Object.keys(metadata.contracts).length).toBeGreaterThan(0);
    expect(r.out).toMatch(/Blockchain info: \{"height":\d+/);
  });

  it('acts as a demo user of the organisation, and refuses a user of another or an unknown organisation', () => {
    const user = withOrgEnv(
      ['CityBMSP', 'issuer-b'],
      `echo "msp=$CORE_PEER_LOCALMSPID dir=$CORE_PEER_MSPCONFIGPATH"; peer chaincode query -C "$CHANNEL_NAME" -n e-licence -c '{"Args":["org.hyperledger.fabric:GetMetadata"]}' > /dev/null`,
    );
    expect(user.err).not.toMatch(/Error/);
    expect(user.status).toBe(0);
    expect(user.out).toContain(`msp=CityBMSP dir=${path.join(stateDir(), 'users', 'issuer-b', 'msp')}`);
    const other = spawnSync('bash', [NETWORK_SH, 'env', 'CityA', 'issuer-b', '--state-dir', stateDir()], {
      encoding: 'utf8',
    });
    expect(other.status).toBe(1);
    expect(other.stdout).toBe('');
    expect(other.stderr).toMatch(/user 'issuer-b' belongs to CityBMSP, not to CityA/);
    const unknown = spawnSync('bash', [NETWORK_SH, 'env', 'Nowhere', '--state-dir', stateDir()], {
      encoding: 'utf8',
    });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/unknown organisation 'Nowhere' \(organisations: CityA \(CityAMSP\)/);
  });
});

describe('certificates carry the consortium subject', () => {
  /** The subject's attributes of a PEM certificate: C, ST, L, O, every OU, CN. */
  function subjectOf(file: string): Record<string, string[]> {
    const cert = new X509Certificate(readFileSync(file));
    const out: Record<string, string[]> = {};
    // one RDN a line; a multi-valued RDN (the CA's OUs: staff + client) is written 'OU=staff + OU=client'
    for (const part of cert.subject.split('\n').flatMap((line) => line.split(' + '))) {
      const eq = part.indexOf('=');
      (out[part.slice(0, eq)] ??= []).push(part.slice(eq + 1));
    }
    return out;
  }
  const expected = (s: Subject) => ({ C: [s.country], ST: [s.state], L: [s.locality], O: [s.organisation] });

  it("on every CA certificate, the CAs' TLS certificates, nodes, admins and users", () => {
    const dir = stateDir();
    const info = readNetworkInfo(dir);
    const orgs = [consortium.ordererOrg, ...consortium.peerOrgs, consortium.addOrg].filter(
      (o) => o === consortium.ordererOrg || info.organisations.some((j) => j.name === o.name),
    );
    expect(orgs.length).toBeGreaterThanOrEqual(3);
    for (const org of orgs) {
      const files = [
        path.join(dir, 'ca', org.name, 'ca-cert.pem'),
        path.join(dir, 'ca', org.name, 'tls-cert.pem'),
        path.join(dir, 'orgs', org.name, 'admin', 'msp', 'signcerts', 'cert.pem'),
        path.join(dir, 'orgs', org.name, 'admin', 'tls', 'server.crt'),
      ];
      if (org === consortium.ordererOrg) {
        files.push(path.join(dir, 'nodes', 'orderer1', 'msp', 'signcerts', 'cert.pem'));
        files.push(path.join(dir, 'nodes', 'orderer1', 'tls', 'server.crt'));
      } else {
        files.push(path.join(dir, 'nodes', `peer0.${org.name}`, 'msp', 'signcerts', 'cert.pem'));
        files.push(path.join(dir, 'nodes', `peer0.${org.name}`, 'tls', 'server.crt'));
      }
      for (const file of files) {
        const subject = subjectOf(file);
        expect({ file, ...subject, OU: undefined, CN: undefined }).toEqual({
          file,
          ...expected(org.subject),
          OU: undefined,
          CN: undefined,
        });
        expect(subject.O).not.toContain('Hyperledger');
      }
    }
    // users: a staff user (OU staff + client) and a citizen (OU client only), each its own org's subject
    const issuer = subjectOf(path.join(dir, 'users', 'issuer-a', 'msp', 'signcerts', 'cert.pem'));
    expect({ C: issuer.C, ST: issuer.ST, L: issuer.L, O: issuer.O }).toEqual(
      expected(consortium.peerOrgs[0].subject),
    );
    expect(issuer.OU).toEqual(expect.arrayContaining(['client', 'staff']));
    const citizen = subjectOf(path.join(dir, 'users', 'citizen-b1', 'msp', 'signcerts', 'cert.pem'));
    expect({ C: citizen.C, ST: citizen.ST, L: citizen.L, O: citizen.O }).toEqual(
      expected(consortium.peerOrgs[1].subject),
    );
  });
});

describe('a standard ccaas package with a templated connection.json', () => {
  /**
   * Writes a ccaas package (metadata.json + code.tar.gz holding connection.json) into a new
   * temporary folder and returns its path.
   */
  function ccaasPackage(label: string, connection: Record<string, unknown>): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'govledger-ccaas-'));
    mkdirSync(path.join(dir, 'code'));
    writeFileSync(path.join(dir, 'code', 'connection.json'), JSON.stringify(connection));
    writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify({ type: 'ccaas', label }));
    const tar = (args: string[]) => {
      const r = spawnSync('tar', args, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`tar ${args.join(' ')}: ${r.stderr}`);
    };
    tar(['-C', path.join(dir, 'code'), '-czf', path.join(dir, 'code.tar.gz'), 'connection.json']);
    tar(['-C', dir, '-czf', path.join(dir, `${label}.tar.gz`), 'metadata.json', 'code.tar.gz']);
    return path.join(dir, `${label}.tar.gz`);
  }
  const made: string[] = [];
  afterAll(() => made.forEach((f) => rmSync(path.dirname(f), { recursive: true, force: true })));

  it("is installed on two peers with one package id, each peer's builder resolving its own address", () => {
    const dir = stateDir();
    const label = `templated-probe_${Date.now()}`;
    const tls = path.join(dir, 'orgs', 'CityA', 'ccserver', 'tls');
    const pkg = ccaasPackage(label, {
      address: '{{.peername}}.{{.mspid}}.ccaas.local:9999',
      dial_timeout: '10s',
      tls_required: true,
      client_auth_required: true,
      root_cert: readFileSync(path.join(tls, 'ca.crt'), 'utf8'),
      client_key: readFileSync(path.join(tls, 'server.key'), 'utf8'),
      client_cert: readFileSync(path.join(tls, 'server.crt'), 'utf8'),
    });
    made.push(pkg);
    const ids: string[] = [];
    for (const org of ['CityA', 'CityB']) {
      const r = withOrgEnv(
        [org],
        `peer lifecycle chaincode install '${pkg}' >&2; echo "id=$(peer lifecycle chaincode calculatepackageid '${pkg}')"`,
      );
      expect(r.status).toBe(0);
      const id = /^id=(.+)$/m.exec(r.out)?.[1] ?? '';
      expect(id).toMatch(new RegExp(`^${label}:[0-9a-f]{64}$`));
      ids.push(id);
      // the peer keeps the build's release output under <fileSystemPath>/externalbuilder/builds/<id, ':' as '-'>
      const released = path.join(
        dir,
        'nodes',
        `peer0.${org}`,
        'data',
        'externalbuilder',
        'builds',
        id.replace(/:/g, '-'),
        'release',
        'chaincode',
        'server',
        'connection.json',
      );
      const connection = JSON.parse(readFileSync(released, 'utf8')) as Record<string, unknown>;
      expect(connection).toMatchObject({
        address: `peer0.${org}.${org}MSP.ccaas.local:9999`,
        dial_timeout: '10s',
        tls_required: true,
        client_auth_required: true,
      });
      expect(String(connection.client_cert)).toContain('-----BEGIN CERTIFICATE-----');
    }
    expect(ids[0]).toBe(ids[1]);
  });

  it('fails the install, naming the missing key, when the peer has no value for a template', () => {
    const label = `templated-missing_${Date.now()}`;
    const pkg = ccaasPackage(label, {
      address: '{{.nosuchkey}}:9999',
      dial_timeout: '10s',
      tls_required: false,
    });
    made.push(pkg);
    const r = withOrgEnv(['CityA'], `peer lifecycle chaincode install '${pkg}'`);
    expect(r.status).not.toBe(0);
    expect(r.err).toMatch(/external builder failed|could not build chaincode/);
    const log = readFileSync(path.join(stateDir(), 'logs', 'peer0.CityA.log'), 'utf8');
    expect(log).toMatch(/no entry for key "nosuchkey"/);
  });
});
