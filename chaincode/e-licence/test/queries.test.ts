import { BIZ_CLAIMS, Harness, ID, T, doc, pid, privateInput, holder } from './harness';
import { sha256Hex, writeIndex, writeJson } from '@govledger/chaincode-common';
import { MAX_HISTORY } from '../src/queries';
import type { HistoryEntry, LicenceView, PrivateDataResult } from '../src';

interface PageOf<T> {
  records: T[];
  bookmark: string;
}

describe('licence queries', () => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness();
    await h.seedTypes();
    h.ledger.setTime('2026-02-01T00:00:00Z');
    for (const id of ['L1', 'L2', 'L3', 'L4', 'L5']) await h.issueBiz(id);
    await h.submit(
      ID.issuerA,
      'IssueLicence',
      { licenceId: 'L6', typeCode: T.ABiz, holder: holder('enterprise-a2'), documentHash: doc('L6') },
      { transient: { licencePrivate: privateInput(BIZ_CLAIMS) } },
    );
  });

  async function allPages(
    tx: 'ListLicencesByHolder' | 'ListLicencesByTypeAndStatus',
    req: object,
    pageSize: number,
  ) {
    const ids: string[] = [];
    let bookmark = '';
    let pages = 0;
    do {
      const page = await h.evaluate<PageOf<LicenceView>>(ID.auditorB, tx, { ...req, pageSize, bookmark });
      ids.push(...page.records.map((l) => l.licenceId));
      bookmark = page.bookmark;
      pages += 1;
    } while (bookmark !== '' && pages < 20);
    return { ids, pages };
  }

  it("pages through a holder's licences with bookmarks, without gaps or repeats", async () => {
    expect(await allPages('ListLicencesByHolder', { holder: holder('enterprise-a1') }, 2)).toEqual({
      ids: ['L1', 'L2', 'L3', 'L4', 'L5'],
      pages: 3,
    });
    expect((await allPages('ListLicencesByHolder', { holder: holder('enterprise-a2') }, 50)).ids).toEqual([
      'L6',
    ]);
    expect((await allPages('ListLicencesByHolder', { holder: holder('nobody') }, 50)).ids).toEqual([]);
  });

  it('lists licences by type and stored status as the status changes', async () => {
    await h.submit(ID.issuerA, 'SuspendLicence', { licenceId: 'L2', reasonCode: 'OTHER' });
    await h.submit(ID.issuerA, 'RevokeLicence', { licenceId: 'L4', reasonCode: 'FRAUD' });
    const list = async (status: string) =>
      (await allPages('ListLicencesByTypeAndStatus', { typeCode: T.ABiz, status }, 2)).ids;
    expect(await list('active')).toEqual(['L1', 'L3', 'L5', 'L6']);
    expect(await list('suspended')).toEqual(['L2']);
    expect(await list('revoked')).toEqual(['L4']);
    const page = await h.evaluate<PageOf<LicenceView>>(ID.auditorB, 'ListLicencesByTypeAndStatus', {
      typeCode: T.ABiz,
      status: 'suspended',
    });
    expect(page.records[0]).toMatchObject({
      licenceId: 'L2',
      status: 'suspended',
      effectiveStatus: 'suspended',
    });
  });

  it('skips index entries that disagree with the licence record (a forged index is only a hint)', async () => {
    await h.ledger.submit(ID.issuerB, async (ctx) => {
      await writeIndex(ctx, 'licenceByHolder', pid('enterprise-a2'), 'L1');
      await writeIndex(ctx, 'licenceByHolder', pid('enterprise-a2'), 'GHOST');
      await writeIndex(ctx, 'licenceByTypeStatus', T.ABiz, 'revoked', 'L3');
    });
    expect((await allPages('ListLicencesByHolder', { holder: holder('enterprise-a2') }, 50)).ids).toEqual([
      'L6',
    ]);
    expect(
      (await allPages('ListLicencesByTypeAndStatus', { typeCode: T.ABiz, status: 'revoked' }, 50)).ids,
    ).toEqual([]);
  });

  it('refuses malformed list requests', async () => {
    for (const [tx, req] of [
      ['ListLicencesByHolder', { holderPid: 'someone' }],
      ['ListLicencesByHolder', { holder: holder('x'), pageSize: 201 }],
      ['ListLicencesByTypeAndStatus', { typeCode: T.ABiz, status: 'expired' }],
      ['ListLicencesByTypeAndStatus', { typeCode: T.ABiz }],
    ] as const) {
      expect(await h.refusedQuery(ID.auditorB, tx, req)).toMatchObject({
        code: 'INVALID_ARGUMENT',
        status: 400,
      });
    }
  });

  it('reads one licence with its effective status, and refuses an unknown id', async () => {
    const l = await h.evaluate<LicenceView>(
      ID.citizenB1,
      'GetLicence',
      { licenceId: 'L1' },
      { time: '2032-01-01T00:00:00Z' },
    );
    expect([l.licenceId, l.status, l.effectiveStatus]).toEqual(['L1', 'active', 'expired']);
    expect(await h.refusedQuery(ID.citizenB1, 'GetLicence', { licenceId: 'NOPE' })).toMatchObject({
      code: 'LICENCE_NOT_FOUND',
      status: 404,
    });
  });

  it('returns the full history of a licence, oldest first, and refuses an unknown id', async () => {
    await h.submit(
      ID.issuerA,
      'SuspendLicence',
      { licenceId: 'L1', reasonCode: 'OTHER' },
      { time: '2026-03-01T00:00:00Z' },
    );
    await h.submit(
      ID.issuerA,
      'RevokeLicence',
      { licenceId: 'L1', reasonCode: 'FRAUD' },
      { time: '2026-04-01T00:00:00Z' },
    );
    const hist = await h.evaluate<{ licenceId: string; entries: HistoryEntry[] }>(
      ID.auditorB,
      'GetLicenceHistory',
      {
        licenceId: 'L1',
      },
    );
    expect(hist.licenceId).toBe('L1');
    expect(
      hist.entries.map((e) => [e.licence?.status, e.licence?.lastChange.action, e.timestamp, e.isDelete]),
    ).toEqual([
      ['active', 'issued', '2026-02-01T00:00:01.000Z', false],
      ['suspended', 'suspended', '2026-03-01T00:00:00.000Z', false],
      ['revoked', 'revoked', '2026-04-01T00:00:00.000Z', false],
    ]);
    expect(hist.entries.every((e) => /^[0-9a-f]{64}$/.test(e.txId))).toBe(true);
    expect(await h.refusedQuery(ID.auditorB, 'GetLicenceHistory', { licenceId: 'NOPE' })).toMatchObject({
      code: 'LICENCE_NOT_FOUND',
      status: 404,
    });
  });

  it('refuses a history longer than the bound (TOO_MANY_RECORDS)', async () => {
    const key = '\u0000licence\u0000L1\u0000';
    const record = h.ledger.get(key);
    for (let i = 0; i < MAX_HISTORY; i++) {
      await h.ledger.submit(ID.issuerA, (ctx) => writeJson(ctx, key, record));
    }
    expect(await h.refusedQuery(ID.auditorB, 'GetLicenceHistory', { licenceId: 'L1' })).toMatchObject({
      code: 'TOO_MANY_RECORDS',
      status: 409,
    });
  });

  describe('GetLicencePrivateData', () => {
    it('gives the holder, issuers of the department and admins of the issuing org the exact private record', async () => {
      for (const who of [ID.enterpriseA1, ID.issuerA, ID.adminA]) {
        const r = await h.evaluate<PrivateDataResult>(who, 'GetLicencePrivateData', { licenceId: 'L1' });
        expect(r.record).toEqual(privateInput(BIZ_CLAIMS));
        expect(sha256Hex(r.recordJson)).toBe(r.privateDataHash);
        expect(r.version).toBe(1);
      }
    });

    it('refuses other organisations (NOT_ISSUING_ORG) and other members of the issuing org (FORBIDDEN)', async () => {
      for (const who of [ID.issuerB, ID.adminB, ID.enterpriseB1]) {
        expect(await h.refusedQuery(who, 'GetLicencePrivateData', { licenceId: 'L1' })).toMatchObject({
          code: 'NOT_ISSUING_ORG',
          status: 403,
        });
      }
      for (const who of [ID.enterpriseA2, ID.issuerFireA, ID.approverMarketA, ID.auditorA]) {
        expect(await h.refusedQuery(who, 'GetLicencePrivateData', { licenceId: 'L1' })).toMatchObject({
          code: 'FORBIDDEN',
          status: 403,
        });
      }
      expect(await h.refusedQuery(ID.issuerA, 'GetLicencePrivateData', { licenceId: 'NOPE' })).toMatchObject({
        code: 'LICENCE_NOT_FOUND',
        status: 404,
      });
    });
  });
});
