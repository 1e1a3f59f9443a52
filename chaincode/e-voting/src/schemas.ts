/**
 * The wire contract: one zod schema per transaction request. Every transaction
 * takes exactly one string argument, the JSON text of its request; the gateway
 * validates the same shapes on its side before calling.
 */
import { Schemas } from '@govledger/chaincode-common';
import { z } from 'zod';

/** Bounds of the chaincode, in one place (documented in README.md). */
export const Limits = {
  /** Options of a single or multi-choice election. */
  minOptions: 2,
  maxOptions: 50,
  /** Pseudonymous ids per RegisterVoters batch. */
  maxBatchPids: 1000,
  /** Roll batches per election (so the roll holds at most maxBatchPids * maxRollBatches voters). */
  maxRollBatches: 1000,
  /** Ballots read by one TallyElection step (a bounded range read with a cursor). */
  maxTallyBatch: 5000,
  /** Attribute conditions of an eligibility rule. */
  maxRuleAttributes: 5,
  /** RSA modulus sizes accepted for the authority key, in bits. */
  minModulusBits: 2048,
  maxModulusBits: 4096,
  /** Bytes of a prepared token message (base64url on the wire). */
  maxTokenBytes: 512,
} as const;

/** The RFC 9474 RSABSSA variants an election's authority key may use. */
export const BlindRsaVariants = [
  'RSABSSA-SHA384-PSS-Randomized',
  'RSABSSA-SHA384-PSS-Deterministic',
  'RSABSSA-SHA384-PSSZERO-Randomized',
  'RSABSSA-SHA384-PSSZERO-Deterministic',
] as const;

/** One of the supported RSABSSA variants. */
export type BlindRsaVariant = (typeof BlindRsaVariants)[number];

/** An election id (caller-chosen): letters, digits and `._:-`, 1-128 characters. */
export const ElectionIdSchema = Schemas.id;

/** An option id: letters, digits, `_-`, 1-64 characters. */
export const OptionIdSchema = Schemas.code;

/** Unpadded base64url text. */
const base64url = (maxChars: number) =>
  z
    .string()
    .min(1)
    .max(maxChars)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be unpadded base64url');

/** Characters of unpadded base64url text for a number of bytes. */
const base64urlChars = (bytes: number) => Math.ceil((bytes * 4) / 3);

/** An option of a single or multi-choice election. */
export const OptionSchema = z.object({ id: OptionIdSchema, label: Schemas.text(200) }).strict();

const options = z.array(OptionSchema).min(Limits.minOptions).max(Limits.maxOptions);

/** What a ballot may contain: one option; up to k of n options; or yes / no / abstain. */
export const BallotKindSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('single'), options }).strict(),
  z
    .object({
      kind: z.literal('multi'),
      options,
      maxChoices: z.number().int().min(1).max(Limits.maxOptions),
    })
    .strict(),
  z.object({ kind: z.literal('yesNoAbstain') }).strict(),
]);

/** Roles whose holders an eligibility rule may admit. */
export const VoterRoles = ['citizen', 'enterprise'] as const;

/** Who may vote: the voters on the roll (RegisterVoters), or everyone whose certificate matches a rule. */
export const EligibilitySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('roll') }).strict(),
  z
    .object({
      kind: z.literal('rule'),
      /** Organisations whose voters are eligible (e.g. the residents of City A). */
      mspIds: z.array(Schemas.mspId).min(1).max(10),
      /** Roles admitted; default citizen only. */
      roles: z.array(z.enum(VoterRoles)).min(1).max(2).default(['citizen']),
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
        }),
    })
    .strict(),
]);

/** Minimum turnout for the result to count. */
export const QuorumSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('count'), minBallots: z.number().int().min(1).max(100_000_000) }).strict(),
  z.object({ kind: z.literal('perMilleOfRoll'), perMille: z.number().int().min(1).max(1000) }).strict(),
]);

/** An RSA public key as SPKI PEM ("-----BEGIN PUBLIC KEY-----") or as a public JWK. */
export const PublicKeySchema = z.discriminatedUnion('format', [
  z.object({ format: z.literal('spki-pem'), pem: z.string().min(100).max(4000) }).strict(),
  z
    .object({
      format: z.literal('jwk'),
      jwk: z
        .object({
          kty: z.literal('RSA'),
          n: base64url(1024),
          e: base64url(16),
          alg: z.string().max(16).optional(),
          ext: z.boolean().optional(),
          key_ops: z.array(z.string().max(32)).max(8).optional(),
          use: z.string().max(16).optional(),
          kid: z.string().max(128).optional(),
        })
        .strict(),
    })
    .strict(),
]);

/** Open (roll-call) or secret (blind-signed tokens, shared ballot box) voting. */
export const ModeSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('open'),
      /** What a second ballot of the same voter does: replace the first, or be refused. */
      secondBallot: z.enum(['replace', 'refuse']),
    })
    .strict(),
  z
    .object({
      kind: z.literal('secret'),
      authority: z.object({ variant: z.enum(BlindRsaVariants), publicKey: PublicKeySchema }).strict(),
    })
    .strict(),
]);

/** CreateElection. */
export const CreateElectionSchema = z
  .object({
    electionId: ElectionIdSchema,
    title: Schemas.text(200),
    description: Schemas.text(2000).optional(),
    ballot: BallotKindSchema,
    opensAt: Schemas.isoDateTime,
    closesAt: Schemas.isoDateTime,
    eligibility: EligibilitySchema,
    quorum: QuorumSchema,
    /** The winning share must be strictly more than this many thousandths (500 = absolute majority). */
    passThresholdPerMille: z.number().int().min(0).max(999),
    mode: ModeSchema,
  })
  .strict()
  .superRefine((r, ctx) => {
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
  });
/** CreateElection request. */
export type CreateElectionRequest = z.infer<typeof CreateElectionSchema>;

/** RegisterVoters: one bounded batch of pseudonymous ids. */
export const RegisterVotersSchema = z
  .object({
    electionId: ElectionIdSchema,
    /** Caller-chosen batch id; a retried batch is refused with ROLL_BATCH_EXISTS instead of counted twice. */
    batchId: Schemas.id,
    pids: z.array(Schemas.pid).min(1).max(Limits.maxBatchPids),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (new Set(r.pids).size !== r.pids.length) {
      ctx.addIssue({ code: 'custom', path: ['pids'], message: 'pids must be unique within a batch' });
    }
  });
/** RegisterVoters request. */
export type RegisterVotersRequest = z.infer<typeof RegisterVotersSchema>;

/** A request naming only an election (RequestToken, GetElection, GetTally). */
export const ElectionRefSchema = z.object({ electionId: ElectionIdSchema }).strict();
/** A request naming only an election. */
export type ElectionRef = z.infer<typeof ElectionRefSchema>;

const choices = z.array(OptionIdSchema).min(1).max(Limits.maxOptions);

/** CastBallot (open mode), under the voter's own identity. */
export const CastBallotSchema = z.object({ electionId: ElectionIdSchema, choices }).strict();
/** CastBallot request. */
export type CastBallotRequest = z.infer<typeof CastBallotSchema>;

/** CastSecretBallot (secret mode), under the ballot-box identity. */
export const CastSecretBallotSchema = z
  .object({
    electionId: ElectionIdSchema,
    choices,
    /** The prepared token message that was blind-signed, base64url. */
    token: base64url(base64urlChars(Limits.maxTokenBytes)),
    /** The finalized (unblinded) RSA-PSS signature on the token, base64url. */
    signature: base64url(base64urlChars(Limits.maxModulusBits / 8)),
  })
  .strict();
/** CastSecretBallot request. */
export type CastSecretBallotRequest = z.infer<typeof CastSecretBallotSchema>;

/** TallyElection: counts up to maxBallots more ballots; the step that reaches the end stores the result. */
export const TallyElectionSchema = z
  .object({
    electionId: ElectionIdSchema,
    maxBallots: z.number().int().min(1).max(Limits.maxTallyBatch).default(Limits.maxTallyBatch),
  })
  .strict();
/** TallyElection request. */
export type TallyElectionRequest = z.infer<typeof TallyElectionSchema>;

/** VerifyTally: recount from the ballots and compare with the stored result. */
export const VerifyTallySchema = z
  .object({
    electionId: ElectionIdSchema,
    /**
     * Also re-check every ballot (default true): its choices against the election; in secret mode its
     * token binding, receipt and signature; in open roll elections that its voter is on the roll.
     */
    checkBallots: z.boolean().default(true),
  })
  .strict();
/** VerifyTally request. */
export type VerifyTallyRequest = z.infer<typeof VerifyTallySchema>;

/** GetVoterStatus: the roll entry and token / ballot state of one pseudonymous id. */
export const VoterStatusSchema = z.object({ electionId: ElectionIdSchema, pid: Schemas.pid }).strict();
/** GetVoterStatus request. */
export type VoterStatusRequest = z.infer<typeof VoterStatusSchema>;

/** GetReceipt: the ballot recorded under a receipt (token hash in secret mode, voter pid in open mode). */
export const ReceiptSchema = z
  .object({
    electionId: ElectionIdSchema,
    receipt: z.string().regex(/^[0-9a-f]{32,128}$/, 'must be lower-case hex, 32-128 characters'),
  })
  .strict();
/** GetReceipt request. */
export type ReceiptRequest = z.infer<typeof ReceiptSchema>;

/** ListElections: one page of elections. */
export const ListElectionsSchema = z
  .object({ pageSize: Schemas.pageSize, bookmark: Schemas.bookmark })
  .strict();
/** ListElections request. */
export type ListElectionsRequest = z.infer<typeof ListElectionsSchema>;

/** ListBallots: one page of an election's ballots, in key order (for independent recounts). */
export const ListBallotsSchema = z
  .object({ electionId: ElectionIdSchema, pageSize: Schemas.pageSize, bookmark: Schemas.bookmark })
  .strict();
/** ListBallots request. */
export type ListBallotsRequest = z.infer<typeof ListBallotsSchema>;
