/**
 * A Fabric-like block on top of TestLedger, for concurrency tests.
 *
 * TestLedger runs one transaction at a time and never invalidates one. Fabric
 * endorses many transactions against the same committed state and then, at
 * commit, marks a transaction invalid (MVCC_READ_CONFLICT / PHANTOM_READ_CONFLICT)
 * when a key it read, or a key inside a range it iterated, was written by an
 * earlier valid transaction of the block. This helper reproduces that: every
 * transaction of the block executes against the same state, then they are
 * validated in order and only the valid ones commit.
 */
import type { Context } from 'fabric-contract-api';
import type { ChaincodeStub, Iterators } from 'fabric-shim-api';
import type { TestIdentity, TestLedger } from '@govledger/chaincode-common/testing';

/** One transaction of a block. */
export interface BlockTx {
  identity: TestIdentity;
  run: (ctx: Context) => Promise<unknown>;
}

/** What happened to a transaction of a block. */
export type BlockOutcome =
  { status: 'committed'; value: unknown } | { status: 'refused'; error: unknown } | { status: 'conflict' };

/** Thrown (inside the test ledger) to discard a transaction invalidated at commit. */
export class MvccConflict extends Error {
  constructor() {
    super('MVCC_READ_CONFLICT');
  }
}

/** A range a transaction iterated, and how far. */
export interface RangeRead {
  prefix: string;
  lastKey: string | undefined;
  exhausted: boolean;
}

/** Records what a transaction reads and writes through its stub (use `ctx` in place of the original). */
export class RwSet {
  /** Keys read with getState. */
  readonly reads = new Set<string>();
  /** Ranges iterated with getStateByPartialCompositeKey. */
  readonly ranges: RangeRead[] = [];
  /** Keys written or deleted. */
  readonly writes = new Set<string>();
  /** The context whose stub records. */
  readonly ctx: Context;

  constructor(ctx: Context) {
    const stub = ctx.stub;
    const wrapped = new Proxy(stub, {
      get: (target, prop, receiver) => {
        switch (prop) {
          case 'getState':
            return async (k: string) => {
              this.reads.add(k);
              return target.getState(k);
            };
          case 'putState':
            return async (k: string, value: Uint8Array) => {
              this.writes.add(k);
              return target.putState(k, value);
            };
          case 'deleteState':
            return async (k: string) => {
              this.writes.add(k);
              return target.deleteState(k);
            };
          case 'getStateByPartialCompositeKey':
            return async (objectType: string, attributes: string[]) => {
              const range: RangeRead = {
                prefix: target.createCompositeKey(objectType, attributes),
                lastKey: undefined,
                exhausted: false,
              };
              this.ranges.push(range);
              const it = await target.getStateByPartialCompositeKey(objectType, attributes);
              return trackIterator(it, range);
            };
          default:
            return Reflect.get(target, prop, receiver) as unknown;
        }
      },
    });
    this.ctx = { ...ctx, stub: wrapped as ChaincodeStub } as Context;
  }

  /** True when a key written by an earlier valid transaction invalidates this one. */
  conflictsWith(written: ReadonlySet<string>): boolean {
    for (const k of this.reads) if (written.has(k)) return true;
    for (const r of this.ranges) {
      for (const k of written) {
        if (!k.startsWith(r.prefix)) continue;
        if (r.exhausted || (r.lastKey !== undefined && k <= r.lastKey)) return true;
      }
    }
    return false;
  }
}

function trackIterator(it: Iterators.StateQueryIterator, range: RangeRead): Iterators.StateQueryIterator {
  return {
    next: async () => {
      const r = await it.next();
      if (r.done) range.exhausted = true;
      else range.lastKey = r.value.key;
      return r;
    },
    close: () => it.close(),
  } as Iterators.StateQueryIterator;
}

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Executes the transactions against the same committed state, then validates
 * and commits them in order, as a Fabric peer does with one block.
 */
export async function runBlock(ledger: TestLedger, txs: readonly BlockTx[]): Promise<BlockOutcome[]> {
  let executed = 0;
  let allExecuted!: () => void;
  const executedAll = new Promise<void>((resolve) => (allExecuted = resolve));
  const done = (): void => {
    executed += 1;
    if (executed === txs.length) allExecuted();
  };
  const turns = txs.map(() => {
    let open!: () => void;
    const p = new Promise<void>((resolve) => (open = resolve));
    return { p, open };
  });
  turns[0]?.open();
  const written = new Set<string>();

  const settled = await Promise.allSettled(
    txs.map((tx, i) =>
      ledger.submit(tx.identity, async (ctx) => {
        const rw = new RwSet(ctx);
        const next = (): void => turns[i + 1]?.open();
        let value: unknown;
        try {
          value = await tx.run(rw.ctx);
        } catch (err) {
          done();
          await executedAll;
          await turns[i]?.p;
          next();
          throw err;
        }
        done();
        await executedAll;
        await turns[i]?.p;
        await macrotask(); // the previous transaction's commit has landed
        if (rw.conflictsWith(written)) {
          next();
          throw new MvccConflict();
        }
        for (const k of rw.writes) written.add(k);
        next();
        return value;
      }),
    ),
  );
  await macrotask();
  return settled.map((s) => {
    if (s.status === 'fulfilled') return { status: 'committed', value: s.value };
    if (s.reason instanceof MvccConflict) return { status: 'conflict' };
    return { status: 'refused', error: s.reason };
  });
}
