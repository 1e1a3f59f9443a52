import { Harness, ID, T } from './harness';
import { keyEndorsers } from '@govledger/chaincode-common';
import type { Recognition } from '../src';

describe('mutual recognition', () => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness();
    await h.seedTypes();
  });

  it("records that City B recognises City A's type as its own, restricted to City B, with an event", async () => {
    const rec = await h.submit<Recognition>(
      ID.adminB,
      'RecordRecognition',
      { localTypeCode: T.BBiz, foreignTypeCode: T.ABiz },
      { time: '2026-02-02T00:00:00Z' },
    );
    expect(rec).toEqual({
      recognizerMsp: 'CityBMSP',
      foreignTypeCode: T.ABiz,
      foreignOwnerMsp: 'CityAMSP',
      localTypeCode: T.BBiz,
      status: 'active',
      recordedAt: '2026-02-02T00:00:00.000Z',
      recordedBy: 'x509::/CN=admin-b::/CN=ca.CityBMSP',
      withdrawnAt: null,
      withdrawnBy: null,
    });
    const key = '\u0000recognition\u0000CityBMSP\u0000A-BIZ\u0000';
    expect(h.ledger.get(key)).toEqual(rec);
    expect(await h.ledger.evaluate(ID.adminB, (ctx) => keyEndorsers(ctx, key))).toEqual([
      'CityBMSP',
      'CityAMSP',
    ]);
    expect(h.lastEvent()).toEqual({
      name: 'RecognitionRecorded',
      payload: {
        facts: ['RecognitionRecorded'],
        recognizerMsp: 'CityBMSP',
        foreignTypeCode: T.ABiz,
        foreignOwnerMsp: 'CityAMSP',
        localTypeCode: T.BBiz,
      },
    });
  });

  it('refuses a second active recognition of the same foreign type', async () => {
    await h.submit(ID.adminB, 'RecordRecognition', { localTypeCode: T.BBiz, foreignTypeCode: T.ABiz });
    expect(
      await h.refused(ID.adminB, 'RecordRecognition', { localTypeCode: T.BBiz, foreignTypeCode: T.ABiz }),
    ).toMatchObject({ code: 'RECOGNITION_ALREADY_EXISTS', status: 409 });
  });

  it("refuses a local type that is another jurisdiction's (NOT_TYPE_OWNER)", async () => {
    expect(
      await h.refused(ID.adminB, 'RecordRecognition', { localTypeCode: T.APro, foreignTypeCode: T.ABiz }),
    ).toMatchObject({ code: 'NOT_TYPE_OWNER', status: 403 });
  });

  it("refuses recognising one's own type (SELF_RECOGNITION)", async () => {
    expect(
      await h.refused(ID.adminA, 'RecordRecognition', { localTypeCode: T.ABiz, foreignTypeCode: T.APro }),
    ).toMatchObject({ code: 'SELF_RECOGNITION', status: 400 });
  });

  it('refuses unknown types, non-admins and malformed requests', async () => {
    expect(
      await h.refused(ID.adminB, 'RecordRecognition', { localTypeCode: 'NOPE', foreignTypeCode: T.ABiz }),
    ).toMatchObject({ code: 'TYPE_NOT_FOUND', status: 404 });
    expect(
      await h.refused(ID.adminB, 'RecordRecognition', { localTypeCode: T.BBiz, foreignTypeCode: 'NOPE' }),
    ).toMatchObject({ code: 'TYPE_NOT_FOUND', status: 404 });
    for (const who of [ID.issuerB, ID.auditorB, ID.citizenB1]) {
      expect(
        await h.refused(who, 'RecordRecognition', { localTypeCode: T.BBiz, foreignTypeCode: T.ABiz }),
      ).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    }
    expect(await h.refused(ID.adminB, 'RecordRecognition', { localTypeCode: T.BBiz })).toMatchObject({
      code: 'INVALID_ARGUMENT',
      status: 400,
    });
  });

  it('withdraws a recognition, refuses withdrawing it twice, and records it again later', async () => {
    await h.submit(ID.adminB, 'RecordRecognition', { localTypeCode: T.BBiz, foreignTypeCode: T.ABiz });
    const withdrawn = await h.submit<Recognition>(
      ID.adminB,
      'WithdrawRecognition',
      { foreignTypeCode: T.ABiz },
      { time: '2026-03-03T00:00:00Z' },
    );
    expect(withdrawn).toMatchObject({
      status: 'withdrawn',
      withdrawnAt: '2026-03-03T00:00:00.000Z',
      withdrawnBy: 'x509::/CN=admin-b::/CN=ca.CityBMSP',
    });
    expect(h.lastEvent()).toEqual({
      name: 'RecognitionWithdrawn',
      payload: {
        facts: ['RecognitionWithdrawn'],
        recognizerMsp: 'CityBMSP',
        foreignTypeCode: T.ABiz,
        localTypeCode: T.BBiz,
      },
    });
    expect(await h.refused(ID.adminB, 'WithdrawRecognition', { foreignTypeCode: T.ABiz })).toMatchObject({
      code: 'RECOGNITION_NOT_FOUND',
      status: 404,
    });
    const again = await h.submit<Recognition>(ID.adminB, 'RecordRecognition', {
      localTypeCode: T.BBiz,
      foreignTypeCode: T.ABiz,
    });
    expect(again).toMatchObject({ status: 'active', withdrawnAt: null, withdrawnBy: null });
  });

  it("refuses withdrawing another organisation's recognition or a missing one, and non-admins", async () => {
    await h.submit(ID.adminB, 'RecordRecognition', { localTypeCode: T.BBiz, foreignTypeCode: T.ABiz });
    // City A has no recognition of A-BIZ; it cannot touch City B's.
    expect(await h.refused(ID.adminA, 'WithdrawRecognition', { foreignTypeCode: T.ABiz })).toMatchObject({
      code: 'RECOGNITION_NOT_FOUND',
      status: 404,
    });
    expect(await h.refused(ID.issuerB, 'WithdrawRecognition', { foreignTypeCode: T.ABiz })).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
    });
  });

  it('lists recognitions of one organisation or of all', async () => {
    await h.submit(ID.adminB, 'RecordRecognition', { localTypeCode: T.BBiz, foreignTypeCode: T.ABiz });
    await h.submit(ID.adminA, 'RecordRecognition', { localTypeCode: T.ABiz, foreignTypeCode: T.BBiz });
    const all = await h.evaluate<{ records: Recognition[] }>(ID.auditorA, 'ListRecognitions', {});
    expect(all.records.map((r) => `${r.recognizerMsp}:${r.foreignTypeCode}`)).toEqual([
      'CityAMSP:B-BIZ',
      'CityBMSP:A-BIZ',
    ]);
    const ofB = await h.evaluate<{ records: Recognition[]; bookmark: string }>(
      ID.auditorA,
      'ListRecognitions',
      {
        recognizerMsp: 'CityBMSP',
      },
    );
    expect(ofB.records.map((r) => r.localTypeCode)).toEqual([T.BBiz]);
    expect(ofB.bookmark).toBe('');
  });
});
