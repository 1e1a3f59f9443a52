/**
 * The fixed vocabularies of data sharing: purposes a consent or a legal basis
 * may name, sensitivity levels of a data category, and the limits that keep
 * every write bounded.
 */

/** The purposes a department may name when it asks for a citizen's data (fixed list). */
export const PURPOSES = [
  'HOUSING_SUBSIDY',
  'HOUSING_FUND_LOAN',
  'SOCIAL_ASSISTANCE',
  'PENSION',
  'TAX_ASSESSMENT',
  'LICENCE_APPLICATION',
  'RESIDENCE_REGISTRATION',
  'EDUCATION_ENROLMENT',
  'HEALTHCARE_SERVICE',
  'LAW_ENFORCEMENT',
] as const;

/** One purpose code. */
export type Purpose = (typeof PURPOSES)[number];

/**
 * Sensitivity levels of a data category, lowest first. Accesses to a `special`
 * category (health, criminal records, …) are always flagged for audit.
 */
export const SENSITIVITIES = ['low', 'medium', 'high', 'special'] as const;

/** One sensitivity level. */
export type Sensitivity = (typeof SENSITIVITIES)[number];

/** Roles as certificate attributes carry them (`gov.role`). */
export const Role = {
  Officer: 'officer',
  LegalOfficer: 'legal-officer',
  Auditor: 'auditor',
  Citizen: 'citizen',
} as const;

/** Bounds of the chaincode (each keeps a write or a scan bounded). */
export const Limits = {
  /** Most fields a category can list. */
  maxFields: 64,
  /** Largest maxUses a consent may set (use counting scans at most this many keys). */
  maxUses: 1000,
  /** Live consents of one citizen for one grantee department and category. */
  maxConsentsPerGrantee: 20,
  /** Live legal bases of one department for one category and one scope (all citizens, or one). */
  maxLegalBasesPerScope: 20,
  /** Default lifetime of an access ticket, in seconds. */
  defaultTicketTtlSeconds: 900,
  /** Shortest lifetime a caller may ask for, in seconds. */
  minTicketTtlSeconds: 60,
  /** Longest lifetime a caller may ask for, in seconds. */
  maxTicketTtlSeconds: 86_400,
} as const;

/** The scope key part of a legal basis that applies to every citizen. */
export const ALL_CITIZENS = '*';
