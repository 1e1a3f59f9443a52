/**
 * The FabricLedger's own logic (attempts, MVCC retries, stage errors, deadlines,
 * commit lookups) over a mocked fabric-gateway `connect`; the real gRPC path is
 * exercised by the end-to-end tests.
 */
import { status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { EndorseError, StatusCode, type ConnectOptions } from '@hyperledger/fabric-gateway';
import { FabricLedger } from '../src/fabric/fabric';
import { LedgerError } from '../src/fabric/ledger';
import { ALICE } from './harness';

/** One scripted attempt: its endorsement, its validation code, and how many copies the orderer loses. */
type Script = {
  endorse?: () => never;
  code: number;
  lost?: number;
  /** gRPC codes the ordering service answers the first submits with, one per submit. */
  submitErrors?: number[];
}[];

interface FakeState {
  script: Script;
  proposals: string[];
  deadlines: number[];
  options?: ConnectOptions;
  lookups: string[];
  /** Transaction ids sent to the ordering service, one entry per copy. */
  broadcasts: string[];
  /** Transaction ids the peer's ledger (qscc) does not hold. */
  unknownToPeer: Set<string>;
}
const state: FakeState = {
  script: [],
  proposals: [],
  deadlines: [],
  lookups: [],
  broadcasts: [],
  unknownToPeer: new Set(),
};

jest.mock('@hyperledger/fabric-gateway', () => {
  const actual = jest.requireActual('@hyperledger/fabric-gateway');
  let n = 0;
  return {
    ...actual,
    connect: (options: ConnectOptions) => {
      state.options = options;
      const contract = {
        newProposal: (name: string, opts: { arguments: string[] }) => {
          const step = state.script.shift() ?? { code: 0 };
          const txId = `tx${++n}`;
          state.proposals.push(`${name}(${opts.arguments.join(',')})`);
          return {
            getTransactionId: () => txId,
            evaluate: async (o: { deadline: number }) => {
              state.deadlines.push(o.deadline);
              return Buffer.from('"read"');
            },
            endorse: async (o: { deadline: number }) => {
              state.deadlines.push(o.deadline);
              if (step.endorse) step.endorse();
              // the commit status comes once a copy the orderer did not lose has been sent
              let ordered: () => void = () => undefined;
              const committed = new Promise<void>((resolve) => (ordered = resolve));
              let copies = 0;
              return {
                getResult: () => Buffer.from(`"${txId}"`),
                submit: async () => {
                  state.broadcasts.push(txId);
                  const failing = step.submitErrors?.shift();
                  if (failing !== undefined) {
                    throw new actual.GatewayError({
                      code: failing,
                      details: [],
                      cause: new Error('submit failed'),
                      message:
                        failing === grpcStatus.UNAVAILABLE
                          ? 'no orderers could successfully process transaction'
                          : 'submit timeout expired while broadcasting to ordering service',
                    });
                  }
                  if (++copies > (step.lost ?? 0)) ordered();
                  return {
                    getStatus: async () => {
                      await committed;
                      return {
                        successful: step.code === 0,
                        code: step.code,
                        blockNumber: 7n,
                        transactionId: txId,
                      };
                    },
                  };
                },
              };
            },
          };
        },
      };
      const qscc = {
        evaluate: async (_name: string, opts: { arguments: string[] }) => {
          const txId = opts.arguments[1] ?? '';
          if (state.unknownToPeer.has(txId)) {
            throw new actual.GatewayError({
              code: grpcStatus.UNKNOWN,
              details: [
                { address: 'peer0', mspId: 'CityAMSP', message: `no such transaction ID [${txId}] in index` },
              ],
              cause: new Error('evaluate failed'),
              message: 'evaluate call to endorser returned error',
            });
          }
          return Buffer.from('processed transaction');
        },
      };
      return {
        getNetwork: () => ({ getContract: (name: string) => (name === 'qscc' ? qscc : contract) }),
        newCommit: () => ({
          getStatus: async () => {
            state.lookups.push('lookup');
            return { successful: true, code: 0, blockNumber: 9n, transactionId: 'x' };
          },
        }),
        close: () => undefined,
      };
    },
  };
});

const identity = { mspId: 'CityAMSP', label: 'alice', ...ALICE };
const inv = { chaincode: 'e-licence', transaction: 'IssueLicence', args: ['{}'] };

function ledger(mvccRetries = 2, rebroadcastMs = 0) {
  return new FabricLedger({
    channel: 'govchannel',
    orgs: [
      {
        name: 'CityA',
        mspId: 'CityAMSP',
        peerEndpoint: '127.0.0.1:1',
        tlsRootCert: Buffer.from(ALICE.certificate),
      },
    ],
    deadlines: { evaluateMs: 1000, endorseMs: 2000, submitMs: 3000, commitStatusMs: 4000 },
    mvccRetries,
    rebroadcastMs,
    keepaliveMs: 120_000,
    chaincodes: ['e-licence'],
    maxHeightLag: 5,
    probeIdentity: async () => undefined,
  });
}

beforeEach(() => {
  state.script = [];
  state.proposals = [];
  state.deadlines = [];
  state.lookups = [];
  state.broadcasts = [];
  state.unknownToPeer = new Set();
});

describe('FabricLedger', () => {
  it('submits and reports the commit with the block number, signing with the identity key', async () => {
    const l = ledger();
    const endorsed: string[] = [];
    const s = await l.submit(identity, inv, { onEndorsed: (txId) => endorsed.push(txId) });
    const c = await s.commit;
    expect(c).toMatchObject({ txId: s.txId, blockNumber: 7n, attempts: 1 });
    expect(Buffer.from(c.result).toString()).toBe(`"${s.txId}"`);
    expect(endorsed).toEqual([s.txId]);
    expect(state.options?.identity.mspId).toBe('CityAMSP');
    expect(typeof state.options?.signer).toBe('function');
    l.close();
  });

  it('retries MVCC and phantom-read conflicts with a new transaction, a bounded number of times', async () => {
    state.script = [
      { code: StatusCode.MVCC_READ_CONFLICT },
      { code: StatusCode.PHANTOM_READ_CONFLICT },
      { code: 0 },
    ];
    const l = ledger(2);
    const endorsed: number[] = [];
    const s = await l.submit(identity, inv, { onEndorsed: (_t, _r, attempt) => endorsed.push(attempt) });
    const c = await s.commit;
    expect(c.attempts).toBe(3);
    expect(c.txId).not.toBe(s.txId);
    expect(endorsed).toEqual([1, 2, 3]);
    expect(state.proposals).toHaveLength(3);

    state.script = [
      { code: StatusCode.MVCC_READ_CONFLICT },
      { code: StatusCode.MVCC_READ_CONFLICT },
      { code: StatusCode.MVCC_READ_CONFLICT },
    ];
    const failing = await l.submit(identity, inv);
    await expect(failing.commit).rejects.toMatchObject({
      failure: 'invalid',
      validationCode: 'MVCC_READ_CONFLICT',
      stage: 'commit',
    });
  });

  it('retries an endorsement-policy failure (a key-level policy set earlier in the same block) like a conflict', async () => {
    state.script = [{ code: StatusCode.ENDORSEMENT_POLICY_FAILURE }, { code: 0 }];
    const c = await (await ledger().submit(identity, inv)).commit;
    expect(c.attempts).toBe(2);
    expect(state.proposals).toHaveLength(2);

    state.script = [
      { code: StatusCode.ENDORSEMENT_POLICY_FAILURE },
      { code: StatusCode.ENDORSEMENT_POLICY_FAILURE },
    ];
    state.proposals = [];
    const failing = await ledger(1).submit(identity, inv);
    await expect(failing.commit).rejects.toMatchObject({ validationCode: 'ENDORSEMENT_POLICY_FAILURE' });
    expect(state.proposals).toHaveLength(2);
  });

  it('does not retry other invalid commits', async () => {
    state.script = [{ code: StatusCode.BAD_RWSET }];
    const s = await ledger().submit(identity, inv);
    await expect(s.commit).rejects.toMatchObject({ validationCode: 'BAD_RWSET' });
    expect(state.proposals).toHaveLength(1);
  });

  it('turns an endorsement refusal into a chaincode ledger error with the transaction id', async () => {
    state.script = [
      {
        code: 0,
        endorse: () => {
          throw new EndorseError({
            code: grpcStatus.ABORTED,
            details: [
              {
                address: 'p',
                mspId: 'CityAMSP',
                message: 'chaincode response 500, {"code":"FORBIDDEN","status":403,"message":"not yours"}',
              },
            ],
            cause: { code: grpcStatus.ABORTED } as ServiceError,
            transactionId: 'tx',
          });
        },
      },
    ];
    const err = await ledger()
      .submit(identity, inv)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LedgerError);
    expect(err).toMatchObject({
      stage: 'endorse',
      failure: 'chaincode',
      chaincodeError: { code: 'FORBIDDEN' },
    });
  });

  it('applies a deadline per stage', async () => {
    const before = Date.now();
    await ledger().evaluate(identity, inv);
    expect(state.deadlines[0] - before).toBeGreaterThanOrEqual(1000);
    expect(state.deadlines[0] - before).toBeLessThan(1500);
    const s = await ledger().submit(identity, inv);
    await s.commit;
    expect(state.deadlines[1] - before).toBeGreaterThanOrEqual(2000);
    const o = state.options;
    expect((o?.commitStatusOptions?.().deadline as number) - Date.now()).toBeGreaterThan(3500);
  });

  it('looks up a transaction by id', async () => {
    await expect(ledger().lookupTransaction(identity, 'abc')).resolves.toEqual({
      state: 'committed',
      valid: true,
      code: 'VALID',
      blockNumber: 9n,
    });
  });

  it('answers a lookup of a transaction the peer does not hold at once, without waiting on its commit status', async () => {
    state.unknownToPeer.add('lost');
    await expect(ledger().lookupTransaction(identity, 'lost')).resolves.toEqual({ state: 'unknown' });
    expect(state.lookups).toEqual([]);
  });

  it('sends the same signed transaction again while its commit does not come, and answers once it commits', async () => {
    // the first two copies are lost (a Raft leader that took them and died); the third is ordered
    state.script = [{ code: 0, lost: 2 }];
    const copies: number[] = [];
    const s = await ledger(2, 20).submit(identity, inv, { onRebroadcast: (_tx, n) => copies.push(n) });
    const c = await s.commit;
    expect(c).toMatchObject({ txId: s.txId, attempts: 1, blockNumber: 7n });
    expect(state.broadcasts).toEqual([s.txId, s.txId, s.txId]);
    expect(copies).toEqual([1, 2]);
    expect(state.proposals).toHaveLength(1); // the same transaction, never a new one
  });

  it('sends the same envelope again while no orderer takes it, and commits it once one does', async () => {
    const U = grpcStatus.UNAVAILABLE;
    state.script = [{ code: 0, submitErrors: [U, grpcStatus.DEADLINE_EXCEEDED, U] }];
    const s = await ledger(2, 20).submit(identity, inv);
    await expect(s.commit).resolves.toMatchObject({ txId: s.txId, attempts: 1 });
    expect(state.broadcasts).toEqual([s.txId, s.txId, s.txId, s.txId]);
    expect(state.proposals).toHaveLength(1);
  });

  it('never calls a submit "not ordered" once an earlier copy may have reached an orderer', async () => {
    const U = grpcStatus.UNAVAILABLE;
    // every orderer refuses until the commit deadline (4 s in this ledger): nothing was ordered
    state.script = [{ code: 0, submitErrors: Array<number>(1000).fill(U) }];
    const refused = await ledger(2, 200)
      .submit(identity, inv)
      .catch((e: LedgerError) => e);
    expect(refused).toMatchObject({ stage: 'submit', notOrdered: true });
    expect((refused as LedgerError).nothingWritten).toBe(true);
    // the first copy timed out (it may have arrived), the later ones were refused
    state.script = [
      { code: 0, submitErrors: [grpcStatus.DEADLINE_EXCEEDED, ...Array<number>(1000).fill(U)] },
    ];
    const unknown = await ledger(2, 200)
      .submit(identity, inv)
      .catch((e: LedgerError) => e);
    expect(unknown).toMatchObject({ stage: 'submit' });
    expect((unknown as LedgerError).nothingWritten).toBe(false);
  }, 20_000);

  it('does not send a transaction again when re-broadcasting is off or the commit comes in time', async () => {
    const quick = await ledger(2, 1000).submit(identity, inv);
    await quick.commit;
    expect(state.broadcasts).toEqual([quick.txId]);
    state.script = [{ code: 0, lost: 1 }];
    const off = await ledger(2, 0).submit(identity, inv);
    const pending = await Promise.race([
      off.commit.then(() => 'committed'),
      new Promise((r) => setTimeout(() => r('waiting'), 100)),
    ]);
    expect(pending).toBe('waiting');
    expect(state.broadcasts).toEqual([quick.txId, off.txId]);
  });

  it("goes through the peer of the one other organisation a call is pinned to, else the identity's own", async () => {
    const two = new FabricLedger({
      channel: 'govchannel',
      orgs: [
        {
          name: 'CityA',
          mspId: 'CityAMSP',
          peerEndpoint: '127.0.0.1:1',
          tlsRootCert: Buffer.from(ALICE.certificate),
        },
        {
          name: 'CityB',
          mspId: 'CityBMSP',
          peerEndpoint: '127.0.0.1:2',
          tlsRootCert: Buffer.from(ALICE.certificate),
        },
      ],
      deadlines: { evaluateMs: 1000, endorseMs: 2000, submitMs: 3000, commitStatusMs: 4000 },
      mvccRetries: 0,
      rebroadcastMs: 0,
      keepaliveMs: 120_000,
      chaincodes: ['e-licence'],
      maxHeightLag: 5,
      probeIdentity: async () => undefined,
    });
    const target = () => state.options?.client.getChannel().getTarget() ?? '';
    const stage = { ...inv, transaction: 'StageApplicationPrivateData' };
    await (
      await two.submit(identity, { ...stage, endorsingOrganizations: ['CityBMSP'] })
    ).commit;
    expect(target()).toContain('127.0.0.1:2');
    expect(state.options?.identity.mspId).toBe('CityAMSP');
    await two.evaluate(identity, { ...stage, endorsingOrganizations: ['CityBMSP'] });
    expect(target()).toContain('127.0.0.1:2');
    for (const pinned of [undefined, ['CityAMSP'], ['CityAMSP', 'CityBMSP'], ['UnknownMSP']]) {
      await (
        await two.submit(identity, { ...inv, ...(pinned ? { endorsingOrganizations: pinned } : {}) })
      ).commit;
      expect(target()).toContain('127.0.0.1:1');
    }
    two.close();
  });

  it('refuses identities of organisations it has no peer for', async () => {
    await expect(ledger().evaluate({ ...identity, mspId: 'OtherMSP' }, inv)).rejects.toMatchObject({
      failure: 'unavailable',
    });
  });
});
