/** The wire contract's transaction catalogue is exactly the contract's transactions. */
import 'reflect-metadata';
import { eVoting } from '@govledger/wire';
import { EVotingContract, transactions } from '../src';

/** Transaction methods of the contract with their kind, read from fabric-contract-api's metadata. */
function contractTransactions(): Record<string, 'submit' | 'evaluate'> {
  const metadata = Reflect.getMetadata('fabric:transactions', EVotingContract.prototype) as {
    name: string;
    tag: string[];
  }[];
  return Object.fromEntries(
    metadata.map((t) => [t.name, t.tag.includes('submitTx') ? 'submit' : 'evaluate'] as const),
  );
}

describe('the transaction catalogue', () => {
  it('names every transaction of the contract, and nothing else', () => {
    expect(Object.keys(eVoting.transactions).sort()).toEqual(Object.keys(contractTransactions()).sort());
  });

  it('gives each transaction the kind the contract declares (evaluate for queries)', () => {
    const kinds = Object.fromEntries(Object.entries(eVoting.transactions).map(([n, t]) => [n, t.kind]));
    expect(kinds).toEqual(contractTransactions());
  });

  it('is what the chaincode re-exports', () => {
    expect(transactions).toBe(eVoting.transactions);
  });

  it('matches the own methods of the contract class too', () => {
    const methods = Object.getOwnPropertyNames(EVotingContract.prototype).filter((n) => n !== 'constructor');
    expect(methods.sort()).toEqual(Object.keys(eVoting.transactions).sort());
  });
});
