/**
 * Organisations on separate hosts (issue 16, part 4) on a network of its own: `network.sh up
 * --multi-host` puts every organisation in a Linux network namespace of its own (its own IP
 * address on a bridge, its own host names), every chaincode is deployed with each organisation
 * approving with its own admin, and each organisation runs its own gateway with only its own
 * users. The suite checks:
 * - every node runs in its organisation's namespace, and none listens in the root namespace;
 * - host names resolve inside the namespaces, every peer's and orderer's TLS certificate is valid
 *   for its host name, and the peers found each other across hosts (gossip);
 * - the four journeys through the organisations' gateways (e-licence, data-sharing consent and
 *   access, fund-tracing, a secret election whose second authority signs through its own gateway);
 * - the Audit Office joins by a channel update each member signed in its own folder, the signed
 *   files passing through the exchange folder;
 * - no organisation's folder holds another's private key, and no private key lies outside the
 *   organisations' folders;
 * - `down` removes the namespaces, their /etc/netns entries and the bridge.
 * Runs as root (CI does). E2E_MULTI_HOST_STATE_DIR names a running multi-host network to use
 * instead (left running).
 */
import { RSABSSA } from '@cloudflare/blindrsa-ts';
import {
  dataSharing,
  eLicence,
  enterpriseHolder,
  eVoting,
  fundTracing,
  PersonalValues,
} from '@govledger/fixtures';
import { eVoting as wireEVoting } from '@govledger/wire';
import { execFileSync, spawnSync } from 'child_process';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  webcrypto,
  X509Certificate,
} from 'crypto';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
} from 'fs';
import os from 'os';
import path from 'path';
import tls from 'tls';
import { inMs, waitUntil } from '../src/clock';
import { findFreePortBase, networkSh, ROOT } from '../src/test-network';

jest.setTimeout(5 * 60_000);

const given = process.env.E2E_MULTI_HOST_STATE_DIR;
const dir = given || mkdtempSync(path.join(os.tmpdir(), 'govledger-e2e-multi-host-'));
const run = Date.now().toString(36);
let isDown = false;

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const salt = () => randomBytes(32).toString('hex');
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });

function down(): void {
  if (given || isDown) return;
  isDown = true;
  try {
    networkSh(['down', '--state-dir', dir]);
  } catch (err) {
    console.error(`could not tear the multi-host network down: ${(err as Error).message}`);
  }
}

/** multi-host.env: MH_ID, MH_NET, MH_BRIDGE. */
function mh(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path.join(dir, 'multi-host.env'), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2].replace(/^'|'$/g, '');
  }
  return out;
}
const nsOf = (org: string) => `gl-${mh().MH_ID}-${org.toLowerCase()}`;
const inNs = (org: string, cmd: string[]) => sh('ip', ['netns', 'exec', nsOf(org), ...cmd]);
const netnsInode = (org: string) => statSync(`/run/netns/${nsOf(org)}`).ino;

/** The consortium settings (consortium.js shell) for this network's port base. */
function settings(): Record<string, string> {
  const info = JSON.parse(readFileSync(path.join(dir, 'network.json'), 'utf8')) as { portBase: number };
  const text = sh('node', [
    path.join(ROOT, 'test-network-scripts', 'lib', 'consortium.js'),
    'shell',
    String(info.portBase),
    'raft',
  ]);
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_]+)='([^']*)'$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** The process of a node (pids/NAME.pid). */
const pidOf = (node: string) =>
  Number(readFileSync(path.join(dir, 'pids', `${node}.pid`), 'utf8').split(' ')[0]);
const nodes = () =>
  readdirSync(path.join(dir, 'run'))
    .filter((f) => f.endsWith('.sh'))
    .map((f) => f.slice(0, -3));
/** The organisation a node belongs to, from its name. */
function orgOfNode(node: string): string {
  if (node.startsWith('orderer')) return 'Orderer';
  if (node.startsWith('peer0.')) return node.slice(6);
  if (node.startsWith('ca-')) return node.slice(3);
  if (node.startsWith('gateway-')) return node.slice(8);
  if (node.startsWith('cc-')) return node.slice(node.lastIndexOf('-') + 1);
  throw new Error(`a node of no organisation: ${node}`);
}

// ---------------------------------------------------------------- gateways

/**
 * An answer's JSON, read loosely: this suite checks the journeys' outcomes across hosts; the
 * gateway-journeys suite holds every answer to the published contract.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface GatewayEntry {
  name: string;
  mspId: string;
  url: string;
  host: string;
  tokens: string;
}
const gateways = (): GatewayEntry[] => JSON.parse(readFileSync(path.join(dir, 'gateways.json'), 'utf8'));
const gatewayOf = (org: string) => {
  const g = gateways().find((x) => x.name === org);
  if (!g) throw new Error(`no gateway of ${org}`);
  return g;
};
const userOrg = (user: string) => (/-b[0-9]*$/.test(user) ? 'CityB' : 'CityA');
const tokenOf = (user: string) => {
  const tokens = JSON.parse(readFileSync(gatewayOf(userOrg(user)).tokens, 'utf8')) as Record<
    string,
    { token: string }
  >;
  return tokens[user].token;
};
const userPid = (user: string) =>
  readFileSync(path.join(dir, 'hosts', userOrg(user), 'users', user, 'pid'), 'utf8').trim();

/** A call to an organisation's gateway (the user's own, unless `org` names another), as `user`. */
async function call<T = Json>(
  method: string,
  route: string,
  options: { user?: string; org?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const org = options.org ?? (options.user ? userOrg(options.user) : 'CityA');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.user) headers.authorization = `Bearer ${tokenOf(options.user)}`;
  const res = await fetch(`${gatewayOf(org).url}${route}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
async function ok<T = Json>(pending: Promise<{ status: number; body: Json }>, status = 200): Promise<T> {
  const r = await pending;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return (r.body && 'result' in r.body && 'transactionId' in r.body ? r.body.result : r.body) as T;
}
/** Polls until a read answers 200 and satisfies `good` (another organisation's peer may lag a block). */
async function until<T = Json>(
  read: () => Promise<{ status: number; body: Json }>,
  good: (b: Json) => boolean,
) {
  let last: { status: number; body: Json } | undefined;
  for (let i = 0; i < 60; i++) {
    last = await read();
    if (last.status === 200 && good(last.body)) return last.body as T;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`never held; last: ${JSON.stringify(last)}`);
}

// ---------------------------------------------------------------- set-up

beforeAll(async () => {
  if (given) return;
  const base = await findFreePortBase();
  console.log(`bringing up the multi-host network in ${dir} on ports ${base}+`);
  try {
    networkSh(['up', '--multi-host', '--state-dir', dir, '--port-base', String(base)]);
    networkSh(['deploy', 'all', '--state-dir', dir]);
    networkSh(['gateway', '--state-dir', dir]);
  } catch (err) {
    down();
    throw err;
  }
}, 20 * 60_000);

afterAll(() => down(), 2 * 60_000);

// ---------------------------------------------------------------- hosts

describe('every organisation on a host of its own', () => {
  it('each node runs in its organisation’s namespace, one namespace per organisation, none in the root namespace', () => {
    const listed = sh('ip', ['netns', 'list']);
    const orgs = ['Orderer', 'CityA', 'CityB', 'Audit'];
    for (const org of orgs) expect(listed).toContain(nsOf(org));
    expect(new Set(orgs.map(netnsInode)).size).toBe(orgs.length);
    const rootNs = statSync('/proc/self/ns/net').ino;
    expect(orgs.map(netnsInode)).not.toContain(rootNs);

    const all = nodes();
    expect(all).toEqual(
      expect.arrayContaining([
        'orderer1',
        'peer0.CityA',
        'peer0.CityB',
        'ca-CityA',
        'gateway-CityA',
        'gateway-CityB',
      ]),
    );
    for (const node of all) {
      const ino = statSync(`/proc/${pidOf(node)}/ns/net`).ino;
      expect({ node, ino }).toEqual({ node, ino: netnsInode(orgOfNode(node)) });
      // the same answer from `ip netns identify`
      expect(sh('ip', ['netns', 'identify', String(pidOf(node))]).trim()).toBe(nsOf(orgOfNode(node)));
    }
  });

  it('no node listens in the root namespace; peers and orderers listen on their organisation’s address', () => {
    const ours = new Set(nodes().map(pidOf));
    const rootListeners = sh('ss', ['-Hltnp']);
    for (const m of rootListeners.matchAll(/pid=([0-9]+)/g)) expect(ours.has(Number(m[1]))).toBe(false);
    const s = settings();
    const net = mh().MH_NET;
    const cityA = inNs('CityA', ['ss', '-Hltn']);
    expect(cityA).toContain(`${net}.11:${s.PEER_PORT_CityA}`);
    expect(cityA).not.toContain(`0.0.0.0:${s.PEER_PORT_CityA}`);
    const orderer = inNs('Orderer', ['ss', '-Hltn']);
    expect(orderer).toContain(`${net}.10:${s.ORDERER_PORT_orderer1}`);
  });

  it('host names resolve inside the namespaces, and every peer’s and orderer’s TLS certificate is valid for its host name', async () => {
    const s = settings();
    const targets = [
      { org: 'Orderer', host: 'orderer1.orderer.govledger.test', port: s.ORDERER_PORT_orderer1 },
      { org: 'Orderer', host: 'orderer2.orderer.govledger.test', port: s.ORDERER_PORT_orderer2 },
      { org: 'CityA', host: 'peer0.citya.govledger.test', port: s.PEER_PORT_CityA },
      { org: 'CityB', host: 'peer0.cityb.govledger.test', port: s.PEER_PORT_CityB },
    ];
    const net = mh().MH_NET;
    const ipOf: Record<string, string> = { Orderer: `${net}.10`, CityA: `${net}.11`, CityB: `${net}.12` };
    for (const t of targets) {
      // City A's host resolves every other organisation's node to that organisation's address
      const resolved = inNs('CityA', ['getent', 'hosts', t.host]).trim().split(/\s+/)[0];
      expect({ host: t.host, resolved }).toEqual({ host: t.host, resolved: ipOf[t.org] });
      const ca = readFileSync(path.join(dir, 'exchange', 'orgs', t.org, 'msp', 'tlscacerts', 'ca.pem'));
      const peerCert = await new Promise<tls.PeerCertificate>((resolve, reject) => {
        const socket = tls.connect(
          { host: ipOf[t.org], port: Number(t.port), servername: t.host, ca, ALPNProtocols: ['h2'] },
          () => {
            // the default identity check: the certificate names the host
            if (!socket.authorized) reject(new Error(`${t.host}: ${String(socket.authorizationError)}`));
            else resolve(socket.getPeerCertificate());
            socket.end();
          },
        );
        socket.on('error', reject);
      });
      expect(peerCert.subjectaltname).toContain(`DNS:${t.host}`);
    }
    // the Audit Office's host name is known before it joins
    expect(inNs('CityB', ['getent', 'hosts', 'peer0.audit.govledger.test'])).toContain(`${net}.13`);
  });

  it('the peers found each other across hosts (gossip, through the anchor peers’ host names)', () => {
    const s = settings();
    for (const org of ['CityA', 'CityB']) {
      const metrics = inNs(org, ['curl', '-fsS', `http://127.0.0.1:${s[`PEER_OPS_PORT_${org}`]}/metrics`]);
      const known = /^gossip_membership_total_peers_known\{channel="govchannel"\} ([0-9]+)/m.exec(metrics);
      expect(Number(known?.[1])).toBeGreaterThanOrEqual(1);
    }
    const configtx = readFileSync(path.join(dir, 'exchange', 'channel', 'configtx.yaml'), 'utf8');
    expect(configtx).toContain('Host: peer0.citya.govledger.test');
    expect(configtx).toContain('- orderer1.orderer.govledger.test:');
    expect(configtx).not.toContain('127.0.0.1');
  });

  it('every organisation approved every chaincode with its own admin; the approvals are in the exchange', () => {
    for (const cc of ['e-licence', 'data-sharing', 'fund-tracing', 'e-voting']) {
      const facts = readdirSync(path.join(dir, 'exchange', 'approvals', cc)).map((f) =>
        JSON.parse(readFileSync(path.join(dir, 'exchange', 'approvals', cc, f), 'utf8')),
      );
      expect(facts.map((f) => f.mspId).sort()).toEqual(['CityAMSP', 'CityBMSP']);
      for (const f of facts) expect(f.approvedBy).toBe(`Admin@${f.mspId.replace(/MSP$/, '')}`);
    }
  });
});

// ---------------------------------------------------------------- journeys

describe('the four journeys through the organisations’ own gateways', () => {
  it('each gateway holds only its own organisation’s users', () => {
    for (const g of gateways()) {
      const own = readdirSync(path.join(dir, 'hosts', g.name, 'users'));
      expect(own.length).toBeGreaterThan(0);
      for (const u of own) {
        expect(readFileSync(path.join(dir, 'hosts', g.name, 'users', u, 'mspid'), 'utf8').trim()).toBe(
          g.mspId,
        );
      }
    }
  });

  it('e-licence: City A issues a licence through its gateway; City B verifies it through its own', async () => {
    const TYPE = `MH-FOOD-${run}`;
    const APP = `MH-APP-${run}`;
    const claims = { companyName: { value: `Harbour Bakery ${run}`, salt: salt() } };
    await ok(
      call('POST', '/api/v1/licence-types', {
        user: 'admin-a',
        body: eLicence.foodBusinessLicenceType(TYPE, ['companyName'], ['market']),
      }),
      201,
    );
    const { legalName, uscc, phone } = enterpriseHolder(1, run);
    const holder = { legalName, uscc, phone };
    await ok(
      call('POST', '/api/v1/applications', {
        user: 'enterprise-a1',
        body: eLicence.application(APP, TYPE, { holder, claims, salt: salt() }),
      }),
      201,
    );
    const documentHash = eLicence.licenceDocumentHash(APP);
    const approved = await ok(
      call('POST', `/api/v1/applications/${APP}/approvals`, {
        user: 'approver-market-a',
        body: eLicence.approval(documentHash),
      }),
    );
    expect(approved.licence).toMatchObject({ licenceId: APP, issuerMsp: 'CityAMSP', status: 'active' });
    const verified = await until(
      () =>
        call('POST', `/api/v1/licences/${APP}/verification`, {
          user: 'issuer-b',
          body: eLicence.verification(documentHash, { companyName: claims.companyName }),
        }),
      (b) => b.status !== 'unknown',
    );
    expect(verified).toMatchObject({ valid: true, documentHashMatch: true });
  });

  it('data-sharing: a City A citizen consents to City B housing, whose gateway gets a ticket City A verifies', async () => {
    const CATEGORY = `MH-SOCINS-${run}`;
    const field = dataSharing.CONTRIBUTION_STATUS;
    await ok(
      call('POST', '/api/v1/data-categories', {
        user: 'officer-social-a',
        body: dataSharing.socialInsuranceCategory(CATEGORY, [field]),
      }),
      201,
    );
    const consentId = `MH-CNS-${run}`;
    await ok(
      call('POST', '/api/v1/consents', {
        user: 'citizen-a1',
        body: dataSharing.consent({
          consentId,
          grantee: dataSharing.CITY_B_HOUSING,
          categoryCode: CATEGORY,
          fields: [field],
          now: Date.now(),
        }),
      }),
      201,
    );
    const citizen = { mspId: 'CityAMSP', pid: userPid('citizen-a1') };
    const granted = await until(
      () =>
        call('POST', '/api/v1/access-requests', {
          user: 'officer-housing-b',
          body: dataSharing.accessRequest({
            accessId: `MH-ACC-${run}-${randomBytes(3).toString('hex')}`,
            citizen,
            categoryCode: CATEGORY,
            fields: [field],
          }),
        }),
      (b) => b.result?.granted === true,
    );
    const ticket = granted.result.ticket as { ticketId: string; hash: string };
    const check = await until(
      () =>
        call('POST', `/api/v1/tickets/${ticket.ticketId}/verification`, {
          user: 'officer-social-a',
          body: dataSharing.ticketVerification(ticket.hash, [field]),
        }),
      (b) => b.status !== 'unknown',
    );
    expect(check).toMatchObject({ valid: true, status: 'valid' });
  });

  it('fund-tracing: City A budgets and pays; City B’s auditor traces the payment through its own gateway', async () => {
    const PROGRAM = `MH-P-${run}`;
    const ALLOCATION = `MH-A-${run}`;
    const DISBURSEMENT = `MH-D-${run}`;
    const recipient = { mspId: 'CityAMSP', pid: userPid('enterprise-a1') };
    const account = fundTracing.bankAccountHash(
      PersonalValues.bankAccounts[0],
      fundTracing.newAccountHashKey(),
    );
    await ok(
      call('POST', '/api/v1/programs', {
        user: 'finance-a',
        body: fundTracing.industrialUpgradeProgram({
          programId: PROGRAM,
          name: 'Multi-host subsidy',
          now: Date.now(),
        }),
      }),
      201,
    );
    await ok(
      call('POST', `/api/v1/programs/${PROGRAM}/allocations`, {
        user: 'finance-a',
        body: fundTracing.allocation(ALLOCATION, '20000000', { mspId: 'CityAMSP', dept: 'industry' }),
      }),
      201,
    );
    await ok(
      call('POST', `/api/v1/programs/${PROGRAM}/recipients`, {
        user: 'officer-industry-a',
        body: fundTracing.enterpriseRecipient(recipient, [account]),
      }),
      201,
    );
    await ok(
      call('POST', '/api/v1/disbursements', {
        user: 'officer-industry-a',
        body: fundTracing.disbursement({
          disbursementId: DISBURSEMENT,
          allocationId: ALLOCATION,
          recipient,
          accountHash: account,
          amount: '1500000',
        }),
      }),
      201,
    );
    const trace = await until(
      () => call('GET', `/api/v1/trace/disbursement/${DISBURSEMENT}`, { user: 'auditor-b' }),
      () => true,
    );
    expect(trace.path).toEqual([
      { kind: 'program', id: PROGRAM },
      { kind: 'allocation', id: ALLOCATION },
      { kind: 'disbursement', id: DISBURSEMENT },
    ]);
  });

  it('e-voting: a secret election of both cities; each authority blind-signs through its own gateway; cast and tallied', async () => {
    const suite = RSABSSA.SHA384.PSS.Randomized();
    const ELECTION = `MH-E-${run}`;
    const opensAt = inMs(20_000);
    const closesAt = new Date(Date.parse(opensAt) + 30_000).toISOString();
    await ok(
      call('POST', '/api/v1/elections', {
        user: 'election-admin-a',
        body: eVoting.secretRollElection({
          electionId: ELECTION,
          title: `Multi-host vote (${run})`,
          opensAt,
          closesAt,
          authorities: ['CityAMSP', 'CityBMSP'],
          threshold: 2,
        }),
      }),
      201,
    );
    // each city has its own gateway make and hold its authority key
    for (const admin of ['election-admin-a', 'election-admin-b']) {
      await ok(
        call('POST', `/api/v1/elections/${ELECTION}/authority-keys`, {
          user: admin,
          body: eVoting.gatewayAuthorityKey(),
        }),
        201,
      );
    }
    const voters = ['citizen-a1', 'citizen-b1'];
    await ok(
      call('POST', `/api/v1/elections/${ELECTION}/roll-batches`, {
        user: 'election-admin-a',
        body: eVoting.rollBatch(
          'roll-1',
          voters.map((v) => ({ mspId: `${userOrg(v)}MSP`, pid: userPid(v) })),
        ),
      }),
      201,
    );
    const view = await until(
      () => call('GET', `/api/v1/elections/${ELECTION}`, { user: 'citizen-a1' }),
      (b) => b.authorities?.length === 2,
    );
    const keys: Record<string, webcrypto.CryptoKey> = {};
    for (const a of view.authorities as { mspId: string; key: { publicKeyPem: string } }[]) {
      const der = Buffer.from(a.key.publicKeyPem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
      keys[a.mspId] = await webcrypto.subtle.importKey(
        'spki',
        der,
        { name: 'RSA-PSS', hash: 'SHA-384' },
        true,
        ['verify'],
      );
    }
    const wallets: { voter: string; token: string; signatures: { mspId: string; signature: string }[] }[] =
      [];
    for (const voter of voters) {
      const prepared = suite.prepare(new TextEncoder().encode(wireEVoting.tokenMessage(ELECTION, salt())));
      const blinds = await Promise.all(
        Object.entries(keys).map(async ([mspId, key]) => ({
          mspId,
          key,
          ...(await suite.blind(key, prepared)),
        })),
      );
      // the voter's own gateway records the request and signs for its own authority only
      const answer = await ok(
        call('POST', `/api/v1/elections/${ELECTION}/tokens`, {
          user: voter,
          body: eVoting.tokenRequest(
            blinds.map((b) => ({ mspId: b.mspId, blindedMsg: b64url(b.blindedMsg) })),
          ),
        }),
      );
      const own = `${userOrg(voter)}MSP`;
      expect(answer.signatures.map((x: { mspId: string }) => x.mspId)).toEqual([own]);
      expect(answer.pending).toEqual([own === 'CityAMSP' ? 'CityBMSP' : 'CityAMSP']);
      const sigs: Record<string, string> = Object.fromEntries(
        answer.signatures.map((x: Json) => [x.mspId, x.blindSig]),
      );
      // the other authority signs through its own organisation's gateway
      for (const other of answer.pending as string[]) {
        const b = blinds.find((x) => x.mspId === other)!;
        const signed = await ok(
          call('POST', `/api/v1/elections/${ELECTION}/authorities/${other}/blind-signatures`, {
            org: other.replace(/MSP$/, ''),
            body: { voter: { mspId: own, pid: userPid(voter) }, blindedMsg: b64url(b.blindedMsg) },
          }),
        );
        sigs[other] = signed.blindSig;
      }
      const signatures = [];
      for (const b of blinds) {
        const sig = await suite.finalize(b.key, prepared, Buffer.from(sigs[b.mspId], 'base64url'), b.inv);
        signatures.push({ mspId: b.mspId, signature: b64url(sig) });
      }
      wallets.push({ voter, token: b64url(prepared), signatures });
    }
    await waitUntil(opensAt);
    for (const w of wallets) {
      const cast = await call('POST', `/api/v1/ballot-box/elections/${ELECTION}/ballots`, {
        org: 'CityA',
        body: eVoting.ballot([w.voter === 'citizen-a1' ? 'yes' : 'no'], w.token, w.signatures),
      });
      expect([200, 202]).toContain(cast.status);
    }
    await waitUntil(new Date(Date.parse(closesAt) + 2_000).toISOString());
    let tally: Json;
    for (let i = 0; i < 20; i++) {
      tally = await ok(
        call('POST', `/api/v1/elections/${ELECTION}/tally`, {
          user: 'election-admin-b',
          body: eVoting.tally(),
        }),
      );
      if (tally.status === 'final') break;
    }
    expect(tally).toMatchObject({ status: 'final', result: { turnout: 2 } });
    const counts = Object.fromEntries(
      (tally.result.counts as { option: string; votes: number }[]).map((c) => [c.option, c.votes]),
    );
    expect(counts).toMatchObject({ yes: 1, no: 1 });
  });
});

// ---------------------------------------------------------------- addorg by separately signed update

describe('the Audit Office joins by an update each member signs in its own folder', () => {
  it('City A signs in its folder and publishes the signed file; City B signs it in its folder and submits it', () => {
    networkSh(['addorg', '--state-dir', dir]);
    const updates = path.join(dir, 'exchange', 'channel-updates', 'addorg-envelope');
    const files = readdirSync(updates).sort();
    expect(files).toEqual(['01-CityA-signed.pb', '02-CityB-submitted.pb']);
    const signers = (file: string) => {
      const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'govledger-mh-')), 'envelope.json');
      sh(path.join(ROOT, 'bin', 'configtxlator'), [
        'proto_decode',
        '--type',
        'common.Envelope',
        '--input',
        file,
        '--output',
        out,
      ]);
      const json = JSON.parse(readFileSync(out, 'utf8'));
      rmSync(path.dirname(out), { recursive: true, force: true });
      return (json.payload.data.signatures as { signature_header: { creator: { mspid: string } } }[]).map(
        (s) => s.signature_header.creator.mspid,
      );
    };
    // what City A published carries City A's signature only; City B received it that way
    expect(signers(path.join(updates, '01-CityA-signed.pb'))).toEqual(['CityAMSP']);
    expect(signers(path.join(updates, '02-CityB-submitted.pb'))).toEqual(['CityAMSP']);
    // each signed its copy in its own folder
    for (const org of ['CityA', 'CityB']) {
      expect(existsSync(path.join(dir, 'hosts', org, 'work', 'channel-updates', 'addorg-envelope.pb'))).toBe(
        true,
      );
    }
    // the Audit Office published only its MSP's public part; its peer runs on its own host
    expect(readdirSync(path.join(dir, 'exchange', 'orgs', 'Audit', 'msp')).sort()).toEqual([
      'cacerts',
      'config.yaml',
      'tlscacerts',
    ]);
    expect(sh('ip', ['netns', 'identify', String(pidOf('peer0.Audit'))]).trim()).toBe(nsOf('Audit'));
    const facts = JSON.parse(readFileSync(path.join(dir, 'network.json'), 'utf8')) as {
      organisations: { mspId: string }[];
    };
    expect(facts.organisations.map((o) => o.mspId)).toContain('AuditMSP');
  });
});

// ---------------------------------------------------------------- keys

/** Every file under `root` (not following links), skipping archives. */
function walk(root: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(root)) {
    const p = path.join(root, name);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) out.push(...walk(p));
    else if (st.isFile() && st.size < 1_000_000 && !/\.(tar\.gz|db|db-wal|db-shm|log)$/.test(name))
      out.push(p);
  }
  return out;
}
/** A file's text with JSON-escaped line breaks undone (connection.json and network.json hold PEM that way). */
const pemText = (file: string) => readFileSync(file, 'latin1').replace(/\\n/g, '\n');
const spki = (key: ReturnType<typeof createPublicKey>) => sha256(key.export({ type: 'spki', format: 'der' }));

/** Each organisation's CA certificate. */
function caCertificates(): Record<string, X509Certificate> {
  const caOf: Record<string, X509Certificate> = {};
  for (const org of readdirSync(path.join(dir, 'hosts')))
    caOf[org] = new X509Certificate(readFileSync(path.join(dir, 'hosts', org, 'ca', 'ca-cert.pem')));
  return caOf;
}

/** The public key (SPKI hash) of every certificate in the state folder, with the organisations whose CA issued it. */
function certificateIssuers(caOf: Record<string, X509Certificate>): Map<string, Set<string>> {
  const issuerOfKey = new Map<string, Set<string>>();
  for (const file of walk(dir)) {
    for (const pem of pemText(file).match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ??
      []) {
      const cert = new X509Certificate(pem);
      for (const [org, ca] of Object.entries(caOf)) {
        if (cert.checkIssued(ca) && cert.verify(ca.publicKey)) {
          const k = spki(cert.publicKey);
          issuerOfKey.set(k, new Set([...(issuerOfKey.get(k) ?? []), org]));
        }
      }
    }
  }
  return issuerOfKey;
}

/** Every PEM private key under `root`: its file (relative) and its public key's SPKI hash (null when Node cannot read it). */
function privateKeys(root: string): { rel: string; pub: string | null }[] {
  const out: { rel: string; pub: string | null }[] = [];
  for (const file of walk(root)) {
    const pems =
      pemText(file).match(
        /-----BEGIN (EC |RSA )?PRIVATE KEY-----[^-]+-----END (EC |RSA )?PRIVATE KEY-----/g,
      ) ?? [];
    for (const pem of pems) {
      let pub: string | null = null;
      try {
        pub = spki(createPublicKey(createPrivateKey(pem)));
      } catch {
        // the CA's Idemix revocation key, which Node cannot read
      }
      out.push({ rel: path.relative(root, file), pub });
    }
  }
  return out;
}

/**
 * Asserts that the key belongs to `owner`: its own CA's key, a key whose certificate only
 * `owner`'s CA issued, or (unreadable) the CA's Idemix revocation key in `owner`'s CA folder.
 */
function expectOwnedBy(
  key: { rel: string; pub: string | null },
  owner: string,
  caOf: Record<string, X509Certificate>,
  issuerOfKey: Map<string, Set<string>>,
  caFolder: string,
) {
  if (key.pub === null) {
    expect(key.rel).toBe(`${caFolder}/msp/keystore/IssuerRevocationPrivateKey`);
    return;
  }
  if (key.pub === spki(caOf[owner].publicKey)) return;
  expect({ file: key.rel, issuers: [...(issuerOfKey.get(key.pub) ?? [])] }).toEqual({
    file: key.rel,
    issuers: [owner],
  });
}

describe('each organisation’s keys live only in its own folder', () => {
  it('every private key under hosts/<Org> belongs to a certificate of that organisation’s CA; none lies elsewhere', () => {
    expect(readdirSync(path.join(dir, 'hosts')).sort()).toEqual(['Audit', 'CityA', 'CityB', 'Orderer']);
    const caOf = caCertificates();
    const issuerOfKey = certificateIssuers(caOf);
    const keys = privateKeys(dir);
    expect(keys.length).toBeGreaterThan(20);
    for (const key of keys) {
      const m = /^hosts\/([^/]+)\//.exec(key.rel);
      expect({ file: key.rel, inAnOrganisationsFolder: Boolean(m) }).toEqual({
        file: key.rel,
        inAnOrganisationsFolder: true,
      });
      expectOwnedBy(key, m![1], caOf, issuerOfKey, `hosts/${m![1]}/ca`);
    }
    // every organisation holds keys of its own
    for (const org of Object.keys(caOf))
      expect(keys.some((k) => k.rel.startsWith(`hosts/${org}/`))).toBe(true);
    // the exchange holds no private key at all
    for (const file of walk(path.join(dir, 'exchange')))
      expect(readFileSync(file, 'latin1')).not.toContain('PRIVATE KEY');
    // each organisation derives its citizens' pseudonymous ids under a key of its own, in its own folder
    expect(existsSync(path.join(dir, 'pid.key'))).toBe(false);
    const pidKeys = ['CityA', 'CityB', 'Audit'].map((org) =>
      readFileSync(path.join(dir, 'hosts', org, 'org', 'pid.key'), 'utf8').trim(),
    );
    for (const key of pidKeys) expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(pidKeys).size).toBe(3);
    // and the old one-host paths are links into the organisations' folders
    expect(readlinkSync(path.join(dir, 'orgs', 'CityA'))).toBe('../hosts/CityA/org');
  });
});

// ---------------------------------------------------------------- an agency's part on its own host

describe('what an agency takes to its own host', () => {
  it('network.sh bundle CityB: its folder, the exchange, run scripts without namespaces, systemd units; only City B’s keys', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'govledger-mh-bundle-'));
    networkSh(['bundle', 'CityB', out, '--state-dir', dir]);
    const b = path.join(out, 'govledger-CityB');
    expect(existsSync(`${b}.tar.gz`)).toBe(true);
    const runs = readdirSync(path.join(b, 'run')).sort();
    expect(runs).toEqual(
      expect.arrayContaining(['ca-CityB.sh', 'peer0.CityB.sh', 'gateway-CityB.sh', 'cc-e-voting-CityB.sh']),
    );
    expect(runs.filter((r) => !r.includes('CityB'))).toEqual([]);
    for (const r of runs) {
      const text = readFileSync(path.join(b, 'run', r), 'utf8');
      expect(text).not.toContain('netns');
      expect(text).not.toContain(dir);
      expect(text).not.toContain(ROOT);
    }
    const peer = readFileSync(path.join(b, 'run', 'peer0.CityB.sh'), 'utf8');
    expect(peer).toContain('CORE_PEER_LISTENADDRESS=0.0.0.0:');
    expect(peer).toContain('CORE_PEER_ADDRESS=peer0.cityb.govledger.test:');
    expect(peer).toContain('CORE_PEER_MSPCONFIGPATH=/opt/govledger/CityB/nodes/peer0.CityB/msp');
    expect(readFileSync(path.join(b, 'systemd', 'govledger-peer0.CityB.service'), 'utf8')).toContain(
      'ExecStart=/bin/bash "/opt/govledger/CityB/run/peer0.CityB.sh"',
    );
    expect(existsSync(path.join(b, 'systemd', 'govledger.target'))).toBe(true);
    expect(existsSync(path.join(b, 'exchange', 'channel', 'genesis.block'))).toBe(true);
    const caOf = caCertificates();
    const issuerOfKey = certificateIssuers(caOf);
    const keys = privateKeys(b);
    expect(keys.length).toBeGreaterThan(10);
    for (const key of keys) expectOwnedBy(key, 'CityB', caOf, issuerOfKey, 'ca');
    rmSync(out, { recursive: true, force: true });
  });

  it('network.sh env CityA: the peer CLI on City A’s host with nothing but that environment', () => {
    const env = networkSh(['env', 'CityA', '--state-dir', dir], { quiet: true });
    expect(env).toContain('CORE_PEER_ADDRESS=peer0.citya.govledger.test:');
    expect(env).toContain(`ip netns exec ${nsOf('CityA')}`);
    const info = inNs('CityA', [
      'env',
      '-i',
      'bash',
      '-c',
      `${env}\npeer channel getinfo -c "$CHANNEL_NAME"`,
    ]);
    expect(info).toMatch(/"height":[1-9][0-9]*/);
  });
});

// ---------------------------------------------------------------- down

describe('down', () => {
  it('stops every node and removes the namespaces, their /etc/netns entries and the bridge', () => {
    if (given) return;
    const { MH_ID, MH_BRIDGE } = mh();
    const pids = nodes().map(pidOf);
    down();
    expect(sh('ip', ['netns', 'list'])).not.toContain(`gl-${MH_ID}-`);
    expect(existsSync(`/etc/netns/gl-${MH_ID}-citya`)).toBe(false);
    expect(spawnSync('ip', ['link', 'show', MH_BRIDGE]).status).not.toBe(0);
    for (const pid of pids) expect(existsSync(`/proc/${pid}`)).toBe(false);
  });
});
