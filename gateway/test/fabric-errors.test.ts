import { status } from '@grpc/grpc-js';
import { CommitError, EndorseError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import type { ServiceError } from '@grpc/grpc-js';
import { toLedgerError, validationCodeName } from '../src/fabric/fabric-errors';
import * as ledger from '../src/fabric/ledger';
import { LedgerError } from '../src/fabric/ledger';

const cause = { code: status.ABORTED, details: 'x', metadata: undefined } as unknown as ServiceError;

describe('fabric-gateway errors as ledger errors', () => {
  it('finds the chaincode refusal in the per-peer details of an endorsement error', () => {
    const err = new EndorseError({
      code: status.ABORTED,
      details: [
        {
          address: 'peer0:7051',
          mspId: 'CityAMSP',
          message:
            'chaincode response 500, {"code":"LICENCE_REVOKED","status":409,"message":"already revoked"}',
        },
      ],
      cause,
      transactionId: 'tx1',
      message: '10 ABORTED: failed to endorse transaction, see attached details for more info',
    });
    const e = toLedgerError(err, 'endorse', 'tx1');
    expect(e).toMatchObject({
      stage: 'endorse',
      failure: 'chaincode',
      txId: 'tx1',
      chaincodeError: { code: 'LICENCE_REVOKED', status: 409 },
    });
    expect(e.nothingWritten).toBe(true);
  });

  it('classifies gRPC failures by code', () => {
    const mk = (code: number) =>
      new GatewayError({ code, details: [], cause: { ...cause, code } as ServiceError, message: 'm' });
    expect(toLedgerError(mk(status.UNAVAILABLE), 'evaluate').failure).toBe('unavailable');
    expect(toLedgerError(mk(status.DEADLINE_EXCEEDED), 'submit', 't').failure).toBe('deadline');
    expect(toLedgerError(mk(status.FAILED_PRECONDITION), 'submit', 't').failure).toBe('rejected');
    expect(toLedgerError(mk(status.DEADLINE_EXCEEDED), 'submit', 't').nothingWritten).toBe(false);
  });

  it('reads commit errors as invalid with the validation code name', () => {
    const e = toLedgerError(
      new CommitError({ code: StatusCode.MVCC_READ_CONFLICT, transactionId: 't9' }),
      'commit',
    );
    expect(e).toMatchObject({ failure: 'invalid', validationCode: 'MVCC_READ_CONFLICT', txId: 't9' });
    expect(e.nothingWritten).toBe(true);
    expect(validationCodeName(StatusCode.PHANTOM_READ_CONFLICT)).toBe('PHANTOM_READ_CONFLICT');
    expect(validationCodeName(999)).toBe('CODE_999');
  });

  it('keeps ledger errors and wraps anything else', () => {
    const le = new LedgerError('submit', 'deadline', 'x');
    expect(toLedgerError(le, 'commit')).toBe(le);
    expect(toLedgerError(new Error('weird'), 'submit', 't')).toMatchObject({
      stage: 'submit',
      failure: 'rejected',
      txId: 't',
    });
  });

  it('gives each failing stage its own class, and a chaincode refusal its body', () => {
    const mk = (code: number) =>
      new GatewayError({ code, details: [], cause: { ...cause, code } as ServiceError, message: 'm' });
    expect(toLedgerError(mk(status.UNAVAILABLE), 'evaluate')).toBeInstanceOf(ledger.EvaluateError);
    expect(toLedgerError(mk(status.UNAVAILABLE), 'endorse')).toBeInstanceOf(ledger.EndorseError);
    expect(toLedgerError(mk(status.DEADLINE_EXCEEDED), 'submit', 't')).toBeInstanceOf(ledger.SubmitError);
    expect(toLedgerError(mk(status.DEADLINE_EXCEEDED), 'commit', 't')).toBeInstanceOf(
      ledger.CommitStatusError,
    );
    const invalid = toLedgerError(
      new CommitError({ code: StatusCode.MVCC_READ_CONFLICT, transactionId: 't9' }),
      'commit',
    );
    expect(invalid).toBeInstanceOf(ledger.CommitError);
    expect(invalid).toBeInstanceOf(LedgerError);
    const refusal = toLedgerError(
      new GatewayError({
        code: status.ABORTED,
        details: [{ address: 'p', mspId: 'CityAMSP', message: '{"code":"NO","status":403,"message":"no"}' }],
        cause,
        message: 'm',
      }),
      'endorse',
      't',
    );
    expect(refusal).toBeInstanceOf(ledger.ChaincodeRefusal);
    expect((refusal as ledger.ChaincodeRefusal).body).toEqual({ code: 'NO', status: 403, message: 'no' });
    expect(ledger.ledgerError('commit', 'invalid', 'x', { validationCode: 'BAD_RWSET' })).toMatchObject({
      name: 'CommitError',
      validationCode: 'BAD_RWSET',
    });
  });
});
