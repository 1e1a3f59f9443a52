/**
 * Offline signing over HTTP, for callers who keep their own keys:
 * `POST /api/v1/offline/transactions` prepares a proposal and returns the digest
 * to sign; `POST /api/v1/offline/transactions/{txId}/signatures` takes each
 * signature in turn (proposal, transaction, commit); `GET` shows where a
 * transaction stands. Signatures are ECDSA (P-256, SHA-256 digest given),
 * DER encoded, base64; fabric-gateway's `signers.newPrivateKeySigner` makes them.
 * Each answer hands the exact bytes to sign (`message`) beside their digest, so
 * that the client can check what it signs; sessions expire and are capped per
 * caller (fabric/offline-signing.ts).
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import type { FabricIdentity } from '../fabric/ledger';
import type { OfflineSessions } from '../fabric/offline-signing';
import { HttpProblem } from '../http/problem';
import { defineRoute, type AnyRoute, type EndorsementLookup } from '../http/route';
import { S } from '../schemas';
import { callerKey, type TransactionService } from '../writes/transactions';

/** Dependencies of the offline-signing routes. */
export interface OfflineRoutesDeps {
  /** The offline-signing sessions. */
  sessions: OfflineSessions;
  /** The write pipeline (for the caller's enrolled identity). */
  transactions: TransactionService;
  /** Logical chaincode name -> deployed name. */
  chaincodes: Record<string, string>;
  /** The endorsement pins the routes declare (`endorsementCatalogue`), applied here to the same transactions. */
  endorsementOf: EndorsementLookup;
}

const OfflineView = z
  .object({
    transactionId: z.string().meta({ description: 'Id of the transaction being signed' }),
    stage: z.enum(['proposal', 'transaction', 'commit', 'done']).meta({
      description:
        "What waits for the caller's signature next: `proposal`, `transaction`, `commit`, or `done`",
    }),
    digest: z.string().optional().meta({ description: 'Base64 SHA-256 digest to sign for `stage`' }),
    message: z
      .string()
      .optional()
      .meta({
        description:
          'Base64 of the exact bytes whose SHA-256 is `digest`. At stage `proposal` it is the serialized `protos.Proposal` ' +
          '(decode it with @hyperledger/fabric-protos: `peer.Proposal` -> `header` (channel, transaction id, creator) and ' +
          '`payload` (`ChaincodeProposalPayload` -> `ChaincodeInvocationSpec`: chaincode, transaction, arguments; transient data)); ' +
          'at `transaction` the envelope payload (`common.Payload`, with the endorsed read/write set); at `commit` the ' +
          '`gateway.CommitStatusRequest`. A client checks, before signing, that SHA-256(base64-decoded message) equals the ' +
          'base64-decoded digest and that the decoded message is the call it meant; it then signs the digest (or the message).',
      }),
    expiresAt: z.string().optional().meta({
      description:
        'When the session expires (OFFLINE_SESSION_TTL_S after it was prepared); it is then refused and deleted',
      example: '2026-01-01T12:15:00.000Z',
    }),
    result: z.unknown().optional().meta({ description: "The chaincode's result, once endorsed" }),
    status: z
      .enum(['committed', 'invalid'])
      .optional()
      .meta({ description: 'The outcome once done: `committed` or `invalid`' }),
    validationCode: z
      .string()
      .optional()
      .meta({ description: 'Fabric validation code, when committed as invalid' }),
    blockNumber: z
      .string()
      .optional()
      .meta({ description: 'Number of the block that holds it (decimal string), once committed' }),
  })
  .meta({
    id: 'OfflineTransaction',
    description: "A transaction signed by the caller's own key, stage by stage",
  });

function certificateIdentity(caller: string, mspId: string, pem: string): FabricIdentity {
  let cert: crypto.X509Certificate;
  try {
    cert = new crypto.X509Certificate(pem);
  } catch {
    throw new HttpProblem(400, 'INVALID_REQUEST', 'certificate is not a PEM X.509 certificate', {
      errors: [{ location: 'body', path: 'certificate', message: 'must be a PEM X.509 certificate' }],
    });
  }
  if (Date.parse(cert.validTo) < Date.now())
    throw new HttpProblem(400, 'CERTIFICATE_EXPIRED', 'the certificate has expired');
  return { mspId, label: caller, certificate: pem };
}

/** The offline-signing routes. */
export function offlineRoutes(deps: OfflineRoutesDeps): AnyRoute[] {
  const names = Object.keys(deps.chaincodes) as [string, ...string[]];
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/offline/transactions',
      operationId: 'prepareOfflineTransaction',
      summary: 'Prepare a transaction to be signed by the caller',
      description:
        "Builds the proposal for the caller's certificate (the enrolled one in the wallet, or `certificate` from the body) and returns its digest " +
        'with the proposal bytes it covers (`message`: check SHA-256(message) = digest and decode the call before signing). ' +
        'The chaincode checks the caller from that certificate. A session lives OFFLINE_SESSION_TTL_S (15 min by default) from now: ' +
        'afterwards it answers 410 OFFLINE_SESSION_EXPIRED once, then 404, and its stored bytes are deleted. A caller may hold ' +
        'OFFLINE_SESSIONS_PER_CALLER (5 by default) sessions not yet done: beyond, 429 OFFLINE_SESSION_LIMIT with Retry-After ' +
        '(seconds until the oldest one expires).',
      tags: ['offline signing'],
      roles: [],
      successStatus: 201,
      body: z
        .object({
          chaincode: z
            .enum(names)
            .meta({ description: 'Logical name of the chaincode', example: 'e-licence' }),
          transaction: z
            .string()
            .regex(/^[A-Z][A-Za-z0-9]{0,63}$/, 'must be a transaction name')
            .meta({ description: 'Transaction name', example: 'VerifyLicence' }),
          request: z.record(z.string(), z.unknown()).meta({
            description: "The chaincode's JSON request (its one argument)",
            example: { licenceId: 'A-BIZ-2026-0001' },
          }),
          transient: z
            .record(z.string(), z.unknown())
            .optional()
            .meta({ description: 'Transient fields (each sent as JSON), for private inputs', example: {} }),
          certificate: z.string().max(8192).optional().meta({
            description:
              'PEM X.509 certificate the caller signs with; by default the one enrolled for the caller in the wallet',
          }),
          endorsingOrganizations: z
            .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/, 'must be an MSP ID'))
            .min(1)
            .max(16)
            .optional()
            .meta({
              description:
                "Organisations whose peers must endorse; by default a transaction is pinned as its route pins it (e.g. transactions on a licence collection to the certificate's organisation)",
            }),
        })
        .strict()
        .meta({
          example: {
            chaincode: 'e-licence',
            transaction: 'VerifyLicence',
            request: { licenceId: 'A-BIZ-2026-0001' },
          },
        }),
      response: OfflineView,
      successHeaders: {
        Location: 'URL of the offline transaction (`GET /api/v1/offline/transactions/{txId}`)',
      },
      async handle({ caller, input }) {
        const b = input.body;
        const enrolled = await deps.transactions.identityFor(caller).catch(() => undefined);
        const identity = b.certificate
          ? certificateIdentity(caller.subject, caller.org, b.certificate)
          : enrolled
            ? { mspId: enrolled.mspId, label: enrolled.label, certificate: enrolled.certificate }
            : undefined;
        if (!identity)
          throw new HttpProblem(
            403,
            'IDENTITY_NOT_ENROLLED',
            'no certificate was given and none is enrolled for the caller',
          );
        const view = await deps.sessions.prepare(callerKey(caller), identity, {
          chaincode: deps.chaincodes[b.chaincode],
          transaction: b.transaction,
          args: [JSON.stringify(b.request)],
          ...(b.transient
            ? {
                transient: Object.fromEntries(
                  Object.entries(b.transient).map(([k, v]) => [k, JSON.stringify(v)]),
                ),
              }
            : {}),
          ...(b.endorsingOrganizations
            ? { endorsingOrganizations: b.endorsingOrganizations }
            : { endorsement: deps.endorsementOf(b.chaincode, b.transaction) }),
        });
        return {
          status: 201,
          body: view,
          headers: { Location: `/api/v1/offline/transactions/${view.transactionId}` },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/offline/transactions/{txId}/signatures',
      operationId: 'signOfflineTransaction',
      summary: 'Post the signature the transaction waits for',
      description:
        'proposal -> the gateway endorses; transaction -> it submits to the orderer; commit -> it reports the commit. ' +
        'Each answer carries the next digest and the bytes it covers (`message`). An expired session answers 410 OFFLINE_SESSION_EXPIRED.',
      tags: ['offline signing'],
      roles: [],
      params: z
        .object({
          txId: S.txId.meta({
            description: 'Id of the transaction being signed',
            example: 'a3c1e0f2b4d6789012345678901234567890abcdef1234567890abcdef123456',
          }),
        })
        .strict(),
      body: z
        .object({
          stage: z.enum(['proposal', 'transaction', 'commit']).meta({
            description: "The stage this signature is for (as the transaction's `stage` says)",
            example: 'proposal',
          }),
          signature: S.base64(400).min(8).meta({
            description: "Base64 DER ECDSA signature of the stage's digest",
            example:
              'MEUCIQDx6n5l4p0a6b1r8Yy0m0bJ3cQ1oYt0k3p3Yw9d5b2mZgIgV3u6Q9mX1c7rL0o2s8w4n1e6t5y0u9i8o7p6a5s4d3f=',
          }),
        })
        .strict(),
      response: OfflineView,
      async handle({ caller, input }) {
        const view = await deps.sessions.sign(
          callerKey(caller),
          input.params.txId,
          input.body.stage,
          Buffer.from(input.body.signature, 'base64'),
        );
        return { status: 200, body: view };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/offline/transactions/{txId}',
      operationId: 'getOfflineTransaction',
      summary: 'Where an offline-signed transaction stands',
      tags: ['offline signing'],
      roles: [],
      params: z
        .object({
          txId: S.txId.meta({
            description: 'Id of the transaction being signed',
            example: 'a3c1e0f2b4d6789012345678901234567890abcdef1234567890abcdef123456',
          }),
        })
        .strict(),
      response: OfflineView,
      async handle({ caller, input }) {
        return { status: 200, body: await deps.sessions.view(callerKey(caller), input.params.txId) };
      },
    }),
  ];
}
