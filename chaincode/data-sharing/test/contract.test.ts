import './quiet';
import { JSONSerializer } from 'fabric-contract-api';
import { DataSharingContract, Limits, PURPOSES, SENSITIVITIES, contracts, transactions } from '../src';
import { Harness, ID } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract') as new (
  classes: unknown[],
  serializers: unknown,
  metadata: unknown,
  title: string,
  version: string,
) => {
  defaultContractName: string;
  metadata: {
    contracts: Record<string, { transactions: { name: string; tag: string[]; parameters: unknown[] }[] }>;
  };
};

const SUBMIT = [
  'RegisterCategory',
  'UpdateCategory',
  'GrantConsent',
  'PauseConsent',
  'ResumeConsent',
  'RevokeConsent',
  'RecordLegalBasis',
  'WithdrawLegalBasis',
  'DecideLegalBasis',
  'RequestAccess',
  'PublishAttestation',
  'RevokeAttestation',
  'CheckTicket',
  'CheckFact',
];
const EVALUATE = [
  'GetCategory',
  'ListCategories',
  'ListPurposes',
  'GetConsent',
  'ListConsents',
  'GetLegalBasis',
  'ListLegalBases',
  'VerifyTicket',
  'GetAccess',
  'ListCitizenAccesses',
  'ListDepartmentAccesses',
  'ListAllAccesses',
  'GetAttestation',
  'VerifyFact',
  'ListDataChecks',
];

describe('the contract', () => {
  it('exports exactly one contract, which Fabric takes as the default', () => {
    expect(contracts).toEqual([DataSharingContract]);
    const cc = new ChaincodeFromContract(
      [...contracts],
      { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
      {},
      'data-sharing',
      '0.1.0',
    );
    expect(cc.defaultContractName).toBe('DataSharingContract');
    const txs = cc.metadata.contracts.DataSharingContract?.transactions ?? [];
    expect(txs.map((t) => t.name).sort()).toEqual([...SUBMIT, ...EVALUATE].sort());
    for (const t of txs) {
      expect(t.parameters).toEqual([
        expect.objectContaining({ name: 'request', schema: { type: 'string' } }),
      ]);
      expect(t.tag).toContain(SUBMIT.includes(t.name) ? 'SUBMIT' : 'EVALUATE');
    }
  });

  it('lists in the wire catalogue exactly the contract’s transactions, each with its kind', () => {
    const cc = new ChaincodeFromContract(
      [...contracts],
      { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
      {},
      'data-sharing',
      '0.1.0',
    );
    const txs = cc.metadata.contracts.DataSharingContract?.transactions ?? [];
    expect(Object.keys(transactions).sort()).toEqual(txs.map((t) => t.name).sort());
    const proto = Object.getOwnPropertyNames(DataSharingContract.prototype).filter(
      (n) => n !== 'constructor',
    );
    expect(Object.keys(transactions).sort()).toEqual(proto.sort());
    for (const t of txs) {
      const kind = transactions[t.name as keyof typeof transactions].kind;
      expect([t.name, t.tag]).toEqual([t.name, expect.arrayContaining([kind.toUpperCase()])]);
    }
  });

  it('takes exactly one string argument in every transaction', () => {
    const proto = DataSharingContract.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const name of [...SUBMIT, ...EVALUATE]) expect(proto[name]?.length).toBe(2);
  });

  it('refuses a request that is not JSON in every transaction (400)', async () => {
    const h = new Harness();
    for (const name of SUBMIT) {
      expect(await h.refusedSubmit(ID.financeA, name as 'RegisterCategory', 'nope')).toMatchObject({
        code: 'INVALID_ARGUMENT',
        status: 400,
      });
    }
    for (const name of EVALUATE) {
      expect(await h.refusedEvaluate(ID.financeA, name as 'GetCategory', '[1')).toMatchObject({
        code: 'INVALID_ARGUMENT',
        status: 400,
      });
    }
  });

  it('ListPurposes returns the fixed vocabularies and limits', async () => {
    const h = new Harness();
    expect(await h.evaluate(ID.citizenA1, 'ListPurposes', {})).toEqual({
      purposes: [...PURPOSES],
      sensitivities: [...SENSITIVITIES],
      limits: { ...Limits },
    });
    expect(await h.refusedEvaluate(ID.citizenA1, 'ListPurposes', { x: 1 })).toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('returns deterministic JSON (keys sorted at every level)', async () => {
    const h = new Harness();
    const text = await h.ledger.submit(ID.financeA, (ctx) =>
      h.contract.RegisterCategory(
        ctx,
        JSON.stringify({
          serviceRef: 'https://x.example/a',
          sensitivity: 'low',
          fields: ['b', 'a'],
          description: 'd',
          code: 'C',
        }),
      ),
    );
    const keys = Object.keys(JSON.parse(text) as object);
    expect(keys).toEqual([...keys].sort());
    expect(text).toContain('"fields":["a","b"]');
  });
});
