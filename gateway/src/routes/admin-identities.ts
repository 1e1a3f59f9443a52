/**
 * Identity administration for organisation admins: register and enrol a user at
 * the admin's own organisation's Fabric CA with the attributes the chaincodes
 * check, and store the identity in the wallet; list the organisation's identities.
 * The rules (admin certificate, issuable roles, one holder per pid) are in
 * ../identity-admin.ts.
 */
import { z } from 'zod';
import { SUBJECT_PATTERN } from '../auth';
import type { CertificateAuthority } from '../fabric/certificate-authority';
import type { Db } from '../writes/database';
import { IdentityAdministration, type PidStorage } from '../identity-admin';
import { defineRoute, type AnyRoute } from '../http/route';
import { S } from '../schemas';
import type { Wallet } from '../fabric/wallet';

/** Dependencies of the identity routes. */
export interface AdminIdentityDeps {
  wallet: Wallet;
  ca: CertificateAuthority;
  /** The gateway database (the durable record of enrolled pids, unless `pids` is given). */
  db: Db;
  /** The record of enrolled pids (storage/: PostgreSQL when replicas share it). */
  pids?: PidStorage;
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
  .object({
    name: z.string().meta({ description: 'Enrolment id of the identity (its wallet label)' }),
    mspId: z
      .string()
      .meta({ description: "Organisation (MSP ID) the identity was registered at: the admin's own" }),
    attributes: z
      .record(z.string(), z.string())
      .meta({ description: 'The certificate attributes it was enrolled with (gov.role, gov.dept, gov.pid)' }),
  })
  .meta({
    id: 'RegisteredIdentity',
    description: "An identity registered and enrolled at the admin's organisation CA",
  });

/** The identity administration routes. */
export function adminIdentityRoutes(deps: AdminIdentityDeps): AnyRoute[] {
  const admin = new IdentityAdministration(deps);
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/identities',
      operationId: 'registerIdentity',
      summary: "Register and enrol a user at the admin's organisation CA",
      description:
        "The certificate carries gov.role (roles joined by +), gov.dept and gov.pid. The user's token subject must be `name`. " +
        "The caller's own certificate must carry gov.role admin (403 ADMIN_CERTIFICATE_REQUIRED); every role must be on the " +
        "organisation's allow-list (403 ROLE_NOT_ISSUABLE); a pid already enrolled at this or another organisation is refused " +
        "(409 PID_ALREADY_ENROLLED). The identity is always registered at the caller's own organisation, which binds the pid to it.",
      tags: ['admin'],
      roles: ['admin'],
      successStatus: 201,
      body: z
        .object({
          name: z
            .string()
            .regex(SUBJECT_PATTERN, 'must be 1-128 characters of letters, digits, . _ @ -')
            .meta({
              description: 'Enrolment id of the new identity (its wallet label and the token subject)',
              example: 'officer-market-7',
            }),
          roles: z
            .array(z.enum(KNOWN_ROLES))
            .min(1)
            .max(8)
            .meta({
              description: "Roles (`gov.role`), each on the organisation's allow-list",
              example: ['officer'],
            }),
          dept: S.dept.optional().meta({ description: 'Department (`gov.dept`)', example: 'market' }),
          pid: S.pid.optional().meta({
            description: 'Pseudonymous id (`gov.pid`), for citizens and enterprises',
            example: '5f2b9c1e7a3d4f6081b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718',
          }),
          affiliation: z
            .string()
            .regex(/^[a-z0-9.]{0,64}$/)
            .default('')
            .meta({ description: 'CA affiliation, when the CA uses them', example: 'org1.department1' }),
        })
        .strict()
        .refine((b) => !b.roles.some((r) => r === 'citizen' || r === 'enterprise') || b.pid !== undefined, {
          message: 'citizens and enterprises need a pid',
          path: ['pid'],
        }),
      response: Registered,
      successHeaders: { Location: 'URL of the registered identity (`/api/v1/admin/identities/{name}`)' },
      async handle({ caller, input }) {
        const registered = await admin.register(caller, input.body);
        return {
          status: 201,
          body: registered,
          headers: { Location: `/api/v1/admin/identities/${registered.name}` },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/identities',
      operationId: 'listIdentities',
      summary: "The identities of the admin's organisation in the wallet",
      description: "The caller's own certificate must carry gov.role admin (403 ADMIN_CERTIFICATE_REQUIRED).",
      tags: ['admin'],
      roles: ['admin'],
      response: z.object({
        mspId: z.string().meta({ description: "The admin's organisation" }),
        identities: z.array(z.string()).meta({ description: 'The identities in the wallet' }),
      }),
      async handle({ caller }) {
        await admin.assertAdmin(caller);
        return { status: 200, body: { mspId: caller.org, identities: await deps.wallet.list(caller.org) } };
      },
    }),
  ];
}
