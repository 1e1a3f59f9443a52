/**
 * Identity administration for organisation admins: register and enrol a user at
 * the admin's own organisation's Fabric CA with the attributes the chaincodes
 * check, and store the identity in the wallet; list the organisation's identities.
 */
import { z } from 'zod';
import { SUBJECT_PATTERN } from '../auth';
import type { CertificateAuthority } from '../fabric/certificate-authority';
import { HttpProblem } from '../http/problem';
import { defineRoute, type AnyRoute } from '../http/route';
import { S } from '../schemas';
import type { Wallet } from '../fabric/wallet';

/** Dependencies of the identity routes. */
export interface AdminIdentityDeps {
  wallet: Wallet;
  ca: CertificateAuthority;
}

/** Roles a certificate may carry (network/consortium.json). */
export const KNOWN_ROLES = [
  'admin',
  'issuer',
  'approver',
  'officer',
  'legal-officer',
  'auditor',
  'election-admin',
  'ballot-box',
  'citizen',
  'enterprise',
] as const;

const Registered = z
  .object({ name: z.string(), mspId: z.string(), attributes: z.record(z.string(), z.string()) })
  .meta({ id: 'RegisteredIdentity' });

/** The identity administration routes. */
export function adminIdentityRoutes(deps: AdminIdentityDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/identities',
      operationId: 'registerIdentity',
      summary: "Register and enrol a user at the admin's organisation CA",
      description:
        "The certificate carries gov.role (roles joined by +), gov.dept and gov.pid. The user's token subject must be `name`.",
      tags: ['admin'],
      roles: ['admin'],
      successStatus: 201,
      body: z
        .object({
          name: z.string().regex(SUBJECT_PATTERN, 'must be 1-128 characters of letters, digits, . _ @ -'),
          roles: z.array(z.enum(KNOWN_ROLES)).min(1).max(8),
          dept: S.dept.optional(),
          pid: S.pid.optional(),
          affiliation: z
            .string()
            .regex(/^[a-z0-9.]{0,64}$/)
            .default(''),
        })
        .strict()
        .refine((b) => !b.roles.some((r) => r === 'citizen' || r === 'enterprise') || b.pid !== undefined, {
          message: 'citizens and enterprises need a pid',
          path: ['pid'],
        }),
      response: Registered,
      async handle({ caller, input }) {
        const b = input.body;
        if (await deps.wallet.get(caller.org, b.name)) {
          throw new HttpProblem(409, 'IDENTITY_EXISTS', `${b.name} already has an identity in ${caller.org}`);
        }
        const attrs: Record<string, string> = { 'gov.role': [...new Set(b.roles)].join('+') };
        if (b.dept) attrs['gov.dept'] = b.dept;
        if (b.pid) attrs['gov.pid'] = b.pid;
        const enrolment = await deps.ca.registerAndEnroll(caller.org, {
          name: b.name,
          type: 'client',
          affiliation: b.affiliation,
          attrs,
        });
        await deps.wallet.put({
          mspId: caller.org,
          label: b.name,
          certificate: enrolment.certificate,
          privateKey: enrolment.privateKey,
          attrs,
        });
        return {
          status: 201,
          body: { name: b.name, mspId: caller.org, attributes: attrs },
          headers: { Location: `/api/v1/admin/identities/${b.name}` },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/identities',
      operationId: 'listIdentities',
      summary: "The identities of the admin's organisation in the wallet",
      tags: ['admin'],
      roles: ['admin'],
      response: z.object({ mspId: z.string(), identities: z.array(z.string()) }),
      async handle({ caller }) {
        return { status: 200, body: { mspId: caller.org, identities: await deps.wallet.list(caller.org) } };
      },
    }),
  ];
}
