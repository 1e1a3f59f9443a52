import { findChaincodeError, findChaincodeErrorIn } from '../src/fabric/chaincode-error';
import { LedgerError } from '../src/fabric/ledger';
import { CaNotConfigured, CaRefused, IdentityExists } from '../src/fabric/certificate-authority';
import {
  CommitStatusPending,
  InvalidOfflineSignature,
  OfflineStageMismatch,
  OfflineTransactionNotFound,
} from '../src/fabric/offline-signing';
import { describeFailure, HttpProblem, ledgerProblem, problemBody, toProblem } from '../src/http/problem';
import {
  IdempotencyConflict,
  IdempotencyKeyReused,
  IdentityNotEnrolled,
  TransactionNotCommitted,
} from '../src/writes/errors';

describe('chaincode error wire shape', () => {
  it('finds the body inside Fabric wording', () => {
    const text =
      'failed to endorse transaction: chaincode response 500, {"code":"LICENCE_NOT_FOUND","status":404,"message":"no licence L1"}';
    expect(findChaincodeError(text)).toEqual({
      code: 'LICENCE_NOT_FOUND',
      status: 404,
      message: 'no licence L1',
    });
  });

  it('keeps details and copes with braces in messages and text after the body', () => {
    const body = {
      code: 'INVALID_ARGUMENT',
      status: 400,
      message: 'bad {field}',
      details: [{ path: 'a.b', message: 'x' }],
    };
    expect(findChaincodeError(`prefix ${JSON.stringify(body)} suffix }`)).toEqual(body);
  });

  it('ignores text that only looks like it', () => {
    expect(findChaincodeError('{"code":"x","status":404,"message":"m"}')).toBeUndefined(); // lower-case code
    expect(findChaincodeError('{"code":"X","status":418,"message":"m"}')).toBeUndefined(); // unknown status
    expect(findChaincodeError('no json here')).toBeUndefined();
    expect(findChaincodeError('{"code": broken')).toBeUndefined();
  });

  it('searches several texts', () => {
    expect(
      findChaincodeErrorIn(['10 ABORTED: failed', 'peer1: {"code":"FORBIDDEN","status":403,"message":"no"}'])
        ?.code,
    ).toBe('FORBIDDEN');
  });
});

describe('problems', () => {
  it.each([
    [400, 400],
    [403, 403],
    [404, 404],
    [409, 409],
    [500, 502],
  ] as const)('maps chaincode status %i to HTTP %i with the chaincode code and message', (status, http) => {
    const p = ledgerProblem(
      new LedgerError('endorse', 'chaincode', 'x', {
        txId: 't1',
        chaincodeError: { code: 'SOME_CODE', status, message: 'why' },
      }),
    );
    expect(p.status).toBe(http);
    expect(p.code).toBe('SOME_CODE');
    expect(p.message).toContain('why');
    expect(p.extras).toMatchObject({ stage: 'endorse', transactionId: 't1', retrySafe: true });
  });

  it('maps network faults to 503/504/502 with stage, txId and retry safety', () => {
    const unavailable = ledgerProblem(new LedgerError('endorse', 'unavailable', 'x', { txId: 't' }));
    expect([
      unavailable.status,
      unavailable.code,
      unavailable.extras.retrySafe,
      unavailable.retryAfterSec,
    ]).toEqual([503, 'LEDGER_UNAVAILABLE', true, 2]);
    const submitTimeout = ledgerProblem(new LedgerError('submit', 'deadline', 'x', { txId: 't' }));
    expect([
      submitTimeout.status,
      submitTimeout.extras.stage,
      submitTimeout.extras.retrySafe,
      submitTimeout.extras.statusUrl,
    ]).toEqual([504, 'submit', false, '/api/v1/transactions/t']);
    const commitTimeout = ledgerProblem(new LedgerError('commit', 'deadline', 'x', { txId: 't' }));
    expect([commitTimeout.status, commitTimeout.extras.retrySafe]).toEqual([504, false]);
    const rejected = ledgerProblem(new LedgerError('submit', 'rejected', 'x', { txId: 't' }));
    expect([rejected.status, rejected.code]).toEqual([502, 'LEDGER_REJECTED']);
  });

  it('answers a write no orderer took as 503 retry-safe, with no status URL to follow', () => {
    const p = ledgerProblem(
      new LedgerError('submit', 'unavailable', 'x', { txId: 't', notOrdered: true, component: 'orderer' }),
    );
    expect([p.status, p.code, p.extras.retrySafe, p.extras.statusUrl]).toEqual([
      503,
      'LEDGER_UNAVAILABLE',
      true,
      undefined,
    ]);
  });

  it('answers a chaincode that cannot be reached as 503 CHAINCODE_UNAVAILABLE, retry-safe', () => {
    const p = ledgerProblem(
      new LedgerError('endorse', 'unavailable', 'x', { txId: 't', component: 'chaincode' }),
    );
    expect([p.status, p.code, p.extras.retrySafe, p.retryAfterSec]).toEqual([
      503,
      'CHAINCODE_UNAVAILABLE',
      true,
      2,
    ]);
  });

  it('maps invalid commits by validation code', () => {
    const mvcc = ledgerProblem(
      new LedgerError('commit', 'invalid', 'x', { txId: 't', validationCode: 'MVCC_READ_CONFLICT' }),
    );
    expect([mvcc.status, mvcc.code, mvcc.extras.retrySafe]).toEqual([409, 'TRANSACTION_CONFLICT', true]);
    const policy = ledgerProblem(
      new LedgerError('commit', 'invalid', 'x', { validationCode: 'ENDORSEMENT_POLICY_FAILURE' }),
    );
    expect([policy.status, policy.code]).toEqual([403, 'ENDORSEMENT_POLICY_FAILURE']);
    const other = ledgerProblem(new LedgerError('commit', 'invalid', 'x', { validationCode: 'BAD_RWSET' }));
    expect([other.status, other.code]).toEqual([502, 'TRANSACTION_INVALID']);
  });

  it('never leaks an unknown error', () => {
    const err = new Error('ENOENT: /secret/path/key.pem');
    const p = toProblem(err);
    expect(p.status).toBe(500);
    const body = JSON.stringify(problemBody(p, '/x', 'r1'));
    expect(body).not.toContain('secret');
    expect(body).not.toContain('ENOENT');
  });

  it('maps body-parser errors', () => {
    expect(toProblem({ type: 'entity.too.large', status: 413 }).status).toBe(413);
    expect(toProblem({ type: 'entity.parse.failed', status: 400 }).code).toBe('MALFORMED_JSON');
    expect(toProblem(new HttpProblem(418, 'TEAPOT', 'short and stout')).code).toBe('TEAPOT');
  });

  it('renders RFC 9457 members', () => {
    const body = problemBody(
      new HttpProblem(404, 'LICENCE_NOT_FOUND', 'no licence'),
      '/api/v1/licences/L1',
      'req-1',
    );
    expect(body).toEqual({
      type: 'urn:govledger:problem:licence-not-found',
      title: 'Not Found',
      status: 404,
      detail: 'no licence',
      code: 'LICENCE_NOT_FOUND',
      instance: '/api/v1/licences/L1',
      requestId: 'req-1',
    });
  });
});

describe('typed errors of the lower layers as problems', () => {
  it.each([
    [new IdentityNotEnrolled('bob', 'CityBMSP'), 403, 'IDENTITY_NOT_ENROLLED'],
    [new IdempotencyConflict('t1'), 409, 'IDEMPOTENCY_KEY_IN_USE'],
    [new IdempotencyKeyReused(), 422, 'IDEMPOTENCY_KEY_REUSED'],
    [new TransactionNotCommitted('t1', 'MVCC_READ_CONFLICT'), 409, 'TRANSACTION_NOT_COMMITTED'],
    [new OfflineTransactionNotFound('t1'), 404, 'OFFLINE_TRANSACTION_NOT_FOUND'],
    [new OfflineStageMismatch('proposal', 'commit'), 409, 'OFFLINE_STAGE_MISMATCH'],
    [new InvalidOfflineSignature('proposal', 't1'), 400, 'INVALID_SIGNATURE'],
    [new CommitStatusPending('t1'), 504, 'LEDGER_TIMEOUT'],
    [new CaNotConfigured('CityAMSP'), 503, 'CA_NOT_CONFIGURED'],
    [new IdentityExists('bob', 'CityAMSP'), 409, 'IDENTITY_EXISTS'],
    [new CaRefused('CityAMSP', 'enrolment'), 502, 'CA_REFUSED'],
  ] as const)('%p is %i %s with its message', (err, status, code) => {
    const p = toProblem(err);
    expect([p.status, p.code, p.message]).toEqual([status, code, err.message]);
  });

  it('says where a write in flight stands and when to retry', () => {
    const p = toProblem(new IdempotencyConflict('t1'));
    expect(p.extras).toEqual({ transactionId: 't1', statusUrl: '/api/v1/transactions/t1' });
    expect(p.retryAfterSec).toBe(1);
    expect(toProblem(new IdempotencyConflict()).extras).toEqual({});
  });

  it('describes a background failure as the problem a synchronous caller would have got', () => {
    const err = new LedgerError('commit', 'invalid', 'x', { txId: 't2', validationCode: 'BAD_RWSET' });
    expect(describeFailure(err, { transactionId: 't1', requestId: 'r1' })).toEqual(
      problemBody(toProblem(err), '/api/v1/transactions/t1', 'r1'),
    );
    expect(describeFailure(new TransactionNotCommitted('t3', 'NOT_FOUND'))).toEqual({
      type: 'urn:govledger:problem:transaction-not-committed',
      title: 'Conflict',
      status: 409,
      detail: 'the transaction did not commit (NOT_FOUND); nothing was written',
      code: 'TRANSACTION_NOT_COMMITTED',
      transactionId: 't3',
      retrySafe: true,
    });
  });
});
