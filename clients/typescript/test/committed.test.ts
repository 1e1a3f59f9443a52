import { committed, NotCommittedError, type AcceptedWrite } from '../src';

interface LicenceType {
  code: string;
}

describe('committed', () => {
  const accepted: AcceptedWrite = {
    transactionId: 'a'.repeat(64),
    status: 'submitted',
    statusUrl: `/api/v1/transactions/${'a'.repeat(64)}`,
  } as AcceptedWrite;

  it('returns the committed record of a 200/201 answer, typed without the accepted member', () => {
    const data: LicenceType | AcceptedWrite = { code: 'FOOD-A' };
    const record: LicenceType = committed({ data, response: { status: 201 } });
    expect(record).toEqual({ code: 'FOOD-A' });
  });

  it('throws NotCommittedError with the status URL on a 202', () => {
    const data: LicenceType | AcceptedWrite = accepted;
    expect(() => committed({ data, response: { status: 202 } })).toThrow(NotCommittedError);
    try {
      committed({ data, response: { status: 202 } });
    } catch (err) {
      expect((err as NotCommittedError).accepted.statusUrl).toBe(accepted.statusUrl);
    }
  });

  it('throws when the call failed and there is no data', () => {
    expect(() => committed<LicenceType>({ response: { status: 409 } })).toThrow(/HTTP 409/);
  });
});
