/**
 * e-voting: elections, the roll, open ballots, secret ballots with RFC 9474
 * blind signatures, tally and recount, receipts. Request schemas mirror
 * chaincode/e-voting/src/schemas.ts.
 *
 * Secret elections: when CreateElection names no public key, this gateway
 * generates the authority key and keeps the private half (sealed at rest). A
 * voter asks for a token with only a blinded message; the gateway submits
 * RequestToken under the voter's own identity, waits for the commit, and only
 * then blind-signs — once per voter and election. Ballots are cast through the
 * ballot box, which needs no voter credentials and submits as the ballot-box
 * identity, so nothing links a voter to a ballot.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import type { Caller } from '../auth';
import { BLIND_RSA_VARIANTS, type BlindSignatureLog, type ElectionKeys } from '../election-keys';
import { HttpProblem } from '../http/problem';
import { defineRoute, sendWrite, writeOptions, type AnyRoute } from '../http/route';
import { PageQuery, S } from '../schemas';
import type { TransactionService } from '../writes/transactions';

const CC = 'e-voting';
const TAGS = ['e-voting'];

/** What the e-voting routes need. */
export interface EVotingDeps {
  transactions: TransactionService;
  /** Deployed name of the e-voting chaincode. */
  chaincode: string;
  keys: ElectionKeys;
  log: BlindSignatureLog;
  /** The ballot-box identity secret ballots are cast under (wallet organisation and label). */
  ballotBox: { mspId: string; label: string };
}

const base64url = (maxChars: number) =>
  z
    .string()
    .min(1)
    .max(maxChars)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be unpadded base64url');
const Option = z.object({ id: S.code, label: S.text(200) }).strict();
const options = z.array(Option).min(2).max(50);
const Ballot = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('single'), options }).strict(),
  z.object({ kind: z.literal('multi'), options, maxChoices: z.number().int().min(1).max(50) }).strict(),
  z.object({ kind: z.literal('yesNoAbstain') }).strict(),
]);
const Eligibility = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('roll') }).strict(),
  z
    .object({
      kind: z.literal('rule'),
      mspIds: z.array(S.mspId).min(1).max(10),
      roles: z
        .array(z.enum(['citizen', 'enterprise']))
        .min(1)
        .max(2)
        .optional(),
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
        .refine((a) => Object.keys(a).length <= 5, 'at most 5 attributes')
        .optional(),
    })
    .strict(),
]);
const Quorum = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('count'), minBallots: z.number().int().min(1).max(100_000_000) }).strict(),
  z.object({ kind: z.literal('perMilleOfRoll'), perMille: z.number().int().min(1).max(1000) }).strict(),
]);
const PublicKey = z.discriminatedUnion('format', [
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
const Mode = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('open'), secondBallot: z.enum(['replace', 'refuse']) }).strict(),
  z
    .object({
      kind: z.literal('secret'),
      authority: z
        .object({
          variant: z.enum(BLIND_RSA_VARIANTS).default('RSABSSA-SHA384-PSS-Randomized'),
          publicKey: PublicKey.optional(),
        })
        .strict()
        .meta({
          description: 'Without publicKey the gateway generates the authority key and keeps the private half',
        }),
    })
    .strict(),
]);
const choices = z.array(S.code).min(1).max(50);

const Election = z
  .object({
    electionId: z.string(),
    title: z.string(),
    ballot: z.unknown(),
    opensAt: z.string(),
    closesAt: z.string(),
    mode: z.unknown(),
  })
  .loose()
  .meta({ id: 'Election' });
const ElectionView = z
  .object({
    election: Election,
    phase: z.enum(['scheduled', 'open', 'closed']),
    rollSize: z.number().nullable(),
    tallyStatus: z.enum(['none', 'counting', 'final']),
  })
  .loose();
const Tally = z
  .object({
    electionId: z.string(),
    status: z.enum(['counting', 'final']),
    counted: z.number(),
    digest: z.string().optional(),
    result: z.unknown().optional(),
  })
  .loose()
  .meta({ id: 'Tally' });
const CastResult = z
  .object({ electionId: z.string(), receipt: z.string(), castAt: z.string(), replaced: z.boolean() })
  .loose();

const electionId = z.object({ electionId: S.id }).strict();

function canonicalBase64url(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/** The e-voting routes. */
export function eVotingRoutes(deps: EVotingDeps): AnyRoute[] {
  const inv = (transaction: string, request: unknown) => ({
    chaincode: deps.chaincode,
    transaction,
    args: [JSON.stringify(request)],
  });
  const ballotBoxCaller: Caller = {
    subject: deps.ballotBox.label,
    org: deps.ballotBox.mspId,
    roles: ['ballot-box'],
  };
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/elections',
      operationId: 'createElection',
      summary: 'Create an election (open roll-call or secret ballot)',
      description:
        'For a secret election without `mode.authority.publicKey`, the gateway generates the authority key pair and holds the private key.',
      tags: TAGS,
      roles: ['election-admin'],
      successStatus: 201,
      body: z
        .object({
          electionId: S.id,
          title: S.text(200),
          description: S.text(2000).optional(),
          ballot: Ballot,
          opensAt: S.isoDateTime,
          closesAt: S.isoDateTime,
          eligibility: Eligibility,
          quorum: Quorum,
          passThresholdPerMille: z.number().int().min(0).max(999),
          mode: Mode,
        })
        .strict()
        .superRefine((r, ctx) => {
          if (Date.parse(r.closesAt) <= Date.parse(r.opensAt))
            ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'must be after opensAt' });
          if (r.ballot.kind !== 'yesNoAbstain') {
            const ids = r.ballot.options.map((o) => o.id);
            if (new Set(ids).size !== ids.length)
              ctx.addIssue({
                code: 'custom',
                path: ['ballot', 'options'],
                message: 'option ids must be unique',
              });
            if (r.ballot.kind === 'multi' && r.ballot.maxChoices > r.ballot.options.length) {
              ctx.addIssue({
                code: 'custom',
                path: ['ballot', 'maxChoices'],
                message: 'must not exceed the number of options',
              });
            }
          }
          if (r.quorum.kind === 'perMilleOfRoll' && r.eligibility.kind !== 'roll') {
            ctx.addIssue({
              code: 'custom',
              path: ['quorum', 'kind'],
              message: 'perMilleOfRoll needs eligibility kind "roll"',
            });
          }
        }),
      response: Election,
      async handle({ req, res, caller, input }) {
        const body = input.body;
        let mode: unknown = body.mode;
        if (body.mode.kind === 'secret' && !body.mode.authority.publicKey) {
          const key = await deps.keys.getOrCreate(body.electionId, body.mode.authority.variant);
          mode = {
            kind: 'secret',
            authority: { variant: key.variant, publicKey: { format: 'spki-pem', pem: key.publicKeyPem } },
          };
        }
        sendWrite(
          res,
          await deps.transactions.submit(
            caller,
            inv('CreateElection', { ...body, mode }),
            writeOptions(req, res),
          ),
          201,
        );
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/elections/{electionId}',
      operationId: 'getElection',
      summary: 'An election with its phase, roll size and tally status',
      tags: TAGS,
      roles: [],
      params: electionId,
      response: ElectionView,
      call: { chaincode: CC, transaction: 'GetElection', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/elections',
      operationId: 'listElections',
      summary: 'Elections in id order',
      tags: TAGS,
      roles: [],
      query: PageQuery,
      response: z.object({ elections: z.array(Election), bookmark: z.string() }),
      call: { chaincode: CC, transaction: 'ListElections', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/elections/{electionId}/roll-batches',
      operationId: 'registerVoters',
      summary: 'Register a batch of eligible voters by pseudonymous id (before the election opens)',
      tags: TAGS,
      roles: ['election-admin'],
      successStatus: 201,
      params: electionId,
      body: z
        .object({
          batchId: S.id,
          pids: z
            .array(S.pid)
            .min(1)
            .max(1000)
            .refine((p) => new Set(p).size === p.length, 'pids must be unique within a batch'),
        })
        .strict(),
      response: z.object({
        electionId: z.string(),
        batchId: z.string(),
        added: z.number(),
        alreadyRegistered: z.number(),
      }),
      call: { chaincode: CC, transaction: 'RegisterVoters', mode: 'submit' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/elections/{electionId}/ballots',
      operationId: 'castBallot',
      summary: 'Cast an open (roll-call) ballot under the voter identity',
      tags: TAGS,
      roles: ['citizen', 'enterprise'],
      params: electionId,
      body: z.object({ choices }).strict(),
      response: CastResult,
      call: { chaincode: CC, transaction: 'CastBallot', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/elections/{electionId}/ballots',
      operationId: 'listBallots',
      summary: 'Recorded ballots, for independent recounts',
      tags: TAGS,
      roles: [],
      params: electionId,
      query: PageQuery,
      response: z.object({ ballots: z.array(z.unknown()), bookmark: z.string() }),
      call: { chaincode: CC, transaction: 'ListBallots', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/elections/{electionId}/tokens',
      operationId: 'issueBallotToken',
      summary: 'Secret election: get the blind signature on a blinded token (once per voter)',
      description:
        "Send only the blinded message (base64url, modulus length). The gateway records RequestToken under the voter's identity, waits for the commit, " +
        'then blind-signs with the election authority key. A retry with the same blinded message returns the same signature; a different one is refused.',
      tags: TAGS,
      roles: ['citizen', 'enterprise'],
      params: electionId,
      body: z.object({ blindedMsg: base64url(700) }).strict(),
      response: z.object({ electionId: z.string(), blindSig: z.string(), transactionId: z.string() }),
      async handle({ caller, input }) {
        const id = input.params.electionId;
        const blinded = canonicalBase64url(input.body.blindedMsg);
        if (!blinded) {
          throw new HttpProblem(400, 'INVALID_REQUEST', 'blindedMsg is not canonical base64url', {
            errors: [
              { location: 'body', path: 'blindedMsg', message: 'must be canonical unpadded base64url' },
            ],
          });
        }
        const view = (await deps.transactions.evaluate(caller, inv('GetElection', { electionId: id }))) as {
          election: { mode: { kind: string; authority?: { fingerprint?: string } } };
          phase: string;
        };
        if (view.election.mode.kind !== 'secret')
          throw new HttpProblem(409, 'WRONG_MODE', `election ${id} is not a secret election`);
        if (view.phase === 'closed') throw new HttpProblem(409, 'VOTING_CLOSED', `election ${id} is closed`);
        const held = await deps.keys.get(id);
        if (!held)
          throw new HttpProblem(
            409,
            'ELECTION_KEY_NOT_HELD',
            `this gateway does not hold the authority key of election ${id}`,
          );
        if (held.fingerprint !== view.election.mode.authority?.fingerprint) {
          throw new HttpProblem(
            409,
            'ELECTION_KEY_MISMATCH',
            `the key this gateway holds is not the authority key of election ${id}`,
          );
        }
        if (blinded.length !== held.modulusBits / 8) {
          throw new HttpProblem(400, 'INVALID_REQUEST', `blindedMsg must be ${held.modulusBits / 8} bytes`, {
            errors: [
              { location: 'body', path: 'blindedMsg', message: `must be ${held.modulusBits / 8} bytes` },
            ],
          });
        }
        const hash = crypto.createHash('sha256').update(blinded).digest('hex');
        const reissue = async (pid: string) => {
          const rec = deps.log.get(id, pid);
          if (!rec) return undefined;
          if (rec.blindedHash !== hash)
            throw new HttpProblem(
              409,
              'TOKEN_ALREADY_ISSUED',
              'a token was already issued to this voter for this election',
            );
          const sig = rec.blindSig ?? (await deps.keys.blindSign(id, blinded));
          if (!rec.blindSig) deps.log.signed(id, pid, sig);
          return {
            status: 200,
            body: {
              electionId: id,
              blindSig: Buffer.from(sig).toString('base64url'),
              transactionId: rec.txId,
            },
          };
        };
        if (caller.pid) {
          const again = await reissue(caller.pid);
          if (again) return again;
        }
        const committed = await deps.transactions.submit(caller, inv('RequestToken', { electionId: id }), {
          async: false,
        });
        const pid =
          committed.kind === 'committed' ? (committed.result as { pid?: string } | null)?.pid : undefined;
        if (!pid || (caller.pid && pid !== caller.pid))
          throw new HttpProblem(
            502,
            'TOKEN_REQUEST_MISMATCH',
            "the committed token request is not this voter's",
          );
        if (!deps.log.reserve(id, pid, hash, committed.transactionId)) {
          const again = await reissue(pid);
          if (again) return again;
        }
        const sig = await deps.keys.blindSign(id, blinded);
        deps.log.signed(id, pid, sig);
        return {
          status: 200,
          body: {
            electionId: id,
            blindSig: Buffer.from(sig).toString('base64url'),
            transactionId: committed.transactionId,
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/ballot-box/elections/{electionId}/ballots',
      operationId: 'castSecretBallot',
      summary: 'Secret election: cast a ballot with an unblinded token and signature (no voter credentials)',
      description:
        'Needs no bearer token and logs nothing about the sender; the gateway submits CastSecretBallot as the ballot-box identity.',
      tags: TAGS,
      roles: [],
      public: true,
      params: electionId,
      body: z.object({ choices, token: base64url(683), signature: base64url(683) }).strict(),
      response: CastResult,
      async handle({ req, res, input }) {
        const request = { electionId: input.params.electionId, ...input.body };
        sendWrite(
          res,
          await deps.transactions.submit(
            ballotBoxCaller,
            inv('CastSecretBallot', request),
            writeOptions(req, res),
          ),
          200,
        );
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/elections/{electionId}/tally',
      operationId: 'tallyElection',
      summary: 'Count ballots after closing (anyone); call again while status is "counting"',
      tags: TAGS,
      roles: [],
      params: electionId,
      body: z.object({ maxBallots: z.number().int().min(1).max(5000).optional() }).strict(),
      response: Tally,
      call: { chaincode: CC, transaction: 'TallyElection', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/elections/{electionId}/tally',
      operationId: 'getTally',
      summary: 'The stored tally (counting or final)',
      tags: TAGS,
      roles: [],
      params: electionId,
      response: Tally,
      call: { chaincode: CC, transaction: 'GetTally', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/elections/{electionId}/tally/verification',
      operationId: 'verifyTally',
      summary: 'Recount every ballot and compare with the stored result',
      tags: TAGS,
      roles: [],
      params: electionId,
      body: z.object({ checkBallots: z.boolean().optional() }).strict(),
      response: z
        .object({ electionId: z.string(), confirmed: z.boolean(), mismatches: z.array(z.string()) })
        .loose(),
      call: { chaincode: CC, transaction: 'VerifyTally', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/elections/{electionId}/voters/{pid}',
      operationId: 'getVoterStatus',
      summary: "A voter's status: on the roll, token requested, voted (open mode)",
      tags: TAGS,
      roles: [],
      params: z.object({ electionId: S.id, pid: S.pid }).strict(),
      response: z
        .object({
          electionId: z.string(),
          pid: z.string(),
          onRoll: z.boolean().nullable(),
          tokenRequest: z.unknown(),
          voted: z.boolean().nullable(),
        })
        .loose(),
      call: { chaincode: CC, transaction: 'GetVoterStatus', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/elections/{electionId}/receipts/{receipt}',
      operationId: 'getReceipt',
      summary: 'Find a recorded ballot by its receipt',
      tags: TAGS,
      roles: [],
      params: z
        .object({
          electionId: S.id,
          receipt: z.string().regex(/^[0-9a-f]{32,128}$/, 'must be lower-case hex, 32-128 characters'),
        })
        .strict(),
      response: z
        .object({ electionId: z.string(), receipt: z.string(), choices: z.array(z.string()) })
        .loose(),
      call: { chaincode: CC, transaction: 'GetReceipt', mode: 'evaluate' },
    }),
  ];
}
