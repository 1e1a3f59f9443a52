import './support/quiet';
import { World, rules, spendRequest, who, type DisburseOut } from './support/world';

interface AlertOut {
  alertId: string;
  rule: string;
  severity: string;
  status: string;
  history: Array<{ status: string; note: string; by: { mspId: string } }>;
}
type Page = { records: AlertOut[]; bookmark: string };

/**
 * Alerts in the order raised: [0] category (Feb 2026), [1] recipientCap (Feb 2026),
 * [2] afterEnd + [3] recipientCap (Jan 2027), [4] category (Jun 2026).
 */
async function world(): Promise<{ w: World; ids: string[] }> {
  const w = new World();
  await w.setup({
    rules: rules({
      category: { mode: 'warn' },
      recipientCap: { mode: 'warn', cap: '1000' },
      afterEnd: { mode: 'warn' },
    }),
  });
  const ids: string[] = [];
  await w.disburse('D1', '1000');
  const s1 = await w.submit<DisburseOut>(
    who.enterpriseA1,
    'RecordSpend',
    spendRequest('S1', 'D1', '1', { category: 'x' }),
  );
  ids.push(...s1.alerts.map((a) => a.alertId));
  ids.push(...(await w.disburse('D2', '1')).alerts.map((a) => a.alertId));
  ids.push(...(await w.disburse('D3', '1', { time: '2027-01-05T00:00:00Z' })).alerts.map((a) => a.alertId));
  const s2 = await w.submit<DisburseOut>(
    who.enterpriseA1,
    'RecordSpend',
    spendRequest('S2', 'D1', '1', { category: 'y' }),
    {
      time: '2026-06-01T00:00:00Z',
    },
  );
  ids.push(...s2.alerts.map((a) => a.alertId));
  return { w, ids };
}

describe('AcknowledgeAlert / ResolveAlert', () => {
  it('lets an auditor acknowledge then resolve an alert, each with a note and an event', async () => {
    const { w, ids } = await world();
    const id = ids[0] as string;
    const ack = await w.submit<AlertOut>(who.auditorOffice, 'AcknowledgeAlert', {
      alertId: id,
      note: 'looking into it',
    });
    expect(ack).toMatchObject({
      status: 'acknowledged',
      history: [
        { status: 'acknowledged', note: 'looking into it', by: { mspId: 'AuditMSP', dept: 'audit' } },
      ],
    });
    expect(w.lastEvent()).toEqual({
      name: 'AlertStatusChanged',
      payload: {
        alertId: id,
        programId: 'P1',
        ownerMspId: 'CityAMSP',
        rule: 'category',
        severity: 'high',
        status: 'acknowledged',
        previousStatus: 'open',
        by: { mspId: 'AuditMSP' },
      },
    });
    const resolved = await w.submit<AlertOut>(who.auditorA, 'ResolveAlert', {
      alertId: id,
      note: 'invoice corrected',
    });
    expect(resolved.status).toBe('resolved');
    expect(resolved.history.map((h) => [h.status, h.note])).toEqual([
      ['acknowledged', 'looking into it'],
      ['resolved', 'invoice corrected'],
    ]);
    expect(await w.evaluate(who.auditorA, 'GetAlert', { alertId: id })).toEqual(resolved);
  });

  it('resolves an open alert directly; refuses changes the status does not allow', async () => {
    const { w, ids } = await world();
    const [a, b] = ids as [string, string];
    await w.submit(who.auditorA, 'ResolveAlert', { alertId: a, note: 'false positive' });
    for (const fn of ['AcknowledgeAlert', 'ResolveAlert'] as const) {
      expect(await w.refused(who.auditorA, fn, { alertId: a, note: 'again' })).toMatchObject({
        code: 'ALERT_STATE_CONFLICT',
        status: 409,
      });
    }
    await w.submit(who.auditorA, 'AcknowledgeAlert', { alertId: b, note: 'seen' });
    expect(
      await w.refused(who.auditorA, 'AcknowledgeAlert', { alertId: b, note: 'seen twice' }),
    ).toMatchObject({
      code: 'ALERT_STATE_CONFLICT',
    });
  });

  it('refuses non-auditors, unknown alerts and a missing note', async () => {
    const { w, ids } = await world();
    for (const identity of [who.financeA, who.housingA, who.enterpriseA1]) {
      expect(await w.refused(identity, 'AcknowledgeAlert', { alertId: ids[0], note: 'n' })).toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    }
    expect(await w.refused(who.auditorA, 'ResolveAlert', { alertId: 'nope', note: 'n' })).toMatchObject({
      code: 'ALERT_NOT_FOUND',
      status: 404,
    });
    expect(await w.refused(who.auditorA, 'ResolveAlert', { alertId: ids[0] })).toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(await w.refused(who.auditorA, 'ResolveAlert', { alertId: ids[0], note: '' })).toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('GetAlert / ListAlerts', () => {
  it('lets auditors of every organisation and the owning finance department read; nobody else', async () => {
    const { w, ids } = await world();
    for (const identity of [who.auditorA, who.auditorB, who.auditorOffice, who.financeA]) {
      await w.evaluate(identity, 'GetAlert', { alertId: ids[0] });
      await w.evaluate(identity, 'ListAlerts', { programId: 'P1' });
    }
    for (const identity of [who.financeB, who.housingA, who.enterpriseA1, who.adminA]) {
      expect(await w.queryRefused(identity, 'GetAlert', { alertId: ids[0] })).toMatchObject({
        code: 'FORBIDDEN',
      });
      expect(await w.queryRefused(identity, 'ListAlerts', { programId: 'P1' })).toMatchObject({
        code: 'FORBIDDEN',
      });
    }
    expect(await w.queryRefused(who.auditorA, 'GetAlert', { alertId: 'nope' })).toMatchObject({
      code: 'ALERT_NOT_FOUND',
    });
    expect(await w.queryRefused(who.auditorA, 'ListAlerts', { programId: 'P9' })).toMatchObject({
      code: 'PROGRAM_NOT_FOUND',
    });
  });

  it('lists a program’s alerts newest first, page by page', async () => {
    const { w, ids } = await world();
    const seen: string[] = [];
    let bookmark = '';
    let pages = 0;
    do {
      const page = await w.evaluate<Page>(who.auditorA, 'ListAlerts', {
        programId: 'P1',
        pageSize: 3,
        bookmark,
      });
      seen.push(...page.records.map((a) => a.alertId));
      bookmark = page.bookmark;
      pages++;
    } while (bookmark && pages < 5);
    // newest first by transaction time: [2] and [3] (Jan 2027) first, [0] (the first of Feb 2026) last
    expect(seen).toHaveLength(ids.length);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(seen.slice(0, 2).sort()).toEqual([ids[2], ids[3]].sort());
    expect(seen[seen.length - 1]).toBe(ids[0]);
    expect(pages).toBe(2);
  });

  it('filters by status, by severity, and by both; status changes move alerts between lists', async () => {
    const { w, ids } = await world();
    const list = async (filter: Record<string, string>): Promise<string[]> =>
      (await w.evaluate<Page>(who.auditorA, 'ListAlerts', { programId: 'P1', ...filter })).records.map(
        (a) => `${a.rule}/${a.severity}/${a.status}`,
      );
    expect((await list({ severity: 'medium' })).sort()).toEqual(['afterEnd/medium/open']);
    expect(await list({ severity: 'high' })).toHaveLength(ids.length - 1);
    expect(await list({ severity: 'low' })).toEqual([]);
    expect(await list({ status: 'open' })).toHaveLength(ids.length);

    await w.submit(who.auditorA, 'AcknowledgeAlert', { alertId: ids[0], note: 'n' });
    await w.submit(who.auditorA, 'ResolveAlert', { alertId: ids[2], note: 'n' });
    expect(await list({ status: 'open' })).toHaveLength(ids.length - 2);
    expect(await list({ status: 'acknowledged' })).toEqual(['category/high/acknowledged']);
    const resolved = await list({ status: 'resolved' });
    expect(resolved).toHaveLength(1);
    expect(await list({ status: 'resolved', severity: resolved[0]?.split('/')[1] as string })).toEqual(
      resolved,
    );
    expect(await list({ status: 'acknowledged', severity: 'medium' })).toEqual([]);
    expect(
      await w.queryRefused(who.auditorA, 'ListAlerts', { programId: 'P1', status: 'closed' }),
    ).toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
