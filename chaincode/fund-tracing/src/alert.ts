/**
 * Alerts: early warnings recorded by the transaction that caused them, read and
 * handled by auditors (open -> acknowledged -> resolved, each with a note).
 */
import type { Context } from 'fabric-contract-api';
import {
  deleteIndex,
  emitEvent,
  getCaller,
  newestFirst,
  protectRecord,
  readJson,
  requireRole,
  txTimeIso,
  writeIndex,
  writeJson,
} from '@govledger/chaincode-common';
import { actorOf, alertOwner, requireAuditorOf } from './authz';
import { errors } from './errors';
import { ObjectType, key } from './keys';
import type { Alert, AlertRule, AlertSummary, RecordRef } from './model';
import { loadProgram } from './program';
import { EventName, type AlertNoteRequest, type AlertRaisedEvent } from './schemas';

/** A rule's finding, before it becomes an alert or a refusal. */
export interface Violation {
  rule: AlertRule;
  message: string;
  records: RecordRef[];
  details: Record<string, string | number>;
}

/**
 * A violation and the organisation accountable for the records it is about (the alert's owner);
 * `attemptId` when it reports a refused attempt (then the alert is always high severity).
 */
export type OwnedViolation = Violation & { owner: string; attemptId?: string };

/** Severity of each rule's warnings (the alert of a refused attempt is always `high`). */
export const SEVERITY: Record<AlertRule, Alert['severity']> = {
  category: 'high',
  recipientCap: 'high',
  splitPayment: 'medium',
  afterEnd: 'medium',
  unspent: 'low',
  exceedsAllocation: 'high',
  unapprovedAccount: 'high',
};

/** The one event name of every alert, whatever raised it. */
export const ALERT_EVENT = EventName.AlertRaised;

/**
 * Emits the transaction's event: `AlertRaised` when it raised alerts (carrying the event it
 * would otherwise emit as `source`), else that event itself. Fabric keeps one event per
 * transaction, so this is the one place that chooses.
 */
export function emitWithAlerts(
  ctx: Context,
  programId: string,
  event: string,
  payload: unknown,
  alerts: readonly AlertSummary[],
): void {
  if (alerts.length === 0) {
    emitEvent(ctx, event, payload);
    return;
  }
  const raised: AlertRaisedEvent = { programId, alerts: [...alerts], source: { event, payload } };
  emitEvent(ctx, ALERT_EVENT, raised);
}

/** Reads an alert or refuses with ALERT_NOT_FOUND. */
export async function loadAlert(ctx: Context, alertId: string): Promise<Alert> {
  const alert = await readJson<Alert>(ctx, key(ctx, ObjectType.alert, alertId));
  if (alert === undefined) throw errors.alertNotFound(`alert ${alertId} does not exist`);
  return alert;
}

function sortTime(alert: Pick<Alert, 'raisedAt'>): string {
  return newestFirst(Date.parse(alert.raisedAt));
}

/**
 * Records one open alert per violation, with its indexes, and returns their
 * summaries for the transaction's event. Alert ids are derived from the tx id.
 * Each alert is protected for its owner: a later change needs a peer of the
 * owner and of one other organisation.
 */
export async function raiseAlerts(
  ctx: Context,
  programId: string,
  violations: readonly OwnedViolation[],
): Promise<AlertSummary[]> {
  const txId = ctx.stub.getTxID();
  const raisedAt = txTimeIso(ctx);
  const summaries: AlertSummary[] = [];
  for (const [i, v] of violations.entries()) {
    const alert: Alert = {
      alertId: `${txId}.${i}`,
      programId,
      rule: v.rule,
      severity: v.attemptId === undefined ? SEVERITY[v.rule] : 'high',
      status: 'open',
      message: v.message,
      records: v.records,
      details: v.details,
      raisedAt,
      txId,
      history: [],
      ownerMspId: v.owner,
    };
    if (v.attemptId !== undefined) alert.attemptId = v.attemptId;
    const t = sortTime(alert);
    const k = key(ctx, ObjectType.alert, alert.alertId);
    await writeJson(ctx, k, alert);
    await protectRecord(ctx, k, v.owner);
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

/**
 * AcknowledgeAlert / ResolveAlert: an auditor moves an alert on, with a note:
 * an auditor of the alert's organisation, or of an organisation that audits others.
 */
export async function changeAlertStatus(
  ctx: Context,
  req: AlertNoteRequest,
  status: 'acknowledged' | 'resolved',
): Promise<Alert> {
  const caller = getCaller(ctx);
  requireRole(caller, 'auditor');
  const alert = await loadAlert(ctx, req.alertId);
  const ownerMspId = alert.ownerMspId ?? alertOwner(alert, await loadProgram(ctx, alert.programId));
  requireAuditorOf(caller, ownerMspId);
  if (!NEXT[status].includes(alert.status)) {
    throw errors.alertStateConflict(`alert ${alert.alertId} is ${alert.status}; it cannot become ${status}`);
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
    ownerMspId,
    rule: alert.rule,
    severity: alert.severity,
    status,
    previousStatus: alert.status,
    by: { mspId: caller.mspId },
  });
  return updated;
}
