/**
 * fund-tracing under concurrency on the real network: 32 Disburse transactions
 * from ONE allocation, to 32 different recipients (recipient cap on), are all
 * endorsed against the same committed state and then sent to the orderers
 * together, straight through @hyperledger/fabric-gateway (no gateway retries).
 * Each one's validation code is counted: the allocation's running total is kept
 * in tranches (src/tranche.ts), so payments with different ids touch different
 * keys and commit side by side instead of failing with MVCC_READ_CONFLICT.
 */
import { peer } from '@hyperledger/fabric-protos';
import { createHash } from 'crypto';
import { actAs, closeAll, type UserSession } from '../src/fabric-client';

const CC = 'fund-tracing';
const run = Date.now().toString(36);
const PROGRAM = `P-CONC-${run}`;
const ALLOCATION = `A-CONC-${run}`;
const PAYMENTS = 32;
const AMOUNT = 1000n;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const recipient = (i: number) => ({
  pid: sha256(`concurrency recipient ${run} ${i}`),
  account: sha256(`concurrency account ${run} ${i}`),
});

const session: Record<string, UserSession> = {};

beforeAll(() => {
  for (const name of ['finance-a', 'officer-industry-a']) session[name] = actAs(name);
});

afterAll(() => closeAll());

/** The name of a transaction validation code (VALID, MVCC_READ_CONFLICT, ...). */
function codeName(code: number): string {
  const entry = Object.entries(peer.TxValidationCode).find(([, v]) => v === code);
  return entry ? entry[0] : String(code);
}

/**
 * Endorses every Disburse first (so all of them read the same committed state),
 * then submits them together and returns how many ended with each validation code.
 */
async function storm(ids: string[]): Promise<Record<string, number>> {
  const contract = session['officer-industry-a'].contract(CC);
  const endorsed = await Promise.all(
    ids.map((disbursementId, i) =>
      contract
        .newProposal('Disburse', {
          arguments: [
            JSON.stringify({
              disbursementId,
              allocationId: ALLOCATION,
              recipientMspId: 'CityAMSP',
              recipientPid: recipient(i).pid,
              accountHash: recipient(i).account,
              category: 'equipment',
              amount: String(AMOUNT),
              documentsHash: sha256(`documents of ${disbursementId}`),
            }),
          ],
        })
        .endorse(),
    ),
  );
  const submitted = await Promise.all(endorsed.map((tx) => tx.submit()));
  const statuses = await Promise.all(submitted.map((tx) => tx.getStatus()));
  const counts: Record<string, number> = {};
  for (const s of statuses) counts[codeName(s.code)] = (counts[codeName(s.code)] ?? 0) + 1;
  return counts;
}

describe('concurrent disbursements from one allocation', () => {
  let committed = 0;

  it('sets up a program, one allocation and 32 recipients', async () => {
    const now = Date.now();
    await session['finance-a'].submit(CC, 'CreateProgram', {
      programId: PROGRAM,
      name: 'Concurrency (e2e)',
      fiscalYear: new Date(now).getUTCFullYear(),
      totalBudget: '100000000',
      categories: ['equipment'],
      startDate: isoSeconds(now - 24 * 3600_000),
      endDate: isoSeconds(now + 30 * 24 * 3600_000),
      coSign: { threshold: '2000000', by: 'finance' },
      rules: {
        category: { mode: 'warn' },
        recipientCap: { mode: 'block', cap: '50000000' },
        splitPayment: { mode: 'warn', threshold: '1000000', windowHours: 72, count: 3, marginPercent: 10 },
        afterEnd: { mode: 'block' },
        unspent: { mode: 'warn', days: 90 },
      },
    });
    await session['finance-a'].submit(CC, 'AllocateFunds', {
      allocationId: ALLOCATION,
      programId: PROGRAM,
      mspId: 'CityAMSP',
      dept: 'industry',
      amount: '10000000',
    });
    await Promise.all(
      Array.from({ length: PAYMENTS }, (_, i) =>
        session['officer-industry-a'].submit(CC, 'RegisterRecipient', {
          programId: PROGRAM,
          recipientMspId: 'CityAMSP',
          recipientPid: recipient(i).pid,
          kind: 'enterprise',
          accountHashes: [recipient(i).account],
        }),
      ),
    );
  });

  it('32 payments with consecutive ids (a payment run) all commit', async () => {
    const ids = Array.from({ length: PAYMENTS }, (_, i) => `D-CONC-${run}-${i + 1}`);
    const counts = await storm(ids);
    console.log(`consecutive ids: ${JSON.stringify(counts)}`);
    committed += counts.VALID ?? 0;
    expect(counts).toEqual({ VALID: PAYMENTS });
  });

  it('32 payments with unrelated ids: at most the ones whose tranches collide (birthday bound) are invalidated', async () => {
    // ids without a trailing counter start in a tranche picked by their hash: 32 of them over
    // 64 tranches share a tranche ~7 times on average (fewer than 16 with overwhelming odds)
    const ids = Array.from({ length: PAYMENTS }, (_, i) => `D-${sha256(`${run} ${i}`).slice(0, 16)}-x`);
    const counts = await storm(ids);
    console.log(`unrelated ids: ${JSON.stringify(counts)}`);
    committed += counts.VALID ?? 0;
    expect(counts.VALID ?? 0).toBeGreaterThanOrEqual(PAYMENTS / 2);
    // A collision is an MVCC conflict, or, when the colliding payments both create a tranche
    // slot in one block, ENDORSEMENT_POLICY_FAILURE: the first sets the slot's key-level policy
    // (owner and one other), and Fabric invalidates a later write in the same block to a key
    // whose validation parameter an earlier transaction of that block changed.
    const invalid = Object.entries(counts).filter(([code]) => code !== 'VALID');
    for (const [code] of invalid)
      expect(['MVCC_READ_CONFLICT', 'ENDORSEMENT_POLICY_FAILURE']).toContain(code);
  });

  it('the allocation reports exactly what committed', async () => {
    const view = await session['officer-industry-a'].evaluate<{
      disbursed: string;
      remaining: string;
      disbursementCount: number;
    }>(CC, 'GetAllocation', { allocationId: ALLOCATION });
    expect(view).toEqual(
      expect.objectContaining({
        disbursed: String(BigInt(committed) * AMOUNT),
        remaining: String(10_000_000n - BigInt(committed) * AMOUNT),
        disbursementCount: committed,
      }),
    );
  });
});
