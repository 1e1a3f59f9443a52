/**
 * e-voting: elections, the roll, open ballots, secret ballots with RFC 9474
 * blind signatures from k of n authorities, tally and recount, receipts.
 * Request bodies are the wire contract's schemas (`@govledger/wire`,
 * `eVoting`), less the fields the path gives.
 *
 * Secret elections: each authority organisation's election admin has this
 * gateway generate and hold that organisation's key and register its public
 * half (RegisterAuthorityKey, signed by the admin's own organisation). A voter
 * asks for a token with one blinded message per authority; the gateway records
 * RequestToken under the voter's identity, and each authority it acts for
 * records IssueToken under its own organisation before it blind-signs
 * (elections/token-issuance.ts). Ballots go to the anonymous ballot box
 * (elections/ballot-box.ts), which submits them in shuffled batches under the
 * ballot-box identity.
 */
import { eVoting, Schemas } from '@govledger/wire';
import { z } from 'zod';
import type { Caller } from '../auth';
import type { ElectionKeys } from '../election-keys';
import type { BallotBox } from '../elections/ballot-box';
import {
  issueAsAuthority,
  requestToken,
  type SigningLog,
  type TokenIssuanceDeps,
} from '../elections/token-issuance';
import { HttpProblem } from '../http/problem';
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
  log: SigningLog;
  /** The anonymous ballot box. */
  box: BallotBox;
  /** The wallet identity (an election admin) each authority organisation issues under, by MSP id. */
  authorities: Record<string, string>;
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

/** The recount the gateway answers once every page is done. */
const VerifyTallyResponse = eVoting.VerifyTallyResult.extend({
  pages: z.number().int().meta({ description: 'VerifyTally pages the gateway ran and summed', example: 1 }),
});

/** An authority key registration: the gateway makes the key unless one is given. */
const AuthorityKeyBody = z
  .object({
    publicKey: eVoting.PublicKey.optional().meta({
      description:
        "The authority's own public key; without it this gateway generates the key and holds the private half",
    }),
  })
  .strict();

/** A voter's blinded messages, one per authority. */
const TokenRequestBody = z
  .object({
    blinded: z
      .array(
        z
          .object({
            mspId: Schemas.mspId.meta({
              description: 'The authority this blinded message is for',
              example: 'CityAMSP',
            }),
            blindedMsg: eVoting.base64url(700).meta({
              description:
                "The token blinded under this authority's key, unpadded base64url (modulus length)",
              example: eVoting.Examples.blindedMsg,
            }),
          })
          .strict(),
      )
      .min(1)
      .max(eVoting.Limits.maxAuthorities)
      .refine((b) => new Set(b.map((x) => x.mspId)).size === b.length, 'one blinded message per authority')
      .meta({ description: 'One blinded message per authority asked; at least the threshold k' }),
  })
  .strict();

const BlindSignature = z.object({
  mspId: z.string().meta({ description: 'The authority that signed', example: 'CityAMSP' }),
  blindSig: z
    .string()
    .meta({ description: 'The blind signature, unpadded base64url; the voter finalizes it' }),
  transactionId: z.string().meta({ description: 'The IssueToken transaction of this authority' }),
});

const TokenRequestResponse = z.object({
  electionId: z.string().meta({
    description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
    example: 'vote-2026-library',
  }),
  requestTxId: z.string().meta({ description: "The RequestToken transaction under the voter's identity" }),
  signatures: z
    .array(BlindSignature)
    .meta({ description: 'Blind signatures of the authorities this gateway acts for' }),
  pending: z.array(z.string()).meta({
    description: "Authorities this gateway does not act for: ask their gateways' blind-signature endpoint",
    example: [],
  }),
});

const BallotState = z.object({
  electionId: z.string().meta({
    description: 'Election id (letters, digits and `._:-`, 1-128 characters)',
    example: 'vote-2026-library',
  }),
  receipt: z.string().meta({ description: 'SHA-256 of the token: the ballot key and nullifier' }),
  state: z
    .enum(['queued', 'cast', 'rejected'])
    .meta({ description: 'Where the ballot stands in the box', example: 'queued' }),
  reason: z.string().optional().meta({ description: 'Why it was rejected (a chaincode error code)' }),
  txId: z.string().optional().meta({ description: 'The batch transaction that cast it' }),
});

/** The e-voting routes. */
export function eVotingRoutes(deps: EVotingDeps): AnyRoute[] {
  const inv = (transaction: string, request: unknown) => ({
    chaincode: deps.chaincode,
    transaction,
    args: [JSON.stringify(request)],
  });
  const issuance: TokenIssuanceDeps = {
    transactions: deps.transactions,
    chaincode: deps.chaincode,
    keysOf: (mspId) => (deps.authorities[mspId] ? deps.keys.forOrg(mspId) : undefined),
    authorityCaller: (mspId): Caller | undefined => {
      const label = deps.authorities[mspId];
      return label ? { subject: label, org: mspId, roles: ['election-admin'] } : undefined;
    },
    log: deps.log,
  };
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/elections',
      operationId: 'createElection',
      summary: 'Create an election (open roll-call, or secret with k of n signing authorities)',
      tags: TAGS,
      roles: ['election-admin'],
      successStatus: 201,
      body: eVoting.CreateElectionRequest,
      response: Election,
      call: { chaincode: CC, transaction: 'CreateElection', mode: 'submit' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/elections/{electionId}/authority-keys',
      operationId: 'registerAuthorityKey',
      summary: "Secret election: register the caller's organisation's authority key (its own election admin)",
      description:
        "Without `publicKey` this gateway generates the key for the caller's organisation, seals the private half " +
        "for that organisation alone, and submits RegisterAuthorityKey under the caller's identity: the authority " +
        'registers its own key, signed by its own organisation.',
      tags: TAGS,
      roles: ['election-admin'],
      writes: true,
      successStatus: 201,
      params: electionId,
      body: AuthorityKeyBody,
      response: eVoting.AuthorityRecord,
      async handle({ req, res, caller, input }) {
        const id = input.params.electionId;
        let publicKey = input.body.publicKey;
        if (!publicKey) {
          const view = (await deps.transactions.evaluate(caller, inv('GetElection', { electionId: id }))) as {
            election: eVoting.Election;
          };
          const mode = view.election.mode;
          if (mode.kind !== 'secret') {
            throw new HttpProblem(
              409,
              eVoting.ErrorCode.WrongMode,
              `election ${id} is not a secret election`,
            );
          }
          if (!mode.authorities.includes(caller.org)) {
            throw new HttpProblem(
              403,
              eVoting.ErrorCode.Forbidden,
              `${caller.org} is not an authority of ${id}`,
            );
          }
          const key = await deps.keys.forOrg(caller.org).getOrCreate(id, mode.variant);
          publicKey = { format: 'spki-pem', pem: key.publicKeyPem };
        }
        sendWrite(
          res,
          await deps.transactions.submit(
            caller,
            inv('RegisterAuthorityKey', { electionId: id, publicKey }),
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
      operationId: 'requestBallotToken',
      summary:
        'Secret election: request a token; get the blind signatures of the authorities this gateway acts for',
      description:
        "Send one blinded message per authority (the same token blinded under each authority's key). The gateway records " +
        "RequestToken under the voter's identity with their SHA-256 hashes, then each authority it acts for records " +
        'IssueToken under its own organisation and only then blind-signs. A retry with the same messages continues; ' +
        'other messages are refused. Authorities in `pending` are asked at their own gateways.',
      tags: TAGS,
      roles: ['citizen', 'enterprise'],
      params: electionId,
      body: TokenRequestBody,
      response: TokenRequestResponse,
      async handle({ caller, input }) {
        const r = await requestToken(issuance, caller, input.params.electionId, input.body.blinded);
        return { status: 200, body: r };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/elections/{electionId}/authorities/{mspId}/blind-signatures',
      operationId: 'issueBlindSignature',
      summary: "Secret election: authority {mspId}'s blind signature on a voter's recorded blinded message",
      description:
        'Needs no voter credentials: the blinded message must be the one the voter recorded with RequestToken, the ' +
        'authority records IssueToken under its own organisation first, and only the voter can unblind the result. ' +
        'Answered only by the gateway that acts for the authority.',
      tags: TAGS,
      roles: [],
      public: true,
      params: z
        .object({
          electionId: eVoting.ElectionRef.shape.electionId,
          mspId: Schemas.mspId.meta({
            description: 'The authority (MSP id) whose blind signature is asked',
            example: 'CityAMSP',
          }),
        })
        .strict(),
      body: z
        .object({
          voter: eVoting.Subject.meta({ description: 'The voter as their token request names them' }),
          blindedMsg: eVoting.base64url(700).meta({
            description: 'The blinded message for this authority, base64url (modulus length)',
            example: eVoting.Examples.blindedMsg,
          }),
        })
        .strict(),
      response: BlindSignature,
      async handle({ input }) {
        const r = await issueAsAuthority(
          issuance,
          input.params.mspId,
          input.params.electionId,
          input.body.voter,
          input.body.blindedMsg,
        );
        return { status: 200, body: r };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/ballot-box/elections/{electionId}/ballots',
      operationId: 'dropSecretBallot',
      summary: 'Secret election: drop a ballot in the anonymous ballot box (no credentials)',
      description:
        'Needs no bearer token and logs no client address. The box checks the ballot (token of this election, valid ' +
        'signatures of k distinct authorities, token not seen), keeps it, and submits CastSecretBallots in shuffled ' +
        'batches of a minimum size under the ballot-box identity, flushing before the election closes. Answers 202 ' +
        'with the receipt; follow it at the status route or on the ledger.',
      tags: TAGS,
      roles: [],
      public: true,
      successStatus: 202,
      params: electionId,
      body: eVoting.SecretBallot,
      response: BallotState,
      async handle({ input }) {
        return { status: 202, body: await deps.box.accept(input.params.electionId, input.body) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/ballot-box/elections/{electionId}/ballots/{receipt}',
      operationId: 'getBallotBoxState',
      summary: 'Secret election: where a ballot stands in the ballot box (queued, cast or rejected)',
      tags: TAGS,
      roles: [],
      public: true,
      params: eVoting.ReceiptRequest,
      response: BallotState,
      handle({ input }) {
        return Promise.resolve({
          status: 200,
          body: deps.box.status(input.params.electionId, input.params.receipt),
        });
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
      summary: 'Recount every ballot, page by page, and compare with the stored result',
      description:
        'The gateway runs VerifyTally page by page on its own peer, handing each page the sums of the previous ones, ' +
        'and answers the verdict of the last page. Ballots beyond the roll or the issued tokens are never confirmed.',
      tags: TAGS,
      roles: [],
      params: electionId,
      body: VerifyTallyBody,
      response: VerifyTallyResponse,
      async handle({ caller, input }) {
        let from: eVoting.VerifyProgress | undefined;
        for (let pages = 1; ; pages++) {
          const page = (await deps.transactions.evaluate(
            caller,
            inv('VerifyTally', {
              electionId: input.params.electionId,
              ...input.body,
              ...(from ? { from } : {}),
            }),
          )) as eVoting.VerifyTallyResult;
          if (page.complete) return { status: 200, body: { ...page, pages } };
          from = page.progress;
        }
      },
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
