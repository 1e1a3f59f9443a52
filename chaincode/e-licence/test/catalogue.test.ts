/**
 * The wire contract's transaction catalogue (`eLicence.transactions`) lists
 * exactly the contract's transactions, each with the kind its decorator
 * declares, and the chaincode's error factories cover every wire error code.
 */
import './quiet-logs';
import 'reflect-metadata';
import { eLicence } from '@govledger/wire';
import { ELicenceContract } from '../src';
import { errors } from '../src/errors';

interface TxMetadata {
  name: string;
  tag: string[];
}

describe('wire transaction catalogue', () => {
  const metadata = (Reflect.getMetadata('fabric:transactions', ELicenceContract.prototype) ??
    []) as TxMetadata[];

  it('names exactly the contract transactions', () => {
    const methods = Object.getOwnPropertyNames(ELicenceContract.prototype).filter((m) => m !== 'constructor');
    expect(Object.keys(eLicence.transactions).sort()).toEqual(methods.sort());
    expect(Object.keys(eLicence.transactions).sort()).toEqual(metadata.map((m) => m.name).sort());
  });

  it('gives each transaction the kind (submit/evaluate) the contract declares', () => {
    for (const m of metadata) {
      const entry = eLicence.transactions[m.name as eLicence.TransactionName];
      expect([m.name, entry.kind]).toEqual([m.name, m.tag.includes('SUBMIT') ? 'submit' : 'evaluate']);
    }
  });

  it('has one error factory per wire error code, with its fixed status', () => {
    const made = Object.values(errors).map((f) => f('x'));
    expect(made.map((e) => e.code).sort()).toEqual(Object.values(eLicence.ErrorCode).sort());
    for (const e of made) expect(e.status).toBe(eLicence.ErrorStatusOf[e.code as eLicence.ErrorCodeValue]);
  });
});
