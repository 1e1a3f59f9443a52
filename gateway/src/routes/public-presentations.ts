/**
 * Holder presentations and the usage trace (issue 18 parts 3-4), see docs/presentation.md:
 *
 * - an organisation's admin registers its presentation key (the gateway makes the key for that
 *   organisation, keeps the private half, submits RegisterPresentationKey under the admin);
 * - the public JWKS of every registered key (no token);
 * - a holder (citizen/enterprise) asks for a short-lived presentation of one of their licences,
 *   disclosing only the claims they choose; the gateway reads the salts and values from the
 *   issuing organisation's collection (GetLicencePrivateData, the holder's own identity) and signs
 *   with the issuing organisation's key, which must be the one registered on the ledger;
 * - anyone verifies a presentation (no token, rate-limited by the /api limiter per client
 *   address): signature against the ledger-registered key, expiry, every disclosed value against
 *   the ledger's salted hash, and the licence's status now; each check whose signature verified is
 *   recorded on the ledger (RecordPresentationCheck, under the public-read identity);
 * - a department's recorded verification (CheckLicence) and the holder's own trace (ListLicenceUsage).
 */
import { eLicence } from '@govledger/wire';
import { z } from 'zod';
import type { Caller } from '../caller';
import { ConfigError } from '../config';
import { ChaincodeRefusal } from '../fabric/ledger';
import { HttpProblem } from '../http/problem';
import type { ApiRequest } from '../http/exchange';
import { defineRoute, sendWrite, writeOptions, type AnyRoute } from '../http/route';
import type { PublicFundsConfig } from './public-funds';
import { checkPresentation, signPresentation, type VerificationKey } from '../presentations/sd-jwt';
import type { PresentationKeys } from '../presentations/keys';
import { PageQuery, pageOf } from '../schemas';
import type { TransactionService } from '../writes/transactions';

const W = eLicence;
const CC = 'e-licence';

/** Settings of presentations. */
export interface PresentationSettings {
  /** Lifetime of a presentation, seconds (`PRESENTATION_TTL_S`, default 300, at most 3600). */
  ttlSec: number;
}

/** Reads `PRESENTATION_TTL_S`; throws ConfigError when it is not 30-3600. */
export function loadPresentationSettings(env: Record<string, string | undefined>): PresentationSettings {
  const raw = env.PRESENTATION_TTL_S;
  if (raw === undefined || raw === '') return { ttlSec: W.DEFAULT_PRESENTATION_TTL_S };
  const n = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 30 && n <= W.MAX_PRESENTATION_TTL_S))
    throw new ConfigError('PRESENTATION_TTL_S', `is invalid: must be 30-${W.MAX_PRESENTATION_TTL_S} seconds`);
  return { ttlSec: n };
}

/** What the presentation routes need. */
export interface PresentationDeps {
  transactions: TransactionService;
  /** Deployed name of the e-licence chaincode. */
  chaincode: string;
  keys: PresentationKeys;
  settings: PresentationSettings;
  /** The public-read identity (routes/public-funds.ts) public verifications are read and recorded as. */
  publicReads: PublicFundsConfig;
  /** The clock, ms (tests). */
  now?: () => number;
}

const PresentationKey = W.PresentationKey.meta({
  id: 'PresentationKey',
  description: "An organisation's registered presentation key (public half)",
});
const LicenceUsage = W.LicenceUsage.meta({
  id: 'LicenceUsage',
  description: 'One recorded check of a licence: who, what, when, why, outcome (no personal data)',
});

const Jwks = z.object({
  keys: z
    .array(
      W.PresentationPublicJwk.extend({
        kid: W.PresentationKey.shape.kid,
        alg: z.literal('ES256').meta({ description: 'Algorithm', example: 'ES256' }),
        use: z.literal('sig').meta({ description: 'Use: signatures', example: 'sig' }),
        mspId: W.PresentationKey.shape.mspId,
      }),
    )
    .meta({
      description: 'Every registered presentation key; a presentation names its `kid` and `iss` (MSP)',
    }),
});

const CreateBody = z
  .object({
    claims: z
      .array(W.ClaimName)
      .max(W.MAX_CLAIMS)
      .refine((a) => new Set(a).size === a.length, 'must not repeat a claim')
      .meta({
        description: 'Names of the claims to disclose (none: only the licence itself)',
        example: ['companyName'],
      }),
    ttlSeconds: z.number().int().min(30).max(W.MAX_PRESENTATION_TTL_S).optional().meta({
      description: "Lifetime, seconds (default: the gateway's, at most its configured one)",
      example: 300,
    }),
  })
  .strict();

const Created = z.object({
  presentation: z.string().meta({
    description: 'The presentation (SD-JWT: issuer JWT ~ disclosures ~), to show as a QR code or link',
    example: 'eyJhbGciOiJFUzI1NiJ9.e30.sig~WyJzYWx0IiwibmFtZSIsInZhbHVlIl0~',
  }),
  licenceId: W.LicenceIdRequest.shape.licenceId,
  issuerMsp: W.PresentationKey.shape.mspId,
  kid: W.PresentationKey.shape.kid,
  disclosed: z.array(W.ClaimName).meta({ description: 'The claims disclosed', example: ['companyName'] }),
  expiresAt: z.string().meta({ description: 'When it expires (UTC)', example: '2026-01-01T00:05:00.000Z' }),
});

const VerifyBody = z
  .object({
    presentation: z.string().min(1).max(8192).meta({
      description: 'The presentation text (SD-JWT)',
      example: 'eyJhbGciOiJFUzI1NiJ9.e30.sig~WyJzYWx0IiwibmFtZSIsInZhbHVlIl0~',
    }),
    purpose: W.UsagePurpose.optional().meta({ description: 'Why the verifier checks (recorded)' }),
  })
  .strict();

const Verified = z.object({
  valid: z.boolean().meta({ description: 'True when every check passed', example: true }),
  reason: z
    .enum(W.PRESENTATION_REASONS)
    .nullable()
    .meta({ description: 'Why it failed (stable code); null when valid', example: null }),
  licenceId: z
    .string()
    .nullable()
    .meta({ description: 'The licence the presentation names', example: 'A-BIZ-2026-0001' }),
  typeCode: z.string().nullable().meta({ description: 'Its type', example: 'A-BIZ' }),
  issuerMsp: z.string().nullable().meta({ description: 'The issuing organisation', example: 'CityAMSP' }),
  status: W.EffectiveStatus.nullable().meta({
    description: "The licence's status now, on the ledger",
    example: 'valid',
  }),
  disclosed: z
    .array(
      z.object({
        name: W.ClaimName.meta({ description: 'Claim name', example: 'companyName' }),
        value: z.string().meta({ description: 'Disclosed value', example: 'Acme' }),
      }),
    )
    .meta({ description: 'The disclosed claims (only when the signature verified)' }),
  expiresAt: z
    .string()
    .nullable()
    .meta({ description: 'When the presentation expires', example: '2026-01-01T00:05:00.000Z' }),
  usageId: z.string().nullable().meta({
    description: 'The ledger usage entry this check left (null when the signature did not verify)',
    example: null,
  }),
});

/** The failure reason a licence status gives. */
function statusReason(status: eLicence.EffectiveStatus): eLicence.PresentationReason | null {
  switch (status) {
    case 'valid':
      return null;
    case 'revoked':
      return 'LICENCE_REVOKED';
    case 'suspended':
      return 'LICENCE_SUSPENDED';
    case 'expired':
      return 'LICENCE_EXPIRED';
    case 'not-yet-valid':
      return 'LICENCE_NOT_YET_VALID';
    default:
      return 'LICENCE_NOT_FOUND';
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof ChaincodeRefusal && err.body.code === W.ErrorCode.LicenceNotFound;
}

/** The presentation and usage routes. */
export function presentationRoutes(deps: PresentationDeps): AnyRoute[] {
  const now = deps.now ?? (() => Date.now());
  const inv = (transaction: string, request: unknown, endorsingOrganizations?: string[]) => ({
    chaincode: deps.chaincode,
    transaction,
    args: [JSON.stringify(request)],
    ...(endorsingOrganizations ? { endorsingOrganizations } : {}),
  });
  const reader = (): Caller => {
    const r = deps.publicReads.reader;
    if (!r)
      throw new HttpProblem(
        503,
        'PUBLIC_READS_NOT_CONFIGURED',
        'public verification needs PUBLIC_READ_IDENTITY (or SCHEDULE_IDENTITY) in the gateway configuration',
      );
    return { subject: r.label, org: r.mspId, roles: [] };
  };
  const registeredKeys = async (caller: Caller, mspId?: string): Promise<VerificationKey[]> => {
    const list = W.PresentationKeyList.parse(
      await deps.transactions.evaluate(caller, inv('ListPresentationKeys', mspId ? { mspId } : {})),
    );
    return list.keys.map((k) => ({ kid: k.kid, mspId: k.mspId, jwk: k.jwk }));
  };
  const statusUrl = (req: ApiRequest) =>
    `${req.protocol}://${req.headers.host ?? 'localhost'}/api/v1/public/presentations/verify`;

  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/presentation-keys',
      operationId: 'registerPresentationKey',
      summary: "Register the caller's organisation's presentation key (made and kept by this gateway)",
      description:
        "The gateway generates an ES256 key for the caller's organisation (once), seals the private half for that " +
        'organisation alone, and submits RegisterPresentationKey with the public half under the caller’s identity.',
      tags: ['e-licence'],
      roles: ['admin'],
      writes: true,
      successStatus: 201,
      response: PresentationKey,
      async handle({ req, res, caller }) {
        const key = await deps.keys.getOrCreate(caller.org);
        sendWrite(
          res,
          await deps.transactions.submit(
            caller,
            inv('RegisterPresentationKey', { publicKey: key.jwk }),
            writeOptions(req, res),
          ),
          201,
        );
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/public/presentation-keys',
      operationId: 'getPresentationJwks',
      summary: 'The registered presentation keys as a JWKS, for offline verification',
      description:
        'No token needed; rate-limited per client address. Only keys registered on the ledger are listed.',
      tags: ['public'],
      roles: [],
      public: true,
      response: Jwks,
      async handle({ res }) {
        const keys = await registeredKeys(reader());
        res.setHeader('Access-Control-Allow-Origin', '*');
        res.setHeader('Cache-Control', 'public, max-age=60');
        return {
          status: 200,
          body: {
            keys: keys.map((k) => ({ ...k.jwk, kid: k.kid, alg: 'ES256', use: 'sig', mspId: k.mspId })),
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/licences/{licenceId}/presentations',
      operationId: 'createPresentation',
      summary:
        'A short-lived signed presentation of one of the caller’s licences, disclosing the claims chosen',
      description:
        'Signed with the issuing organisation’s registered presentation key (this gateway must hold it). Nothing is written.',
      tags: ['e-licence'],
      roles: ['citizen', 'enterprise'],
      successStatus: 201,
      params: W.LicenceIdRequest,
      body: CreateBody,
      response: Created,
      async handle({ req, caller, input }) {
        const licence = W.LicenceView.parse(
          await deps.transactions.evaluate(caller, inv('GetLicence', { licenceId: input.params.licenceId })),
        );
        if (licence.holder.mspId !== caller.org || !caller.pid || licence.holder.pid !== caller.pid) {
          throw new HttpProblem(
            403,
            'NOT_LICENCE_HOLDER',
            `licence ${licence.licenceId} is not the caller's`,
          );
        }
        const reason = statusReason(licence.effectiveStatus);
        if (reason)
          throw new HttpProblem(409, reason, `licence ${licence.licenceId} is ${licence.effectiveStatus}`);
        const unknown = input.body.claims.filter((c) => !Object.hasOwn(licence.claimHashes, c));
        if (unknown.length > 0)
          throw new HttpProblem(400, 'UNKNOWN_CLAIM', `the licence has no claim ${unknown.join(', ')}`);
        const key = await deps.keys.get(licence.issuerMsp);
        if (!key)
          throw new HttpProblem(
            409,
            'NO_PRESENTATION_KEY',
            `this gateway holds no presentation key of ${licence.issuerMsp}`,
          );
        const registered = await registeredKeys(caller, licence.issuerMsp);
        if (!registered.some((k) => k.kid === key.kid))
          throw new HttpProblem(
            409,
            'PRESENTATION_KEY_NOT_REGISTERED',
            `${licence.issuerMsp}'s presentation key ${key.kid} is not registered on the ledger`,
          );
        const disclosures: { salt: string; name: string; value: string }[] = [];
        if (input.body.claims.length > 0) {
          const priv = W.PrivateDataResult.parse(
            await deps.transactions.evaluate(
              caller,
              // only the issuing organisation's peers hold the collection
              inv('GetLicencePrivateData', { licenceId: licence.licenceId }, [licence.issuerMsp]),
            ),
          );
          for (const name of input.body.claims) {
            const secret = priv.record.claims[name];
            if (!secret)
              throw new HttpProblem(409, 'UNKNOWN_CLAIM', `the private record has no claim ${name}`);
            disclosures.push({ salt: secret.salt, name, value: secret.value });
          }
        }
        const ttl = Math.min(input.body.ttlSeconds ?? deps.settings.ttlSec, deps.settings.ttlSec);
        const nowSec = Math.floor(now() / 1000);
        const { token, payload } = await signPresentation(
          {
            issuerMsp: licence.issuerMsp,
            licenceId: licence.licenceId,
            typeCode: licence.typeCode,
            statusUrl: statusUrl(req),
            disclosures,
            now: nowSec,
            ttlSec: ttl,
          },
          key,
        );
        return {
          status: 201,
          body: {
            presentation: token,
            licenceId: licence.licenceId,
            issuerMsp: licence.issuerMsp,
            kid: key.kid,
            disclosed: input.body.claims,
            expiresAt: new Date(payload.exp * 1000).toISOString(),
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/public/presentations/verify',
      operationId: 'verifyPresentation',
      summary:
        'Verify a holder presentation: signature, expiry, disclosed claims against the ledger, licence status',
      description:
        'No token needed; rate-limited per client address. Always 200 with `valid` and a stable `reason` ' +
        '(MALFORMED, UNKNOWN_KEY, BAD_SIGNATURE, PRESENTATION_EXPIRED, DISCLOSURE_MISMATCH, LICENCE_NOT_FOUND, ' +
        'LICENCE_REVOKED, LICENCE_SUSPENDED, LICENCE_EXPIRED, LICENCE_NOT_YET_VALID). A check whose signature ' +
        'verified is recorded on the ledger (RecordPresentationCheck) as a public check by this gateway’s organisation.',
      tags: ['public'],
      roles: [],
      public: true,
      body: VerifyBody,
      response: Verified,
      async handle({ res, input }) {
        res.setHeader('Access-Control-Allow-Origin', '*');
        res.setHeader('Cache-Control', 'no-store');
        const as = reader();
        const keys = await registeredKeys(as);
        const checked = await checkPresentation(input.body.presentation, keys, Math.floor(now() / 1000));
        const empty = {
          licenceId: null,
          typeCode: null,
          issuerMsp: null,
          status: null,
          disclosed: [],
          expiresAt: null,
          usageId: null,
        };
        const signed =
          checked.ok ||
          (checked.reason !== 'MALFORMED' &&
            checked.reason !== 'UNKNOWN_KEY' &&
            checked.reason !== 'BAD_SIGNATURE');
        if (!signed || !checked.payload || !checked.kid) {
          return {
            status: 200,
            body: { valid: false, reason: checked.ok ? null : checked.reason, ...empty },
          };
        }
        const payload = checked.payload;
        let licence: eLicence.LicenceView;
        try {
          licence = W.LicenceView.parse(
            await deps.transactions.evaluate(as, inv('GetLicence', { licenceId: payload.licence_id })),
          );
        } catch (err) {
          if (!isNotFound(err)) throw err;
          return {
            status: 200,
            body: { valid: false, reason: 'LICENCE_NOT_FOUND', ...empty, licenceId: payload.licence_id },
          };
        }
        const disclosures = checked.disclosures ?? [];
        let reason: eLicence.PresentationReason | null = checked.ok ? null : checked.reason;
        if (
          reason === null &&
          (licence.issuerMsp !== payload.iss ||
            licence.typeCode !== payload.licence_type ||
            disclosures.some((d) => licence.claimHashes[d.name] !== payload.claim_hashes[d.name]))
        ) {
          reason = 'DISCLOSURE_MISMATCH';
        }
        const written = await deps.transactions.submit(
          as,
          inv('RecordPresentationCheck', {
            licenceId: licence.licenceId,
            kid: checked.kid,
            disclosedClaims: disclosures.map((d) => d.name),
            reason,
            ...(input.body.purpose ? { purpose: input.body.purpose } : {}),
          }),
          { async: false },
        );
        const usage = written.kind === 'committed' ? W.LicenceUsage.parse(written.result) : undefined;
        const finalReason = (usage?.reason ??
          reason ??
          statusReason(licence.effectiveStatus)) as eLicence.PresentationReason | null;
        const ok = finalReason === null;
        return {
          status: 200,
          body: {
            valid: ok,
            reason: finalReason,
            licenceId: licence.licenceId,
            typeCode: licence.typeCode,
            issuerMsp: licence.issuerMsp,
            status: licence.effectiveStatus,
            disclosed:
              ok || reason !== 'DISCLOSURE_MISMATCH'
                ? disclosures.map((d) => ({ name: d.name, value: d.value }))
                : [],
            expiresAt: new Date(payload.exp * 1000).toISOString(),
            usageId: usage?.usageId ?? null,
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/licences/{licenceId}/checks',
      operationId: 'checkLicence',
      summary:
        'A department’s recorded verification of a licence (the holder sees who checked, when and why)',
      description:
        'Like the verification read, but it leaves a usage entry on the ledger. No clear claim values are sent.',
      tags: ['e-licence'],
      roles: [],
      params: W.LicenceIdRequest,
      body: W.CheckLicenceRequest.omit({ licenceId: true }),
      response: W.transactions.CheckLicence.response,
      call: { chaincode: CC, transaction: 'CheckLicence', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/me/licence-checks',
      operationId: 'listMyLicenceChecks',
      summary: 'Who checked the caller’s licences, when and why (the caller’s own trace)',
      tags: ['e-licence'],
      roles: ['citizen', 'enterprise'],
      query: PageQuery.extend({
        licenceId: W.LicenceIdRequest.shape.licenceId.optional().meta({
          description: 'Only this licence (it must be the caller’s)',
          example: 'A-BIZ-2026-0001',
        }),
      }).strict(),
      response: pageOf(LicenceUsage),
      call: { chaincode: CC, transaction: 'ListLicenceUsage', mode: 'evaluate' },
    }),
  ];
}
