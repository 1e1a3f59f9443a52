/**
 * Automatic approval: a licence type declares rules (`autoApprovals`, data on
 * the type) under which one of its required departments approves at
 * submission, because the referenced materials already prove what it checks;
 * e.g. "fire approves when the application references a valid A-FIRE licence
 * of the same premises" (same salted hash of the premises claim: the applicant
 * reuses that licence's salt and value, which they hold in its private record).
 * The approval is recorded as the rule's (`auto-approved`, rule index and
 * material), never a person's. Every other department decides by hand, and at
 * least one always does: the manual approval that completes an application
 * issues the licence with its document hash.
 */
import { errors } from './errors';
import type { LicenceType, TimelineEntry } from './model';
import { materialName, type VerifiedMaterial } from './materials';

/** The approval-rule fields of a type (a created type, or one with its update applied). */
export type ApprovalRuleFields = Pick<
  LicenceType,
  'code' | 'claims' | 'requiredApprovals' | 'autoApprovals' | 'decisionDeadlines'
>;

/**
 * Refuses INVALID_APPROVAL_RULES unless the type's rules fit it: every rule's
 * and deadline's department is a required one; a licence rule's `sameClaims`
 * are claims of the type; at least one required department has no rule (it
 * decides by hand and its last approval issues the licence).
 */
export function requireValidApprovalRules(type: ApprovalRuleFields): void {
  const required = new Set(type.requiredApprovals);
  const claims = new Set(type.claims);
  type.autoApprovals.forEach((rule, i) => {
    if (!required.has(rule.dept)) {
      throw errors.invalidApprovalRules(
        `autoApprovals[${i}]: department ${rule.dept} is not a required approver of ${type.code}`,
        { field: `autoApprovals.${i}.dept` },
      );
    }
    if (rule.when.kind === 'licence') {
      const unknown = rule.when.sameClaims.filter((c) => !claims.has(c));
      if (unknown.length > 0) {
        throw errors.invalidApprovalRules(
          `autoApprovals[${i}]: ${unknown.join(', ')} not claims of ${type.code}`,
          { field: `autoApprovals.${i}.when.sameClaims` },
        );
      }
    }
  });
  const automatic = new Set(type.autoApprovals.map((r) => r.dept));
  if (type.requiredApprovals.length > 0 && type.requiredApprovals.every((d) => automatic.has(d))) {
    throw errors.invalidApprovalRules(
      `every required department of ${type.code} would approve automatically; at least one must decide by hand`,
      { field: 'autoApprovals' },
    );
  }
  type.decisionDeadlines.forEach((d, i) => {
    if (!required.has(d.dept)) {
      throw errors.invalidApprovalRules(
        `decisionDeadlines[${i}]: department ${d.dept} is not a required approver of ${type.code}`,
        { field: `decisionDeadlines.${i}.dept` },
      );
    }
  });
}

/** Whether a verified material meets rule condition `when`, for an application with `claimHashes`. */
export function meetsCondition(
  when: LicenceType['autoApprovals'][number]['when'],
  material: VerifiedMaterial,
  claimHashes: Readonly<Record<string, string>>,
): boolean {
  const m = material.recorded;
  if (when.kind === 'licence') {
    if (m.kind !== 'licence' || m.typeCode !== when.typeCode) return false;
    const theirs = material.claimHashes ?? {};
    return when.sameClaims.every((c) => theirs[c] !== undefined && theirs[c] === claimHashes[c]);
  }
  return m.kind === 'attestation' && m.categoryCode === when.categoryCode && m.field === when.field;
}

/**
 * The automatic approvals a submission gets: for each rule in order, the first
 * material that meets it approves its department (once per department).
 */
export function autoApprovals(
  type: Pick<LicenceType, 'autoApprovals' | 'requiredApprovals'>,
  materials: readonly VerifiedMaterial[],
  claimHashes: Readonly<Record<string, string>>,
  at: string,
): Extract<TimelineEntry, { event: 'auto-approved' }>[] {
  const out: Extract<TimelineEntry, { event: 'auto-approved' }>[] = [];
  type.autoApprovals.forEach((rule, i) => {
    if (!type.requiredApprovals.includes(rule.dept) || out.some((e) => e.dept === rule.dept)) return;
    const material = materials.find((m) => meetsCondition(rule.when, m, claimHashes));
    if (material) {
      out.push({
        event: 'auto-approved',
        at,
        dept: rule.dept,
        rule: i,
        material: materialName(material.recorded),
      });
    }
  });
  return out;
}
