/**
 * Registering and enrolling users at an organisation's Fabric CA (fabric-ca-client),
 * with the certificate attributes the chaincodes check (gov.dept, gov.role,
 * gov.pid, carried in the enrolment certificate), and reading the CA's identity
 * registry (who already holds a pseudonymous id). The registrar is the CA's
 * bootstrap admin whose MSP folder the network scripts leave in the state folder.
 * Each organisation's profile also says which roles its admins may issue.
 */
import FabricCAServices from 'fabric-ca-client';
import { User } from 'fabric-common';
import { z } from 'zod';
import type { OrgProfile } from '../config';
import { readMspFolder } from './msp-import';

/** No Fabric CA registrar is configured for the organisation. */
export class CaNotConfigured extends Error {
  /** The organisation. */
  readonly mspId: string;

  /** Creates the error. */
  constructor(mspId: string) {
    super(`no Fabric CA registrar is configured for ${mspId}`);
    this.name = 'CaNotConfigured';
    this.mspId = mspId;
  }
}

/** The enrolment id is already registered at the organisation's CA. */
export class IdentityExists extends Error {
  /** The enrolment id. */
  readonly enrollmentId: string;
  /** The organisation. */
  readonly mspId: string;

  /** Creates the error. */
  constructor(enrollmentId: string, mspId: string) {
    super(`${enrollmentId} is already registered at the CA of ${mspId}`);
    this.name = 'IdentityExists';
    this.enrollmentId = enrollmentId;
    this.mspId = mspId;
  }
}

/** An organisation's CA identity registry could not be read (retry later). */
export class CaUnavailable extends Error {
  /** The organisation whose CA did not answer. */
  readonly mspId: string;

  /** Creates the error. */
  constructor(mspId: string) {
    super(`the identity registry of the Fabric CA of ${mspId} could not be read`);
    this.name = 'CaUnavailable';
    this.mspId = mspId;
  }
}

/** The organisation's CA refused the registration or the enrolment. */
export class CaRefused extends Error {
  /** The organisation. */
  readonly mspId: string;
  /** The step refused. */
  readonly step: 'registration' | 'enrolment';

  /** Creates the error. */
  constructor(mspId: string, step: 'registration' | 'enrolment') {
    super(`the Fabric CA of ${mspId} refused the ${step}`);
    this.name = 'CaRefused';
    this.mspId = mspId;
    this.step = step;
  }
}

/** A user to register and enrol. */
export interface EnrolmentRequest {
  /** Enrolment id (becomes the wallet label and token subject). */
  name: string;
  /** Identity type at the CA. */
  type: 'client';
  /** Affiliation (empty: the root). */
  affiliation: string;
  /** Certificate attributes (gov.dept, gov.role, gov.pid). */
  attrs: Record<string, string>;
}

/**
 * The CA enrolment id of a registration, which Fabric CA also writes as the certificate's CN: for
 * a pseudonymous user (one with gov.pid) an opaque id, the first 32 hex digits of the pid, so no
 * login name reaches the ledger or the CA's registry (README, Who can read the channel); for
 * staff their name. The wallet still labels the identity with `name`.
 */
export function enrolmentIdOf(request: Pick<EnrolmentRequest, 'name' | 'attrs'>): string {
  const pid = request.attrs['gov.pid'];
  return pid ? pid.slice(0, 32) : request.name;
}

/** A certificate and its private key. */
export interface Enrolment {
  certificate: string;
  privateKey: string;
}

/** An identity registered at an organisation's CA. */
export interface RegisteredIdentity {
  /** The organisation whose CA holds it. */
  mspId: string;
  /** Its enrolment id. */
  name: string;
}

/** Registers and enrols users at an organisation's CA. */
export interface CertificateAuthority {
  /**
   * Registers `request.name` at the CA of `mspId` and enrols it. Throws {@link IdentityExists} for a
   * name already registered, {@link CaNotConfigured} or {@link CaRefused} when the CA cannot do it.
   */
  registerAndEnroll(mspId: string, request: EnrolmentRequest): Promise<Enrolment>;
  /**
   * The identities registered with attribute `gov.pid` = `pid` at the CA of `mspId` and of every
   * other organisation whose registrar the gateway holds (the CAs' own registries, so identities
   * registered outside the gateway count too). 503 `CA_UNAVAILABLE` when a registry cannot be read.
   */
  holdersOfPid(mspId: string, pid: string): Promise<RegisteredIdentity[]>;
  /** The roles the admins of `mspId` may issue (the organisation's configured allow-list). */
  issuableRoles(mspId: string): readonly string[];
}

const identityList = z.object({
  identities: z
    .array(
      z
        .object({
          id: z.string(),
          attrs: z
            .array(z.object({ name: z.string(), value: z.string() }).loose())
            .nullish()
            .transform((a) => a ?? []),
        })
        .loose(),
    )
    .nullish()
    .transform((a) => a ?? []),
});

/** The {@link CertificateAuthority} on the organisations' Fabric CA servers. */
export class FabricCertificateAuthorities implements CertificateAuthority {
  readonly #orgs: Map<string, OrgProfile>;

  /** Uses the CA settings of the organisation profiles. */
  constructor(orgs: OrgProfile[]) {
    this.#orgs = new Map(orgs.map((o) => [o.mspId, o]));
  }

  /** The CA client of `mspId` and its registrar, or undefined when none is configured. */
  async #registrarOf(mspId: string): Promise<{ services: FabricCAServices; registrar: User } | undefined> {
    const ca = this.#orgs.get(mspId)?.ca;
    if (!ca || !ca.registrarMspDir) return undefined;
    const services = new FabricCAServices(
      ca.url,
      { trustedRoots: [ca.tlsRootCert.toString('utf8')], verify: true },
      ca.caName,
    );
    const creds = await readMspFolder(ca.registrarMspDir);
    const registrar = User.createUser('admin', '', mspId, creds.certificate, creds.privateKey);
    return { services, registrar };
  }

  /** {@inheritDoc CertificateAuthority.issuableRoles} */
  issuableRoles(mspId: string): readonly string[] {
    return this.#orgs.get(mspId)?.issuableRoles ?? [];
  }

  /** {@inheritDoc CertificateAuthority.holdersOfPid} */
  async holdersOfPid(mspId: string, pid: string): Promise<RegisteredIdentity[]> {
    const own = this.#orgs.get(mspId);
    if (!own?.ca?.registrarMspDir) {
      throw new CaNotConfigured(mspId);
    }
    const msps = [mspId, ...[...this.#orgs.keys()].filter((m) => m !== mspId)];
    const found: RegisteredIdentity[] = [];
    for (const msp of msps) {
      if (!this.#orgs.get(msp)?.ca?.registrarMspDir) continue;
      let identities: z.output<typeof identityList>['identities'];
      try {
        const client = await this.#registrarOf(msp);
        if (!client) throw new Error('no registrar');
        const res = await client.services.newIdentityService().getAll(client.registrar);
        if (!res.success) throw new Error('refused');
        identities = identityList.parse(res.result ?? {}).identities;
      } catch {
        throw new CaUnavailable(msp);
      }
      for (const id of identities) {
        if (id.attrs.some((a) => a.name === 'gov.pid' && a.value === pid))
          found.push({ mspId: msp, name: id.id });
      }
    }
    return found;
  }

  /** {@inheritDoc CertificateAuthority.registerAndEnroll} */
  async registerAndEnroll(mspId: string, request: EnrolmentRequest): Promise<Enrolment> {
    const client = await this.#registrarOf(mspId);
    if (!client) {
      throw new CaNotConfigured(mspId);
    }
    const { services, registrar } = client;
    const enrollmentID = enrolmentIdOf(request);
    let secret: string;
    try {
      secret = await services.register(
        {
          enrollmentID,
          role: request.type,
          affiliation: request.affiliation,
          maxEnrollments: 1,
          attrs: Object.entries(request.attrs).map(([name, value]) => ({ name, value, ecert: true })),
        },
        registrar,
      );
    } catch (err) {
      const text = String((err as Error).message ?? err);
      if (/already registered/i.test(text)) {
        throw new IdentityExists(request.name, mspId);
      }
      throw new CaRefused(mspId, 'registration');
    }
    try {
      const enrolled = await services.enroll({ enrollmentID, enrollmentSecret: secret });
      return { certificate: enrolled.certificate, privateKey: enrolled.key.toBytes() };
    } catch {
      throw new CaRefused(mspId, 'enrolment');
    }
  }
}
