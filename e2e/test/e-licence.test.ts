/**
 * e-licence on the real network (issue 3): City A's admin creates a licence type
 * that three departments must approve; City B's admin recognises it as one of
 * City B's own types; an enterprise of City A submits one application with its
 * claims and personal data as transient data; the three departments approve in
 * their own order and the last approval issues the licence in that very
 * transaction; City B verifies it (recognised, selectively disclosed claims,
 * tampered document, personal-data hash without seeing the data); City B cannot
 * revoke or suspend it; City A revokes it and City B sees it revoked. No personal
 * data ever appears in a public result.
 *
 * Verify-by-hash (chaincode/e-licence/README.md "Verify-by-hash"): personal
 * data goes only to City A's peer, in a private-only staging transaction pinned
 * there (endorsingOrganizations); the public transaction that follows is
 * endorsed by the channel's majority, each endorser checking the staged record
 * by its on-chain hash. A staging forced onto City B's peer is refused, and a
 * burst of concurrent issuances commits with its private data on City A's peer.
 */
import { eLicence, enterpriseHolder } from '@govledger/fixtures';
import { createHash, randomBytes } from 'crypto';
import { actAs, closeAll, refused, type CallOptions, type UserSession } from '../src/fabric-client';

const CC = 'e-licence';
const run = Date.now().toString(36);
const TYPE_A = `A-FOOD-${run}`;
const TYPE_B = `B-FOOD-${run}`;
const APP_ID = `APP-A-FOOD-${run}`;
const REQUIRED = ['market', 'fire', 'environment'];
const DAY_MS = 24 * 60 * 60 * 1000;
/** Private-only staging transactions (and reads of the collection) run on City A's peer only. */
const ON_CITY_A: CallOptions = { endorsingOrganizations: ['CityAMSP'] };

/** What a staging transaction returns: the hashes the public transaction carries. */
interface Staged {
  id: string;
  collection: string;
  privateDataHash: string;
  claimHashes: Record<string, string>;
}

/**
 * A write with personal data, as a portal's gateway does it: the private-only staging transaction
 * pinned to City A's peer with the transient record, then the public transaction with the staged
 * hashes, unpinned (the majority endorses it).
 */
async function stagedWrite<T>(
  session: UserSession,
  stageTx: string,
  stageReq: Record<string, unknown>,
  transient: Record<string, unknown> | undefined,
  publicTx: string,
  publicReq: Record<string, unknown>,
): Promise<T> {
  const staged = await session.submit<Staged>(CC, stageTx, stageReq, transient, ON_CITY_A);
  const withHashes =
    publicTx === 'RenewLicence'
      ? publicReq
      : { ...publicReq, privateDataHash: staged.privateDataHash, claimHashes: staged.claimHashes };
  return session.submit<T>(CC, publicTx, withHashes);
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const salt = () => randomBytes(32).toString('hex');
const saltedHash = (s: string, value: string) => sha256(`${s}|${value}`);

/** Canonical JSON as the README defines it: no whitespace, object keys sorted (default sort) at every level. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

// ---- what the enterprise's portal prepares (clear values stay off the public ledger)

// personal values come from the one registry the privacy scan searches for (@govledger/fixtures)
const holder = enterpriseHolder(0, run);
const claims: Record<string, { value: string; salt: string }> = {
  companyName: { value: `Riverside Fresh Foods ${run}`, salt: salt() },
  registeredCapital: { value: '5000000.00', salt: salt() },
  businessScope: { value: `Wholesale and retail of prepackaged food (${run})`, salt: salt() },
};
const licencePrivate = { holder, claims, salt: salt() };
const recordJson = canonical(licencePrivate);
const privateDataHash = sha256(Buffer.from(recordJson, 'utf8'));
const claimHashes = Object.fromEntries(
  Object.entries(claims).map(([name, c]) => [name, saltedHash(c.salt, c.value)]),
);
const documentHash = sha256(`%PDF-1.7 food business licence ${APP_ID}`);

/** Every string that must never show up in a public record: personal data, clear claims, salts. */
const secrets = [
  ...Object.values(holder),
  ...Object.values(claims).flatMap((c) => [c.value, c.salt]),
  licencePrivate.salt,
];
/** Every result of a public query or public transaction, checked for secrets at the end. */
const publicResults: { what: string; result: unknown }[] = [];
function seen<T>(what: string, result: T): T {
  publicResults.push({ what, result });
  return result;
}

// ---- wire types (chaincode/e-licence/README.md)

interface LicenceType {
  code: string;
  name: string;
  ownerMsp: string;
  dept: string;
  holderKind: string;
  claims: string[];
  requiredApprovals: string[];
  status: string;
  revision: number;
}

type TimelineEntry =
  | { event: 'submitted'; at: string }
  | { event: 'approved'; at: string; dept: string; by: string }
  | { event: 'rejected'; at: string; dept: string; by: string; reasonCode: string; reason: string }
  | { event: 'issued'; at: string; licenceId: string };

interface ApplicationView {
  applicationId: string;
  typeCode: string;
  ownerMsp: string;
  applicant: { mspId: string; pid: string };
  holderKind: string;
  requiredDepts: string[];
  claimHashes: Record<string, string>;
  privateDataHash: string;
  privateCollection: string;
  status: 'pending' | 'issued' | 'rejected';
  submittedAt: string;
  closedAt: string | null;
  licenceId: string | null;
  timeline: TimelineEntry[];
  approvedDepts: string[];
  pendingDepts: string[];
  elapsedMs: number;
}

interface Licence {
  licenceId: string;
  typeCode: string;
  holder: { mspId: string; pid: string };
  holderKind: string;
  issuerMsp: string;
  issuerDept: string;
  issuedAt: string;
  validFrom: string;
  validUntil: string | null;
  status: 'active' | 'suspended' | 'revoked';
  version: number;
  documentHash: string;
  claimHashes: Record<string, string>;
  privateDataHash: string;
  privateCollection: string;
  applicationId: string | null;
  revocation: { reasonCode: string; at: string; note: string | null } | null;
  suspension: { reasonCode: string; at: string; note: string | null } | null;
  lastChange: { action: string; at: string; by: string; reasonCode: string | null; note: string | null };
  effectiveStatus?: string;
}

interface ApprovalResult {
  application: ApplicationView;
  licence: Licence | null;
}

interface VerifyResult {
  licenceId: string;
  found: boolean;
  status: string;
  valid: boolean;
  type: { code: string; name: string | null; ownerMsp: string | null } | null;
  issuer: { mspId: string; dept: string } | null;
  holder: { mspId: string; pid: string } | null;
  revocation: { reasonCode: string; at: string } | null;
  recognition: { org: string; recognised: boolean; basis: string; localTypeCode: string | null } | null;
  documentHashMatch: boolean | null;
  claims: { name: string; known: boolean; match: boolean }[];
  privateDataMatch: boolean | null;
  privateDataOnChain: boolean | null;
}

interface Page<T> {
  records: T[];
  bookmark: string;
  fetched: number;
}

interface History {
  licenceId: string;
  entries: { txId: string; timestamp: string; isDelete: boolean; licence: Licence | null }[];
}

// ---- sessions

const session: Record<string, UserSession> = {};
const as = (name: string) => session[name] as UserSession;
let issuedLicence: Licence;
let issuingTxId: string;

async function application(who: string): Promise<ApplicationView> {
  return seen(
    `GetApplication by ${who}`,
    await as(who).evaluate<ApplicationView>(CC, 'GetApplication', { applicationId: APP_ID }),
  );
}

async function verify(who: string, request: Record<string, unknown>): Promise<VerifyResult> {
  return seen(
    `VerifyLicence by ${who}`,
    await as(who).evaluate<VerifyResult>(CC, 'VerifyLicence', { licenceId: APP_ID, ...request }),
  );
}

/** Reads every page of a paginated query. */
async function allPages<T>(who: string, fn: string, request: Record<string, unknown>): Promise<T[]> {
  const records: T[] = [];
  let bookmark = '';
  for (let i = 0; i < 100; i++) {
    const page = seen(
      `${fn} by ${who}`,
      await as(who).evaluate<Page<T>>(CC, fn, { ...request, pageSize: 200, bookmark }),
    );
    records.push(...page.records);
    bookmark = page.bookmark;
    if (bookmark === '') return records;
  }
  throw new Error(`${fn} did not reach its last page`);
}

beforeAll(() => {
  for (const name of [
    'admin-a',
    'admin-b',
    'enterprise-a1',
    'approver-market-a',
    'approver-fire-a',
    'approver-env-a',
    'officer-social-a',
    'issuer-a',
    'issuer-b',
    'auditor-audit',
  ]) {
    session[name] = actAs(name);
  }
});

afterAll(() => closeAll());

describe('a licence issued by City A through parallel approvals, trusted and checked by City B', () => {
  it('City A defines the type, City B recognises it as its own equivalent type', async () => {
    const typeA = seen(
      'CreateLicenceType A',
      await as('admin-a').submit<LicenceType>(
        CC,
        'CreateLicenceType',
        eLicence.foodBusinessLicenceType(TYPE_A, Object.keys(claims), REQUIRED),
      ),
    );
    expect(typeA).toMatchObject({
      code: TYPE_A,
      ownerMsp: 'CityAMSP',
      dept: 'market',
      holderKind: 'enterprise',
      claims: Object.keys(claims),
      requiredApprovals: REQUIRED,
      status: 'active',
      revision: 1,
    });

    const typeB = seen(
      'CreateLicenceType B',
      await as('admin-b').submit<LicenceType>(
        CC,
        'CreateLicenceType',
        eLicence.foodOperationPermitType(TYPE_B, ['companyName', 'businessScope']),
      ),
    );
    expect(typeB).toMatchObject({ code: TYPE_B, ownerMsp: 'CityBMSP', status: 'active' });

    // City B may only recognise with a type of its own
    const notOwn = await refused(
      as('admin-b').submit(CC, 'RecordRecognition', { localTypeCode: TYPE_A, foreignTypeCode: TYPE_B }),
    );
    expect(notOwn).toMatchObject({ code: 'NOT_TYPE_OWNER', status: 403 });

    const recognition = seen(
      'RecordRecognition',
      await as('admin-b').submit<Record<string, unknown>>(CC, 'RecordRecognition', {
        localTypeCode: TYPE_B,
        foreignTypeCode: TYPE_A,
      }),
    );
    expect(recognition).toMatchObject({
      recognizerMsp: 'CityBMSP',
      foreignTypeCode: TYPE_A,
      foreignOwnerMsp: 'CityAMSP',
      localTypeCode: TYPE_B,
      status: 'active',
      withdrawnAt: null,
    });
    const listed = await allPages<{ foreignTypeCode: string; localTypeCode: string }>(
      'issuer-a',
      'ListRecognitions',
      { recognizerMsp: 'CityBMSP' },
    );
    expect(listed.filter((r) => r.foreignTypeCode === TYPE_A)).toEqual([
      expect.objectContaining({ localTypeCode: TYPE_B, status: 'active' }),
    ]);
  });

  it('the enterprise submits one application; only hashes of its data are public', async () => {
    const pid = as('enterprise-a1').pid as string;
    expect(pid).toMatch(/^[0-9a-f]{32,128}$/);
    const submitted = seen(
      'SubmitApplication',
      await stagedWrite<ApplicationView>(
        as('enterprise-a1'),
        'StageApplicationPrivateData',
        { applicationId: APP_ID, typeCode: TYPE_A },
        { licencePrivate },
        'SubmitApplication',
        { applicationId: APP_ID, typeCode: TYPE_A },
      ),
    );
    expect(submitted).toMatchObject({
      applicationId: APP_ID,
      typeCode: TYPE_A,
      ownerMsp: 'CityAMSP',
      applicant: { mspId: 'CityAMSP', pid },
      holderKind: 'enterprise',
      requiredDepts: REQUIRED,
      claimHashes,
      privateDataHash,
      privateCollection: 'licencePrivate_CityAMSP',
      status: 'pending',
      closedAt: null,
      licenceId: null,
      approvedDepts: [],
      pendingDepts: REQUIRED,
    });
    expect(submitted.timeline).toEqual([{ event: 'submitted', at: submitted.submittedAt }]);

    // City B reads the same public application
    const fromB = await application('admin-b');
    expect(fromB).toMatchObject({ status: 'pending', privateDataHash, pendingDepts: REQUIRED });
  });

  it('the departments approve in their own order; refusals write nothing', async () => {
    const approve = (who: string, withHash = true) =>
      as(who).submit<ApprovalResult>(CC, 'ApproveApplication', {
        applicationId: APP_ID,
        ...(withHash ? { documentHash } : {}),
      });

    // fire first (no document hash needed: it does not complete the application)
    const fire = seen('ApproveApplication fire', await approve('approver-fire-a', false));
    expect(fire.licence).toBeNull();
    expect(fire.application).toMatchObject({
      status: 'pending',
      approvedDepts: ['fire'],
      pendingDepts: ['market', 'environment'],
    });
    expect(fire.application.timeline[1]).toMatchObject({ event: 'approved', dept: 'fire' });

    // the same department cannot approve twice
    const twice = await refused(approve('approver-fire-a'));
    expect(twice).toMatchObject({ code: 'ALREADY_DECIDED', status: 409 });

    // an official of a department the application does not require (social) cannot approve.
    // The demo identities have approvers only for market, fire and environment, so the refusal
    // comes from the role check (FORBIDDEN) before the department check (DEPT_NOT_REQUIRED).
    const notRequired = await refused(approve('officer-social-a'));
    expect(notRequired).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    // nor can City A's issuer, who is of a required department but no approver
    expect(await refused(approve('issuer-a'))).toMatchObject({ code: 'FORBIDDEN', status: 403 });

    const env = seen('ApproveApplication environment', await approve('approver-env-a'));
    expect(env.licence).toBeNull();
    expect(env.application).toMatchObject({
      status: 'pending',
      approvedDepts: ['fire', 'environment'],
      pendingDepts: ['market'],
    });

    // the completing approval must carry the licence document's hash
    const noHash = await refused(approve('approver-market-a', false));
    expect(noHash).toMatchObject({ code: 'DOCUMENT_HASH_REQUIRED', status: 400 });

    const pending = await application('issuer-b');
    expect(pending.status).toBe('pending');
    expect(pending.timeline.map((e) => e.event)).toEqual(['submitted', 'approved', 'approved']);
    expect(pending.timeline).toEqual([
      { event: 'submitted', at: pending.submittedAt },
      expect.objectContaining({ event: 'approved', dept: 'fire' }),
      expect.objectContaining({ event: 'approved', dept: 'environment' }),
    ]);
    const by = pending.timeline.flatMap((e) => (e.event === 'approved' ? [e.by] : []));
    expect(by[0]).toContain('CN=approver-fire-a');
    expect(by[1]).toContain('CN=approver-env-a');
  });

  it('the last approval issues the licence in the same transaction', async () => {
    const submitted = await as('approver-market-a')
      .contract(CC)
      .submitAsync('ApproveApplication', {
        arguments: [JSON.stringify({ applicationId: APP_ID, documentHash })],
      });
    const result = seen(
      'ApproveApplication market',
      JSON.parse(Buffer.from(submitted.getResult()).toString('utf8')) as ApprovalResult,
    );
    const status = await submitted.getStatus();
    expect(status.successful).toBe(true);
    issuingTxId = submitted.getTransactionId();

    const pid = as('enterprise-a1').pid as string;
    expect(result.licence).not.toBeNull();
    issuedLicence = result.licence as Licence;
    expect(issuedLicence).toMatchObject({
      licenceId: APP_ID,
      typeCode: TYPE_A,
      holder: { mspId: 'CityAMSP', pid },
      holderKind: 'enterprise',
      issuerMsp: 'CityAMSP',
      issuerDept: 'market',
      status: 'active',
      version: 1,
      documentHash,
      claimHashes,
      privateDataHash,
      privateCollection: 'licencePrivate_CityAMSP',
      applicationId: APP_ID,
      revocation: null,
      suspension: null,
    });
    expect(issuedLicence.lastChange).toMatchObject({ action: 'issued' });
    expect(issuedLicence.lastChange.by).toContain('CN=approver-market-a');
    expect(issuedLicence.validFrom).toBe(issuedLicence.issuedAt);
    expect(Date.parse(issuedLicence.validUntil as string) - Date.parse(issuedLicence.validFrom)).toBe(
      365 * DAY_MS,
    );

    const app = result.application;
    expect(app).toMatchObject({
      status: 'issued',
      licenceId: APP_ID,
      approvedDepts: ['fire', 'environment', 'market'],
      pendingDepts: [],
    });
    const at = issuedLicence.issuedAt;
    expect(app.closedAt).toBe(at);
    expect(app.timeline).toEqual([
      { event: 'submitted', at: app.submittedAt },
      expect.objectContaining({ event: 'approved', dept: 'fire' }),
      expect.objectContaining({ event: 'approved', dept: 'environment' }),
      expect.objectContaining({ event: 'approved', dept: 'market', at }),
      { event: 'issued', at, licenceId: APP_ID },
    ]);
    expect(app.elapsedMs).toBe(Date.parse(at) - Date.parse(app.submittedAt));
    expect(app.elapsedMs).toBeGreaterThan(0);

    // the licence key was written by the approval's own transaction, once
    const history = seen(
      'GetLicenceHistory',
      await as('admin-b').evaluate<History>(CC, 'GetLicenceHistory', { licenceId: APP_ID }),
    );
    expect(history.entries).toHaveLength(1);
    expect(history.entries[0]).toMatchObject({ txId: issuingTxId, isDelete: false });

    // a closed application takes no more decisions
    const closed = await refused(
      as('approver-fire-a').submit(CC, 'ApproveApplication', { applicationId: APP_ID, documentHash }),
    );
    expect(closed).toMatchObject({ code: 'APPLICATION_CLOSED', status: 409 });
    expect((await application('admin-a')).timeline).toHaveLength(5);

    // the queries find it
    const byType = await allPages<Licence>('admin-b', 'ListLicencesByTypeAndStatus', {
      typeCode: TYPE_A,
      status: 'active',
    });
    expect(byType.map((l) => l.licenceId)).toEqual([APP_ID]);
    const byHolder = await allPages<Licence>('admin-b', 'ListLicencesByHolder', {
      holder: { mspId: 'CityAMSP', pid },
    });
    expect(byHolder.filter((l) => l.licenceId === APP_ID)).toEqual([
      expect.objectContaining({ typeCode: TYPE_A, effectiveStatus: 'valid' }),
    ]);
  });

  it('City A keeps the personal data in its collection, byte for byte as the README defines it', async () => {
    for (const who of ['issuer-a', 'enterprise-a1']) {
      const mine = await as(who).evaluate<{ recordJson: string; privateDataHash: string; record: unknown }>(
        CC,
        'GetLicencePrivateData',
        { licenceId: APP_ID },
        ON_CITY_A,
      );
      expect(mine.recordJson).toBe(recordJson);
      expect(mine.record).toEqual(licencePrivate);
      expect(mine.privateDataHash).toBe(privateDataHash);
    }
  });

  it('City B verifies it: valid, recognised as its own type, with selectively disclosed claims', async () => {
    const capital = { name: 'registeredCapital', ...claims.registeredCapital };
    const v = await verify('issuer-b', { documentHash, claims: [capital] });
    expect(v).toMatchObject({
      licenceId: APP_ID,
      found: true,
      status: 'valid',
      valid: true,
      type: { code: TYPE_A, name: 'Food business licence (City A)', ownerMsp: 'CityAMSP' },
      issuer: { mspId: 'CityAMSP', dept: 'market' },
      holder: { mspId: 'CityAMSP', pid: as('enterprise-a1').pid },
      revocation: null,
      recognition: { org: 'CityBMSP', recognised: true, basis: 'mutual-recognition', localTypeCode: TYPE_B },
      documentHashMatch: true,
      claims: [{ name: 'registeredCapital', known: true, match: true }],
      privateDataMatch: null,
    });

    // two claims disclosed, one with a wrong value; a claim the licence does not have
    const mixed = await verify('admin-b', {
      claims: [
        { name: 'companyName', ...claims.companyName },
        { ...capital, value: '50000000.00' },
        { name: 'foodSafetyGrade', value: 'A', salt: salt() },
      ],
    });
    expect(mixed.status).toBe('valid');
    expect(mixed.valid).toBe(false);
    expect(mixed.claims).toEqual([
      { name: 'companyName', known: true, match: true },
      { name: 'registeredCapital', known: true, match: false },
      { name: 'foodSafetyGrade', known: false, match: false },
    ]);
    // the right value with another salt does not match either
    const wrongSalt = await verify('admin-b', { claims: [{ ...capital, salt: salt() }] });
    expect(wrongSalt.claims).toEqual([{ name: 'registeredCapital', known: true, match: false }]);

    // a tampered document
    const tampered = await verify('issuer-b', {
      documentHash: sha256(`%PDF-1.7 food business licence ${APP_ID} (edited)`),
    });
    expect(tampered).toMatchObject({ status: 'valid', valid: false, documentHashMatch: false });

    // City A sees it as its own; the Audit Office, without a recognition, does not recognise it
    expect((await verify('admin-a', {})).recognition).toEqual({
      org: 'CityAMSP',
      recognised: true,
      basis: 'issuing-org',
      localTypeCode: TYPE_A,
    });
    const audit = await verify('auditor-audit', { documentHash });
    expect(audit).toMatchObject({ status: 'valid', valid: true, documentHashMatch: true });
    expect(audit.recognition).toEqual({
      org: 'AuditMSP',
      recognised: false,
      basis: 'none',
      localTypeCode: null,
    });
  });

  it('City B checks the personal-data hash without being able to read the data', async () => {
    const ok = await verify('admin-b', { privateDataHash });
    expect(ok).toMatchObject({ valid: true, privateDataMatch: true, privateDataOnChain: true });

    // one changed character in the personal data gives another hash
    const altered = sha256(Buffer.from(recordJson.replace(holder.phone, '+86-21-5555-0198'), 'utf8'));
    const bad = await verify('admin-b', { privateDataHash: altered });
    expect(bad).toMatchObject({ valid: false, privateDataMatch: false, privateDataOnChain: true });

    const denied = await refused(as('admin-b').evaluate(CC, 'GetLicencePrivateData', { licenceId: APP_ID }));
    expect(denied).toMatchObject({ code: 'NOT_ISSUING_ORG', status: 403 });
    expect(JSON.stringify(denied)).not.toContain(holder.legalName);
  });

  it("City B cannot revoke or suspend City A's licence; nothing changes", async () => {
    for (const who of ['issuer-b', 'admin-b']) {
      const revoke = await refused(
        as(who).submit(CC, 'RevokeLicence', { licenceId: APP_ID, reasonCode: 'FRAUD', note: 'not ours' }),
      );
      expect(revoke).toMatchObject({ code: 'NOT_ISSUING_ORG', status: 403 });
      const suspend = await refused(
        as(who).submit(CC, 'SuspendLicence', { licenceId: APP_ID, reasonCode: 'INVESTIGATION' }),
      );
      expect(suspend).toMatchObject({ code: 'NOT_ISSUING_ORG', status: 403 });
    }
    const unchanged = seen(
      'GetLicence',
      await as('issuer-b').evaluate<Licence>(CC, 'GetLicence', { licenceId: APP_ID }),
    );
    expect(unchanged).toMatchObject({
      status: 'active',
      version: 1,
      effectiveStatus: 'valid',
      revocation: null,
    });
    expect(unchanged.lastChange.action).toBe('issued');
  });

  it('City A revokes it with a reason code, and City B then sees it revoked', async () => {
    const revoked = seen(
      'RevokeLicence',
      await as('issuer-a').submit<Licence>(CC, 'RevokeLicence', {
        licenceId: APP_ID,
        reasonCode: 'NON_COMPLIANCE',
        note: 'failed the follow-up hygiene inspection',
      }),
    );
    expect(revoked).toMatchObject({
      licenceId: APP_ID,
      status: 'revoked',
      version: 1,
      revocation: { reasonCode: 'NON_COMPLIANCE', note: 'failed the follow-up hygiene inspection' },
      lastChange: { action: 'revoked', reasonCode: 'NON_COMPLIANCE' },
    });
    expect(revoked.lastChange.by).toContain('CN=issuer-a');

    const twice = await refused(
      as('issuer-a').submit(CC, 'RevokeLicence', { licenceId: APP_ID, reasonCode: 'FRAUD' }),
    );
    expect(twice).toMatchObject({ code: 'LICENCE_REVOKED', status: 409 });

    const v = await verify('issuer-b', {
      documentHash,
      claims: [{ name: 'registeredCapital', ...claims.registeredCapital }],
    });
    expect(v).toMatchObject({
      found: true,
      status: 'revoked',
      valid: false,
      documentHashMatch: true,
      claims: [{ name: 'registeredCapital', known: true, match: true }],
      revocation: { reasonCode: 'NON_COMPLIANCE', at: revoked.revocation?.at },
      recognition: { recognised: true, basis: 'mutual-recognition', localTypeCode: TYPE_B },
    });

    const fromB = seen(
      'GetLicence after revoke',
      await as('admin-b').evaluate<Licence>(CC, 'GetLicence', { licenceId: APP_ID }),
    );
    expect(fromB).toMatchObject({ status: 'revoked', effectiveStatus: 'revoked' });

    const revokedList = await allPages<Licence>('admin-b', 'ListLicencesByTypeAndStatus', {
      typeCode: TYPE_A,
      status: 'revoked',
    });
    expect(revokedList.map((l) => l.licenceId)).toEqual([APP_ID]);

    // after revocation City B still cannot touch it
    const late = await refused(
      as('issuer-b').submit(CC, 'SuspendLicence', { licenceId: APP_ID, reasonCode: 'OTHER' }),
    );
    expect(late).toMatchObject({ code: 'NOT_ISSUING_ORG', status: 403 });

    // the full history, oldest first (README: GetLicenceHistory)
    const history = seen(
      'GetLicenceHistory after revoke',
      await as('admin-b').evaluate<History>(CC, 'GetLicenceHistory', { licenceId: APP_ID }),
    );
    expect(history.entries.map((e) => e.licence?.status)).toEqual(['active', 'revoked']);
    expect(history.entries[0]?.txId).toBe(issuingTxId);
  });

  it('lists no active licence of the type after the revocation (an empty page)', async () => {
    const page = seen(
      'ListLicencesByTypeAndStatus (empty)',
      await as('admin-b').evaluate<Page<Licence>>(CC, 'ListLicencesByTypeAndStatus', {
        typeCode: TYPE_A,
        status: 'active',
      }),
    );
    expect(page).toEqual({ records: [], bookmark: '', fetched: 0 });
  });

  it('no personal data, clear claim or salt appears in any public result', () => {
    expect(publicResults.length).toBeGreaterThan(20);
    for (const { what, result } of publicResults) {
      const text = JSON.stringify(result);
      for (const secret of secrets) {
        if (text.includes(secret)) throw new Error(`${what} reveals "${secret}"`);
      }
    }
  });
});

describe("transactions on City A's licence collection are endorsed on City A's peer", () => {
  const PERMIT = `A-PERMIT-${run}`;
  const BURST = 20;
  const permitPrivate = (n: string) => ({
    holder: { legalName: `Burst Trading ${run} ${n}` },
    claims: { permitClass: { value: `class-${n}`, salt: salt() } },
    salt: salt(),
  });
  const issueRequest = (licenceId: string) => ({
    licenceId,
    typeCode: PERMIT,
    holder: { mspId: 'CityAMSP', pid: as('enterprise-a1').pid as string },
    documentHash: sha256(`%PDF-1.7 permit ${licenceId}`),
  });

  beforeAll(async () => {
    await as('admin-a').submit(CC, 'CreateLicenceType', {
      code: PERMIT,
      name: 'Market stall permit (City A)',
      dept: 'market',
      holderKind: 'enterprise',
      validity: { kind: 'permanent' },
      claims: ['permitClass'],
      requiredApprovals: [],
    });
    // the commit is reported once City A's peer has the block; City B's peer must have it too
    // before a staging forced onto it can be refused for the peer rather than an unknown type
    for (let tries = 0; ; tries++) {
      const found = await as('admin-b')
        .evaluate(CC, 'GetLicenceType', { code: PERMIT })
        .then(() => true)
        .catch(() => false);
      if (found) break;
      if (tries >= 100) throw new Error(`City B's peer never saw licence type ${PERMIT}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  it("refuses a City A staging forced onto City B's peer, and writes nothing", async () => {
    const licenceId = `PERMIT-FORCED-${run}`;
    const forced = await refused(
      as('issuer-a').submit(
        CC,
        'StageLicencePrivateData',
        { purpose: 'issue', licenceId, typeCode: PERMIT },
        { licencePrivate: permitPrivate('forced') },
        {
          endorsingOrganizations: ['CityBMSP'],
        },
      ),
    );
    expect(forced).toMatchObject({ code: 'ENDORSER_NOT_COLLECTION_MEMBER', status: 403 });
    expect(forced.message).toContain('licencePrivate_CityAMSP');

    // the public step with a hash nobody staged: every endorser checks it and refuses
    const unstaged = await refused(
      as('issuer-a').submit(CC, 'IssueLicence', {
        ...issueRequest(licenceId),
        privateDataHash: sha256(`never staged ${run}`),
        claimHashes: { permitClass: sha256(`never staged ${run}`) },
      }),
    );
    expect(unstaged).toMatchObject({ code: 'PRIVATE_DATA_HASH_MISMATCH', status: 409 });

    const missing = await refused(as('issuer-a').evaluate(CC, 'GetLicence', { licenceId }));
    expect(missing).toMatchObject({ code: 'LICENCE_NOT_FOUND', status: 404 });
    const fromB = await as('admin-b').evaluate<VerifyResult>(CC, 'VerifyLicence', { licenceId });
    expect(fromB).toMatchObject({ found: false, status: 'unknown' });
  });

  it(`commits a burst of ${BURST} concurrent issuances, each private record readable at once on City A's peer`, async () => {
    const issues = Array.from({ length: BURST }, (_, i) => {
      const licenceId = `PERMIT-${run}-${String(i).padStart(2, '0')}`;
      return { licenceId, licencePrivate: permitPrivate(String(i)) };
    });
    const issued = await Promise.all(
      issues.map(({ licenceId, licencePrivate: record }) =>
        stagedWrite<Licence>(
          as('issuer-a'),
          'StageLicencePrivateData',
          { purpose: 'issue', licenceId, typeCode: PERMIT },
          { licencePrivate: record },
          'IssueLicence',
          issueRequest(licenceId),
        ),
      ),
    );
    expect(issued.map((l) => l.licenceId)).toEqual(issues.map((i) => i.licenceId));

    for (const [i, { licenceId, licencePrivate: record }] of issues.entries()) {
      const expectedJson = canonical(record);
      const hash = sha256(Buffer.from(expectedJson, 'utf8'));
      expect(issued[i]).toMatchObject({
        status: 'active',
        privateDataHash: hash,
        privateCollection: 'licencePrivate_CityAMSP',
      });
      const mine = await as('issuer-a').evaluate<{ recordJson: string; privateDataHash: string }>(
        CC,
        'GetLicencePrivateData',
        { licenceId },
        ON_CITY_A,
      );
      expect(mine).toMatchObject({ recordJson: expectedJson, privateDataHash: hash });
    }

    // City B's peer holds the hashes of those private records (not the data) and vouches for them
    const last = issues[BURST - 1] as (typeof issues)[number];
    const v = await as('admin-b').evaluate<VerifyResult>(CC, 'VerifyLicence', {
      licenceId: last.licenceId,
      privateDataHash: sha256(Buffer.from(canonical(last.licencePrivate), 'utf8')),
    });
    expect(v).toMatchObject({ valid: true, privateDataMatch: true, privateDataOnChain: true });
  });
});
