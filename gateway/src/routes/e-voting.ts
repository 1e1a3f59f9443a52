/**
 * e-voting: elections, the roll, open ballots, secret ballots with RFC 9474
 * blind signatures, tally and recount, receipts. Request bodies are the wire
 * contract's schemas (`@govledger/wire`, `eVoting`), less the fields the path gives.
 *
 * Secret elections: when CreateElection names no public key, this gateway
 * generates the authority key and keeps the private half (sealed at rest). A
 * voter asks for a token with only a blinded message; the gateway submits
 * RequestToken under the voter's own identity, waits for the commit, and only
 * then blind-signs — once per voter and election. Ballots are cast through the
 * ballot box, which needs no voter credentials and submits as the ballot-box
 * identity, so nothing links a voter to a ballot.
 */
import { eVoting } from '@govledger/wire';
import { z } from 'zod';
import type { Caller } from '../auth';
import type { BlindSignatureLog, ElectionKeys } from '../election-keys';
import { issueBlindSignature } from '../elections/token-issuance';
import { defineRoute, sendWrite, writeOptions, type AnyRoute } from '../http/route';
import { PageQuery } from '../schemas';
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

const Tally = eVoting.Tally.meta({
  id: 'Tally',
  description: 'The tally of an election (counting or final)',
});
const Election = eVoting.Election.meta({ id: 'Election', description: 'An election or community vote' });

/** The path parameter of every election route. */
const electionId = eVoting.ElectionRef;

/** A request's fields without the election id (it comes from the path). */
const withoutElection = { electionId: true } as const;

/**
 * The mode of a new election as the gateway takes it: a secret election may
 * leave out the authority key (the gateway then generates it and holds the
 * private half) and its variant (default RSABSSA-SHA384-PSS-Randomized).
 */
const ModeBody = z.discriminatedUnion('kind', [
  eVoting.OpenMode,
  z
    .object({
      kind: z.literal('secret').meta({ description: '`open` (roll-call) or `secret` (blind-signed tokens)' }),
      authority: z
        .object({
          variant: z
            .enum(eVoting.BlindRsaVariants)
            .default(eVoting.DefaultBlindRsaVariant)
            .meta({ description: 'Blind RSA variant (RFC 9474)', example: 'RSABSSA-SHA384-PSS-Randomized' }),
          publicKey: eVoting.PublicKey.optional().meta({
            description:
              "The authority's RSA public key; without it the gateway generates the key pair and keeps the private key",
          }),
        })
        .strict()
        .meta({
          description: 'Without publicKey the gateway generates the authority key and keeps the private half',
        }),
    })
    .strict(),
]);

/** CreateElection as the gateway takes it: the wire request, with the gateway's secret-mode defaults. */
const CreateElectionBody = eVoting.CreateElectionFields.extend({
  mode: ModeBody.meta({
    description: 'Open (roll-call, receipts linked to voters) or secret (blind-signed tokens)',
  }),
})
  .strict()
  .superRefine(eVoting.checkElectionSpec);

/** A tally step: the wire field, its default left to the chaincode. */
const TallyBody = z
  .object({
    maxBallots: eVoting.TallyElectionRequest.shape.maxBallots.unwrap().optional().meta({
      description: "Most ballots to count in this tally step (default: the chaincode's)",
      example: 500,
    }),
  })
  .strict();

/** A recount: the wire field, its default left to the chaincode. */
const VerifyTallyBody = z
  .object({
    checkBallots: eVoting.VerifyTallyRequest.shape.checkBallots.unwrap().optional().meta({
      description:
        'Also re-check every ballot (default true): its choices against the election; in secret mode its token binding, receipt and signature',
      example: true,
    }),
  })
  .strict();

/** The e-voting routes. */
export function eVotingRoutes(deps: EVotingDeps): AnyRoute[] {
  const inv = (transaction: string, request: unknown) => ({
    chaincode: deps.chaincode,
    transaction,
    args: [JSON.stringify(request)],
  });
  const issuance = {
    transactions: deps.transactions,
    chaincode: deps.chaincode,
    keys: deps.keys,
    log: deps.log,
  };
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
      writes: true,
      summary: 'Create an election (open roll-call or secret ballot)',
      description:
        'For a secret election without `mode.authority.publicKey`, the gateway generates the authority key pair and holds the private key.',
      tags: TAGS,
      roles: ['election-admin'],
      successStatus: 201,
      body: CreateElectionBody,
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
      response: eVoting.ElectionView.extend({ election: Election }),
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
      response: eVoting.ElectionPage.extend({
        elections: z.array(Election).meta({ description: 'The elections of this page, in id order' }),
      }),
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
      body: eVoting.RegisterVotersRequest.omit(withoutElection),
      response: eVoting.RegisterVotersResult,
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
      body: eVoting.CastBallotRequest.omit(withoutElection),
      response: eVoting.CastResult,
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
      response: eVoting.BallotPage,
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
      body: z
        .object({
          blindedMsg: eVoting.base64url(700).meta({
            description: 'The blinded token message (base64url, RFC 9474 Blind)',
            example:
              'WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWg',
          }),
        })
        .strict(),
      response: z.object({
        electionId: z.string().meta({ description: 'The election' }),
        blindSig: z.string().meta({
          description: "The authority's blind signature (base64url); unblind it to get the token's signature",
        }),
        transactionId: z
          .string()
          .meta({ description: "Id of the RequestToken transaction that recorded the voter's request" }),
      }),
      async handle({ caller, input }) {
        const issued = await issueBlindSignature(
          issuance,
          caller,
          input.params.electionId,
          input.body.blindedMsg,
        );
        return { status: 200, body: issued };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/ballot-box/elections/{electionId}/ballots',
      operationId: 'castSecretBallot',
      writes: true,
      summary: 'Secret election: cast a ballot with an unblinded token and signature (no voter credentials)',
      description:
        'Needs no bearer token and logs nothing about the sender; the gateway submits CastSecretBallot as the ballot-box identity.',
      tags: TAGS,
      roles: [],
      public: true,
      params: electionId,
      body: eVoting.CastSecretBallotRequest.omit(withoutElection),
      response: eVoting.CastResult,
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
      body: TallyBody,
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
      body: VerifyTallyBody,
      response: eVoting.VerifyTallyResult,
      call: { chaincode: CC, transaction: 'VerifyTally', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/elections/{electionId}/voters/{mspId}/{pid}',
      operationId: 'getVoterStatus',
      summary: "A voter's status: on the roll, token requested, voted (open mode)",
      tags: TAGS,
      roles: [],
      params: eVoting.VoterStatusRequest,
      response: eVoting.VoterStatus,
      call: { chaincode: CC, transaction: 'GetVoterStatus', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/elections/{electionId}/receipts/{receipt}',
      operationId: 'getReceipt',
      summary: 'Find a recorded ballot by its receipt',
      tags: TAGS,
      roles: [],
      params: eVoting.ReceiptRequest,
      response: eVoting.Ballot,
      call: { chaincode: CC, transaction: 'GetReceipt', mode: 'evaluate' },
    }),
  ];
}
