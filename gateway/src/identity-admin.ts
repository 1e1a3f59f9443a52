/**
 * The rules of identity administration through the gateway (issue 12): who may register
 * whom, with which roles and pseudonymous id, at an organisation's Fabric CA.
 *
 * - The caller's own Fabric identity (its certificate in the wallet) must carry `gov.role`
 *   `admin`: the token's `roles` claim alone is not enough (403 `ADMIN_CERTIFICATE_REQUIRED`).
 * - An admin registers only at its own organisation: the token's `org`, which the gateway
 *   serves and under which the admin's certificate sits in the wallet. No request field names
 *   another organisation. The chaincodes read the subject's home MSP from the certificate's
 *   issuer, so a pid registered here is bound to this organisation: the subject is
 *   (this organisation, pid), never a bare pid.
 * - Only roles the organisation's allow-list names may be issued (403 `ROLE_NOT_ISSUABLE`).
 * - A pid is held by one identity only (409 `PID_ALREADY_ENROLLED`), and a pid that another
 *   organisation has enrolled is refused too: pids are keyed hashes each organisation derives
 *   for its own residents, so a copy of another organisation's pid is never a new resident.
 *   Checked against the CAs' own identity registries (the truth, including identities
 *   registered with the CA's tools) and against the gateway's durable record (its SQLite
 *   database, or PostgreSQL shared by replicas), which also reserves the pid while the CA
 *   registers it, so two concurrent requests (even through two gateway replicas) cannot both
 *   enrol it.
 */
import { assertAdminCertificate, type Caller } from './auth';
import type { CertificateAuthority } from './fabric/certificate-authority';
import type { Db } from './writes/database';
import { HttpProblem } from './http/problem';
import type { Wallet } from './fabric/wallet';

/** How long a pid reservation whose registration never finished (a crash) blocks the pid. */
export const PENDING_PID_STALE_MS = 5 * 60_000;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS enrolled_pids (
    msp_id TEXT NOT NULL,
    pid TEXT NOT NULL,
    name TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'registered')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (msp_id, pid)
  );
  CREATE INDEX IF NOT EXISTS enrolled_pids_pid ON enrolled_pids (pid);`;

interface PidRow {
  msp_id: string;
  pid: string;
  name: string;
  state: 'pending' | 'registered';
  updated_at: number;
}

/** A row of the gateway's record of enrolled pseudonymous ids. */
export interface PidRecord {
  mspId: string;
  pid: string;
  name: string;
  state: 'pending' | 'registered';
}

/**
 * The gateway's durable record of the pseudonymous ids it registered at a CA, as every backend
 * keeps it: the instance's SQLite file ({@link PidRegistry}) or PostgreSQL shared by gateway
 * replicas (storage/postgres.ts), so that a pid reserved through one replica is taken on all.
 */
export interface PidStorage {
  /**
   * Reserves `pid` for `name` at `mspId`, or refuses (409 `PID_ALREADY_ENROLLED`) when this or
   * another organisation holds it or is registering it; a reservation pending longer than the
   * stale delay is replaced. Atomic across the processes sharing the store.
   */
  reserve(mspId: string, pid: string, name: string, now?: number): Promise<void>;
  /** Marks a reserved pid as registered at the CA: from then on it is never released. */
  markRegistered(mspId: string, pid: string, now?: number): Promise<void>;
  /** Drops a pending reservation (the registration failed or was refused). */
  release(mspId: string, pid: string): Promise<void>;
  /** The record of a pid at an organisation, when there is one. */
  get(mspId: string, pid: string): Promise<PidRecord | undefined>;
}

/** Whether an existing reservation of a pid blocks a new one at `now` (shared by the backends). */
export function pidBlocks(row: { state: string; updated_at: number }, now: number, staleMs: number): boolean {
  return row.state === 'registered' || now - row.updated_at < staleMs;
}

/**
 * The record of enrolled pseudonymous ids in the instance's SQLite file (table
 * `enrolled_pids`, created on first use), so that a pid stays taken across restarts.
 */
export class PidRegistry implements PidStorage {
  readonly #db: Db;
  readonly #staleMs: number;

  /** Opens the record in the gateway database. */
  constructor(db: Db, staleMs = PENDING_PID_STALE_MS) {
    this.#db = db;
    this.#staleMs = staleMs;
    db.exec(SCHEMA);
  }

  /**
   * Reserves `pid` for `name` at `mspId`, or refuses (409 `PID_ALREADY_ENROLLED`) when this or
   * another organisation holds it or is registering it. A reservation left pending longer than
   * the stale delay (its process died) is replaced; the CA registry check that follows still
   * catches a registration that did reach the CA.
   */
  async reserve(mspId: string, pid: string, name: string, now = Date.now()): Promise<void> {
    const run = this.#db.transaction(() => {
      const rows = this.#db.prepare('SELECT * FROM enrolled_pids WHERE pid = ?').all(pid) as PidRow[];
      for (const row of rows) {
        if (pidBlocks(row, now, this.#staleMs)) {
          throw pidTaken(mspId, row.msp_id, row.name);
        }
        this.#db.prepare('DELETE FROM enrolled_pids WHERE msp_id = ? AND pid = ?').run(row.msp_id, row.pid);
      }
      this.#db
        .prepare(
          `INSERT INTO enrolled_pids (msp_id, pid, name, state, created_at, updated_at)
           VALUES (?, ?, ?, 'pending', ?, ?)`,
        )
        .run(mspId, pid, name, now, now);
    });
    run.immediate();
  }

  /** Marks a reserved pid as registered at the CA: from then on it is never released. */
  async markRegistered(mspId: string, pid: string, now = Date.now()): Promise<void> {
    this.#db
      .prepare(`UPDATE enrolled_pids SET state = 'registered', updated_at = ? WHERE msp_id = ? AND pid = ?`)
      .run(now, mspId, pid);
  }

  /** Drops a pending reservation (the registration failed or was refused). */
  async release(mspId: string, pid: string): Promise<void> {
    this.#db
      .prepare(`DELETE FROM enrolled_pids WHERE msp_id = ? AND pid = ? AND state = 'pending'`)
      .run(mspId, pid);
  }

  /** The record of a pid at an organisation, when there is one. */
  async get(mspId: string, pid: string): Promise<PidRecord | undefined> {
    const row = this.#db
      .prepare('SELECT * FROM enrolled_pids WHERE msp_id = ? AND pid = ?')
      .get(mspId, pid) as PidRow | undefined;
    return row ? { mspId: row.msp_id, pid: row.pid, name: row.name, state: row.state } : undefined;
  }
}

/** The 409 for a pid already held; another organisation's holder is not named. */
export function pidTaken(mspId: string, holderMsp: string, holderName: string): HttpProblem {
  return new HttpProblem(
    409,
    'PID_ALREADY_ENROLLED',
    holderMsp === mspId
      ? `this pseudonymous id is already enrolled at ${mspId} (identity ${holderName})`
      : `this pseudonymous id is already enrolled at another organisation; ${mspId} registers only pids it derived for its own residents`,
  );
}

/** A registration request, as the route validated it. */
export interface RegistrationRequest {
  name: string;
  roles: string[];
  dept?: string | undefined;
  pid?: string | undefined;
  affiliation: string;
}

/** A registered identity, as the route returns it. */
export interface RegistrationResult {
  name: string;
  mspId: string;
  attributes: Record<string, string>;
}

/** Dependencies of {@link IdentityAdministration}. */
export interface IdentityAdministrationDeps {
  wallet: Wallet;
  ca: CertificateAuthority;
  db: Db;
  /** The record of enrolled pids (default: the `enrolled_pids` table of `db`). */
  pids?: PidStorage;
}

/** Registers identities at the caller's organisation CA under the rules above. */
export class IdentityAdministration {
  readonly #d: IdentityAdministrationDeps;
  readonly #pids: PidStorage;

  /** Creates the service (and the pid record's table when missing). */
  constructor(deps: IdentityAdministrationDeps) {
    this.#d = deps;
    this.#pids = deps.pids ?? new PidRegistry(deps.db);
  }

  /** Refuses (403) a caller whose own certificate does not carry the admin role. */
  async assertAdmin(caller: Caller): Promise<void> {
    assertAdminCertificate(caller, await this.#d.wallet.get(caller.org, caller.subject));
  }

  /** Refuses (403 `ROLE_NOT_ISSUABLE`) roles the caller's organisation may not issue. */
  assertIssuable(caller: Caller, roles: readonly string[]): void {
    const allowed = this.#d.ca.issuableRoles(caller.org);
    const refused = roles.filter((r) => !allowed.includes(r));
    if (refused.length > 0) {
      throw new HttpProblem(
        403,
        'ROLE_NOT_ISSUABLE',
        `admins of ${caller.org} may not issue role ${refused.join(', ')}; they may issue: ${allowed.join(', ') || 'none'}`,
      );
    }
  }

  /** Registers and enrols `request.name` at the caller's organisation CA and stores it in the wallet. */
  async register(caller: Caller, request: RegistrationRequest): Promise<RegistrationResult> {
    await this.assertAdmin(caller);
    const roles = [...new Set(request.roles)];
    this.assertIssuable(caller, roles);
    const mspId = caller.org;
    if (await this.#d.wallet.get(mspId, request.name)) {
      throw new HttpProblem(409, 'IDENTITY_EXISTS', `${request.name} already has an identity in ${mspId}`);
    }
    const attrs: Record<string, string> = { 'gov.role': roles.join('+') };
    if (request.dept) attrs['gov.dept'] = request.dept;
    if (request.pid) attrs['gov.pid'] = request.pid;
    const pid = request.pid;
    if (pid) {
      await this.#pids.reserve(mspId, pid, request.name);
      try {
        const holders = await this.#d.ca.holdersOfPid(mspId, pid);
        const holder = holders.find((h) => h.mspId === mspId) ?? holders[0];
        if (holder) throw pidTaken(mspId, holder.mspId, holder.name);
      } catch (err) {
        await this.#pids.release(mspId, pid);
        throw err;
      }
    }
    let enrolment;
    try {
      enrolment = await this.#d.ca.registerAndEnroll(mspId, {
        name: request.name,
        type: 'client',
        affiliation: request.affiliation,
        attrs,
      });
    } catch (err) {
      // Safe even when the CA did register before failing: its registry then holds the pid.
      if (pid) await this.#pids.release(mspId, pid);
      throw err;
    }
    if (pid) await this.#pids.markRegistered(mspId, pid);
    await this.#d.wallet.put({
      mspId,
      label: request.name,
      certificate: enrolment.certificate,
      privateKey: enrolment.privateKey,
      attrs,
    });
    return { name: request.name, mspId, attributes: attrs };
  }
}
