/**
 * Conventional tooling: every chaincode answers fabric-contract-api's
 * `org.hyperledger.fabric:GetMetadata`, and the metadata lists exactly the
 * transactions of the wire contract's catalogue, reads tagged EVALUATE and
 * writes SUBMIT, so tools driven by metadata neither submit reads nor evaluate
 * writes.
 */
import { dataSharing, eLicence, eVoting, fundTracing } from '@govledger/wire';
import { actAs, closeAll } from '../src/fabric-client';

afterAll(() => closeAll());

type Catalogue = Record<string, { kind: 'submit' | 'evaluate' }>;

const CATALOGUES: Record<string, Catalogue> = {
  'e-licence': eLicence.transactions,
  'data-sharing': dataSharing.transactions,
  'fund-tracing': fundTracing.transactions,
  'e-voting': eVoting.transactions,
};

interface ContractMetadata {
  contracts: Record<string, { transactions: { name: string; tag?: string[] }[] }>;
}

describe.each(Object.keys(CATALOGUES))('%s', (chaincode) => {
  it('answers GetMetadata with the catalogue, reads tagged EVALUATE', async () => {
    const user = actAs('admin-a');
    const bytes = await user.contract(chaincode).evaluateTransaction('org.hyperledger.fabric:GetMetadata');
    const metadata = JSON.parse(Buffer.from(bytes).toString('utf8')) as ContractMetadata;
    const listed = Object.entries(metadata.contracts)
      .filter(([name]) => name !== 'org.hyperledger.fabric')
      .flatMap(([, c]) => c.transactions)
      .map((t) => [t.name, (t.tag ?? []).includes('EVALUATE') ? 'evaluate' : 'submit'] as const)
      .sort(([a], [b]) => a.localeCompare(b));
    const expected = Object.entries(CATALOGUES[chaincode] as Catalogue)
      .map(([name, t]) => [name, t.kind] as const)
      .sort(([a], [b]) => a.localeCompare(b));
    expect(listed).toEqual(expected);
  });
});
