/**
 * Recount at scale: a secret election of 100,000 ballots tallied in bounded
 * steps and verified page by page (each page a bounded range read from the
 * cursor the caller hands back with the sums so far), as a peer would need it.
 * The ballots are written straight into the test ledger (their signatures are
 * not checked here: checkBallots false; secret.test.ts checks signatures).
 */
import { createHash } from 'crypto';
import { writeJson } from '@govledger/chaincode-common';
import { Limits, type Ballot, type IssuedCount, type Tally, type VerifyTallyResult } from '../src';
import { ballotKey, issuedCountKey } from '../src/keys';
import { issuedShards } from '../src/counts';
import { T, evaluate, newLedger, submit, who } from './helpers';
import { secretElection } from './secret-helpers';

const E = 'E-BIG';
const N = 100_000;

/** Runs VerifyTally page by page, handing back the progress, until complete. */
async function verifyInPages(
  ledger: ReturnType<typeof newLedger>,
  maxBallots: number,
): Promise<{ result: VerifyTallyResult; pages: number }> {
  let from: VerifyTallyResult['progress'] | undefined;
  for (let pages = 1; ; pages++) {
    const result = await evaluate<VerifyTallyResult>(ledger, who.auditorB, 'VerifyTally', {
      electionId: E,
      checkBallots: false,
      maxBallots,
      ...(from ? { from } : {}),
    });
    if (result.complete) return { result, pages };
    expect(result.confirmed).toBe(false);
    from = result.progress;
  }
}

describe('tally and recount over 100,000 ballots', () => {
  it('count in steps of maxTallyBatch and verify in pages; one ballot beyond the issued tokens fails', async () => {
    const started = Date.now();
    const ledger = newLedger();
    await submit(
      ledger,
      who.adminA,
      'CreateElection',
      secretElection({
        electionId: E,
        eligibility: { kind: 'rule', mspIds: ['CityAMSP', 'CityBMSP'] },
        quorum: { kind: 'none' },
      }),
      { time: T.create },
    );
    // N ballots and N voters issued tokens, written directly (as if cast in batches)
    await ledger.submit(who.adminA, async (ctx) => {
      const shards = issuedShards();
      for (const [i, shard] of shards.entries()) {
        const voters = Math.floor(N / shards.length) + (i < N % shards.length ? 1 : 0);
        const count: IssuedCount = { docType: 'issuedCount', electionId: E, shard, voters };
        await writeJson(ctx, issuedCountKey(ctx, E, shard), count);
      }
      for (let i = 0; i < N; i++) {
        const receipt = createHash('sha256').update(`ballot-${i}`).digest('hex');
        const ballot: Ballot = {
          docType: 'ballot',
          electionId: E,
          mode: 'secret',
          receipt,
          choices: [i % 3 === 0 ? 'no' : 'yes'],
          castAt: T.during,
          version: 1,
          token: 'AAAA',
          signatures: [],
        };
        await writeJson(ctx, ballotKey(E, receipt), ballot);
      }
    });
    const written = Date.now();

    let tally: Tally | undefined;
    let steps = 0;
    while (tally?.status !== 'final') {
      tally = await submit<Tally>(
        ledger,
        who.auditorB,
        'TallyElection',
        { electionId: E },
        { time: T.after },
      );
      steps += 1;
    }
    expect(steps).toBe(Math.ceil(N / Limits.maxTallyBatch));
    const no = Math.ceil(N / 3);
    expect(tally.result).toMatchObject({
      turnout: N,
      issuedTokens: N,
      integrity: { ok: true, overRoll: 0, overIssued: 0 },
      counts: [
        { option: 'yes', votes: N - no },
        { option: 'no', votes: no },
        { option: 'abstain', votes: 0 },
      ],
      winners: ['yes'],
    });
    const tallied = Date.now();

    const { result, pages } = await verifyInPages(ledger, Limits.maxVerifyBatch);
    expect(pages).toBe(Math.ceil(N / Limits.maxVerifyBatch));
    expect(result).toMatchObject({ complete: true, confirmed: true, mismatches: [] });
    expect(result.progress.counted).toBe(N);
    const verified = Date.now();

    // one more ballot than voters issued tokens: the recount fails it
    await ledger.submit(who.adminA, async (ctx) => {
      const receipt = createHash('sha256').update('stuffed').digest('hex');
      const ballot: Ballot = {
        docType: 'ballot',
        electionId: E,
        mode: 'secret',
        receipt,
        choices: ['no'],
        castAt: T.during,
        version: 1,
        token: 'AAAA',
        signatures: [],
      };
      await writeJson(ctx, ballotKey(E, receipt), ballot);
    });
    const stuffed = await verifyInPages(ledger, Limits.maxVerifyBatch);
    expect(stuffed.result.confirmed).toBe(false);
    expect(stuffed.result.recount?.integrity).toEqual({ ok: false, overRoll: 0, overIssued: 1 });
    expect(stuffed.result.mismatches).toEqual(expect.arrayContaining(['turnout', 'integrity']));
    // measured on the shared 2-core machine; printed so a slowdown is visible
    console.log(
      `100k ballots: write ${written - started} ms, tally ${steps} steps ${tallied - written} ms, ` +
        `verify ${pages} pages ${verified - tallied} ms`,
    );
  }, 300_000);
});
