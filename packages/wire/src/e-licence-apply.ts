/**
 * The e-licence wire contract's part for applications that draw on the ledger
 * (issue 18, parts 5-6): materials an application references instead of
 * re-entering claims (the applicant's licences, and data-sharing attestations
 * about them), a licence type's automatic-approval rules and per-department
 * decision deadlines, and the overdue warnings a sweep raises. Re-exported by
 * `e-licence.ts` (namespace `eLicence`).
 */
import { z } from 'zod';
import { Schemas, Subject, uniqueList } from './common';

/** Most materials one application references. */
export const MAX_MATERIALS = 10;

/** Most automatic-approval rules of a licence type. */
export const MAX_AUTO_APPROVALS = 10;

/** Most claims an automatic-approval rule compares. */
export const MAX_SAME_CLAIMS = 10;

/** The longest decision deadline: 365 days, in seconds. */
export const MAX_DEADLINE_SECONDS = 365 * 86_400;

/** Most warnings one RaiseOverdueWarnings call raises (it answers `more` when it stopped early). */
export const MAX_OVERDUE_SWEEP = 100;

/** The deployed name of the chaincode whose attestations an application may reference (same channel). */
export const ATTESTATION_CHAINCODE = 'data-sharing';

const dept = (description: string) =>
  z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a department code (lower-case letters, digits, -)')
    .meta({ description, example: 'fire' });

const at = (description: string) =>
  z.string().meta({ format: 'date-time', description, example: '2026-01-15T09:30:00.000Z' });

const claimName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_]{0,63}$/,
    'must be 1-64 characters of letters, digits, _ (starting with a letter)',
  );

// ---------------------------------------------------------------- materials (requests)

/** One material an application references: an existing licence or attestation of the applicant. */
export const MaterialRef = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('licence').meta({ description: 'A licence of the applicant (this chaincode)' }),
      licenceId: Schemas.id.meta({
        description: 'Id of a licence the applicant holds, valid at the submission time',
        example: 'A-FIRE-2026-0007',
      }),
    })
    .strict(),
  z
    .object({
      kind: z
        .literal('attestation')
        .meta({ description: 'An attestation about the applicant (data-sharing chaincode)' }),
      attestationId: Schemas.id.meta({
        description: 'Id of an active data-sharing attestation about the applicant',
        example: 'ATT-2026-0001',
      }),
    })
    .strict(),
]);
/** A referenced material. */
export type MaterialRef = z.infer<typeof MaterialRef>;

/** The materials of a submission: at most 10, each named once. */
export const MaterialRefs = z
  .array(MaterialRef)
  .max(MAX_MATERIALS)
  .refine(
    (a) =>
      new Set(a.map((m) => (m.kind === 'licence' ? `L:${m.licenceId}` : `A:${m.attestationId}`))).size ===
      a.length,
    'must not name a material twice',
  );

// ---------------------------------------------------------------- materials (records)

/** A referenced material as the chaincode verified and recorded it at submission. */
export const RecordedMaterial = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('licence').meta({ description: 'A licence of the applicant' }),
    licenceId: z.string().meta({ description: 'Id of the referenced licence', example: 'A-FIRE-2026-0007' }),
    typeCode: z.string().meta({ description: 'Its licence type', example: 'A-FIRE' }),
    issuerMsp: z.string().meta({ description: 'Its issuing organisation', example: 'CityAMSP' }),
    version: z.number().int().meta({ description: 'Its version when it was checked', example: 1 }),
    validUntil: z.string().nullable().meta({
      format: 'date-time',
      description: 'End of its validity (null: without end)',
      example: '2027-01-15T09:30:00.000Z',
    }),
    checkedAt: at('When the chaincode found it valid and held by the applicant (the submission time)'),
  }),
  z.object({
    kind: z.literal('attestation').meta({ description: 'A data-sharing attestation about the applicant' }),
    attestationId: z
      .string()
      .meta({ description: 'Id of the referenced attestation', example: 'ATT-2026-0001' }),
    categoryCode: z.string().meta({ description: 'Its data category', example: 'HOUSING_FUND' }),
    field: z.string().meta({ description: 'The field it attests', example: 'paidMonths' }),
    holder: z
      .object({
        mspId: z.string().meta({ description: 'MSP ID of the holding organisation', example: 'CityAMSP' }),
        dept: z.string().meta({ description: 'Holding department', example: 'housing' }),
      })
      .meta({ description: 'The department that published it' }),
    validUntil: at('End of its validity'),
    checkedAt: at('When the chaincode found it active and about the applicant (the submission time)'),
  }),
]);
/** A recorded material. */
export type RecordedMaterial = z.infer<typeof RecordedMaterial>;

// ---------------------------------------------------------------- rules on the licence type

/**
 * What a department's automatic approval requires of the referenced materials:
 * - `licence`: a referenced licence of type `typeCode` (valid, the applicant's: every material
 *   is) whose claim hashes equal the application's for every claim in `sameClaims` (e.g. the
 *   premises address: the applicant reuses that licence's salt and value for the claim, which
 *   they hold in its private record);
 * - `attestation`: a referenced active attestation of `categoryCode` and `field`.
 */
export const AutoApprovalCondition = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('licence').meta({ description: 'A referenced licence satisfies the rule' }),
      typeCode: Schemas.code.meta({
        description: 'Licence type the referenced licence must have',
        example: 'A-FIRE',
      }),
      sameClaims: uniqueList(claimName, 0, MAX_SAME_CLAIMS).meta({
        description:
          'Claims whose salted hash must be equal on the referenced licence and the application (0-10 distinct names of this type)',
        example: ['premisesAddress'],
      }),
    })
    .strict(),
  z
    .object({
      kind: z.literal('attestation').meta({ description: 'A referenced attestation satisfies the rule' }),
      categoryCode: Schemas.code.meta({
        description: 'Data category the referenced attestation must have',
        example: 'FIRE_SAFETY',
      }),
      field: claimName.meta({
        description: 'Field the attestation must attest',
        example: 'inspectionPassed',
      }),
    })
    .strict(),
]);
/** An automatic-approval condition. */
export type AutoApprovalCondition = z.infer<typeof AutoApprovalCondition>;

/** A rule: department `dept` approves automatically when a referenced material meets `when`. */
export const AutoApprovalRule = z
  .object({
    dept: dept('The required department whose approval the rule gives'),
    when: AutoApprovalCondition.meta({ description: 'What a referenced material must be' }),
  })
  .strict();
/** An automatic-approval rule. */
export type AutoApprovalRule = z.infer<typeof AutoApprovalRule>;

/** The automatic-approval rules of a type (at most 10). */
export const AutoApprovalRules = z.array(AutoApprovalRule).max(MAX_AUTO_APPROVALS);

/** How long a department has to decide an application, from its submission. */
export const DecisionDeadline = z
  .object({
    dept: dept('A required department'),
    seconds: z.number().int().min(1).max(MAX_DEADLINE_SECONDS).meta({
      description: 'Seconds from submission the department has to decide (1 s - 365 days)',
      example: 1_209_600,
    }),
  })
  .strict();
/** A decision deadline. */
export type DecisionDeadline = z.infer<typeof DecisionDeadline>;

/** The decision deadlines of a type: one per department at most. */
export const DecisionDeadlines = z
  .array(DecisionDeadline)
  .max(10)
  .refine((a) => new Set(a.map((d) => d.dept)).size === a.length, 'must name each department once');

/** The licence-type fields of this part, as stored (always present; empty: none). */
export const licenceTypeApplyFields = {
  autoApprovals: z.array(AutoApprovalRule).meta({
    description:
      'Rules under which a required department approves automatically at submission (empty: every department decides by hand)',
    example: [
      { dept: 'fire', when: { kind: 'licence', typeCode: 'A-FIRE', sameClaims: ['premisesAddress'] } },
    ],
  }),
  decisionDeadlines: z.array(DecisionDeadline).meta({
    description:
      'How long each department has to decide, from submission (a department not listed has no deadline)',
    example: [{ dept: 'fire', seconds: 1_209_600 }],
  }),
};

/** The licence-type request fields of this part (CreateLicenceType, UpdateLicenceType), optional. */
export const licenceTypeApplyRequestFields = {
  autoApprovals: AutoApprovalRules.optional().meta({
    description:
      'Automatic-approval rules (at most 10; each department a required one; at least one required department stays manual)',
    example: [
      { dept: 'fire', when: { kind: 'licence', typeCode: 'A-FIRE', sameClaims: ['premisesAddress'] } },
    ],
  }),
  decisionDeadlines: DecisionDeadlines.optional().meta({
    description: 'Decision deadline per required department (seconds from submission, each department once)',
    example: [{ dept: 'fire', seconds: 1_209_600 }],
  }),
};

// ---------------------------------------------------------------- on the application

/** A department's deadline, fixed at submission. */
export const DueDate = z.object({
  dept: z.string().meta({ description: 'Department code', example: 'fire' }),
  dueAt: at('When the department must have decided'),
});
/** A due date. */
export type DueDate = z.infer<typeof DueDate>;

/** The application fields of this part, as stored. */
export const applicationApplyFields = {
  materials: z.array(RecordedMaterial).meta({
    description: 'The materials the application references, as verified at submission (empty: none)',
  }),
  deadlines: z.array(DueDate).meta({
    description: "Each department's decision deadline, fixed at submission from the type's deadlines",
  }),
};

/** A pending department's deadline at the query time. */
export const DeadlineProgress = z.object({
  dept: z.string().meta({ description: 'A pending department', example: 'fire' }),
  dueAt: at('When it must have decided'),
  elapsedMs: z.number().int().meta({ description: 'Milliseconds since submission', example: 3_600_000 }),
  remainingMs: z
    .number()
    .int()
    .meta({ description: 'Milliseconds until the deadline (negative once overdue)', example: 1_205_000_000 }),
  overdue: z.boolean().meta({ description: 'True once the deadline has passed' }),
});
/** A deadline's progress. */
export type DeadlineProgress = z.infer<typeof DeadlineProgress>;

/** The derived view fields of this part. */
export const applicationViewApplyFields = {
  deadlineProgress: z.array(DeadlineProgress).meta({
    description:
      'Elapsed and remaining time of each pending department that has a deadline, at the query time (empty once closed)',
  }),
};

/** The timeline entry of an automatic approval: by a rule, not a person. */
export const AutoApprovedEntry = z.object({
  event: z.literal('auto-approved').meta({ description: 'What happened' }),
  at: at('When it happened (the submission time)'),
  dept: z.string().meta({ description: 'The department the rule approved for', example: 'fire' }),
  rule: z
    .number()
    .int()
    .meta({ description: "Index of the rule in the type's autoApprovals that approved", example: 0 }),
  material: z.string().meta({
    description: 'The referenced material that met the rule: `licence:<id>` or `attestation:<id>`',
    example: 'licence:A-FIRE-2026-0007',
  }),
});

// ---------------------------------------------------------------- overdue warnings

/** A warning that a department let an application's deadline pass (raised once per application and department). */
export const OverdueWarning = z.object({
  applicationId: z.string().meta({ description: 'The overdue application', example: 'A-BIZ-APP-2026-0042' }),
  typeCode: z.string().meta({ description: 'Its licence type', example: 'A-BIZ' }),
  ownerMsp: z.string().meta({ description: 'The organisation deciding it', example: 'CityAMSP' }),
  dept: z.string().meta({ description: 'The department that has not decided', example: 'fire' }),
  applicant: Subject.meta({ description: 'The applicant (home MSP and pseudonymous id)' }),
  dueAt: at('The deadline that passed'),
  raisedAt: at('When the warning was raised (the sweep transaction time)'),
});
/** An overdue warning. */
export type OverdueWarning = z.infer<typeof OverdueWarning>;

/** RaiseOverdueWarnings: raises the warnings due at the transaction time (idempotent). */
export const RaiseOverdueWarningsRequest = z
  .object({
    limit: z.number().int().min(1).max(MAX_OVERDUE_SWEEP).optional().meta({
      description: 'Most warnings to raise in this call (1-100, default 100)',
      example: 100,
    }),
  })
  .strict();
/** RaiseOverdueWarnings request. */
export type RaiseOverdueWarningsRequest = z.infer<typeof RaiseOverdueWarningsRequest>;

/** What a sweep raised. */
export const OverdueSweepResult = z.object({
  raised: z.array(OverdueWarning).meta({ description: 'The warnings this call raised' }),
  more: z.boolean().meta({ description: 'True when the call stopped at its limit: call again' }),
});
/** A sweep's result. */
export type OverdueSweepResult = z.infer<typeof OverdueSweepResult>;

/** ListOverdueWarnings: the warnings of one deciding organisation (optionally one department). */
export const ListOverdueWarningsRequest = z
  .object({
    ownerMsp: Schemas.mspId.meta({ description: 'The deciding organisation', example: 'CityAMSP' }),
    dept: dept('Only this department').optional(),
    pageSize: Schemas.pageSize.meta({ description: 'Records per page, 1-200 (default 50)', example: 50 }),
    bookmark: Schemas.bookmark.meta({
      description:
        'Bookmark of the next page; empty on the last page (send it back as `bookmark` to read on)',
      example: '',
    }),
  })
  .strict();
/** ListOverdueWarnings request. */
export type ListOverdueWarningsRequest = z.infer<typeof ListOverdueWarningsRequest>;
