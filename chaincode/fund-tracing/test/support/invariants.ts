/**
 * Conservation checks computed straight from the committed state (not through
 * the contract's queries): at every level the live children's total never
 * exceeds the parent's amount, and every running-total key equals the sum of
 * the records it stands for.
 */
import type { TestLedger } from '@govledger/chaincode-common/testing';

interface Rec {
  [k: string]: unknown;
}

/** Committed records by object type and key attributes. */
export interface StateView {
  programs: Map<string, Rec>;
  allocations: Map<string, Rec>;
  disbursements: Map<string, Rec>;
  spends: Map<string, Rec>;
  totals: Map<string, { total: string; count: number }>;
  indexes: Set<string>;
}

/** Splits the committed state into records and index keys. */
export function stateView(ledger: TestLedger): StateView {
  const v: StateView = {
    programs: new Map(),
    allocations: new Map(),
    disbursements: new Map(),
    spends: new Map(),
    totals: new Map(),
    indexes: new Set(),
  };
  for (const [k, text] of Object.entries(ledger.snapshot())) {
    const parts = k.split('\u0000').slice(1, -1);
    const [type, ...attrs] = parts;
    const id = attrs.join('/');
    switch (type) {
      case 'program':
        v.programs.set(id, JSON.parse(text) as Rec);
        break;
      case 'allocation':
        v.allocations.set(id, JSON.parse(text) as Rec);
        break;
      case 'disbursement':
        v.disbursements.set(id, JSON.parse(text) as Rec);
        break;
      case 'spend':
        v.spends.set(id, JSON.parse(text) as Rec);
        break;
      case 'total':
        v.totals.set(id, JSON.parse(text) as { total: string; count: number });
        break;
      default:
        v.indexes.add(`${type}/${id}`);
    }
  }
  return v;
}

/** Sum and count of the given amounts. */
function sum(records: Rec[]): { total: bigint; count: number } {
  return { total: records.reduce((a, r) => a + BigInt(r.amount as string), 0n), count: records.length };
}

/**
 * Returns every broken invariant (empty when conservation holds):
 * allocations <= budget, live disbursements <= allocation, spends <= disbursement,
 * spends only on paid disbursements, running totals equal to their records, parent links intact.
 */
export function conservationProblems(ledger: TestLedger): string[] {
  const v = stateView(ledger);
  const problems: string[] = [];
  const checkTotal = (totalKey: string, actual: { total: bigint; count: number }): void => {
    const stored = v.totals.get(totalKey) ?? { total: '0', count: 0 };
    if (BigInt(stored.total) !== actual.total || stored.count !== actual.count) {
      problems.push(
        `total ${totalKey} is ${stored.total}/${stored.count}, records say ${actual.total}/${actual.count}`,
      );
    }
  };
  for (const [programId, p] of v.programs) {
    const allocs = [...v.allocations.values()].filter((a) => a.programId === programId);
    const s = sum(allocs);
    if (s.total > BigInt(p.totalBudget as string)) {
      problems.push(`program ${programId}: allocations ${s.total} exceed budget ${String(p.totalBudget)}`);
    }
    checkTotal(`program/${programId}`, s);
  }
  for (const [allocationId, a] of v.allocations) {
    if (!v.programs.has(a.programId as string)) problems.push(`allocation ${allocationId} has no program`);
    const live = [...v.disbursements.values()].filter(
      (d) => d.allocationId === allocationId && d.status !== 'rejected',
    );
    const s = sum(live);
    if (s.total > BigInt(a.amount as string)) {
      problems.push(`allocation ${allocationId}: disbursements ${s.total} exceed ${String(a.amount)}`);
    }
    checkTotal(`allocation/${allocationId}`, s);
  }
  for (const [disbursementId, d] of v.disbursements) {
    const a = v.allocations.get(d.allocationId as string);
    if (!a || a.programId !== d.programId)
      problems.push(`disbursement ${disbursementId} has a broken parent link`);
    const spends = [...v.spends.values()].filter((s) => s.disbursementId === disbursementId);
    const s = sum(spends);
    if (s.total > BigInt(d.amount as string)) {
      problems.push(`disbursement ${disbursementId}: spends ${s.total} exceed ${String(d.amount)}`);
    }
    if (spends.length > 0 && d.status !== 'paid') {
      problems.push(`disbursement ${disbursementId} is ${String(d.status)} but has spends`);
    }
    checkTotal(`disbursement/${disbursementId}`, s);
    const pendingIndexed = v.indexes.has(`disb~pending/${String(d.programId)}/${disbursementId}`);
    if (pendingIndexed !== (d.status === 'pending')) {
      problems.push(`disbursement ${disbursementId} is ${String(d.status)}; pending index ${pendingIndexed}`);
    }
  }
  for (const [spendId, s] of v.spends) {
    const d = v.disbursements.get(s.disbursementId as string);
    if (!d || d.allocationId !== s.allocationId || d.programId !== s.programId) {
      problems.push(`spend ${spendId} has a broken parent link`);
    }
  }
  for (const [k, t] of v.totals) {
    if (!k.startsWith('recipient/')) continue;
    const [, programId, recipientPid] = k.split('/');
    const live = [...v.disbursements.values()].filter(
      (d) => d.programId === programId && d.recipientPid === recipientPid && d.status !== 'rejected',
    );
    const s = sum(live);
    if (BigInt(t.total) !== s.total || t.count !== s.count) {
      problems.push(`recipient total ${k} is ${t.total}, records say ${s.total}`);
    }
  }
  return problems;
}
