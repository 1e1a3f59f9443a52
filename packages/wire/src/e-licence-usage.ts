/**
 * e-licence, issue 18 parts 3-4: holder presentations (the issuing organisations' presentation
 * keys on the ledger) and the usage trace (who checked which licence, when and why). Re-exported
 * by the `eLicence` namespace (e-licence.ts); only the common building blocks are imported here.
 */
import { z } from 'zod';
import { Schemas, Subject } from './common';

// ---------------------------------------------------------------- presentation keys

/** Most presentation keys one organisation may have registered (rotation keeps the old ones). */
export const MAX_PRESENTATION_KEYS_PER_ORG = 20;

/** The longest a presentation may live, seconds (the gateway's configured lifetime is bounded by it). */
export const MAX_PRESENTATION_TTL_S = 3600;

/** The default lifetime of a presentation, seconds. */
export const DEFAULT_PRESENTATION_TTL_S = 300;

/** The JWS algorithm of presentations (ECDSA P-256 with SHA-256). */
export const PRESENTATION_ALG = 'ES256';

/** The `typ` header of a presentation's issuer JWT (SD-JWT VC shaped). */
export const PRESENTATION_TYP = 'vc+sd-jwt';

const b64url32 = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes in unpadded base64url (43 characters)');

/** The public half of an ES256 presentation key, as a JWK (RFC 7517), P-256 only. */
export const PresentationPublicJwk = z
  .object({
    kty: z.literal('EC').meta({ description: 'Key type: EC', example: 'EC' }),
    crv: z.literal('P-256').meta({ description: 'Curve: P-256', example: 'P-256' }),
    x: b64url32.meta({
      description: 'X coordinate, unpadded base64url',
      example: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
    }),
    y: b64url32.meta({
      description: 'Y coordinate, unpadded base64url',
      example: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
    }),
  })
  .strict();
/** A P-256 public JWK. */
export type PresentationPublicJwk = z.infer<typeof PresentationPublicJwk>;

/** RegisterPresentationKey: the caller's organisation registers the public half of its presentation key. */
export const RegisterPresentationKeyRequest = z
  .object({
    publicKey: PresentationPublicJwk.meta({
      description: 'The public key (P-256 JWK); a private key (with `d`) is refused',
    }),
  })
  .strict();
/** RegisterPresentationKey request. */
export type RegisterPresentationKeyRequest = z.infer<typeof RegisterPresentationKeyRequest>;

/** A registered presentation key (public half only). */
export const PresentationKey = z.object({
  mspId: Schemas.mspId.meta({
    description: 'The organisation whose gateway signs with this key',
    example: 'CityAMSP',
  }),
  kid: b64url32.meta({
    description: 'Key id: the RFC 7638 JWK thumbprint (SHA-256, base64url)',
    example: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
  }),
  jwk: PresentationPublicJwk.meta({ description: 'The public key' }),
  registeredAt: Schemas.isoDateTime.meta({
    description: 'When it was registered (transaction time)',
    example: '2026-01-01T00:00:00.000Z',
  }),
  txId: Schemas.txId.meta({
    description: 'The registering transaction',
    example: 'a3f1c2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
  }),
});
/** A registered presentation key. */
export type PresentationKey = z.infer<typeof PresentationKey>;

/** ListPresentationKeys: every organisation's keys, or one organisation's. */
export const ListPresentationKeysRequest = z
  .object({
    mspId: Schemas.mspId.optional().meta({ description: 'Only this organisation', example: 'CityAMSP' }),
  })
  .strict();
/** ListPresentationKeys request. */
export type ListPresentationKeysRequest = z.infer<typeof ListPresentationKeysRequest>;

/** ListPresentationKeys answer. */
export const PresentationKeyList = z.object({
  keys: z.array(PresentationKey).meta({ description: 'Registered keys, by organisation then kid' }),
});
/** ListPresentationKeys answer. */
export type PresentationKeyList = z.infer<typeof PresentationKeyList>;

// ---------------------------------------------------------------- usage trace

/** Why a licence was checked: a purpose code. */
export const PURPOSE_CODES = [
  'EMPLOYMENT',
  'SERVICE_COUNTER',
  'INSPECTION',
  'CONTRACTING',
  'TENDER',
  'LICENSING',
  'OTHER',
] as const;

/** A stated purpose: a code and, optionally, a short text. */
export const UsagePurpose = z
  .object({
    code: z.enum(PURPOSE_CODES).meta({ description: 'Purpose code', example: 'EMPLOYMENT' }),
    text: Schemas.text(200)
      .optional()
      .meta({ description: 'Purpose, in words (at most 200 characters)', example: 'pre-hire check' }),
  })
  .strict();
/** A stated purpose. */
export type UsagePurpose = z.infer<typeof UsagePurpose>;

/** Why a presentation check failed: stable reason codes. */
export const PRESENTATION_REASONS = [
  'MALFORMED',
  'UNKNOWN_KEY',
  'BAD_SIGNATURE',
  'PRESENTATION_EXPIRED',
  'DISCLOSURE_MISMATCH',
  'LICENCE_NOT_FOUND',
  'LICENCE_REVOKED',
  'LICENCE_SUSPENDED',
  'LICENCE_EXPIRED',
  'LICENCE_NOT_YET_VALID',
] as const;
/** A presentation failure reason. */
export type PresentationReason = (typeof PRESENTATION_REASONS)[number];

/** How a check reached the ledger: a department's recorded verification, or a presentation. */
export const UsageChannel = z.enum(['department', 'presentation']);
/** A usage channel. */
export type UsageChannel = z.infer<typeof UsageChannel>;

/** Who checked: organisation, department and role (no name, no certificate id). */
export const UsageVerifier = z.object({
  kind: z.enum(['department', 'public']).meta({
    description: "'department': a member with a department; 'public': an unauthenticated verifier",
    example: 'department',
  }),
  mspId: Schemas.mspId.meta({
    description: 'The organisation that recorded the check (for a public check: the verifying gateway’s)',
    example: 'CityBMSP',
  }),
  dept: Schemas.dept
    .nullable()
    .meta({ description: 'Department of the checker; null for a public check', example: 'labour' }),
  role: Schemas.code
    .nullable()
    .meta({ description: 'First role of the checker; null for a public check', example: 'officer' }),
});
/** Who checked. */
export type UsageVerifier = z.infer<typeof UsageVerifier>;

/** One check of a licence, as recorded on the ledger. */
export const LicenceUsage = z.object({
  usageId: Schemas.txId.meta({
    description: 'The recording transaction',
    example: 'a3f1c2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
  }),
  licenceId: Schemas.id.meta({ description: 'The licence checked', example: 'A-BIZ-2026-0001' }),
  typeCode: Schemas.code.meta({ description: 'Its type', example: 'A-BIZ' }),
  holder: Subject.meta({ description: 'The holder (home MSP, pseudonymous id)' }),
  channel: UsageChannel.meta({ description: 'How it was checked', example: 'presentation' }),
  verifier: UsageVerifier.meta({ description: 'Who checked' }),
  purpose: UsagePurpose.nullable().meta({ description: 'Why (as the checker stated it)' }),
  disclosedClaims: z
    .array(Schemas.code)
    .meta({ description: 'Names of the claims shown (never their values)', example: ['companyName'] }),
  valid: z.boolean().meta({ description: 'The outcome', example: true }),
  reason: Schemas.code.nullable().meta({
    description: 'Why it failed (a presentation reason or the status); null when valid',
    example: null,
  }),
  checkedAt: Schemas.isoDateTime.meta({
    description: 'When (transaction time)',
    example: '2026-01-01T00:00:00.000Z',
  }),
});
/** One check of a licence. */
export type LicenceUsage = z.infer<typeof LicenceUsage>;

/** CheckLicence: a department's recorded verification of a licence (no claim values: they would stay in the block). */
export const CheckLicenceRequest = z
  .object({
    licenceId: Schemas.id.meta({ description: 'Licence id', example: 'A-BIZ-2026-0001' }),
    documentHash: Schemas.sha256.optional().meta({
      description: "SHA-256 of the document the checker was shown; checked against the licence's",
      example: '9b74c9897bac770ffc029102a200c5de3b0c8b5e0b6a1f2a7c4e2d3f1a0b9c8d',
    }),
    purpose: UsagePurpose.meta({ description: 'Why the licence is checked' }),
  })
  .strict();
/** CheckLicence request. */
export type CheckLicenceRequest = z.infer<typeof CheckLicenceRequest>;

/** RecordPresentationCheck: the verifying gateway records one presentation check it made. */
export const RecordPresentationCheckRequest = z
  .object({
    licenceId: Schemas.id.meta({
      description: 'Licence id the presentation names',
      example: 'A-BIZ-2026-0001',
    }),
    kid: b64url32.meta({
      description: 'Key id of the presentation',
      example: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
    }),
    disclosedClaims: z
      .array(Schemas.code)
      .max(50)
      .meta({ description: 'Names of the claims disclosed (no values)', example: ['companyName'] }),
    reason: z.enum(PRESENTATION_REASONS).nullable().meta({
      description: "The gateway's failure reason (signature, expiry, disclosures); null when those passed",
      example: null,
    }),
    purpose: UsagePurpose.optional().meta({ description: "The verifier's stated purpose" }),
  })
  .strict();
/** RecordPresentationCheck request. */
export type RecordPresentationCheckRequest = z.infer<typeof RecordPresentationCheckRequest>;

/** ListLicenceUsage: the caller's (holder's) usage entries, of one licence or all. */
export const ListLicenceUsageRequest = z
  .object({
    licenceId: Schemas.id.optional().meta({ description: 'Only this licence', example: 'A-BIZ-2026-0001' }),
    pageSize: Schemas.pageSize.meta({ description: 'Entries per page (1-200, default 50)', example: 50 }),
    bookmark: Schemas.bookmark.meta({ description: 'From the previous page', example: '' }),
  })
  .strict();
/** ListLicenceUsage request. */
export type ListLicenceUsageRequest = z.infer<typeof ListLicenceUsageRequest>;
