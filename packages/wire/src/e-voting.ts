/**
 * The e-voting chaincode's wire contract: its request and response schemas, error
 * codes, limits and protocol constants. The chaincode parses every request with
 * these schemas and the gateway builds its route bodies from them, so a field rule
 * is one edit.
 *
 * Every transaction takes exactly one string argument, the JSON text of its request.
 */
import { z } from 'zod';
import { Schemas, Subject } from './common';

/** Bounds of the chaincode, in one place (documented in chaincode/e-voting/README.md). */
export const Limits = {
  /** Options of a single or multi-choice election. */
  minOptions: 2,
  /** Options of a single or multi-choice election. */
  maxOptions: 50,
  /** Voters per RegisterVoters batch. */
  maxBatchPids: 1000,
  /** Roll batches per election (so the roll holds at most maxBatchPids * maxRollBatches voters). */
  maxRollBatches: 1000,
  /** Ballots read by one TallyElection step (a bounded range read with a cursor). */
  maxTallyBatch: 5000,
  /** Attribute conditions of an eligibility rule. */
  maxRuleAttributes: 5,
  /** RSA modulus sizes accepted for the authority key, in bits. */
  minModulusBits: 2048,
  /** RSA modulus sizes accepted for the authority key, in bits. */
  maxModulusBits: 4096,
  /** Bytes of a prepared token message (base64url on the wire). */
  maxTokenBytes: 512,
  /** Signing authorities of a secret election (one per participating organisation). */
  maxAuthorities: 10,
  /** Ballots in one CastSecretBallots batch. */
  maxCastBatch: 200,
  /** Ballots one VerifyTally page recounts (signature checks make a page heavier than a tally step). */
  maxVerifyBatch: 5000,
  /** Shards of the issued-token counter (a voter's shard is the first hex digit of SHA-256 of `<mspId>/<pid>`). */
  issuedShards: 16,
} as const;

/** Stable error codes of the e-voting chaincode; each code's status is in {@link ErrorStatusOf}. */
export const ErrorCode = {
  /** 400: the request JSON is malformed or a field is invalid (names every bad field). */
  InvalidArgument: 'INVALID_ARGUMENT',
  /**
   * 403: the caller lacks the role or organisation the transaction needs (e.g. names another
   * organisation as organiser, manages another organisation's election, or casts secret ballots
   * from outside the consortium).
   */
  Forbidden: 'FORBIDDEN',
  /** 404: no election with this id. */
  ElectionNotFound: 'ELECTION_NOT_FOUND',
  /** 409: an election with this id exists already. */
  ElectionExists: 'ELECTION_EXISTS',
  /** 400: opensAt is not after the transaction time of CreateElection. */
  InvalidSchedule: 'INVALID_SCHEDULE',
  /** 400: the authority public key is not a usable RSA public key (2048-4096 bits, e = 65537). */
  InvalidPublicKey: 'INVALID_PUBLIC_KEY',
  /**
   * 400: the authorities or threshold of a secret election break the rules: 1 <= k <= n, authorities are
   * distinct consortium organisations, and k >= 2 whenever the consortium has two or more organisations.
   */
  InvalidThreshold: 'INVALID_THRESHOLD',
  /** 409: this authority has registered its public key for the election already. */
  AuthorityKeyExists: 'AUTHORITY_KEY_EXISTS',
  /** 409: another authority of the election registered the same public key (one key cannot count twice). */
  DuplicateAuthorityKey: 'DUPLICATE_AUTHORITY_KEY',
  /** 409: authority keys are registered only before voting opens. */
  AuthorityKeysFrozen: 'AUTHORITY_KEYS_FROZEN',
  /** 409: the authority has not registered its public key for the election. */
  AuthorityKeyMissing: 'AUTHORITY_KEY_MISSING',
  /** 409: IssueToken for a voter who has not recorded a token request (RequestToken) for the election. */
  TokenNotRequested: 'TOKEN_NOT_REQUESTED',
  /** 409: the blinded message hash differs from the one the voter recorded for this authority. */
  BlindedMismatch: 'BLINDED_MISMATCH',
  /** 400: a secret ballot carries valid signatures from fewer distinct authorities than the threshold. */
  InsufficientSignatures: 'INSUFFICIENT_SIGNATURES',
  /** 409: the secret ballots would outnumber the voters issued tokens by at least k authorities. */
  BallotsExceedIssued: 'BALLOTS_EXCEED_ISSUED',
  /** 409: the roll is frozen because voting has opened (tx time >= opensAt). */
  RollFrozen: 'ROLL_FROZEN',
  /** 409: the election's eligibility is an attribute rule; it has no roll to register to. */
  RollNotApplicable: 'ROLL_NOT_APPLICABLE',
  /** 409: a roll batch with this id was registered already. */
  RollBatchExists: 'ROLL_BATCH_EXISTS',
  /** 409: the roll has reached its maximum number of batches. */
  RollFull: 'ROLL_FULL',
  /** 409: the transaction belongs to the other mode (open vs secret). */
  WrongMode: 'WRONG_MODE',
  /** 409: a ballot before the election opens. */
  VotingNotOpen: 'VOTING_NOT_OPEN',
  /** 409: a ballot or token request at or after the closing time. */
  VotingClosed: 'VOTING_CLOSED',
  /**
   * 403: the caller is not eligible: (home MSP, pid) not on the roll (a pid on the roll under another
   * MSP does not count), or the certificate does not match the rule, or it has no gov.pid.
   */
  IneligibleVoter: 'INELIGIBLE_VOTER',
  /** 400: a choice is not one of the election's options, or an option is chosen twice. */
  InvalidOption: 'INVALID_OPTION',
  /** 400: more choices than the election allows. */
  TooManyChoices: 'TOO_MANY_CHOICES',
  /** 409: open mode with secondBallot "refuse": this voter has voted already. */
  AlreadyVoted: 'ALREADY_VOTED',
  /**
   * 409: this voter has requested their token for this election already, or this authority has issued
   * to this voter already.
   */
  TokenAlreadyIssued: 'TOKEN_ALREADY_ISSUED',
  /** 400: the token is not a token of this election (wrong format or bound to another election). */
  InvalidToken: 'INVALID_TOKEN',
  /** 400: the signature does not verify against the election's authority public key. */
  BadSignature: 'BAD_SIGNATURE',
  /** 409: a ballot with this token was cast already. */
  TokenAlreadyUsed: 'TOKEN_ALREADY_USED',
  /** 409: tally before the closing time. */
  ElectionNotClosed: 'ELECTION_NOT_CLOSED',
  /** 409: the tally is final already. */
  AlreadyTallied: 'ALREADY_TALLIED',
  /** 404: no tally has been started for this election. */
  TallyNotFound: 'TALLY_NOT_FOUND',
  /** 409: VerifyTally on a tally that is still counting. */
  TallyIncomplete: 'TALLY_INCOMPLETE',
  /** 404: no ballot with this receipt. */
  ReceiptNotFound: 'RECEIPT_NOT_FOUND',
  /** 409: a bounded read found more records than its limit (from the common library). */
  TooManyRecords: 'TOO_MANY_RECORDS',
} as const;

/** One of the e-voting error codes. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The status each code is always thrown with. */
export const ErrorStatusOf = {
  INVALID_ARGUMENT: 400,
  FORBIDDEN: 403,
  ELECTION_NOT_FOUND: 404,
  ELECTION_EXISTS: 409,
  INVALID_SCHEDULE: 400,
  INVALID_PUBLIC_KEY: 400,
  INVALID_THRESHOLD: 400,
  AUTHORITY_KEY_EXISTS: 409,
  DUPLICATE_AUTHORITY_KEY: 409,
  AUTHORITY_KEYS_FROZEN: 409,
  AUTHORITY_KEY_MISSING: 409,
  TOKEN_NOT_REQUESTED: 409,
  BLINDED_MISMATCH: 409,
  INSUFFICIENT_SIGNATURES: 400,
  BALLOTS_EXCEED_ISSUED: 409,
  ROLL_FROZEN: 409,
  ROLL_NOT_APPLICABLE: 409,
  ROLL_BATCH_EXISTS: 409,
  ROLL_FULL: 409,
  WRONG_MODE: 409,
  VOTING_NOT_OPEN: 409,
  VOTING_CLOSED: 409,
  INELIGIBLE_VOTER: 403,
  INVALID_OPTION: 400,
  TOO_MANY_CHOICES: 400,
  ALREADY_VOTED: 409,
  TOKEN_ALREADY_ISSUED: 409,
  INVALID_TOKEN: 400,
  BAD_SIGNATURE: 400,
  TOKEN_ALREADY_USED: 409,
  ELECTION_NOT_CLOSED: 409,
  ALREADY_TALLIED: 409,
  TALLY_NOT_FOUND: 404,
  TALLY_INCOMPLETE: 409,
  RECEIPT_NOT_FOUND: 404,
  TOO_MANY_RECORDS: 409,
} as const satisfies Record<ErrorCode, 400 | 403 | 404 | 409>;

// ---------------------------------------------------------------------------
// Protocol constants: the blind-signed token of secret elections (RFC 9474)

/** The RFC 9474 RSABSSA variants an election's authority key may use. */
export const BlindRsaVariants = [
  'RSABSSA-SHA384-PSS-Randomized',
  'RSABSSA-SHA384-PSS-Deterministic',
  'RSABSSA-SHA384-PSSZERO-Randomized',
  'RSABSSA-SHA384-PSSZERO-Deterministic',
] as const;

/** One of the supported RSABSSA variants. */
export type BlindRsaVariant = (typeof BlindRsaVariants)[number];

/** The variant a secret election uses when it names none. */
export const DefaultBlindRsaVariant: BlindRsaVariant = 'RSABSSA-SHA384-PSS-Randomized';

/** Domain tag that starts every token message. */
export const TOKEN_DOMAIN = 'GOVLEDGER-EVOTE-1';

/** The nonce of a token message: 64 lower-case hex characters (32 random bytes). */
export const TokenNonce = /^[0-9a-f]{64}$/;

/**
 * The token message a voter makes for an election, before RFC 9474 prepare():
 * `GOVLEDGER-EVOTE-1|<electionId>|<nonceHex>` (UTF-8).
 */
export function tokenMessage(electionId: string, nonceHex: string): string {
  return `${TOKEN_DOMAIN}|${electionId}|${nonceHex}`;
}

/** Bytes that prepare() puts in front of the message: 32 for the Randomized variants, 0 otherwise. */
export function preparePrefixLength(variant: BlindRsaVariant): number {
  return variant.endsWith('-Randomized') ? 32 : 0;
}

// ---------------------------------------------------------------------------
// Field schemas

/**
 * Example values of the OpenAPI document that hang together: a 2048-bit authority key, a prepared
 * token message of election `vote-2026-library` (RSABSSA-SHA384-PSS-Randomized), two authorities'
 * finalized signatures on it (the second from another key) and a blinded message of the key's size.
 */
export const Examples = {
  /** An authority public key as SPKI PEM. */
  publicKeyPem:
    '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAx/ez+yF2od974X6ASXVP\nUMEk+jRDBm5qwK484PmvNw80s3SKeyh0OO2bSUt884BDcnvfJ1kg/zPgs2HPGnwr\nB20ZuVxDy2v0nyFTsducgNDt5pSaty4WeTk+nmnM3qHoQD4nlH5O1Z7ETLi8d4uS\n6+kaqM8WWF4ySTNAb6EA0InpmTwyEz8wnpCN3KeaTJqHhyYj4RKjImN7EpErqlGd\n8URrlPy+ka7lvYqYfK+x0VwjVGgtp73sCPz1/UAuB+Vgiri9mFY+VDB8aX1U8fdG\n9cLmieOr9RvsLUXarVI1BFfIwUG6xK7S4uELJOMKemUUBSttIx3kLOsz+KgxcdwH\nXwIDAQAB\n-----END PUBLIC KEY-----\n',
  /** Its modulus as a JWK `n`. */
  jwkN: 'x_ez-yF2od974X6ASXVPUMEk-jRDBm5qwK484PmvNw80s3SKeyh0OO2bSUt884BDcnvfJ1kg_zPgs2HPGnwrB20ZuVxDy2v0nyFTsducgNDt5pSaty4WeTk-nmnM3qHoQD4nlH5O1Z7ETLi8d4uS6-kaqM8WWF4ySTNAb6EA0InpmTwyEz8wnpCN3KeaTJqHhyYj4RKjImN7EpErqlGd8URrlPy-ka7lvYqYfK-x0VwjVGgtp73sCPz1_UAuB-Vgiri9mFY-VDB8aX1U8fdG9cLmieOr9RvsLUXarVI1BFfIwUG6xK7S4uELJOMKemUUBSttIx3kLOsz-KgxcdwHXw',
  /** A prepared token message of `vote-2026-library`, base64url. */
  token:
    'DL0KkIgwZofjHeM-x_wuofJMC2IPxR7j0zjGZ3b-xAJHT1ZMRURHRVItRVZPVEUtMXx2b3RlLTIwMjYtbGlicmFyeXxmODE0MjU2OTM3MDJiODYwY2U4ODRhYjMwZTdjMDA5MzY4OGFkNzc3ZjhlNDBmMTlhOWFiYTllNzIzZGFmNmNi',
  /** The token's finalized signature by the key above (CityAMSP). */
  signatureA:
    'kfKtC8kt1YfuoMW_yF22fgFEL5nXnyrW46IhUPD9H2mO3AdzkVbuZ3YHHnAKdcAtr5u68bs8XNemIxEs_8U0O2OBu6hW0UPWGFaQsq49T0W8GiypPvh3x_cFj4xKXgwwRb5j_-9jhKYwLcPpLOcpZevUX4O6PB2rHDaFaMZHKr3yXH1YGHWR_nUfw8zfAG-3k6M0MmYznUeNb8DmsPECyTQBtDQKQKIZYGnowNv5iUSuiPpdDmB6TW6dvm3xTXkXv-o7yLz_JBSCirWAUbTuxnB7qDnFgGOIdIu0iVAOev_Me-j1EHmuoWfgxX-xR-1MyqnirXKvOUpI6pb0DBT77w',
  /** The token's finalized signature by a second authority's key (CityBMSP). */
  signatureB:
    'J494-kwJHKrbV3BYPpZ_AaSzUjfeF3dKGplAEmU6G27GDzGgdE5-kqaSuQwZtaz4rujRmhJex62oHMxrfHbDajTysd1IZbdD4_R3dHtGUogheL_a3b9SdZrDjCNFH0bBO23VF97s0BKRK0kM7KsuEVX1oNO4qFPSdOBx0JAJo6PnHiWVeqwL9KV71lVJ_QnsMMkIfRBfVgNsZtrLdmz1c2iCxN3GyKdR5Acn8LN7hdT_v4RFqFYtALa-B9B-ovACnKKRlVnU3lvWbpbAetvsNSJ9iYTazEO2WdmaJfJ7a6RibCitGllfQBmOa3wpMfQBd4BRIi7y2FFtyNC7SXbNgA',
  /** A blinded message for a 2048-bit key (256 bytes), base64url. */
  blindedMsg:
    'dEA7G7hDbJedkCutNy6TlhGrBeWsOLgopgdc3oQ-N-w0Bb2SpQQCSJrsDKoa8DIqGqOT-89ONbLctLu1yI2ofTQgOx7CUoNVrWif0vbL72iRBJej2cJ-7NbpKzDy97KTK_gOj1FkThvyk6lBuWReM6sqb4P75eW9sOuwSDB0bnuMPNPBSmVbvvRwOtk5ep-A4TljH2WTSrLl1BuAhluEMxQnfWgYsX9DbjUoiuWCSyQru1h7AL5WkNEPsdxDc2g0_UthgXNaMO0lgjhaqNYruuPdIdAdzx6HDB4m50DwxuxK3K-844WMhVlzx7I8vrhfXMuq-o_RELMoVxygz47vZA',
} as const;

/** An election id (caller-chosen): letters, digits and `._:-`, 1-128 characters. */
export const ElectionId = Schemas.id;

/** An option id: letters, digits, `_-`, 1-64 characters. */
export const OptionId = Schemas.code;

/** Unpadded base64url text of at most `maxChars` characters. */
export const base64url = (maxChars: number) =>
  z
    .string()
    .min(1)
    .max(maxChars)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be unpadded base64url');

/** Characters of unpadded base64url text for a number of bytes. */
export const base64urlChars = (bytes: number) => Math.ceil((bytes * 4) / 3);

/** A citizen or enterprise: the wire contract's shared (home MSP, pid) pair. */
export { Subject };

/**
 * A receipt, lower-case hex: secret mode, SHA-256 of the token; open mode, SHA-256 of the
 * voter's `<mspId>/<pid>`.
 */
export const Receipt = z.string().regex(/^[0-9a-f]{32,128}$/, 'must be lower-case hex, 32-128 characters');

/** An option of a single or multi-choice election. */
export const ElectionOption = z
  .object({
    id: OptionId.meta({ description: 'Option id (stable, used in ballots)', example: 'yes' }),
    label: Schemas.text(200).meta({
      description: 'Option label shown to voters',
      example: 'Yes, build the new library',
    }),
  })
  .strict();
/** An option voters can choose. */
export type ElectionOption = z.infer<typeof ElectionOption>;

const options = z
  .array(ElectionOption)
  .min(Limits.minOptions)
  .max(Limits.maxOptions)
  .meta({
    description: 'The options to choose from (distinct ids)',
    example: [
      { id: 'yes', label: 'Yes, build the new library' },
      { id: 'no', label: 'No' },
    ],
  });

/** What a ballot may contain: one option; up to k of n options; or yes / no / abstain. */
export const BallotKind = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('single').meta({ description: 'Which variant this is' }), options }).strict(),
  z
    .object({
      kind: z.literal('multi').meta({ description: 'Which variant this is' }),
      options,
      maxChoices: z
        .number()
        .int()
        .min(1)
        .max(Limits.maxOptions)
        .meta({ description: 'Most options a voter may choose', example: 2 }),
    })
    .strict(),
  z.object({ kind: z.literal('yesNoAbstain').meta({ description: 'Which variant this is' }) }).strict(),
]);
/** A ballot kind as requested. */
export type BallotKind = z.infer<typeof BallotKind>;

/** Roles whose holders an eligibility rule may admit. */
export const VoterRoles = ['citizen', 'enterprise'] as const;

/** Who may vote: the voters on the roll (RegisterVoters), or everyone whose certificate matches a rule. */
export const Eligibility = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('roll').meta({ description: 'Which variant this is' }) }).strict(),
  z
    .object({
      kind: z.literal('rule').meta({ description: 'Which variant this is' }),
      /** Organisations whose voters are eligible (e.g. the residents of City A). */
      mspIds: z
        .array(Schemas.mspId)
        .min(1)
        .max(10)
        .meta({ description: 'Organisations whose voters are eligible (e.g. the residents of City A).' }),
      /** Roles admitted; default citizen only. */
      roles: z
        .array(z.enum(VoterRoles))
        .min(1)
        .max(2)
        .default(['citizen'])
        .meta({ description: 'Roles admitted; default citizen only.' }),
      /** Further certificate attributes that must equal the given values, e.g. {"gov.community":"north"}. */
      attributes: z
        .record(
          z
            .string()
            .regex(/^gov\.[a-z][a-z0-9.-]{0,62}$/, 'must be a gov.* attribute name')
            .refine(
              (n) => n !== 'gov.pid' && n !== 'gov.role',
              'gov.pid and gov.role cannot be rule attributes',
            ),
          z.string().min(1).max(128),
        )
        .default({})
        .refine((a) => Object.keys(a).length <= Limits.maxRuleAttributes, {
          message: `at most ${Limits.maxRuleAttributes} attributes`,
        })
        .meta({
          example: { 'gov.community': 'north' },
          description:
            'Further certificate attributes that must equal the given values, e.g. {"gov.community":"north"}.',
        }),
    })
    .strict(),
]);
/** Eligibility as stored (defaults applied). */
export type Eligibility = z.output<typeof Eligibility>;

/** Minimum turnout for the result to count. */
export const Quorum = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none').meta({ description: 'Which variant this is' }) }).strict(),
  z
    .object({
      kind: z.literal('count').meta({ description: 'Which variant this is' }),
      minBallots: z
        .number()
        .int()
        .min(1)
        .max(100_000_000)
        .meta({ description: 'Fewest ballots for the result to count', example: 100 }),
    })
    .strict(),
  z
    .object({
      kind: z.literal('perMilleOfRoll').meta({ description: 'Which variant this is' }),
      perMille: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .meta({ description: 'Least turnout, per mille of the roll, for the result to count', example: 300 }),
    })
    .strict(),
]);
/** Quorum as stored. */
export type Quorum = z.output<typeof Quorum>;

/** An RSA public key as SPKI PEM ("-----BEGIN PUBLIC KEY-----") or as a public JWK. */
export const PublicKey = z.discriminatedUnion('format', [
  z
    .object({
      format: z.literal('spki-pem').meta({ description: 'Key encoding: `spki-pem` or `jwk`' }),
      pem: z
        .string()
        .min(100)
        .max(4000)
        .meta({ description: 'The RSA public key as SPKI PEM', example: Examples.publicKeyPem }),
    })
    .strict(),
  z
    .object({
      format: z.literal('jwk').meta({ description: 'Key encoding: `spki-pem` or `jwk`' }),
      jwk: z
        .object({
          kty: z.literal('RSA').meta({ description: 'JWK key type (`RSA`)' }),
          n: base64url(1024).meta({ description: 'RSA modulus (base64url)', example: Examples.jwkN }),
          e: base64url(16).meta({ description: 'RSA public exponent (base64url, `AQAB`)', example: 'AQAB' }),
          alg: z.string().max(16).optional().meta({ description: 'JWK algorithm, when given' }),
          ext: z.boolean().optional().meta({ description: 'JWK extractable flag, when given' }),
          key_ops: z
            .array(z.string().max(32))
            .max(8)
            .optional()
            .meta({ description: 'JWK key operations, when given' }),
          use: z.string().max(16).optional().meta({ description: 'JWK public key use, when given' }),
          kid: z.string().max(128).optional().meta({ description: 'JWK key id, when given' }),
        })
        .strict()
        .meta({ description: 'The RSA public key as a JSON Web Key' }),
    })
    .strict(),
]);
/** The public key as given in CreateElection. */
export type PublicKey = z.infer<typeof PublicKey>;

/** What a second ballot of the same voter does in an open election: replace the first, or be refused. */
export const SecondBallot = z.enum(['replace', 'refuse']);

/** Open (roll-call) voting. */
export const OpenMode = z
  .object({
    kind: z.literal('open').meta({ description: 'Which variant this is' }),
    secondBallot: SecondBallot.meta({
      description: 'What a second open ballot does: `replace` the first, or `refuse` it',
      example: 'replace',
    }),
  })
  .strict();

/** One signing authority of a secret election: an organisation that registers its own key. */
export const AuthorityRef = z
  .object({
    mspId: Schemas.mspId.meta({
      description:
        'The organisation acting as authority; only its election admins register its key and issue',
      example: 'CityAMSP',
    }),
  })
  .strict();

/**
 * Secret voting: blind-signed tokens from k of n authorities, ballots through an anonymous ballot box.
 * Each authority registers its own public key afterwards (RegisterAuthorityKey).
 */
export const SecretModeRequest = z
  .object({
    kind: z.literal('secret').meta({ description: 'Which variant this is' }),
    variant: z.enum(BlindRsaVariants).default(DefaultBlindRsaVariant).meta({
      description: 'RFC 9474 variant every authority key of the election uses',
      example: DefaultBlindRsaVariant,
    }),
    authorities: z
      .array(AuthorityRef)
      .min(1)
      .max(Limits.maxAuthorities)
      .refine((a) => new Set(a.map((x) => x.mspId)).size === a.length, 'authorities must be distinct')
      .meta({
        description: 'The signing authorities, one per participating consortium organisation',
        example: [{ mspId: 'CityAMSP' }, { mspId: 'CityBMSP' }],
      }),
    threshold: z.number().int().min(1).max(Limits.maxAuthorities).meta({
      description:
        'k: a ballot needs valid blind signatures of k distinct authorities over its token (k >= 2 in a consortium of two or more organisations)',
      example: 2,
    }),
  })
  .strict()
  .refine((m) => m.threshold <= m.authorities.length, {
    message: 'threshold must not exceed the number of authorities',
    path: ['threshold'],
  });

/** Open (roll-call) or secret (blind-signed tokens, shared ballot box) voting. */
export const ModeRequest = z.discriminatedUnion('kind', [OpenMode, SecretModeRequest]);

/** The fields of CreateElection, before the cross-field checks of {@link checkElectionSpec}. */
export const CreateElectionFields = z
  .object({
    electionId: ElectionId.meta({
      description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
      example: 'vote-2026-library',
    }),
    /**
     * The organising organisation (its election admins manage the election); the caller's own
     * organisation when absent. Naming another organisation is refused (FORBIDDEN).
     */
    organiser: Schemas.mspId.optional().meta({
      description:
        "The organising organisation (its election admins manage the election); the caller's own organisation when absent. Naming another organisation is refused (FORBIDDEN).",
      example: 'CityAMSP',
    }),
    title: Schemas.text(200).meta({ description: 'Title (shown to voters)', example: 'New public library' }),
    description: Schemas.text(2000).optional().meta({
      description: 'What the vote is about',
      example: 'Should the district build a new public library on Elm Street?',
    }),
    ballot: BallotKind.meta({
      description: 'The ballot: its kind (single choice, up to k of n, or yes/no/abstain) and its options',
    }),
    opensAt: Schemas.isoDateTime.meta({
      description: 'When voting opens (RFC 3339 date-time), after the creating transaction',
      example: '2026-06-01T08:00:00Z',
    }),
    closesAt: Schemas.isoDateTime.meta({
      description: 'When voting closes (RFC 3339 date-time), after `opensAt`',
      example: '2026-06-01T20:00:00Z',
    }),
    eligibility: Eligibility.meta({
      description: 'Who may vote: those on the roll, or those whose certificate matches an attribute rule',
    }),
    quorum: Quorum.meta({ description: 'What turnout the result needs to count' }),
    /** The winning share must be strictly more than this many thousandths (500 = absolute majority). */
    passThresholdPerMille: z.number().int().min(0).max(999).meta({
      description:
        'The winning share must be strictly more than this many thousandths of the ballots (500 = absolute majority)',
      example: 500,
    }),
    mode: ModeRequest.meta({
      description: 'Open (roll-call, receipts linked to voters) or secret (blind-signed tokens)',
    }),
  })
  .strict();

/** What {@link checkElectionSpec} looks at. */
export interface ElectionSpecShape {
  opensAt: string;
  closesAt: string;
  ballot: BallotKind;
  eligibility: { kind: 'roll' | 'rule' };
  quorum: { kind: Quorum['kind'] };
}

/**
 * The cross-field rules of an election: closesAt after opensAt, unique option
 * ids, maxChoices within the options, a per-mille quorum only on a roll.
 */
export function checkElectionSpec(r: ElectionSpecShape, ctx: z.RefinementCtx): void {
  if (Date.parse(r.closesAt) <= Date.parse(r.opensAt)) {
    ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'must be after opensAt' });
  }
  if (r.ballot.kind !== 'yesNoAbstain') {
    const ids = r.ballot.options.map((o) => o.id);
    if (new Set(ids).size !== ids.length) {
      ctx.addIssue({ code: 'custom', path: ['ballot', 'options'], message: 'option ids must be unique' });
    }
  }
  if (r.ballot.kind === 'multi' && r.ballot.maxChoices > r.ballot.options.length) {
    ctx.addIssue({
      code: 'custom',
      path: ['ballot', 'maxChoices'],
      message: 'must not exceed the number of options',
    });
  }
  if (r.quorum.kind === 'perMilleOfRoll' && r.eligibility.kind !== 'roll') {
    ctx.addIssue({
      code: 'custom',
      path: ['quorum', 'kind'],
      message: 'perMilleOfRoll needs eligibility kind "roll" (a rule has no roll size)',
    });
  }
}

// ---------------------------------------------------------------------------
// Requests

/** CreateElection. */
export const CreateElectionRequest = CreateElectionFields.superRefine(checkElectionSpec);
/** CreateElection request. */
export type CreateElectionRequest = z.infer<typeof CreateElectionRequest>;

/** A batch of voters as (home MSP, pid), unique within the batch. */
export const RollVoters = z
  .array(Subject)
  .min(1)
  .max(Limits.maxBatchPids)
  .refine(
    (v) => new Set(v.map((s) => `${s.mspId}/${s.pid}`)).size === v.length,
    'voters must be unique within a batch',
  );

/** RegisterVoters: one bounded batch of voters. */
export const RegisterVotersRequest = z
  .object({
    electionId: ElectionId.meta({
      description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
      example: 'vote-2026-library',
    }),
    /** Caller-chosen batch id; a retried batch is refused with ROLL_BATCH_EXISTS instead of counted twice. */
    batchId: Schemas.id.meta({
      description:
        'Caller-chosen batch id; a retried batch is refused with ROLL_BATCH_EXISTS instead of counted twice',
      example: 'roll-batch-001',
    }),
    voters: RollVoters.meta({
      description: 'The voters to add to the roll: home MSP and pseudonymous id each',
    }),
  })
  .strict();
/** RegisterVoters request. */
export type RegisterVotersRequest = z.infer<typeof RegisterVotersRequest>;

/** A request naming only an election (GetElection, GetTally). */
export const ElectionRef = z
  .object({
    electionId: ElectionId.meta({
      description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
      example: 'vote-2026-library',
    }),
  })
  .strict();
/** A request naming only an election. */
export type ElectionRef = z.infer<typeof ElectionRef>;

/** The choices of a ballot: option ids. */
export const Choices = z.array(OptionId).min(1).max(Limits.maxOptions);

/** CastBallot (open mode), under the voter's own identity. */
export const CastBallotRequest = z
  .object({
    electionId: ElectionId.meta({
      description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
      example: 'vote-2026-library',
    }),
    choices: Choices.meta({ description: 'Ids of the chosen options', example: ['yes'] }),
  })
  .strict();
/** CastBallot request. */
export type CastBallotRequest = z.infer<typeof CastBallotRequest>;

/** A base64url RSA signature (up to the largest modulus). */
const SignatureText = base64url(base64urlChars(Limits.maxModulusBits / 8));

/** RegisterAuthorityKey: an authority registers its own public key, signed by its own organisation. */
export const RegisterAuthorityKeyRequest = z
  .object({
    electionId: ElectionId.meta({
      description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
      example: 'vote-2026-library',
    }),
    publicKey: PublicKey.meta({
      description:
        "The authority's RSA public key (SPKI PEM or public JWK); the private half never leaves its gateway",
    }),
  })
  .strict();
/** RegisterAuthorityKey request. */
export type RegisterAuthorityKeyRequest = z.infer<typeof RegisterAuthorityKeyRequest>;

/** The hash of the blinded message a voter sends to one authority. */
export const BlindedHash = z
  .object({
    mspId: Schemas.mspId.meta({
      description: 'The authority this blinded message is for',
      example: 'CityAMSP',
    }),
    blindedHash: Schemas.sha256.meta({
      description: 'SHA-256 (lower-case hex) of the blinded message sent to this authority',
      example: 'ab'.repeat(32),
    }),
  })
  .strict();
/** The hash of one authority's blinded message. */
export type BlindedHash = z.infer<typeof BlindedHash>;

/**
 * RequestToken (secret mode), under the voter's own identity: records the hash of the blinded message
 * for each authority the voter asks (the same token blinded once per authority key).
 */
export const RequestTokenRequest = z
  .object({
    electionId: ElectionId.meta({
      description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
      example: 'vote-2026-library',
    }),
    blinded: z
      .array(BlindedHash)
      .min(1)
      .max(Limits.maxAuthorities)
      .refine((b) => new Set(b.map((x) => x.mspId)).size === b.length, 'one blinded message per authority')
      .meta({
        description: 'One blinded-message hash per authority asked; at least the threshold k of the election',
        example: [
          { mspId: 'CityAMSP', blindedHash: 'ab'.repeat(32) },
          { mspId: 'CityBMSP', blindedHash: 'cd'.repeat(32) },
        ],
      }),
  })
  .strict();
/** RequestToken request. */
export type RequestTokenRequest = z.infer<typeof RequestTokenRequest>;

/**
 * IssueToken (secret mode), under an election admin of an authority's organisation: records that this
 * authority blind-signs the voter's blinded message, before its gateway signs.
 */
export const IssueTokenRequest = z
  .object({
    electionId: ElectionId.meta({
      description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
      example: 'vote-2026-library',
    }),
    voter: Subject.meta({ description: 'The voter as (home MSP, pid), as their token request names them' }),
    blindedHash: Schemas.sha256.meta({
      description:
        'SHA-256 of the blinded message this authority signs; must equal the one the voter recorded',
      example: 'ab'.repeat(32),
    }),
  })
  .strict();
/** IssueToken request. */
export type IssueTokenRequest = z.infer<typeof IssueTokenRequest>;

/** The finalized signature of one authority on a token. */
export const AuthoritySignature = z
  .object({
    mspId: Schemas.mspId.meta({
      description: 'The authority whose key made the signature',
      example: 'CityBMSP',
    }),
    signature: SignatureText.meta({
      description: 'The finalized (unblinded) RSA-PSS signature on the token, base64url',
      example: Examples.signatureB,
    }),
  })
  .strict();
/** One authority's signature on a token. */
export type AuthoritySignature = z.infer<typeof AuthoritySignature>;

/** A secret ballot: choices, the token and signatures of at least k distinct authorities. */
export const SecretBallot = z
  .object({
    choices: Choices.meta({ description: 'Ids of the chosen options', example: ['yes'] }),
    /** The prepared token message that was blind-signed, base64url. */
    token: base64url(base64urlChars(Limits.maxTokenBytes)).meta({
      description:
        'The prepared token message (`GOVLEDGER-EVOTE-1|<electionId>|<nonceHex>` after RFC 9474 prepare) that the authorities blind-signed, unpadded base64url',
      example: Examples.token,
    }),
    signatures: z
      .array(AuthoritySignature)
      .min(1)
      .max(Limits.maxAuthorities)
      .refine((a) => new Set(a.map((x) => x.mspId)).size === a.length, 'one signature per authority')
      .meta({
        description: 'Signatures of distinct authorities over the same token; at least the threshold k',
        example: [
          { mspId: 'CityAMSP', signature: Examples.signatureA },
          { mspId: 'CityBMSP', signature: Examples.signatureB },
        ],
      }),
  })
  .strict();
/** A secret ballot. */
export type SecretBallot = z.infer<typeof SecretBallot>;

/** CastSecretBallots (secret mode), under a ballot-box identity: one shuffled batch. */
export const CastSecretBallotsRequest = z
  .object({
    electionId: ElectionId.meta({
      description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
      example: 'vote-2026-library',
    }),
    ballots: z.array(SecretBallot).min(1).max(Limits.maxCastBatch).meta({
      description: 'A shuffled batch of anonymous ballots; the whole batch commits or none of it',
    }),
  })
  .strict();
/** CastSecretBallots request. */
export type CastSecretBallotsRequest = z.infer<typeof CastSecretBallotsRequest>;

/** TallyElection: counts up to maxBallots more ballots; the step that reaches the end stores the result. */
export const TallyElectionRequest = z
  .object({
    electionId: ElectionId.meta({
      description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
      example: 'vote-2026-library',
    }),
    maxBallots: z
      .number()
      .int()
      .min(1)
      .max(Limits.maxTallyBatch)
      .default(Limits.maxTallyBatch)
      .meta({ description: 'Most ballots to count in this tally step', example: 500 }),
  })
  .strict();
/** TallyElection request. */
export type TallyElectionRequest = z.infer<typeof TallyElectionRequest>;

/** A ballot VerifyTally found invalid. */
export const InvalidBallot = z.object({
  receipt: z.string().meta({
    description: 'Receipt (ballot key) of the ballot that failed the checks',
    example: '4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce',
  }),
  reason: z.string().meta({ description: 'Why the ballot failed the checks (an error code and detail)' }),
});
/** A ballot VerifyTally found invalid. */
export type InvalidBallot = z.infer<typeof InvalidBallot>;

/** Where a paged recount stands: what the pages so far counted, handed back to get the next page. */
export const VerifyProgress = z
  .object({
    cursor: z
      .string()
      .max(400)
      .meta({ description: 'Key of the last ballot recounted', example: 'ballot/E-1/ab' }),
    counted: z.number().int().min(0).meta({ description: 'Ballots recounted so far', example: 5000 }),
    partial: z
      .record(z.string().max(64), z.number().int().min(0))
      .refine((r) => Object.keys(r).length <= Limits.maxOptions + 10, 'too many options')
      .meta({ description: 'Votes per choice so far', example: { yes: 3000, no: 2000 } }),
    digest: Schemas.sha256.meta({
      description: 'Hash chain over the ballots recounted so far',
      example: 'ab'.repeat(32),
    }),
    invalidBallotCount: z
      .number()
      .int()
      .min(0)
      .meta({ description: 'Invalid ballots found so far', example: 0 }),
    invalidBallots: z.array(InvalidBallot).max(100).meta({ description: 'The first invalid ballots found' }),
  })
  .strict();
/** Where a paged recount stands. */
export type VerifyProgress = z.infer<typeof VerifyProgress>;

/**
 * VerifyTally: recount one page of ballots; the page that reaches the end compares the whole recount
 * with the stored result. Pass the `progress` of the previous page as `from` to continue.
 */
export const VerifyTallyRequest = z
  .object({
    electionId: ElectionId.meta({
      description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
      example: 'vote-2026-library',
    }),
    /**
     * Also re-check every ballot (default true): its choices against the election; in secret mode its
     * token binding, receipt and signatures; in open roll elections that its voter is on the roll.
     */
    checkBallots: z.boolean().default(true).meta({
      description:
        'Also re-check every ballot (default true): its choices; in secret mode its token binding, receipt and signatures; in open roll elections its voter on the roll',
      example: true,
    }),
    maxBallots: z.number().int().min(1).max(Limits.maxVerifyBatch).default(Limits.maxVerifyBatch).meta({
      description: 'Ballots to recount in this page',
      example: 2000,
    }),
    from: VerifyProgress.optional().meta({
      description: 'The progress returned by the previous page; absent for the first page',
    }),
  })
  .strict();
/** VerifyTally request. */
export type VerifyTallyRequest = z.infer<typeof VerifyTallyRequest>;

/** GetVoterStatus: the roll entry and token / ballot state of one voter, (home MSP, pid). */
export const VoterStatusRequest = z
  .object({
    electionId: ElectionId.meta({
      description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
      example: 'vote-2026-library',
    }),
    mspId: Schemas.mspId.meta({
      description: 'MSP ID of the organisation (its home jurisdiction)',
      example: 'CityAMSP',
    }),
    pid: Schemas.pid.meta({
      description:
        'Pseudonymous id (the `gov.pid` certificate attribute: lower-case hex, a keyed hash of the real identifier)',
      example: '5f2b9c1e7a3d4f6081b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718',
    }),
  })
  .strict();
/** GetVoterStatus request. */
export type VoterStatusRequest = z.infer<typeof VoterStatusRequest>;

/** GetReceipt: the ballot recorded under a receipt. */
export const ReceiptRequest = z
  .object({
    electionId: ElectionId.meta({
      description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
      example: 'vote-2026-library',
    }),
    receipt: Receipt.meta({
      description:
        'Ballot receipt: sha256 of `<mspId>/<pid>` (open) or of the token (secret), lower-case hex',
      example: '4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce',
    }),
  })
  .strict();
/** GetReceipt request. */
export type ReceiptRequest = z.infer<typeof ReceiptRequest>;

/** ListElections: one page of elections. */
export const ListElectionsRequest = z
  .object({
    pageSize: Schemas.pageSize.meta({ description: 'Records per page, 1-200 (default 50)', example: 50 }),
    bookmark: Schemas.bookmark.meta({
      description:
        'Bookmark of the next page; empty on the last page (send it back as `bookmark` to read on)',
      example: '',
    }),
  })
  .strict();
/** ListElections request. */
export type ListElectionsRequest = z.infer<typeof ListElectionsRequest>;

/** ListBallots: one page of an election's ballots, in key order (for independent recounts). */
export const ListBallotsRequest = z
  .object({
    electionId: ElectionId.meta({
      description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
      example: 'vote-2026-library',
    }),
    pageSize: Schemas.pageSize.meta({ description: 'Records per page, 1-200 (default 50)', example: 50 }),
    bookmark: Schemas.bookmark.meta({
      description:
        'Bookmark of the next page; empty on the last page (send it back as `bookmark` to read on)',
      example: '',
    }),
  })
  .strict();
/** ListBallots request. */
export type ListBallotsRequest = z.infer<typeof ListBallotsRequest>;

// ---------------------------------------------------------------------------
// Records and results

/** What a ballot may contain, normalised: yes/no/abstain elections get their three options here. */
export const BallotRules = z.object({
  kind: z.enum(['single', 'multi', 'yesNoAbstain']).meta({ description: 'Which variant this is' }),
  options: z.array(ElectionOption).meta({ description: 'The options to choose from' }),
  /** 1 for single and yesNoAbstain; k for "up to k of n". */
  maxChoices: z
    .number()
    .int()
    .meta({ description: '1 for single and yesNoAbstain; k for "up to k of n"', example: 2 }),
});
/** Ballot rules as stored. */
export type BallotRules = z.infer<typeof BallotRules>;

/** The election authority's public key, normalised from the PEM or JWK given at creation. */
export const AuthorityKey = z.object({
  /** RFC 9474 variant, e.g. RSABSSA-SHA384-PSS-Randomized. */
  variant: z.enum(BlindRsaVariants).meta({
    description: 'RFC 9474 variant, e.g. RSABSSA-SHA384-PSS-Randomized',
    example: 'RSABSSA-SHA384-PSS-Randomized',
  }),
  /** The key as SPKI PEM (canonical: re-encoded from the parsed key). */
  publicKeyPem: z
    .string()
    .meta({ description: 'The key as SPKI PEM (canonical: re-encoded from the parsed key).' }),
  /** The key as a public JWK (kty, n, e only). */
  jwk: z
    .object({
      kty: z.literal('RSA').meta({ description: 'JWK key type (`RSA`)' }),
      n: z.string().meta({ description: 'RSA modulus (base64url)' }),
      e: z.string().meta({ description: 'RSA public exponent (base64url, `AQAB`)' }),
    })
    .meta({ description: 'The key as a public JWK (kty, n, e only)' }),
  /** SHA-256 of the SPKI DER, lower-case hex. */
  fingerprint: Schemas.sha256.meta({ description: 'SHA-256 of the SPKI DER, lower-case hex.' }),
  /** Modulus size in bits. */
  modulusBits: z.number().int().meta({ description: 'Modulus size in bits.' }),
});
/** The authority key as stored. */
export type AuthorityKey = z.infer<typeof AuthorityKey>;

/** Voting mode as stored. Secret mode names the authorities; their keys are separate records. */
export const Mode = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('open').meta({ description: 'Which variant this is' }),
    secondBallot: SecondBallot.meta({
      description: 'What a second open ballot does: `replace` the first, or `refuse` it',
      example: 'replace',
    }),
  }),
  z.object({
    kind: z.literal('secret').meta({ description: 'Which variant this is' }),
    variant: z.enum(BlindRsaVariants).meta({ description: 'RFC 9474 variant of every authority key' }),
    authorities: z.array(z.string()).meta({
      description: 'MSP ids of the signing authorities',
      example: ['CityAMSP', 'CityBMSP'],
    }),
    threshold: z
      .number()
      .int()
      .meta({ description: 'k: distinct authority signatures a ballot needs', example: 2 }),
  }),
]);

/** An authority's registered key (key: authority~electionId~mspId), written by its own organisation. */
export const AuthorityRecord = z.object({
  docType: z.literal('authority').meta({ description: 'Record type tag' }),
  electionId: z.string().meta({
    description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
    example: 'vote-2026-library',
  }),
  mspId: z.string().meta({ description: 'The authority organisation', example: 'CityAMSP' }),
  key: AuthorityKey.meta({ description: "The authority's public key, normalised (PEM, JWK, fingerprint)" }),
  registeredBy: z.string().meta({ description: 'Certificate id of the election admin who registered it' }),
  registeredAt: z.string().meta({ description: 'Transaction time of the registration' }),
  txId: z.string().meta({ description: 'The registering transaction' }),
});
/** An authority's registered key. */
export type AuthorityRecord = z.infer<typeof AuthorityRecord>;
/** Voting mode as stored. */
export type Mode = z.infer<typeof Mode>;

/** An election (key: election~electionId). */
export const Election = z.object({
  docType: z.literal('election').meta({ description: 'Record type tag' }),
  electionId: z.string().meta({
    description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
    example: 'vote-2026-library',
  }),
  title: z.string().meta({ description: 'Title (shown to voters)', example: 'New public library' }),
  description: z.string().optional().meta({
    description: 'What the vote is about',
    example: 'Should the district build a new public library on Elm Street?',
  }),
  ballot: BallotRules.meta({
    description: 'The ballot: its kind (single choice, up to k of n, or yes/no/abstain) and its options',
  }),
  opensAt: z.string().meta({
    format: 'date-time',
    description: 'When voting opens (RFC 3339 date-time), after the creating transaction',
    example: '2026-06-01T08:00:00Z',
  }),
  closesAt: z.string().meta({
    format: 'date-time',
    description: 'When voting closes (RFC 3339 date-time), after `opensAt`',
    example: '2026-06-01T20:00:00Z',
  }),
  eligibility: Eligibility.meta({
    description: 'Who may vote: those on the roll, or those whose certificate matches an attribute rule',
  }),
  quorum: Quorum.meta({ description: 'What turnout the result needs to count' }),
  passThresholdPerMille: z.number().int().meta({
    description:
      'The winning share must be strictly more than this many thousandths of the ballots (500 = absolute majority)',
  }),
  mode: Mode.meta({
    description: 'Open (roll-call, receipts linked to voters) or secret (blind-signed tokens)',
  }),
  /** The organising organisation; only its election admins manage the roll. */
  organiser: z
    .object({
      mspId: z
        .string()
        .meta({ description: 'MSP ID of the organisation (its home jurisdiction)', example: 'CityAMSP' }),
      createdBy: z.string().meta({ description: 'Fabric id of the election admin who created it' }),
    })
    .meta({ description: 'The organising organisation; only its election admins manage the roll' }),
  createdAt: z
    .string()
    .meta({ format: 'date-time', description: 'When it was created (RFC 3339 date-time, UTC)' }),
  txId: z.string().meta({ description: 'Id of the transaction that wrote it' }),
});
/** An election as stored. */
export type Election = z.output<typeof Election>;

/** A voter on the roll (key: voter~electionId~mspId~pid). */
export const Voter = z.object({
  docType: z.literal('voter').meta({ description: 'Record type tag' }),
  electionId: z.string().meta({
    description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
    example: 'vote-2026-library',
  }),
  voter: Subject.meta({ description: 'The voter: home MSP and pseudonymous id' }),
  batchId: z.string().meta({ description: 'Id of the roll batch (each id once)', example: 'roll-batch-001' }),
  registeredAt: z
    .string()
    .meta({ format: 'date-time', description: 'When it was registered (RFC 3339 date-time, UTC)' }),
});
/** A voter on the roll. */
export type Voter = z.infer<typeof Voter>;

/** One registered batch of the roll (key: rollBatch~electionId~batchId); the roll size is the sum of `added`. */
export const RollBatch = z.object({
  docType: z.literal('rollBatch').meta({ description: 'Record type tag' }),
  electionId: z.string().meta({
    description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
    example: 'vote-2026-library',
  }),
  batchId: z.string().meta({ description: 'Id of the roll batch (each id once)', example: 'roll-batch-001' }),
  /** Voters newly put on the roll by this batch. */
  added: z.number().int().meta({ description: 'Voters newly put on the roll by this batch' }),
  /** Voters of the batch that were on the roll already (not counted again). */
  alreadyRegistered: z
    .number()
    .int()
    .meta({ description: 'Voters of the batch that were on the roll already (not counted again)' }),
  registeredAt: z
    .string()
    .meta({ format: 'date-time', description: 'When it was registered (RFC 3339 date-time, UTC)' }),
  registeredBy: z.string().meta({ description: 'Fabric id of the election admin who registered it' }),
  txId: z.string().meta({ description: 'Id of the transaction that wrote it' }),
});
/** A roll batch. */
export type RollBatch = z.infer<typeof RollBatch>;

/** The record that a voter requested their blind-signed token (key: token~electionId~mspId~pid). Never the token. */
export const TokenRequest = z.object({
  docType: z.literal('tokenRequest').meta({ description: 'Record type tag' }),
  electionId: z.string().meta({
    description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
    example: 'vote-2026-library',
  }),
  voter: Subject.meta({ description: 'The voter who requested the token: home MSP and pseudonymous id' }),
  /** Hashes of the blinded messages, one per authority asked. */
  blinded: z.array(BlindedHash).meta({ description: 'Hash of the blinded message per authority asked' }),
  requestedAt: z.string().meta({
    format: 'date-time',
    description: 'When the token was requested (RFC 3339 date-time, UTC)',
  }),
  txId: z.string().meta({ description: 'The RequestToken transaction' }),
});
/** A token request record. */
export type TokenRequest = z.infer<typeof TokenRequest>;

/**
 * One authority's issuance to one voter (key: issuance~electionId~voterMsp~pid~authorityMsp), written
 * by the authority's organisation before its gateway blind-signs.
 */
export const Issuance = z.object({
  docType: z.literal('issuance').meta({ description: 'Record type tag' }),
  electionId: z.string().meta({
    description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
    example: 'vote-2026-library',
  }),
  voter: Subject.meta({ description: 'The voter issued to: home MSP and pseudonymous id' }),
  authority: z.string().meta({ description: 'The issuing authority organisation', example: 'CityBMSP' }),
  blindedHash: z.string().meta({ description: 'SHA-256 of the blinded message the authority signs' }),
  issuedBy: z.string().meta({ description: 'Certificate id of the issuing election admin' }),
  issuedAt: z.string().meta({
    format: 'date-time',
    description: 'When the authority recorded the issuance (RFC 3339 date-time, UTC)',
  }),
  txId: z.string().meta({ description: 'The IssueToken transaction' }),
});
/** One authority's issuance to one voter. */
export type Issuance = z.infer<typeof Issuance>;

/**
 * One shard of the count of voters issued tokens by at least k authorities
 * (key: issuedCount~electionId~shard). Casting and the tally sum the shards.
 */
export const IssuedCount = z.object({
  docType: z.literal('issuedCount').meta({ description: 'Record type tag' }),
  electionId: z.string().meta({
    description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
    example: 'vote-2026-library',
  }),
  shard: z.string().meta({ description: 'One hex digit', example: 'a' }),
  voters: z
    .number()
    .int()
    .meta({ description: 'Voters of this shard issued tokens by at least k authorities' }),
});
/** One shard of the issued-token count. */
export type IssuedCount = z.infer<typeof IssuedCount>;

/** The number of secret ballots cast so far (key: ballotCount~electionId). */
export const BallotCount = z.object({
  docType: z.literal('ballotCount').meta({ description: 'Record type tag' }),
  electionId: z.string().meta({
    description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
    example: 'vote-2026-library',
  }),
  ballots: z.number().int().meta({ description: 'Secret ballots cast so far', example: 20 }),
});
/** The number of secret ballots cast so far. */
export type BallotCount = z.infer<typeof BallotCount>;

/** A ballot (key: ballot/electionId/receipt). */
export const Ballot = z.object({
  docType: z.literal('ballot').meta({ description: 'Record type tag' }),
  electionId: z.string().meta({
    description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
    example: 'vote-2026-library',
  }),
  mode: z
    .enum(['open', 'secret'])
    .meta({ description: 'Open (roll-call, receipts linked to voters) or secret (blind-signed tokens)' }),
  /** Open mode: SHA-256 of the voter's `<mspId>/<pid>`. Secret mode: SHA-256 of the token. */
  receipt: z.string().meta({
    description: "Open mode: SHA-256 of the voter's `<mspId>/<pid>`. Secret mode: SHA-256 of the token",
    example: '4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce',
  }),
  /** Open mode: the voter (a roll-call vote is public). Secret mode: absent, nothing names the voter. */
  voter: Subject.optional().meta({
    description:
      'Open mode: the voter (a roll-call vote is public). Secret mode: absent, nothing names the voter',
  }),
  /** Chosen option ids, in the election's option order. */
  choices: z
    .array(z.string())
    .meta({ description: "Chosen option ids, in the election's option order", example: ['yes'] }),
  castAt: z
    .string()
    .meta({ format: 'date-time', description: 'When the ballot was cast (RFC 3339 date-time, UTC)' }),
  /** Open mode: 1 for the first ballot, +1 for each replacement. Secret mode: always 1. */
  version: z.number().int().meta({
    description: 'Open mode: 1 for the first ballot, +1 for each replacement. Secret mode: always 1.',
  }),
  /** Secret mode: the token (base64url), so anyone can re-verify it. */
  token: z.string().optional().meta({
    description: 'Secret mode: the token (base64url), so anyone can re-verify it; absent in open mode',
  }),
  /** Secret mode: the authorities' signatures on the token, so anyone can re-verify them. */
  signatures: z
    .array(AuthoritySignature)
    .optional()
    .meta({ description: "Secret mode: the authorities' signatures" }),
  /** Secret mode: the CastSecretBallots transaction (its batch). */
  txId: z
    .string()
    .optional()
    .meta({ description: 'Secret mode: the batch transaction that cast the ballot' }),
});
/** A ballot as stored. */
export type Ballot = z.infer<typeof Ballot>;

/** Votes of one option. */
export const OptionCount = z.object({
  option: z.string().meta({ description: 'Option id' }),
  votes: z.number().int().meta({ description: 'Ballots for the option' }),
});
/** Votes of one option. */
export type OptionCount = z.infer<typeof OptionCount>;

/** The outcome computed from the counts (identical in TallyElection and VerifyTally). */
export const TallyOutcome = z.object({
  turnout: z.number().int().meta({ description: 'Number of valid ballots counted' }),
  /** Roll size for roll elections; null for rule elections. */
  rollSize: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'Roll size for roll elections; null for rule elections' }),
  quorum: z
    .object({
      kind: z.enum(['none', 'count', 'perMilleOfRoll']).meta({ description: 'Which variant this is' }),
      required: z.number().int().meta({ description: 'What the quorum required' }),
      met: z.boolean().meta({ description: 'True when the quorum was met' }),
    })
    .meta({ description: 'What turnout the result needs to count' }),
  counts: z.array(OptionCount).meta({ description: 'Votes per option' }),
  /** Winning options (see README for each kind); empty when nothing passed. */
  winners: z
    .array(z.string())
    .meta({ description: 'Winning options (see README for each kind); empty when nothing passed.' }),
  /** True when a tie for first place (single) or at the k-th place (multi) kept options from winning. */
  tie: z.boolean().meta({
    description:
      'True when a tie for first place (single) or at the k-th place (multi) kept options from winning',
    example: false,
  }),
  passed: z.boolean().meta({
    description:
      'True when at least one option won (quorum met, turnout within the roll and issued tokens, a share above the pass threshold)',
    example: true,
  }),
  /** Secret mode: voters issued tokens by at least k authorities; null in open mode. */
  issuedTokens: z.number().int().nullable().meta({
    description: 'Secret mode: voters issued tokens by at least k authorities; null in open mode',
    example: 20,
  }),
  /** Turnout checked against the roll and the issued tokens; any excess fails the election. */
  integrity: z
    .object({
      ok: z
        .boolean()
        .meta({ description: 'False when ballots exceed the roll or the issued tokens', example: true }),
      overRoll: z
        .number()
        .int()
        .meta({ description: 'Ballots beyond the roll size (0 when within)', example: 0 }),
      overIssued: z
        .number()
        .int()
        .meta({ description: 'Secret ballots beyond the issued tokens (0 when within)', example: 0 }),
    })
    .meta({
      description: 'Turnout <= roll and ballots <= issued tokens; an excess is a failure: nothing passes',
    }),
});
/** The outcome of a tally. */
export type TallyOutcome = z.infer<typeof TallyOutcome>;

/** The tally (key: tally~electionId): counting in steps, then final. */
export const Tally = z.object({
  docType: z.literal('tally').meta({ description: 'Record type tag' }),
  electionId: z.string().meta({
    description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
    example: 'vote-2026-library',
  }),
  status: z
    .enum(['counting', 'final'])
    .meta({ description: 'Status as stored on the ledger (one of the listed values)' }),
  /** Ballots counted so far. */
  counted: z.number().int().meta({ description: 'Ballots counted so far.' }),
  /** Votes per option so far, keyed by option id. */
  partial: z
    .record(z.string(), z.number().int())
    .meta({ description: 'Votes per option so far, keyed by option id.' }),
  /** Key of the last ballot counted ('' before the first). */
  cursor: z.string().meta({ description: "Key of the last ballot counted ('' before the first)." }),
  /** Hash chain over the ballots counted, in key order. */
  digest: z.string().meta({ description: 'SHA-256 over the counted ballots, for independent comparison' }),
  steps: z.number().int().meta({ description: 'Tally steps done so far' }),
  startedAt: z
    .string()
    .meta({ format: 'date-time', description: 'When counting started (RFC 3339 date-time, UTC)' }),
  /** Present once final. */
  result: TallyOutcome.optional().meta({ description: 'Present once final.' }),
  talliedAt: z.string().optional().meta({
    format: 'date-time',
    description: 'When counting finished (RFC 3339 date-time, UTC), or null while counting',
  }),
  finalTxId: z
    .string()
    .optional()
    .meta({ description: "Id of the final tally step's transaction, or null while counting" }),
});
/** A tally as stored. */
export type Tally = z.infer<typeof Tally>;

/** Where an election stands at a given time. */
export const Phase = z.enum(['scheduled', 'open', 'closed']);
/** Where an election stands at a given time. */
export type Phase = z.infer<typeof Phase>;

/** GetElection result: the election, its phase at the query's time, the roll size and tally status. */
export const ElectionView = z.object({
  election: Election,
  phase: Phase.meta({
    description: 'Where the election stands at the time of the query: `scheduled`, `open` or `closed`',
    example: 'open',
  }),
  rollSize: z.number().int().nullable().meta({
    description: 'Voters on the roll (roll elections); null when the election uses an attribute rule',
    example: 1200,
  }),
  tallyStatus: z.enum(['none', 'counting', 'final']).meta({
    description: 'The tally: `none` before it starts, `counting` between steps, `final` once stored',
    example: 'none',
  }),
  /** Secret mode: the registered authority keys (an authority without a key is absent); open mode: null. */
  authorities: z.array(AuthorityRecord).nullable().meta({
    description: 'Secret mode: the authority keys registered so far; null in open mode',
  }),
  /** Secret mode: voters issued tokens by at least k authorities; open mode: null. */
  issuedTokens: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'Secret mode: voters issued tokens by k authorities' }),
  /** Secret mode: secret ballots cast so far; open mode: null. */
  secretBallots: z.number().int().nullable().meta({ description: 'Secret mode: secret ballots cast so far' }),
});
/** GetElection result. */
export type ElectionView = z.infer<typeof ElectionView>;

/** ListElections result. */
export const ElectionPage = z.object({
  elections: z.array(Election).meta({ description: 'The elections of this page, in id order' }),
  bookmark: z.string().meta({
    description: 'Bookmark of the next page; empty on the last page (send it back as `bookmark` to read on)',
    example: '',
  }),
});
/** ListElections result. */
export type ElectionPage = z.infer<typeof ElectionPage>;

/** ListBallots result. */
export const BallotPage = z.object({
  ballots: z.array(Ballot).meta({ description: 'The ballots of this page' }),
  bookmark: z.string().meta({
    description: 'Bookmark of the next page; empty on the last page (send it back as `bookmark` to read on)',
    example: '',
  }),
});
/** ListBallots result. */
export type BallotPage = z.infer<typeof BallotPage>;

/** RegisterVoters result. */
export const RegisterVotersResult = z.object({
  electionId: z.string().meta({
    description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
    example: 'vote-2026-library',
  }),
  batchId: z.string().meta({ description: 'Id of the roll batch (each id once)', example: 'roll-batch-001' }),
  added: z.number().int().meta({ description: 'Voters added to the roll by this batch' }),
  alreadyRegistered: z
    .number()
    .int()
    .meta({ description: 'Voters of the batch who were on the roll already' }),
});
/** RegisterVoters result. */
export type RegisterVotersResult = z.infer<typeof RegisterVotersResult>;

/** CastSecretBallots result: the receipts of the batch, in the batch's order. */
export const CastBatchResult = z.object({
  electionId: z.string().meta({
    description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
    example: 'vote-2026-library',
  }),
  receipts: z
    .array(z.string())
    .meta({ description: 'Receipt (SHA-256 of the token) of each ballot, in batch order' }),
  castAt: z
    .string()
    .meta({ format: 'date-time', description: 'When the batch was cast (RFC 3339 date-time, UTC)' }),
  txId: z.string().meta({ description: 'The batch transaction' }),
});
/** CastSecretBallots result. */
export type CastBatchResult = z.infer<typeof CastBatchResult>;

/** CastBallot result: the receipt the voter keeps. */
export const CastResult = z.object({
  electionId: z.string().meta({
    description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
    example: 'vote-2026-library',
  }),
  receipt: z.string().meta({
    description: 'Ballot receipt: sha256 of `<mspId>/<pid>` (open) or of the token (secret), lower-case hex',
    example: '4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce',
  }),
  castAt: z
    .string()
    .meta({ format: 'date-time', description: 'When the ballot was cast (RFC 3339 date-time, UTC)' }),
  /** Open mode: true when this ballot replaced the voter's earlier one. */
  replaced: z
    .boolean()
    .meta({ description: "Open mode: true when this ballot replaced the voter's earlier one." }),
});
/** CastBallot / CastSecretBallot result. */
export type CastResult = z.infer<typeof CastResult>;

/** RequestToken result: what the gateway checks before it blind-signs. */
export const TokenRequestResult = z.object({
  electionId: z.string().meta({
    description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
    example: 'vote-2026-library',
  }),
  /** The voter whose request was recorded: the caller, (home MSP, pid). */
  voter: Subject.meta({ description: 'The voter whose request was recorded: the caller, (home MSP, pid)' }),
  requestedAt: z.string().meta({
    format: 'date-time',
    description: 'When the token was requested (RFC 3339 date-time, UTC)',
  }),
  txId: z.string().meta({ description: 'The RequestToken transaction' }),
  /** The blinded-message hash recorded per authority. */
  blinded: z.array(BlindedHash).meta({ description: 'The blinded-message hashes recorded, per authority' }),
});
/** RequestToken result. */
export type TokenRequestResult = z.infer<typeof TokenRequestResult>;

/** GetVoterStatus result. */
export const VoterStatus = z.object({
  electionId: z.string().meta({
    description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
    example: 'vote-2026-library',
  }),
  voter: Subject.meta({ description: 'The voter: home MSP and pseudonymous id' }),
  /** On the roll (roll elections); null when the election uses an attribute rule. */
  onRoll: z
    .boolean()
    .nullable()
    .meta({ description: 'On the roll (roll elections); null when the election uses an attribute rule.' }),
  /** Secret mode: the token request record, or null. Open mode: null. */
  tokenRequest: TokenRequest.nullable().meta({
    description: "Secret mode: the voter's token request record (never the token), or null; open mode: null",
  }),
  /** Secret mode: the authorities' issuances to this voter; open mode: null. */
  issuances: z
    .array(Issuance)
    .nullable()
    .meta({ description: "Secret mode: each authority's issuance to this voter" }),
  /** Open mode: whether this voter has a ballot. Secret mode: null (ballots are not linked to voters). */
  voted: z.boolean().nullable().meta({
    description:
      'Open mode: whether this voter has a ballot. Secret mode: null (ballots are not linked to voters).',
  }),
});
/** GetVoterStatus result. */
export type VoterStatus = z.infer<typeof VoterStatus>;

/** What VerifyTally recounted (or read as stored). */
export const Recount = TallyOutcome.extend({
  digest: z.string().meta({ description: 'SHA-256 over the counted ballots, for independent comparison' }),
});
/** What VerifyTally recounted. */
export type Recount = z.infer<typeof Recount>;

/** VerifyTally result: a page in progress, or the verdict. */
export const VerifyTallyResult = z.object({
  electionId: z.string().meta({
    description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
    example: 'vote-2026-library',
  }),
  /** False while pages remain: call again with `from: progress`. */
  complete: z.boolean().meta({ description: 'False while pages remain: call again with from = progress' }),
  /** Where the recount stands (pass it back as `from`). */
  progress: VerifyProgress.meta({
    description: 'Where the recount stands: what the pages so far counted (pass it back as `from`)',
  }),
  /**
   * True when the recount equals the stored result in every field, no ballot is invalid and the
   * turnout is within the roll and the issued tokens. Always false while incomplete.
   */
  confirmed: z.boolean().meta({
    description:
      'True when the recount equals the stored result in every field, no ballot is invalid and the turnout is within the roll and the issued tokens; always false while incomplete',
    example: true,
  }),
  /** Names of the fields where stored and recount differ (and "integrity" when ballots exceed the roll or tokens). */
  mismatches: z.array(z.string()).meta({
    description:
      'Names of the fields where stored and recount differ (and `integrity` when ballots exceed the roll or tokens)',
    example: [],
  }),
  /** Present once complete. */
  stored: Recount.optional().meta({
    description: 'The stored result, as the tally recorded it; present once complete',
  }),
  /** Present once complete. */
  recount: Recount.optional().meta({ description: 'The result the recount computed; present once complete' }),
  /** How many ballots failed the checks. */
  invalidBallotCount: z.number().int().meta({ description: 'How many ballots failed the checks.' }),
  /** The first 100 ballots that failed the checks. */
  invalidBallots: z
    .array(InvalidBallot)
    .meta({ description: 'The first 100 ballots that failed the checks.' }),
});
/** VerifyTally result. */
export type VerifyTallyResult = z.infer<typeof VerifyTallyResult>;

// ---------------------------------------------------------------------------
// The transaction catalogue

/** Every transaction of the e-voting contract, with its kind, request and response. */
export const transactions = {
  CreateElection: { kind: 'submit', request: CreateElectionRequest, response: Election },
  RegisterVoters: { kind: 'submit', request: RegisterVotersRequest, response: RegisterVotersResult },
  RegisterAuthorityKey: { kind: 'submit', request: RegisterAuthorityKeyRequest, response: AuthorityRecord },
  RequestToken: { kind: 'submit', request: RequestTokenRequest, response: TokenRequestResult },
  IssueToken: { kind: 'submit', request: IssueTokenRequest, response: Issuance },
  CastBallot: { kind: 'submit', request: CastBallotRequest, response: CastResult },
  CastSecretBallots: { kind: 'submit', request: CastSecretBallotsRequest, response: CastBatchResult },
  TallyElection: { kind: 'submit', request: TallyElectionRequest, response: Tally },
  VerifyTally: { kind: 'evaluate', request: VerifyTallyRequest, response: VerifyTallyResult },
  GetElection: { kind: 'evaluate', request: ElectionRef, response: ElectionView },
  ListElections: { kind: 'evaluate', request: ListElectionsRequest, response: ElectionPage },
  GetVoterStatus: { kind: 'evaluate', request: VoterStatusRequest, response: VoterStatus },
  GetReceipt: { kind: 'evaluate', request: ReceiptRequest, response: Ballot },
  ListBallots: { kind: 'evaluate', request: ListBallotsRequest, response: BallotPage },
  GetTally: { kind: 'evaluate', request: ElectionRef, response: Tally },
} as const satisfies Record<
  string,
  { kind: 'submit' | 'evaluate'; request: z.ZodType; response?: z.ZodType }
>;

/** The name of an e-voting transaction. */
export type TransactionName = keyof typeof transactions;
