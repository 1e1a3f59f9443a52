/**
 * The wire contract's transaction catalogue is the contract: the same names,
 * and `submit` exactly for the transactions the contract declares as submitted.
 */
import './support/quiet';
import 'reflect-metadata';
import { fundTracing } from '@govledger/wire';
import { FundTracingContract, transactions } from '../src';

interface TxMetadata {
  name: string;
  tag: string[];
}

const declared = (Reflect.getMetadata('fabric:transactions', FundTracingContract.prototype) ??
  []) as TxMetadata[];

describe('transaction catalogue', () => {
  it('lists exactly the transaction methods of the contract class', () => {
    const methods = Object.getOwnPropertyNames(FundTracingContract.prototype)
      .filter((n) => n !== 'constructor')
      .sort();
    expect(Object.keys(fundTracing.transactions).sort()).toEqual(methods);
  });

  it("lists exactly the contract's declared transactions, with their kind", () => {
    const fromContract = Object.fromEntries(
      declared.map((t) => [t.name, t.tag.includes('submitTx') ? 'submit' : 'evaluate']),
    );
    const fromCatalogue = Object.fromEntries(
      Object.entries(fundTracing.transactions).map(([name, t]) => [name, t.kind]),
    );
    expect(fromCatalogue).toEqual(fromContract);
  });

  it('is what the chaincode re-exports', () => {
    expect(transactions).toBe(fundTracing.transactions);
  });
});
