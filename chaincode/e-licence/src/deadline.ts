/**
 * Decision deadlines and overdue warnings. A licence type gives some of its
 * required departments a deadline (`decisionDeadlines`, seconds from
 * submission); the application fixes each due date at submission (a later
 * change of the type moves none) and indexes every pending decision that has
 * one under `applicationDue`, oldest due date first. A decision, or the
 * application closing, removes the entry.
 *
 * RaiseOverdueWarnings (the gateway's scheduler calls it) walks that index up
 * to the transaction time and raises one warning per application and
 * department, ever: the warning key `overdueWarning` (ownerMsp, dept,
 * applicationId) is written once and its due entry removed, so a second sweep
 * finds nothing to do. Elapsed and remaining times are computed, never stored:
 * from the transaction time in the chaincode, so reads stay deterministic.
 */
import type { Context } from 'fabric-contract-api';
import {
  compositeKey,
  deleteIndex,
  emitEvent,
  forbidden,
  getCaller,
  hasRole,
  keyExists,
  oldestFirst,
  protectRecord,
  readPage,
  readJson,
  txTimeIso,
  txTimeMs,
  writeIndex,
  writeJson,
  type Page,
} from '@govledger/chaincode-common';
import { eLicence } from '@govledger/wire';
import { Role } from './authz';
import { ELicenceEvent, type Application, type LicenceType } from './model';
import { ObjectType, applicationKey } from './keys';

/** A due date fixed at submission. */
export type DueDate = eLicence.DueDate;
/** A pending department's deadline at a time. */
export type DeadlineProgress = eLicence.DeadlineProgress;
/** An overdue warning. */
export type OverdueWarning = eLicence.OverdueWarning;

/** The due dates of an application submitted at `submittedMs`, for its still-pending departments. */
export function dueDates(
  type: Pick<LicenceType, 'decisionDeadlines'>,
  pending: readonly string[],
  submittedMs: number,
): DueDate[] {
  return type.decisionDeadlines
    .filter((d) => pending.includes(d.dept))
    .map((d) => ({ dept: d.dept, dueAt: new Date(submittedMs + d.seconds * 1000).toISOString() }));
}

/** Elapsed and remaining time of each pending department with a deadline, at `nowMs`. */
export function deadlineProgress(
  app: Pick<Application, 'deadlines' | 'submittedAt'>,
  pending: readonly string[],
  nowMs: number,
): DeadlineProgress[] {
  const submittedMs = Date.parse(app.submittedAt);
  return (app.deadlines ?? [])
    .filter((d) => pending.includes(d.dept))
    .map((d) => {
      const dueMs = Date.parse(d.dueAt);
      return {
        dept: d.dept,
        dueAt: d.dueAt,
        elapsedMs: Math.max(0, nowMs - submittedMs),
        remainingMs: dueMs - nowMs,
        overdue: nowMs >= dueMs,
      };
    });
}

/** Indexes the pending decisions of an application that have a deadline. */
export async function indexDueDates(
  ctx: Context,
  applicationId: string,
  dates: readonly DueDate[],
): Promise<void> {
  for (const d of dates) {
    await writeIndex(ctx, ObjectType.ApplicationDue, oldestFirst(Date.parse(d.dueAt)), applicationId, d.dept);
  }
}

/** Removes the due entries of departments `depts` (decided, or the application closed). */
export async function clearDueDates(
  ctx: Context,
  app: Pick<Application, 'applicationId' | 'deadlines'>,
  depts: readonly string[],
): Promise<void> {
  for (const d of app.deadlines ?? []) {
    if (!depts.includes(d.dept)) continue;
    await deleteIndex(
      ctx,
      ObjectType.ApplicationDue,
      oldestFirst(Date.parse(d.dueAt)),
      app.applicationId,
      d.dept,
    );
  }
}

/** Key of the warning about `dept` of application `applicationId` of organisation `ownerMsp`. */
export function warningKey(ctx: Context, ownerMsp: string, dept: string, applicationId: string): string {
  return compositeKey(ctx, ObjectType.OverdueWarning, ownerMsp, dept, applicationId);
}

/** Officials who may run the sweep: an admin, auditor or approver of any organisation (403 otherwise). */
const SWEEP_ROLES = [Role.Admin, 'auditor', Role.Approver];

/**
 * Raises the overdue warnings due at the transaction time, oldest due date
 * first, at most `limit` (default 100); `more` when it stopped early.
 * Idempotent: an (application, department) pair is warned once, ever.
 */
export async function raiseOverdueWarnings(
  ctx: Context,
  req: eLicence.RaiseOverdueWarningsRequest,
): Promise<eLicence.OverdueSweepResult> {
  const caller = getCaller(ctx);
  if (!hasRole(caller, ...SWEEP_ROLES)) {
    throw forbidden(`only an ${SWEEP_ROLES.join(', ')} may raise overdue warnings`);
  }
  const limit = req.limit ?? eLicence.MAX_OVERDUE_SWEEP;
  const nowMs = txTimeMs(ctx);
  const raisedAt = txTimeIso(ctx);
  const raised: OverdueWarning[] = [];
  let more = false;
  const iterator = await ctx.stub.getStateByPartialCompositeKey(ObjectType.ApplicationDue, []);
  const due: string[][] = [];
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      const attrs = ctx.stub.splitCompositeKey(r.value.key).attributes;
      if (Number(attrs[0]) > nowMs) break;
      if (due.length >= limit) {
        more = true;
        break;
      }
      due.push(attrs);
    }
  } finally {
    await iterator.close();
  }
  for (const [dueSort, applicationId, dept] of due) {
    await deleteIndex(ctx, ObjectType.ApplicationDue, dueSort, applicationId, dept);
    const app = await readJson<Application>(ctx, applicationKey(ctx, applicationId));
    if (!app || app.status !== 'pending') continue;
    const decided = app.timeline.some(
      (e) => (e.event === 'approved' || e.event === 'auto-approved') && e.dept === dept,
    );
    if (decided) continue;
    const key = warningKey(ctx, app.ownerMsp, dept, applicationId);
    if (await keyExists(ctx, key)) continue;
    const warning: OverdueWarning = {
      applicationId,
      typeCode: app.typeCode,
      ownerMsp: app.ownerMsp,
      dept,
      applicant: app.applicant,
      dueAt: new Date(Number(dueSort)).toISOString(),
      raisedAt,
    };
    await writeJson(ctx, key, warning);
    await protectRecord(ctx, key, app.ownerMsp);
    raised.push(warning);
  }
  if (raised.length > 0) {
    emitEvent(ctx, ELicenceEvent.ApplicationsOverdue, {
      facts: [ELicenceEvent.ApplicationsOverdue],
      warnings: raised.map(({ raisedAt: _r, ...w }) => w),
    });
  }
  return { raised, more };
}

/**
 * Lists the overdue warnings of one deciding organisation (optionally one
 * department), paginated: an auditor of any organisation (supervision), an
 * admin of that organisation, or an approver of that organisation for its own
 * department; 403 for anyone else.
 */
export async function listOverdueWarnings(
  ctx: Context,
  req: eLicence.ListOverdueWarningsRequest,
): Promise<Page<OverdueWarning>> {
  const caller = getCaller(ctx);
  const own = caller.mspId === req.ownerMsp;
  const allowed =
    hasRole(caller, 'auditor') ||
    (own && hasRole(caller, Role.Admin)) ||
    (own && hasRole(caller, Role.Approver) && caller.dept !== undefined && req.dept === caller.dept);
  if (!allowed) {
    throw forbidden(
      `only an auditor, an admin of ${req.ownerMsp}, or its approvers for their own department (dept=${caller.dept ?? 'none'}) may list its overdue warnings`,
    );
  }
  const attrs = req.dept === undefined ? [req.ownerMsp] : [req.ownerMsp, req.dept];
  const page = await readPage<OverdueWarning>(
    ctx,
    ObjectType.OverdueWarning,
    attrs,
    req.pageSize,
    req.bookmark,
  );
  return { records: page.records.map((r) => r.value), bookmark: page.bookmark, fetched: page.fetched };
}
