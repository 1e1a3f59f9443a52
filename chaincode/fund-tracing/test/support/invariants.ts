/**
 * Conservation checks computed straight from the committed state (not through
 * the contract's queries): at every level the live children's total never
 * exceeds the parent's amount, and every running total (a `total` key, or the
 * tranches of a capped total) equals the sum of the records it stands for.
 */
import type { TestLedger } from '@govledger/chaincode-common/testing';
import { TRANCHES, trancheCapacity } from '../../src/tranche';

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
  /** Tranches by capped total (`allocation/<id>`, `recipient/<program>/<pid>`), then by slot. */
  tranches: Map<string, Map<string, { total: string; count: number }>>;
  /** What each disbursement drew, by kind: [slot, amount] pairs. */
  draws: Map<string, Record<string, Array<[string, string]>>>;
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
    tranches: new Map(),
    draws: new Map(),
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
      case 'tranche': {
        const owner = attrs.slice(0, -1).join('/');
        const slots = v.tranches.get(owner) ?? new Map<string, { total: string; count: number }>();
        slots.set(attrs[attrs.length - 1] as string, JSON.parse(text) as { total: string; count: number });
        v.tranches.set(owner, slots);
        break;
      }
      case 'tranche~draw':
        v.draws.set(id, JSON.parse(text) as Record<string, Array<[string, string]>>);
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
  /**
   * A capped total kept in tranches: each tranche within its capacity (the
   * overflow only where the limit warns), legacy key + tranches equal to the
   * records, and each tranche equal to the draws recorded on it.
   */
  const checkTranches = (
    owner: string,
    limit: bigint,
    overflowAllowed: boolean,
    actual: { total: bigint; count: number },
  ): void => {
    const slots = v.tranches.get(owner) ?? new Map<string, { total: string; count: number }>();
    const legacy = v.totals.get(owner) ?? { total: '0', count: 0 };
    const trancheLimit = limit > BigInt(legacy.total) ? limit - BigInt(legacy.total) : 0n;
    let total = BigInt(legacy.total);
    let count = legacy.count;
    for (const [slot, t] of slots) {
      total += BigInt(t.total);
      count += t.count;
      if (slot === 'overflow') {
        if (!overflowAllowed && BigInt(t.total) !== 0n) problems.push(`${owner} overflows a hard limit`);
        continue;
      }
      const index = Number(slot);
      if (!(index >= 0 && index < TRANCHES)) problems.push(`${owner} has a tranche ${slot}`);
      else if (BigInt(t.total) > trancheCapacity(trancheLimit, index)) {
        problems.push(`${owner} tranche ${slot} holds ${t.total}, over its capacity`);
      }
      if (BigInt(t.total) < 0n || t.count < 0) problems.push(`${owner} tranche ${slot} is negative`);
    }
    if (total !== actual.total || count !== actual.count) {
      problems.push(
        `tranches of ${owner} sum to ${total}/${count}, records say ${actual.total}/${actual.count}`,
      );
    }
    // each slot holds exactly what the recorded draws put there
    const kind = owner.split('/')[0] as string;
    const ids = owner.split('/').slice(1);
    const expected = new Map<string, { total: bigint; count: number }>();
    for (const [disbursementId, draw] of v.draws) {
      const d = v.disbursements.get(disbursementId);
      if (!d) continue;
      const mine = kind === 'allocation' ? [d.allocationId] : [d.programId, d.recipientMspId, d.recipientPid];
      if (mine.join('/') !== ids.join('/')) continue;
      for (const [i, [slot, amount]] of (draw[kind] ?? []).entries()) {
        const e = expected.get(slot) ?? { total: 0n, count: 0 };
        expected.set(slot, { total: e.total + BigInt(amount), count: e.count + (i === 0 ? 1 : 0) });
      }
    }
    for (const slot of new Set([...slots.keys(), ...expected.keys()])) {
      const stored = slots.get(slot) ?? { total: '0', count: 0 };
      const e = expected.get(slot) ?? { total: 0n, count: 0 };
      if (BigInt(stored.total) !== e.total || stored.count !== e.count) {
        problems.push(
          `${owner} tranche ${slot} is ${stored.total}/${stored.count}, draws say ${e.total}/${e.count}`,
        );
      }
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
    checkTranches(`allocation/${allocationId}`, BigInt(a.amount as string), false, s);
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
  // the recipients' capped totals, where the program's cap rule is on
  for (const [programId, p] of v.programs) {
    const cap = (p.rules as { recipientCap: { mode: string; cap: string } }).recipientCap;
    const owners = new Set(
      [...v.disbursements.values()]
        .filter((d) => d.programId === programId)
        .map((d) => `recipient/${programId}/${String(d.recipientMspId)}/${String(d.recipientPid)}`),
    );
    for (const owner of v.tranches.keys()) if (owner.startsWith(`recipient/${programId}/`)) owners.add(owner);
    for (const owner of owners) {
      if (cap.mode === 'off') {
        if (v.tranches.has(owner)) problems.push(`${owner} has tranches but the cap rule is off`);
        continue;
      }
      const [, , recipientMspId, recipientPid] = owner.split('/');
      const live = [...v.disbursements.values()].filter(
        (d) =>
          d.programId === programId &&
          d.recipientMspId === recipientMspId &&
          d.recipientPid === recipientPid &&
          d.status !== 'rejected',
      );
      checkTranches(owner, BigInt(cap.cap), cap.mode === 'warn', sum(live));
    }
  }
  // every live disbursement has its draw recorded, for the amount it holds; a rejected one none
  for (const [disbursementId, d] of v.disbursements) {
    const draw = v.draws.get(disbursementId);
    if (d.status === 'rejected') {
      if (draw) problems.push(`rejected disbursement ${disbursementId} still holds a draw`);
      continue;
    }
    for (const [kind, parts] of Object.entries(draw ?? {})) {
      const drawn = parts.reduce((a, [, amount]) => a + BigInt(amount), 0n);
      if (drawn !== BigInt(d.amount as string)) {
        problems.push(
          `disbursement ${disbursementId} drew ${drawn} from its ${kind}, not ${String(d.amount)}`,
        );
      }
    }
    if (!draw?.allocation) problems.push(`disbursement ${disbursementId} has no recorded allocation draw`);
  }
  return problems;
}
