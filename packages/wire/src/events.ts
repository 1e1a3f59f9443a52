/**
 * Chaincode events in the wire contract: for each chaincode, every event name it
 * emits, the schema of its payload and its **scope** (who the event is about).
 * The gateway's event stream (`GET /api/v1/events`) sends only the events whose
 * scope the subscriber belongs to, so this catalogue is the ONE place that says
 * which fields of a payload decide who may receive it; a payload must carry
 * them. The chaincodes' unit tests parse every event they emit with these
 * schemas (chaincode/common's TestLedger), so the catalogue cannot drift.
 *
 * An SSE message's `data:` is a {@link ChaincodeEvent}: `{chaincode, eventName,
 * transactionId, blockNumber, payload}`.
 */
import { z } from 'zod';
import { Schemas, Subject } from './common';

// ================================================================ scope

/**
 * An organisation, or one department of it, that an event concerns. Without
 * `dept` the event concerns the organisation as a whole.
 */
export interface OrgScope {
  /** MSP ID of the organisation. */
  mspId: string;
  /** Department code; absent for an organisation-wide event. */
  dept?: string;
}

/** Who an event is about: the citizens/enterprises and the organisations/departments it concerns. */
export interface EventScope {
  /** Citizens or enterprises (home MSP and pid) the event is about. */
  subjects: Subject[];
  /** Organisations or departments the event concerns. */
  orgs: OrgScope[];
}

/** One event of a chaincode: its payload schema, its scope rule and what it means. */
export interface EventSpec<P extends z.ZodType = z.ZodType> {
  /** What the event says. */
  description: string;
  /** The payload's schema (strict: a field the catalogue does not list is an error). */
  payload: P;
  /** Who the event is about, read from its (parsed) payload. */
  scope(payload: z.output<P>): EventScope;
}

function event<P extends z.ZodType>(
  description: string,
  payload: P,
  scope: (payload: z.output<P>) => EventScope,
): EventSpec<P> {
  return { description, payload, scope };
}

const orgOf = (mspId: string, dept?: string): OrgScope => (dept === undefined ? { mspId } : { mspId, dept });

// ================================================================ shared fields

const MSP = 'CityAMSP';
const PID = '4f1c2a9e8b7d6c5f4e3d2c1b0a998877';
const HASH = 'a3f5c0e1d2b4a6978877665544332211ffeeddccbbaa99887766554433221100';
const TIME = '2026-03-01T09:30:00.000Z';

const f = {
  mspId: (description: string) => Schemas.mspId.meta({ description, example: MSP }),
  dept: (description: string) => Schemas.code.meta({ description, example: 'social' }),
  id: (description: string, example: string) => z.string().min(1).meta({ description, example }),
  code: (description: string, example: string) => z.string().min(1).meta({ description, example }),
  subject: (description: string) => Subject.meta({ description, example: { mspId: MSP, pid: PID } }),
  deptRef: (description: string) =>
    z
      .object({
        mspId: Schemas.mspId.meta({ description: 'MSP ID of the organisation', example: MSP }),
        dept: Schemas.code.meta({ description: 'Department code', example: 'social' }),
      })
      .strict()
      .meta({ description, example: { mspId: MSP, dept: 'social' } }),
  time: (description: string) => z.string().meta({ description, example: TIME }),
  hash: (description: string) => z.string().meta({ description, example: HASH }),
  amount: (description: string) => Schemas.amount.meta({ description, example: '1500000' }),
  int: (description: string, example: number) => z.number().int().meta({ description, example }),
  text: (description: string, example: string) => z.string().meta({ description, example }),
};

// ================================================================ e-licence

const facts = z.array(z.string()).meta({
  description: 'Every fact the transaction establishes (e.g. an approval that also issues a licence)',
  example: ['LicenceIssued'],
});

const licenceFields = {
  licenceId: f.id('Licence id', 'LIC-2026-0001'),
  typeCode: f.code('Licence type code', 'FOOD_TRADE'),
  holder: f.subject('The holder (home MSP and pid)'),
  issuerMsp: f.mspId('Issuing organisation'),
  issuerDept: f.dept('Issuing department').meta({ example: 'market' }),
  status: z
    .enum(['active', 'suspended', 'revoked'])
    .meta({ description: 'Stored status', example: 'active' }),
  version: f.int('Licence version (1, then +1 per amendment)', 1),
  validFrom: f.time('Start of validity'),
  validUntil: f.time('End of validity').nullable(),
};

const licenceScope = (p: { holder: Subject; issuerMsp: string; issuerDept: string }): EventScope => ({
  subjects: [p.holder],
  orgs: [orgOf(p.issuerMsp, p.issuerDept)],
});

const licenceChange = (what: string) =>
  event(
    `A licence was ${what}`,
    z
      .object({
        facts,
        ...licenceFields,
        reasonCode: f.code('Reason code of the change; null when none', 'INVESTIGATION').nullable(),
      })
      .strict(),
    licenceScope,
  );

const applicant = f.subject('The applicant (the future holder)');

/** Events of the e-licence chaincode. */
export const eLicenceEvents = {
  LicenceTypeCreated: event(
    'A licence type was created',
    z
      .object({
        facts,
        code: f.code('Licence type code', 'FOOD_TRADE'),
        ownerMsp: f.mspId('Organisation that owns the type'),
        dept: f.dept('Department that issues it').meta({ example: 'market' }),
        revision: f.int('Revision of the type', 1),
      })
      .strict(),
    (p) => ({ subjects: [], orgs: [orgOf(p.ownerMsp, p.dept)] }),
  ),
  LicenceTypeUpdated: event(
    'A licence type was changed',
    z
      .object({
        facts,
        code: f.code('Licence type code', 'FOOD_TRADE'),
        ownerMsp: f.mspId('Organisation that owns the type'),
        dept: f.dept('Department that issues it').meta({ example: 'market' }),
        revision: f.int('Revision after the change', 2),
        changed: z.array(z.string()).meta({ description: 'Fields that changed', example: ['name'] }),
        status: z.enum(['active', 'retired']).meta({ description: 'Status of the type', example: 'active' }),
      })
      .strict(),
    (p) => ({ subjects: [], orgs: [orgOf(p.ownerMsp, p.dept)] }),
  ),
  RecognitionRecorded: event(
    "An organisation recognised another organisation's licence type",
    z
      .object({
        facts,
        recognizerMsp: f.mspId('Recognising organisation'),
        foreignTypeCode: f.code('Recognised (foreign) type code', 'FOOD_TRADE_B'),
        foreignOwnerMsp: f.mspId('Organisation owning the foreign type').meta({ example: 'CityBMSP' }),
        localTypeCode: f.code('Local type it counts as', 'FOOD_TRADE'),
      })
      .strict(),
    (p) => ({ subjects: [], orgs: [orgOf(p.recognizerMsp)] }),
  ),
  RecognitionWithdrawn: event(
    'An organisation withdrew a recognition',
    z
      .object({
        facts,
        recognizerMsp: f.mspId('Recognising organisation'),
        foreignTypeCode: f.code('Recognised (foreign) type code', 'FOOD_TRADE_B'),
        localTypeCode: f.code('Local type it counted as', 'FOOD_TRADE'),
      })
      .strict(),
    (p) => ({ subjects: [], orgs: [orgOf(p.recognizerMsp)] }),
  ),
  LicenceIssued: event(
    'A licence was issued (directly, or by the approval that completed an application)',
    z
      .object({
        facts,
        ...licenceFields,
        applicationId: f.id('Application it completes; null for a direct issue', 'APP-2026-0001').nullable(),
        dept: f.dept('Department whose approval completed the application').optional(),
      })
      .strict(),
    licenceScope,
  ),
  LicenceSuspended: licenceChange('suspended'),
  LicenceReinstated: licenceChange('reinstated'),
  LicenceRevoked: licenceChange('revoked'),
  LicenceRenewed: event(
    'A licence was renewed: a new licence replaces it',
    z
      .object({
        facts,
        ...licenceFields,
        previousLicenceId: f.id('The licence it replaces', 'LIC-2025-0042'),
      })
      .strict(),
    licenceScope,
  ),
  LicenceAmended: event(
    'A licence was amended (a new version)',
    z
      .object({
        facts,
        ...licenceFields,
        reasonCode: f.code('Reason code of the change; null when none', 'OTHER').nullable(),
        previousVersion: f.int('Version before the amendment', 1),
      })
      .strict(),
    licenceScope,
  ),
  LicenceChecked: event(
    'A licence was checked: a department’s recorded verification or a presentation check (issue 18)',
    z
      .object({
        facts,
        licenceId: f.id('Licence id', 'LIC-2026-0001'),
        typeCode: f.code('Licence type code', 'FOOD_TRADE'),
        holder: f.subject('The holder (home MSP and pid)'),
        channel: z
          .enum(['department', 'presentation'])
          .meta({ description: 'How it was checked', example: 'presentation' }),
        verifier: z
          .object({
            kind: z
              .enum(['department', 'public'])
              .meta({ description: 'Kind of checker', example: 'public' }),
            mspId: f.mspId('Organisation that recorded the check'),
            dept: Schemas.code.nullable().meta({ description: 'Department of the checker', example: null }),
          })
          .strict()
          .meta({ description: 'Who checked' }),
        valid: z.boolean().meta({ description: 'The outcome', example: true }),
        reason: f.code('Why it failed; null when valid', 'LICENCE_REVOKED').nullable(),
      })
      .strict(),
    (p) => ({
      subjects: [p.holder],
      orgs: [orgOf(p.verifier.mspId, p.verifier.dept ?? undefined)],
    }),
  ),
  ApplicationSubmitted: event(
    'A citizen or enterprise applied for a licence',
    z
      .object({
        facts,
        applicationId: f.id('Application id', 'APP-2026-0001'),
        typeCode: f.code('Licence type code', 'FOOD_TRADE'),
        ownerMsp: f.mspId('Organisation deciding the application'),
        applicant,
        requiredDepts: z
          .array(Schemas.code)
          .meta({ description: 'Departments whose approval is required', example: ['market', 'fire'] }),
        autoApprovedDepts: z
          .array(Schemas.code)
          .optional()
          .meta({
            description:
              'Departments whose approval a rule of the type gave at submission (referenced materials)',
            example: ['fire'],
          }),
      })
      .strict(),
    (p) => ({ subjects: [p.applicant], orgs: p.requiredDepts.map((d) => orgOf(p.ownerMsp, d)) }),
  ),
  ApplicationApproved: event(
    'A department approved an application; others are still pending',
    z
      .object({
        facts,
        applicationId: f.id('Application id', 'APP-2026-0001'),
        typeCode: f.code('Licence type code', 'FOOD_TRADE'),
        ownerMsp: f.mspId('Organisation deciding the application'),
        applicant,
        dept: f.dept('Approving department').meta({ example: 'fire' }),
        pendingDepts: z
          .array(Schemas.code)
          .meta({ description: 'Departments that have not decided yet', example: ['market'] }),
      })
      .strict(),
    (p) => ({
      subjects: [p.applicant],
      orgs: [p.dept, ...p.pendingDepts].map((d) => orgOf(p.ownerMsp, d)),
    }),
  ),
  ApplicationRejected: event(
    'A department rejected an application (it is closed)',
    z
      .object({
        facts,
        applicationId: f.id('Application id', 'APP-2026-0001'),
        typeCode: f.code('Licence type code', 'FOOD_TRADE'),
        ownerMsp: f.mspId('Organisation deciding the application'),
        applicant,
        dept: f.dept('Rejecting department').meta({ example: 'fire' }),
        reasonCode: f.code('Reason code', 'INCOMPLETE'),
      })
      .strict(),
    (p) => ({ subjects: [p.applicant], orgs: [orgOf(p.ownerMsp, p.dept)] }),
  ),
  ApplicationsOverdue: event(
    'A sweep found departments that let application deadlines pass (one warning per application and department, ever)',
    z
      .object({
        facts,
        warnings: z
          .array(
            z
              .object({
                applicationId: f.id('Application id', 'APP-2026-0001'),
                typeCode: f.code('Licence type code', 'FOOD_TRADE'),
                ownerMsp: f.mspId('Organisation deciding the application'),
                dept: f.dept('Department that has not decided').meta({ example: 'fire' }),
                applicant,
                dueAt: f.time('The deadline that passed'),
              })
              .strict(),
          )
          .min(1)
          .meta({ description: 'The warnings raised' }),
      })
      .strict(),
    (p) => ({
      subjects: p.warnings.map((w) => w.applicant),
      orgs: p.warnings.map((w) => orgOf(w.ownerMsp, w.dept)),
    }),
  ),
} as const satisfies Record<string, EventSpec>;

// ================================================================ data-sharing

const dsCitizen = f.subject('The citizen the record is about');
const grantee = f.deptRef('The department the consent or legal basis is for');
const holder = f.deptRef('The department holding the data');
const categoryCode = f.code('Data category code', 'HOUSEHOLD_INCOME');
const purpose = f.code('Purpose code', 'SOCIAL_ASSISTANCE');

const consentEvent = (what: string) =>
  event(
    `A consent was ${what} by its citizen`,
    z
      .object({
        consentId: f.id('Consent id', 'c-6f2a'),
        citizen: dsCitizen,
        grantee,
        holder,
        categoryCode,
        purpose,
        hash: f.hash('sha256 of the canonical JSON of the consent terms'),
        state: z
          .enum(['active', 'paused', 'revoked', 'expired'])
          .meta({ description: 'State after the change', example: 'active' }),
        time: f.time('When it changed (transaction time)'),
      })
      .strict(),
    (p) => ({ subjects: [p.citizen], orgs: [p.grantee, p.holder] }),
  );

const legalBasisScope = (p: {
  citizen: Subject | null;
  grantee: OrgScope;
  holder: OrgScope;
}): EventScope => ({
  subjects: p.citizen === null ? [] : [p.citizen],
  orgs: [p.grantee, p.holder],
});

const basisCitizen = f
  .subject('The one citizen the basis applies to; null when it applies to every citizen')
  .nullable();

const legalBasisDecision = (what: string) =>
  event(
    `The holding department ${what} a pending legal basis`,
    z
      .object({
        legalBasisId: f.id('Legal basis id', 'lb-housing-2026'),
        grantee,
        holder,
        citizen: basisCitizen,
        categoryCode,
        decidedBy: f.deptRef('The deciding department'),
        time: f.time('When it was decided (transaction time)'),
      })
      .strict(),
    legalBasisScope,
  );

/** Events of the data-sharing chaincode. */
export const dataSharingEvents = {
  CategoryRegistered: event(
    'A holding department registered a data category',
    z
      .object({
        code: categoryCode,
        holder,
        sensitivity: z
          .enum(['low', 'medium', 'high', 'special'])
          .meta({ description: 'Sensitivity level', example: 'high' }),
        fields: z.array(z.string()).meta({ description: 'Field names', example: ['income', 'members'] }),
      })
      .strict(),
    (p) => ({ subjects: [], orgs: [p.holder] }),
  ),
  CategoryUpdated: event(
    'A holding department changed or withdrew a category',
    z
      .object({
        code: categoryCode,
        holder,
        version: f.int('Version after the change', 2),
        status: z.enum(['active', 'withdrawn']).meta({ description: 'Status', example: 'active' }),
      })
      .strict(),
    (p) => ({ subjects: [], orgs: [p.holder] }),
  ),
  ConsentGranted: consentEvent('granted'),
  ConsentPaused: consentEvent('paused'),
  ConsentResumed: consentEvent('resumed'),
  ConsentRevoked: consentEvent('revoked'),
  LegalBasisRecorded: event(
    'A legal officer recorded a statutory basis for access',
    z
      .object({
        legalBasisId: f.id('Legal basis id', 'lb-housing-2026'),
        grantee,
        holder,
        citizen: basisCitizen,
        categoryCode,
        purpose,
        statuteReference: f.text('The statute', 'Housing Act 2024 s.12'),
        approval: z
          .enum(['not-required', 'pending', 'approved', 'refused'])
          .meta({ description: "The holding organisation's approval", example: 'pending' }),
        hash: f.hash('sha256 of the canonical JSON of the basis terms'),
      })
      .strict(),
    legalBasisScope,
  ),
  LegalBasisWithdrawn: event(
    'A legal basis was withdrawn',
    z
      .object({
        legalBasisId: f.id('Legal basis id', 'lb-housing-2026'),
        grantee,
        holder,
        citizen: basisCitizen,
        categoryCode,
        reason: f.text('Why', 'statute repealed'),
      })
      .strict(),
    legalBasisScope,
  ),
  LegalBasisApproved: legalBasisDecision('approved'),
  LegalBasisRefused: legalBasisDecision('refused'),
  AttestationPublished: event(
    'A holding department published an attestation of one fact about a citizen',
    z
      .object({
        attestationId: f.id('Attestation id', 'att-1'),
        citizen: dsCitizen,
        categoryCode,
        field: f.code('The attested field', 'income'),
        holder,
        validUntil: f.time('End of validity'),
      })
      .strict(),
    (p) => ({ subjects: [p.citizen], orgs: [p.holder] }),
  ),
  AttestationRevoked: event(
    'A holding department revoked an attestation',
    z
      .object({
        attestationId: f.id('Attestation id', 'att-1'),
        citizen: dsCitizen,
        categoryCode,
        field: f.code('The attested field', 'income'),
        holder,
      })
      .strict(),
    (p) => ({ subjects: [p.citizen], orgs: [p.holder] }),
  ),
  DataChecked: event(
    "A department checked a ticket or a fact about a citizen's data with a recorded check (issue 18)",
    z
      .object({
        kind: z.enum(['ticket', 'fact']).meta({ description: 'What was checked', example: 'fact' }),
        ticketId: f.id('Ticket id', 'acc-1'),
        attestationId: f.id('Attestation id; null for a ticket check', 'att-1').nullable(),
        citizen: dsCitizen,
        verifier: z
          .object({
            mspId: f.mspId('Organisation of the checker'),
            dept: Schemas.code
              .nullable()
              .meta({ description: 'Department of the checker', example: 'housing' }),
          })
          .strict()
          .meta({ description: 'Who checked' }),
        valid: z.boolean().meta({ description: 'Ticket valid / fact matches', example: true }),
      })
      .strict(),
    (p) => ({ subjects: [p.citizen], orgs: [orgOf(p.verifier.mspId, p.verifier.dept ?? undefined)] }),
  ),
  AccessLogged: event(
    "A department asked for a citizen's data: granted or refused, always logged",
    z
      .object({
        accessId: f.id('Access id', 'acc-1'),
        citizen: dsCitizen,
        granted: z.boolean().meta({ description: 'Whether access was granted', example: true }),
        code: f.code('Refusal code; null when granted', 'NO_BASIS').nullable(),
        requester: f.deptRef('The requesting department'),
        categoryCode,
        holder,
        fields: z.array(z.string()).meta({ description: 'Fields asked for', example: ['income'] }),
        purpose,
        basis: z
          .object({
            kind: z.enum(['consent', 'legal']).meta({ description: 'Kind of basis', example: 'consent' }),
            id: f.id('Consent or legal basis id', 'c-6f2a'),
          })
          .strict()
          .nullable()
          .meta({ description: 'The basis used; null when refused for lack of one' }),
        auditFlag: z
          .boolean()
          .meta({ description: 'Legal-basis or special-category access', example: false }),
        time: f.time('When (transaction time)'),
      })
      .strict(),
    (p) => ({ subjects: [p.citizen], orgs: [p.requester, p.holder] }),
  ),
} as const satisfies Record<string, EventSpec>;

// ================================================================ fund-tracing

/** The rules an alert can come from: the program's rules, and a refused attempt's. */
const alertRule = z
  .enum([
    'category',
    'recipientCap',
    'splitPayment',
    'afterEnd',
    'unspent',
    'exceedsAllocation',
    'unapprovedAccount',
  ])
  .meta({ description: 'Rule that raised it', example: 'recipientCap' });

const alerts = z
  .array(
    z
      .object({
        alertId: f.id('Alert id', 'ALERT-1'),
        rule: alertRule,
        severity: z.enum(['low', 'medium', 'high']).meta({ description: 'Severity', example: 'high' }),
        records: z
          .array(
            z.object({
              kind: z
                .enum(['program', 'allocation', 'disbursement', 'spend'])
                .meta({ description: 'Record kind', example: 'disbursement' }),
              id: f.id('Record id', 'D-1'),
            }),
          )
          .meta({ description: 'Records the alert is about' }),
      })
      .strict(),
  )
  .meta({ description: 'Alerts the transaction raised (possibly none)' });

const programId = f.id('Program id', 'P2026-IND-01');
const allocationId = f.id('Allocation id', 'A-industry');
const disbursementId = f.id('Disbursement id', 'D-1');
const ownerMspId = f.mspId("Program owner's organisation");
const fundDept = {
  mspId: f.mspId('Organisation of the allocation holder (the disbursing department)'),
  dept: f.dept('The disbursing department').meta({ example: 'industry' }),
};
const recipient = {
  recipientMspId: f.mspId("Recipient's home organisation"),
  recipientPid: Schemas.pid.meta({ description: "Recipient's pseudonymous id", example: PID }),
};
const actorDept = (description: string) =>
  z
    .object({
      mspId: Schemas.mspId.meta({ description: 'Organisation', example: 'CityBMSP' }),
      dept: Schemas.code.meta({ description: 'Department', example: 'finance' }).optional(),
    })
    .strict()
    .meta({ description });
/** The finance department of a program's owner (its owner finance). */
const FINANCE = 'finance';

const disbursementScope = (p: {
  recipientMspId: string;
  recipientPid: string;
  mspId: string;
  dept: string;
}): EventScope => ({
  subjects: [{ mspId: p.recipientMspId, pid: p.recipientPid }],
  orgs: [orgOf(p.mspId, p.dept)],
});

/** Events of the fund-tracing chaincode that a transaction emits itself, or inside `AlertRaised`. */
const fundTracingOwnEvents = {
  ProgramCreated: event(
    "An organisation's finance department created a program",
    z
      .object({
        programId,
        ownerMspId,
        totalBudget: f.amount('Budget (fen)'),
        fiscalYear: f.int('Fiscal year', 2026),
      })
      .strict(),
    (p) => ({ subjects: [], orgs: [orgOf(p.ownerMspId)] }),
  ),
  ProgramClosed: event(
    'A program was closed',
    z.object({ programId, ownerMspId, reason: f.text('Why', 'fiscal year ended') }).strict(),
    (p) => ({ subjects: [], orgs: [orgOf(p.ownerMspId)] }),
  ),
  FundsAllocated: event(
    'Owner finance allocated funds to an implementing department',
    z
      .object({ programId, ownerMspId, allocationId, ...fundDept, amount: f.amount('Amount (fen)'), alerts })
      .strict(),
    (p) => ({ subjects: [], orgs: [orgOf(p.mspId, p.dept), orgOf(p.ownerMspId, FINANCE)] }),
  ),
  RecipientRegistered: event(
    'An implementing department registered a recipient with approved account hashes',
    z
      .object({
        programId,
        ...recipient,
        kind: z.enum(['enterprise', 'person']).meta({ description: 'Recipient kind', example: 'enterprise' }),
        accountCount: f.int('Approved account hashes', 1),
        registeredBy: actorDept('The registering department'),
      })
      .strict(),
    (p) => ({
      subjects: [{ mspId: p.recipientMspId, pid: p.recipientPid }],
      orgs: [orgOf(p.registeredBy.mspId, p.registeredBy.dept)],
    }),
  ),
  RecipientAccountsUpdated: event(
    "The registering department changed a recipient's approved accounts",
    z
      .object({
        programId,
        ...recipient,
        accountCount: f.int('Approved account hashes', 2),
        registeredBy: actorDept('The registering department'),
      })
      .strict(),
    (p) => ({
      subjects: [{ mspId: p.recipientMspId, pid: p.recipientPid }],
      orgs: [orgOf(p.registeredBy.mspId, p.registeredBy.dept)],
    }),
  ),
  DisbursementRecorded: event(
    'An allocation holder disbursed funds to a recipient (paid, or pending a co-signature)',
    z
      .object({
        programId,
        allocationId,
        disbursementId,
        ...fundDept,
        ...recipient,
        amount: f.amount('Amount (fen)'),
        status: z.enum(['pending', 'paid', 'rejected']).meta({ description: 'Status', example: 'paid' }),
        alerts,
      })
      .strict(),
    disbursementScope,
  ),
  DisbursementCoSigned: event(
    'A co-signer approved a pending disbursement (it is paid)',
    z
      .object({
        programId,
        allocationId,
        disbursementId,
        ...fundDept,
        ...recipient,
        amount: f.amount('Amount (fen)'),
        coSignedBy: actorDept('The co-signing organisation and department'),
        alerts,
      })
      .strict(),
    (p) => {
      const s = disbursementScope(p);
      return { ...s, orgs: [...s.orgs, orgOf(p.coSignedBy.mspId, p.coSignedBy.dept)] };
    },
  ),
  DisbursementRejected: event(
    'A co-signer refused a pending disbursement, or its department withdrew it',
    z
      .object({
        programId,
        allocationId,
        disbursementId,
        ...fundDept,
        ...recipient,
        amount: f.amount('Amount (fen)'),
        rejectedBy: actorDept('Who rejected it'),
        withdrawn: z
          .boolean()
          .meta({ description: 'True when the disbursing department withdrew it', example: false }),
      })
      .strict(),
    (p) => {
      const s = disbursementScope(p);
      return { ...s, orgs: [...s.orgs, orgOf(p.rejectedBy.mspId, p.rejectedBy.dept)] };
    },
  ),
  SpendRecorded: event(
    'A recipient recorded a spend of a disbursement',
    z
      .object({
        programId,
        allocationId,
        disbursementId,
        ...fundDept,
        ...recipient,
        spendId: f.id('Spend id', 'S-1'),
        amount: f.amount('Amount (fen)'),
        category: f.code('Spend category', 'equipment'),
        alerts,
      })
      .strict(),
    disbursementScope,
  ),
  UnspentSwept: event(
    'A sweep checked paid disbursements for unspent funds',
    z
      .object({
        programId,
        ownerMspId,
        processed: f.int('Disbursements checked', 3),
        alerts,
        more: z.boolean().meta({ description: 'True when more are due', example: false }),
      })
      .strict(),
    (p) => ({ subjects: [], orgs: [orgOf(p.ownerMspId, FINANCE)] }),
  ),
  PaymentRefused: event(
    'A payment refused by a rule or a balance check was recorded (only ever the `source` of an `AlertRaised`)',
    z
      .object({
        attemptId: f.id('Id of the refused attempt', HASH),
        transaction: z
          .enum(['AllocateFunds', 'Disburse', 'CoSignDisbursement', 'RecordSpend'])
          .meta({ description: 'The transaction that was refused', example: 'Disburse' }),
        programId,
        ownerMspId: f.mspId('Organisation the attempt belongs to (the paying organisation)'),
        by: actorDept('Who tried: organisation and department'),
        code: f.code('The refusal code', 'ACCOUNT_NOT_APPROVED'),
        rule: alertRule,
        alertId: f.id('The high-severity alert raised for supervisors', 'ALERT-1'),
      })
      .strict(),
    (p) => ({ subjects: [], orgs: [orgOf(p.by.mspId, p.by.dept), orgOf(p.ownerMspId, FINANCE)] }),
  ),
  AlertStatusChanged: event(
    'An auditor acknowledged or resolved an alert',
    z
      .object({
        alertId: f.id('Alert id', 'ALERT-1'),
        programId,
        ownerMspId: f.mspId('Organisation the alert belongs to'),
        rule: alertRule,
        severity: z.enum(['low', 'medium', 'high']).meta({ description: 'Severity', example: 'high' }),
        status: z
          .enum(['open', 'acknowledged', 'resolved'])
          .meta({ description: 'New status', example: 'resolved' }),
        previousStatus: z
          .enum(['open', 'acknowledged', 'resolved'])
          .meta({ description: 'Status before', example: 'open' }),
        by: z
          .object({
            mspId: Schemas.mspId.meta({ description: "Auditor's organisation", example: 'AuditMSP' }),
          })
          .strict()
          .meta({ description: 'Who changed it' }),
      })
      .strict(),
    (p) => ({ subjects: [], orgs: [orgOf(p.ownerMspId, FINANCE)] }),
  ),
} as const satisfies Record<string, EventSpec>;

/** The `source` of an `AlertRaised`: the event the transaction would otherwise have emitted. */
const AlertSource = z
  .object({
    event: z
      .enum(
        Object.keys(fundTracingOwnEvents) as [
          keyof typeof fundTracingOwnEvents,
          ...(keyof typeof fundTracingOwnEvents)[],
        ],
      )
      .meta({ description: 'Name of that event', example: 'DisbursementRecorded' }),
    payload: z.unknown().meta({ description: "That event's payload (its own schema, by `event`)" }),
  })
  .strict()
  .superRefine((source, ctx) => {
    const spec = fundTracingOwnEvents[source.event] as EventSpec;
    const parsed = spec.payload.safeParse(source.payload);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        ctx.addIssue({ code: 'custom', message: issue.message, path: ['payload', ...issue.path] });
    }
  })
  .meta({ description: 'What raised the alerts: the event the transaction would otherwise have emitted' });

/** Events of the fund-tracing chaincode. */
export const fundTracingEvents = {
  ...fundTracingOwnEvents,
  AlertRaised: event(
    'A transaction raised alerts (a warning, a recorded refusal, the unspent sweep): the one event of every alert',
    z
      .object({
        programId,
        alerts: alerts.min(1),
        source: AlertSource,
      })
      .strict(),
    (p) => {
      const spec = fundTracingOwnEvents[p.source.event] as EventSpec;
      return spec.scope(spec.payload.parse(p.source.payload));
    },
  ),
} as const satisfies Record<string, EventSpec>;

// ================================================================ e-voting

const electionId = f.id('Election id', 'E-2026-budget');
const organiser = f.mspId('Organisation that organises the election');
const organiserScope = (p: { organiser: string }): EventScope => ({
  subjects: [],
  orgs: [orgOf(p.organiser)],
});

/** Events of the e-voting chaincode. */
export const eVotingEvents = {
  ElectionCreated: event(
    'An election was created',
    z
      .object({
        electionId,
        mode: z.enum(['open', 'secret']).meta({ description: 'Ballot mode', example: 'secret' }),
        opensAt: f.time('Opening time'),
        closesAt: f.time('Closing time'),
        organiser,
      })
      .strict(),
    organiserScope,
  ),
  VotersRegistered: event(
    "A batch of voters was added to an election's roll",
    z
      .object({
        electionId,
        organiser,
        batchId: f.id('Batch id', 'batch-1'),
        added: f.int('Voters added', 2),
        alreadyRegistered: f.int('Voters already on the roll', 0),
      })
      .strict(),
    organiserScope,
  ),
  TokenRequested: event(
    'A voter recorded their one blind-signature request (secret mode)',
    z
      .object({
        electionId,
        organiser,
        voter: f.subject('The voter'),
        txId: f.id('Transaction id of the request', HASH),
      })
      .strict(),
    (p) => ({ subjects: [p.voter], orgs: [orgOf(p.organiser)] }),
  ),
  AuthorityKeyRegistered: event(
    "A signing authority registered its election key (signed by the authority's own organisation)",
    z
      .object({
        electionId,
        organiser,
        authority: f.mspId('The authority (its organisation)'),
        fingerprint: f.hash("SHA-256 fingerprint of the authority's public key"),
      })
      .strict(),
    (p) => ({ subjects: [], orgs: [orgOf(p.organiser), orgOf(p.authority)] }),
  ),
  TokenIssued: event(
    'An authority recorded its one issuance to a voter (secret mode), before it blind-signs',
    z
      .object({
        electionId,
        organiser,
        authority: f.mspId('The issuing authority (its organisation)'),
        voter: f.subject('The voter'),
        txId: f.id('Transaction id of the issuance', HASH),
      })
      .strict(),
    (p) => ({ subjects: [p.voter], orgs: [orgOf(p.organiser), orgOf(p.authority)] }),
  ),
  BallotsCast: event(
    'The ballot box cast a batch of secret ballots (carries no voter)',
    z
      .object({
        electionId,
        organiser,
        mode: z.literal('secret').meta({ description: 'Ballot mode', example: 'secret' }),
        count: f.int('Ballots in the batch', 10),
        txId: f.id('Transaction id of the batch', HASH),
      })
      .strict(),
    organiserScope,
  ),
  BallotCast: event(
    'An open (roll-call) ballot was cast or replaced',
    z
      .object({
        electionId,
        organiser,
        mode: z.enum(['open', 'secret']).meta({ description: 'Ballot mode', example: 'open' }),
        receipt: f.id('The ballot receipt', HASH),
        version: f.int('Ballot version (open mode: +1 per replacement)', 1),
      })
      .strict(),
    organiserScope,
  ),
  TallyProgressed: event(
    'A tally step counted more ballots',
    z
      .object({
        electionId,
        organiser,
        counted: f.int('Ballots counted so far', 200),
        steps: f.int('Steps so far', 1),
      })
      .strict(),
    organiserScope,
  ),
  ElectionTallied: event(
    'The final tally step stored the result',
    z
      .object({
        electionId,
        organiser,
        turnout: f.int('Ballots counted', 412),
        quorumMet: z.boolean().meta({ description: 'Whether the quorum was met', example: true }),
        passed: z.boolean().meta({ description: 'Whether something passed', example: true }),
        winners: z.array(z.string()).meta({ description: 'Winning options', example: ['yes'] }),
        counts: z
          .array(
            z
              .object({
                option: f.code('Option', 'yes'),
                votes: f.int('Votes', 300),
              })
              .strict(),
          )
          .meta({ description: 'Votes per option' }),
        digest: f.hash('Digest of the counted ballots'),
        integrity: z
          .object({
            ok: z
              .boolean()
              .meta({ description: 'No excess over the roll or the issued tokens', example: true }),
            overRoll: f.int('Ballots beyond the roll size (0 when none)', 0),
            overIssued: f.int('Secret ballots beyond the issued tokens (0 when none)', 0),
          })
          .strict()
          .meta({ description: 'Turnout checked against the roll and the issued tokens' }),
      })
      .strict(),
    organiserScope,
  ),
} as const satisfies Record<string, EventSpec>;

// ================================================================ the catalogue

/** Every chaincode's events, by logical chaincode name and event name. */
export const events = {
  'e-licence': eLicenceEvents,
  'data-sharing': dataSharingEvents,
  'fund-tracing': fundTracingEvents,
  'e-voting': eVotingEvents,
} as const;

/** A logical chaincode name of the catalogue. */
export type EventChaincode = keyof typeof events;

/** The spec of one event, or undefined when the chaincode does not emit that name. */
export function findEvent(chaincode: string, eventName: string): EventSpec | undefined {
  const catalogue = (events as Record<string, Record<string, EventSpec> | undefined>)[chaincode];
  if (catalogue === undefined || !Object.hasOwn(catalogue, eventName)) return undefined;
  return catalogue[eventName];
}

/** The chaincode that emits an event name (names are unique across the chaincodes). */
export function chaincodeOfEvent(eventName: string): EventChaincode | undefined {
  return (Object.keys(events) as EventChaincode[]).find((cc) => Object.hasOwn(events[cc], eventName));
}

/** A parsed event: its payload and scope; `error` when the name is unknown or the payload does not parse. */
export type ParsedEvent = { ok: true; payload: unknown; scope: EventScope } | { ok: false; error: string };

/** Parses an event's payload with its schema and computes its scope. */
export function parseEvent(chaincode: string, eventName: string, payload: unknown): ParsedEvent {
  const spec = findEvent(chaincode, eventName);
  if (!spec) return { ok: false, error: `${chaincode} emits no event named ${eventName}` };
  const parsed = spec.payload.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      error: `${chaincode} ${eventName}: ${issue.path.join('.') || '(payload)'}: ${issue.message}`,
    };
  }
  return { ok: true, payload: parsed.data, scope: spec.scope(parsed.data) };
}

// ================================================================ the SSE envelope

/** Fields of every SSE message's data, whatever the event. */
const envelopeFields = {
  transactionId: z.string().min(1).meta({ description: 'Transaction that emitted the event', example: HASH }),
  blockNumber: z
    .string()
    .regex(/^\d+$/)
    .meta({ description: 'Block holding the transaction (decimal string)', example: '42' }),
};

function envelope(chaincode: string, eventName: string, spec: EventSpec): z.ZodType {
  return z
    .object({
      chaincode: z.literal(chaincode).meta({ description: 'Logical chaincode name', example: chaincode }),
      eventName: z.literal(eventName).meta({ description: 'Event name', example: eventName }),
      ...envelopeFields,
      payload: spec.payload.meta({ id: `${eventName}Payload`, description: spec.description }),
    })
    .strict()
    .meta({ id: `${eventName}Event`, description: spec.description });
}

const envelopes = (Object.keys(events) as EventChaincode[]).flatMap((cc) =>
  Object.entries(events[cc] as Record<string, EventSpec>).map(([name, spec]) => envelope(cc, name, spec)),
);

/**
 * The `data:` of one SSE message of `GET /api/v1/events`: the chaincode, the
 * event name, the transaction and block, and the payload of that event name
 * (one of the catalogue's schemas, told apart by `eventName`).
 */
export const ChaincodeEvent = z
  .discriminatedUnion(
    'eventName',
    envelopes as unknown as [
      z.ZodObject<{ eventName: z.ZodLiteral<string> }>,
      ...z.ZodObject<{ eventName: z.ZodLiteral<string> }>[],
    ],
  )
  .meta({
    id: 'ChaincodeEvent',
    description:
      'The data of one server-sent event: `{chaincode, eventName, transactionId, blockNumber, payload}`, the payload ' +
      'being the schema of its event name.',
  });
/** The data of one SSE message. */
export type ChaincodeEvent = {
  chaincode: string;
  eventName: string;
  transactionId: string;
  blockNumber: string;
  payload: unknown;
};
