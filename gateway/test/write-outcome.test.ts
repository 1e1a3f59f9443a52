import { renderWrite } from '../src/http/write-result';
import { parseStoredOutcome, serializeOutcome, type WriteOutcome } from '../src/writes/outcome';

const committed: WriteOutcome = {
  kind: 'committed',
  transactionId: 't1',
  blockNumber: 12n,
  result: { licenceId: 'L1' },
  replayed: false,
};
const accepted: WriteOutcome = { kind: 'accepted', transactionId: 't2', replayed: false };

describe('write outcomes', () => {
  it('render a committed write with the route status, body and transaction id', () => {
    expect(renderWrite(committed, 201)).toEqual({
      statusCode: 201,
      body: '{"transactionId":"t1","blockNumber":"12","result":{"licenceId":"L1"}}',
      headers: { 'X-Transaction-Id': 't1' },
    });
  });

  it('render an accepted write as 202 with its status URL', () => {
    expect(renderWrite(accepted, 201)).toEqual({
      statusCode: 202,
      body: '{"transactionId":"t2","status":"submitted","statusUrl":"/api/v1/transactions/t2"}',
      headers: {
        Location: '/api/v1/transactions/t2',
        'Preference-Applied': 'respond-async',
        'X-Transaction-Id': 't2',
      },
    });
  });

  it('replay from the store with the first body, its transaction id and Idempotent-Replayed', () => {
    for (const [outcome, status, extra] of [
      [committed, 201, {}],
      [accepted, 202, { Location: '/api/v1/transactions/t2' }],
    ] as const) {
      const replay = parseStoredOutcome(serializeOutcome(outcome));
      expect(replay).toEqual({ ...outcome, replayed: true });
      const first = renderWrite(outcome, 201);
      expect(renderWrite(replay, 201)).toEqual({
        statusCode: status,
        body: first.body,
        headers: { 'Idempotent-Replayed': 'true', 'X-Transaction-Id': outcome.transactionId, ...extra },
      });
    }
  });

  it('read the bodies earlier versions stored', () => {
    expect(
      parseStoredOutcome('{"transactionId":"t3","status":"submitted","statusUrl":"/api/v1/transactions/t3"}'),
    ).toEqual({ kind: 'accepted', transactionId: 't3', replayed: true });
    expect(parseStoredOutcome('{"transactionId":"t4","blockNumber":"7","result":null}')).toEqual({
      kind: 'committed',
      transactionId: 't4',
      blockNumber: 7n,
      result: null,
      replayed: true,
    });
  });
});
