/**
 * Alerts: early warnings recorded by the transaction that caused them, read and
 * handled by auditors (open -> acknowledged -> resolved, each with a note).
 */
import type { Context } from 'fabric-contract-api';
import {
  deleteIndex,
  emitEvent,
  getCaller,
  mustReadJson,
  newestFirst,
  requireRole,
  txTimeIso,
  writeIndex,
  writeJson,
} from '@govledger/chaincode-common';
import { actorOf, requireAlertReader } from './access';
import { conflictWith, FundErrorCode } from './errors';
import type { Alert, AlertSummary, RecordRef, RuleId } from './model';
import { loadProgram } from './program';
import type { AlertNoteInput, GetAlertInput, ListAlertsInput } from './schemas';
import { ObjectType, key, readIndexPage } from './state';

/** A rule's finding, before it becomes an alert or a refusal. */
export interface Violation {
  rule: RuleId;
  message: string;
  records: RecordRef[];
  details: Record<string, string | number>;
}

/** Severity of each rule's alerts. */
export const SEVERITY: Record<RuleId, Alert['severity']> = {
  category: 'high',
  recipientCap: 'high',
  splitPayment: 'medium',
  afterEnd: 'medium',
  unspent: 'low',
};

/** Reads an alert or refuses with ALERT_NOT_FOUND. */
export async function loadAlert(ctx: Context, alertId: string): Promise<Alert> {
  return mustReadJson<Alert>(
    ctx,
    key(ctx, ObjectType.alert, alertId),
    `alert ${alertId}`,
    FundErrorCode.AlertNotFound,
  );
}

function sortTime(alert: Pick<Alert, 'raisedAt'>): string {
  return newestFirst(Date.parse(alert.raisedAt));
}

/**
 * Records one open alert per violation, with its indexes, and returns their
 * summaries for the transaction's event. Alert ids are derived from the tx id.
 */
export async function raiseAlerts(
  ctx: Context,
  programId: string,
  violations: readonly Violation[],
): Promise<AlertSummary[]> {
  const txId = ctx.stub.getTxID();
  const raisedAt = txTimeIso(ctx);
  const summaries: AlertSummary[] = [];
  for (const [i, v] of violations.entries()) {
    const alert: Alert = {
      alertId: `${txId}.${i}`,
      programId,
      rule: v.rule,
      severity: SEVERITY[v.rule],
      status: 'open',
      message: v.message,
      records: v.records,
      details: v.details,
      raisedAt,
      txId,
      history: [],
    };
    const t = sortTime(alert);
    await writeJson(ctx, key(ctx, ObjectType.alert, alert.alertId), alert);
    await writeIndex(ctx, ObjectType.alertByProgram, programId, t, alert.alertId);
    await writeIndex(
      ctx,
      ObjectType.alertByStatus,
      programId,
      alert.status,
      alert.severity,
      t,
      alert.alertId,
    );
    await writeIndex(ctx, ObjectType.alertBySeverity, programId, alert.severity, t, alert.alertId);
    for (const r of v.records) await writeIndex(ctx, ObjectType.alertByRecord, r.kind, r.id, alert.alertId);
    summaries.push({
      alertId: alert.alertId,
      rule: alert.rule,
      severity: alert.severity,
      records: alert.records,
    });
  }
  return summaries;
}

const NEXT: Record<'acknowledged' | 'resolved', readonly Alert['status'][]> = {
  acknowledged: ['open'],
  resolved: ['open', 'acknowledged'],
};

/** AcknowledgeAlert / ResolveAlert: an auditor moves an alert on, with a note. */
export async function changeAlertStatus(
  ctx: Context,
  req: AlertNoteInput,
  status: 'acknowledged' | 'resolved',
): Promise<Alert> {
  const caller = getCaller(ctx);
  requireRole(caller, 'auditor');
  const alert = await loadAlert(ctx, req.alertId);
  if (!NEXT[status].includes(alert.status)) {
    throw conflictWith(
      FundErrorCode.AlertStateConflict,
      `alert ${alert.alertId} is ${alert.status}; it cannot become ${status}`,
    );
  }
  const at = txTimeIso(ctx);
  const t = sortTime(alert);
  const updated: Alert = {
    ...alert,
    status,
    history: [...alert.history, { status, at, by: actorOf(caller), note: req.note }],
  };
  await writeJson(ctx, key(ctx, ObjectType.alert, alert.alertId), updated);
  await deleteIndex(
    ctx,
    ObjectType.alertByStatus,
    alert.programId,
    alert.status,
    alert.severity,
    t,
    alert.alertId,
  );
  await writeIndex(ctx, ObjectType.alertByStatus, alert.programId, status, alert.severity, t, alert.alertId);
  emitEvent(ctx, 'AlertStatusChanged', {
    alertId: alert.alertId,
    programId: alert.programId,
    rule: alert.rule,
    severity: alert.severity,
    status,
    previousStatus: alert.status,
    by: { mspId: caller.mspId },
  });
  return updated;
}

/** GetAlert: auditors and the owning finance department. */
export async function getAlert(ctx: Context, req: GetAlertInput): Promise<Alert> {
  const alert = await loadAlert(ctx, req.alertId);
  requireAlertReader(getCaller(ctx), await loadProgram(ctx, alert.programId));
  return alert;
}

/** ListAlerts: a program's alerts, newest first within the chosen index, by status and/or severity. */
export async function listAlerts(
  ctx: Context,
  req: ListAlertsInput,
): Promise<{ records: Alert[]; bookmark: string }> {
  requireAlertReader(getCaller(ctx), await loadProgram(ctx, req.programId));
  let objectType: string = ObjectType.alertByProgram;
  let attrs = [req.programId];
  if (req.status !== undefined) {
    objectType = ObjectType.alertByStatus;
    attrs =
      req.severity !== undefined ? [req.programId, req.status, req.severity] : [req.programId, req.status];
  } else if (req.severity !== undefined) {
    objectType = ObjectType.alertBySeverity;
    attrs = [req.programId, req.severity];
  }
  const page = await readIndexPage(ctx, objectType, attrs, req.pageSize, req.bookmark);
  const records: Alert[] = [];
  for (const k of page.keys) records.push(await loadAlert(ctx, k[k.length - 1] as string));
  return { records, bookmark: page.bookmark };
}
