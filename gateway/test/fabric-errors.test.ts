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

  it('takes a submit that no orderer took as not ordered, and one whose broadcast may have arrived as unknown', () => {
    const mk = (code: number, message: string, details: string[]) =>
      new GatewayError({
        code,
        details: details.map((m, i) => ({ address: `orderer${i}:7050`, mspId: 'OrdererMSP', message: m })),
        cause: { ...cause, code } as ServiceError,
        message,
      });
    const none = 'no orderers could successfully process transaction';
    // every orderer answered 5xx (no Raft leader): Fabric leaves no detail for those
    const noLeader = toLedgerError(mk(status.UNAVAILABLE, `14 UNAVAILABLE: ${none}`, []), 'submit', 't');
    expect(noLeader).toMatchObject({ failure: 'unavailable', notOrdered: true, component: 'orderer' });
    expect(noLeader.nothingWritten).toBe(true);
    const dialFailed = mk(status.UNAVAILABLE, none, [
      'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:7050: connect: connection refused"',
    ]);
    expect(toLedgerError(dialFailed, 'submit', 't').nothingWritten).toBe(true);
    // an orderer refused the envelope outright (4xx): Fabric answers ABORTED
    const refused = mk(status.ABORTED, 'received unsuccessful response from orderer: status=BAD_REQUEST', []);
    expect(toLedgerError(refused, 'submit', 't')).toMatchObject({ failure: 'rejected', notOrdered: true });
    // a broadcast that timed out or broke after sending may have been taken
    const timedOut = mk(status.UNAVAILABLE, none, ['context deadline exceeded']);
    expect(toLedgerError(timedOut, 'submit', 't').nothingWritten).toBe(false);
    const broken = mk(status.UNAVAILABLE, none, [
      'rpc error: code = Unavailable desc = error reading from server: EOF',
    ]);
    expect(toLedgerError(broken, 'submit', 't').nothingWritten).toBe(false);
    // BFT: some orderers may hold it
    const bft = mk(
      status.UNAVAILABLE,
      'insufficient number of orderers could successfully process transaction',
      [],
    );
    expect(toLedgerError(bft, 'submit', 't').nothingWritten).toBe(false);
    // the same texts at the commit stage prove nothing
    expect(toLedgerError(mk(status.UNAVAILABLE, none, []), 'commit', 't').nothingWritten).toBe(false);
  });

  it('reads a chaincode that cannot be reached as unavailable, not as a refusal', () => {
    const err = new EndorseError({
      code: status.ABORTED,
      details: [
        {
          address: 'peer0:7051',
          mspId: 'CityAMSP',
          message:
            'error in simulation: failed to execute transaction t: could not launch chaincode e-licence_1.0:ab: connection to 127.0.0.1:9999 failed',
        },
      ],
      cause,
      transactionId: 't',
      message: '10 ABORTED: failed to endorse transaction, see attached details for more info',
    });
    const e = toLedgerError(err, 'endorse', 't');
    expect(e).toMatchObject({ stage: 'endorse', failure: 'unavailable', component: 'chaincode' });
    expect(e.nothingWritten).toBe(true);
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
