/**
 * A rogue organisation (issue 12): City A runs a modified chaincode build on its own peer, one
 * whose checks are all removed (e2e/rogue: the honest contract's name and transactions, each
 * writing whatever it is told). With chaincode as a service this is one process swap: City A's
 * chaincode server is stopped (network.sh stop-node cc-<name>-CityA) and the rogue build is
 * started at the same address, with the same package id and TLS files (the command deploy.sh
 * recorded under <state>/run). Through City A's peer, City A then tries to write a licence naming
 * City B as its issuer, a payment from City B's allocation and a ballot in City B's election,
 * each request valid under the `@govledger/wire` schema, endorsed by City A alone and with the
 * endorsers the peer gateway picks. Nothing may commit: every chaincode's policy is the channel's
 * MAJORITY and City B's records carry "owner AND one other" key-level policies
 * (ENDORSEMENT_POLICY_FAILURE at validation, or City B's honest chaincode refuses to endorse),
 * and City B's peer still shows the honest ledger. The honest server is restored afterwards, so
 * the suite leaves a shared network as it found it.
 */
import { spawn } from 'child_process';
import { createHash, randomBytes } from 'crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { connect as netConnect } from 'net';
import os from 'os';
import path from 'path';
import { eventually, startNode, stopNode } from '../src/network-ops';
import { ROOT, stateDir } from '../src/test-network';
import { closeActors, requestSchema, session, type ChaincodeName, type Outcome } from '../src/trust';

const run = Date.now().toString(36);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const salt = () => randomBytes(32).toString('hex');
const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const ROGUE_MODULE = path.join(ROOT, 'e2e', 'rogue');
const show = (o: Outcome) => JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));

/** One write the rogue build makes: a composite key (object type and attributes) or a plain key. */
type RogueWrite = ({ objectType: string; attributes: string[] } | { key: string }) & { value: unknown };

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** City A's rogue chaincode server for one chaincode, started by this suite (stopped by its pid). */
interface RogueServer {
  pid: number;
  port: number;
  /** The folder of its start script and log (removed after an attack that went as expected). */
  dir: string;
}

/**
 * Replaces City A's honest chaincode server of `cc` with the rogue build: the command deploy.sh
 * recorded (address, package id, TLS files, environment), with the rogue module instead.
 */
async function startRogue(cc: string): Promise<RogueServer> {
  const node = `cc-${cc}-CityA`;
  const honest = readFileSync(path.join(stateDir(), 'run', `${node}.sh`), 'utf8');
  const modulePath = `--module-path ${path.join(ROOT, 'chaincode', cc)}`;
  const address = /--chaincode-address 127\.0\.0\.1:(\d+)/.exec(honest);
  if (!honest.includes(modulePath) || !address || !honest.includes('exec env '))
    throw new Error(`unexpected command for ${node}:\n${honest}`);
  const port = Number(address[1]);
  stopNode(node);
  await eventually(`${node} stopped`, async () => !(await portOpen(port)), 30_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), `govledger-rogue-${cc}-`));
  const script = path.join(dir, 'rogue.sh');
  writeFileSync(
    script,
    honest
      .replace(modulePath, `--module-path ${ROGUE_MODULE}`)
      .replace('exec env ', `exec env GOVLEDGER_ROGUE_OF=${cc} `),
  );
  const log = openSync(path.join(dir, 'rogue.log'), 'a');
  const child = spawn('bash', [script], { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start the rogue ${cc} server`);
  const server = { pid: child.pid, port, dir };
  try {
    await eventually(`the rogue ${cc} server listens on ${port}`, () => portOpen(port), 30_000);
  } catch (err) {
    await stopRogue(cc, server);
    throw new Error(`${(err as Error).message}; its log is ${path.join(dir, 'rogue.log')}`);
  }
  return server;
}

/** Stops the rogue server (its own process group, by pid) and starts City A's honest one again. */
async function stopRogue(cc: string, server: RogueServer): Promise<void> {
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  await eventually(`the rogue ${cc} server stopped`, async () => !(await portOpen(server.port)), 30_000);
  startNode(`cc-${cc}-CityA`);
  await eventually(`City A's honest ${cc} server listens again`, () => portOpen(server.port), 30_000);
}

/**
 * Runs `attack` with City A's server of `cc` swapped for the rogue build, then restores the
 * honest server and checks that City A's peer answers through it again.
 */
async function withRogue(
  cc: string,
  attack: () => Promise<void>,
  honestRead: () => Promise<unknown>,
): Promise<void> {
  const server = await startRogue(cc);
  try {
    await attack();
  } finally {
    await stopRogue(cc, server);
  }
  rmSync(server.dir, { recursive: true, force: true });
  await eventually(`City A's peer runs the honest ${cc} again`, async () => {
    const r = await honestRead();
    return !(r && typeof r === 'object' && 'rogue' in r);
  });
}

/** Demo user `name` connected to the peer of `peerMspId` (its own organisation's when absent). */
const as = session;

/**
 * Submits `request` as `caller` through City A's peer with the rogue's `writes`, twice: endorsed
 * by City A alone, then by the organisations the peer gateway picks. Neither may commit.
 */
async function attackBothWays(
  caller: string,
  cc: ChaincodeName,
  fn: string,
  request: unknown,
  writes: RogueWrite[],
  transient: Record<string, unknown> = {},
): Promise<Outcome[]> {
  // the request looks honest: valid under the wire schema, so an honest endorser judges its content
  const parsed = requestSchema(cc, fn)?.safeParse(request);
  if (!parsed?.success)
    throw new Error(`${cc} ${fn}: the attack's request is not valid: ${String(parsed?.error)}`);
  const a = as(caller, 'CityAMSP');
  const options = { transient: { ...transient, rogue: { writes, result: { rogue: fn } } } };
  const outcomes = [
    await a.attempt(cc, fn, request, { ...options, endorsingOrganizations: ['CityAMSP'] }),
    await a.attempt(cc, fn, request, options),
  ];
  const [alone, picked] = outcomes;
  // City A alone: the rogue endorses whatever it wrote, validation refuses the transaction
  expect(show(alone)).toContain('"kind":"invalid"');
  if (alone.kind === 'invalid') expect(alone.codeName).toBe('ENDORSEMENT_POLICY_FAILURE');
  // the gateway's choice includes an honest organisation, whose chaincode refuses (or whose
  // endorsement differs, so the policy cannot be met)
  expect(picked.kind).not.toBe('committed');
  if (picked.kind === 'invalid') expect(picked.codeName).toBe('ENDORSEMENT_POLICY_FAILURE');
  return outcomes;
}

/** Reads on City B's peer, as `reader`. */
const readOnB = (reader: string, cc: string, reads: [string, unknown][]) => async () => {
  const b = as(reader, 'CityBMSP');
  const out: unknown[] = [];
  for (const [fn, request] of reads) out.push(await b.read(cc, fn, request));
  return out;
};

afterAll(() => closeActors());

describe("City A runs a rogue chaincode build on its own peer; City B's honest ledger does not move", () => {
  it("fund-tracing: a payment from City B's allocation, with the allocation raised, does not commit", async () => {
    const CC = 'fund-tracing' as const;
    const programId = `P-B-${run}`;
    const allocationId = `A-B-${run}`;
    const disbursementId = `D-ROGUE-${run}`;
    await as('finance-b').submit(CC, 'CreateProgram', {
      programId,
      name: 'City B housing repairs',
      fiscalYear: new Date().getUTCFullYear(),
      totalBudget: '50000000',
      categories: ['repairs'],
      startDate: isoIn(-24 * 3600_000),
      endDate: isoIn(30 * 24 * 3600_000),
      coSign: { threshold: '2000000', by: 'finance' },
      rules: {
        category: { mode: 'warn' },
        recipientCap: { mode: 'off', cap: '50000000' },
        splitPayment: { mode: 'off', threshold: '1000000', windowHours: 72, count: 3, marginPercent: 10 },
        afterEnd: { mode: 'block' },
        unspent: { mode: 'off', days: 90 },
      },
    });
    await as('finance-b').submit(CC, 'AllocateFunds', {
      allocationId,
      programId,
      mspId: 'CityBMSP',
      dept: 'housing',
      amount: '10000000',
    });
    const honest = readOnB('finance-b', CC, [
      ['GetProgram', { programId }],
      ['GetAllocation', { allocationId }],
      ['GetDisbursement', { disbursementId }],
    ]);
    const before = await honest();
    const allocation = (before[1] as { allocation: Record<string, unknown> }).allocation;
    const recipientPid = as('enterprise-a1').pid as string;

    await withRogue(
      CC,
      async () => {
        await attackBothWays(
          'officer-industry-a',
          CC,
          'Disburse',
          {
            disbursementId,
            allocationId,
            recipientMspId: 'CityAMSP',
            recipientPid,
            accountHash: sha256(`rogue account ${run}`),
            category: 'repairs',
            amount: '9000000',
            documentsHash: sha256(`rogue documents ${run}`),
          },
          [
            {
              objectType: 'allocation',
              attributes: [allocationId],
              value: { ...allocation, amount: '99000000' },
            },
            {
              objectType: 'disbursement',
              attributes: [disbursementId],
              value: {
                disbursementId,
                programId,
                allocationId,
                mspId: 'CityBMSP',
                dept: 'housing',
                recipientMspId: 'CityAMSP',
                recipientPid,
                recipientKind: 'enterprise',
                accountHash: sha256(`rogue account ${run}`),
                category: 'repairs',
                amount: '9000000',
                documentsHash: sha256(`rogue documents ${run}`),
                status: 'paid',
              },
            },
          ],
        );
        expect(await honest()).toEqual(before);
      },
      () => as('finance-a', 'CityAMSP').read(CC, 'GetAllocation', { allocationId }),
    );
    expect(await honest()).toEqual(before);
  });

  it("e-voting: a ballot in City B's election does not commit", async () => {
    const CC = 'e-voting' as const;
    const electionId = `E-B-${run}`;
    await as('election-admin-b').submit(CC, 'CreateElection', {
      electionId,
      title: 'City B harbour referendum',
      ballot: { kind: 'yesNoAbstain' },
      mode: { kind: 'open', secondBallot: 'refuse' },
      opensAt: isoIn(3600_000),
      closesAt: isoIn(7200_000),
      eligibility: { kind: 'roll' },
      quorum: { kind: 'none' },
      passThresholdPerMille: 500,
    });
    await as('election-admin-b').submit(CC, 'RegisterVoters', {
      electionId,
      batchId: 'roll-1',
      voters: [{ mspId: 'CityBMSP', pid: as('citizen-b1').pid as string }],
    });
    const voter = { mspId: 'CityAMSP', pid: as('citizen-a1').pid as string };
    const receipt = sha256(`${voter.mspId}/${voter.pid}`);
    const honest = readOnB('election-admin-b', CC, [
      ['ListBallots', { electionId }],
      ['GetVoterStatus', { electionId, ...voter }],
    ]);
    const before = await honest();
    await withRogue(
      CC,
      async () => {
        await attackBothWays('citizen-a1', CC, 'CastBallot', { electionId, choices: ['yes'] }, [
          {
            key: `ballot/${electionId}/${receipt}`,
            value: { docType: 'ballot', electionId, mode: 'open', receipt, voter, choices: ['yes'] },
          },
          {
            objectType: 'voter',
            attributes: [electionId, voter.mspId, voter.pid],
            value: { docType: 'voter', electionId, voter, batchId: 'rogue' },
          },
        ]);
        expect(await honest()).toEqual(before);
      },
      () => as('citizen-a1', 'CityAMSP').read(CC, 'GetElection', { electionId }),
    );
    expect(await honest()).toEqual(before);
  });

  it('e-licence: a licence naming City B as its issuer does not commit', async () => {
    const CC = 'e-licence' as const;
    const typeCode = `B-ROGUE-${run}`.toUpperCase();
    const licenceId = `LIC-ROGUE-${run}`;
    await as('admin-b').submit(CC, 'CreateLicenceType', {
      code: typeCode,
      name: 'City B market permit',
      dept: 'market',
      holderKind: 'enterprise',
      validity: { kind: 'permanent' },
      claims: ['companyName'],
      requiredApprovals: [],
    });
    const holder = { mspId: 'CityAMSP', pid: as('enterprise-a1').pid as string };
    const honest = readOnB('issuer-b', CC, [
      ['GetLicence', { licenceId }],
      ['ListLicencesByHolder', { holder, pageSize: 200 }],
    ]);
    const before = await honest();
    const documentHash = sha256(`rogue licence ${run}`);
    // the public step of an issuance carries the hashes of a staged private record; the rogue
    // makes them up (no personal data travels: the public step has no transient record)
    const privateDataHash = sha256(`rogue private record ${run}`);
    const claimHashes = { companyName: sha256(`${salt()}|Rogue Trading`) };
    await withRogue(
      CC,
      async () => {
        await attackBothWays(
          'issuer-a',
          CC,
          'IssueLicence',
          { licenceId, typeCode, holder, documentHash, privateDataHash, claimHashes },
          [
            {
              objectType: 'licence',
              attributes: [licenceId],
              value: {
                licenceId,
                typeCode,
                holder,
                holderKind: 'enterprise',
                issuerMsp: 'CityBMSP',
                issuerDept: 'market',
                status: 'active',
                version: 1,
                documentHash,
                claimHashes,
                privateDataHash,
                privateCollection: 'licencePrivate_CityBMSP',
              },
            },
            {
              objectType: 'licenceByHolder',
              attributes: [holder.mspId, holder.pid, licenceId],
              value: {},
            },
          ],
        );
        expect(await honest()).toEqual(before);
      },
      () => as('issuer-a', 'CityAMSP').read(CC, 'GetLicenceType', { code: typeCode }),
    );
    expect(await honest()).toEqual(before);
  });
});
