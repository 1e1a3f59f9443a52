/**
 * `GET /api/v1/me`: who the caller is, as the chaincodes see it. The organisation and the
 * role, department and pid attributes come from the caller's own Fabric certificate in the
 * wallet (Fabric CA attributes `gov.role`, `gov.dept`, `gov.pid`, the ones every chaincode
 * checks); the token's claims, which decide the gateway's route roles, are shown beside them.
 * A citizen learns their own pid here.
 */
import { z } from 'zod';
import { certificateAttributes, certificateRoles, type Caller } from '../auth';
import { defineRoute, type AnyRoute } from '../http/route';
import { S } from '../schemas';
import type { TransactionService } from '../writes/transactions';

/** What the route needs: the caller's wallet identity (through the transaction service). */
export interface MeDeps {
  transactions: TransactionService;
}

/** The answer of `GET /api/v1/me`. */
export const Me = z
  .object({
    subject: z.string().meta({
      description: "The token subject, which is also the label of the caller's identity in the wallet",
      example: 'enterprise-a1',
    }),
    org: S.mspId.meta({
      description: "The caller's organisation (MSP ID) on the certificate the gateway signs with",
      example: 'CityAMSP',
    }),
    roles: z.array(z.string()).meta({
      description: "The certificate's `gov.role` roles (empty when it has none): what the chaincodes check",
      example: ['enterprise'],
    }),
    dept: S.dept.nullable().meta({
      description: "The certificate's `gov.dept` department code, or null",
      example: null,
    }),
    pid: S.pid.nullable().meta({
      description:
        "The certificate's `gov.pid` pseudonymous id (citizens and enterprises; a licence's holderPid, a consent's citizenPid), or null",
      example: 'c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1',
    }),
    token: z
      .object({
        roles: z
          .array(z.string())
          .meta({ description: "The token's `roles` claim: what the gateway's routes check" }),
        dept: z.string().nullable().meta({ description: "The token's `dept` claim, or null" }),
        pid: z.string().nullable().meta({ description: "The token's `pid` claim, or null" }),
      })
      .meta({ description: 'The bearer token claims the gateway authenticated' }),
  })
  .meta({ id: 'Me', description: "The caller's identity: organisation, roles, department and pid" });

/** The caller's identity from its certificate's attributes and its token. */
export function whoIs(caller: Caller, certificate: string): z.output<typeof Me> {
  const attrs = certificateAttributes(certificate);
  return {
    subject: caller.subject,
    org: caller.org,
    roles: certificateRoles(certificate),
    dept: attrs['gov.dept'] || null,
    pid: attrs['gov.pid'] || null,
    token: { roles: [...caller.roles], dept: caller.dept ?? null, pid: caller.pid ?? null },
  };
}

/** The `GET /api/v1/me` route. */
export function meRoutes(deps: MeDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/me',
      operationId: 'getMe',
      summary: "The caller's organisation, roles, department and pid",
      description:
        "Read from the caller's own certificate in the wallet (the Fabric CA attributes gov.role, gov.dept and gov.pid that " +
        "the chaincodes check), with the token's claims beside them. 403 IDENTITY_NOT_ENROLLED when the wallet holds no " +
        'identity for the token subject.',
      tags: ['identity'],
      roles: [],
      access: "the caller's own identity only.",
      ledger: false,
      response: Me,
      async handle({ caller }) {
        const identity = await deps.transactions.identityFor(caller);
        return { status: 200, body: whoIs(caller, identity.certificate) };
      },
    }),
  ];
}
