import path from 'path';
import { events } from '@govledger/wire';
import { emittedEventNames } from '@govledger/chaincode-common/testing';

describe('events in the wire contract', () => {
  it('emits exactly the event names of its catalogue (every payload is parsed by TestLedger in every test)', () => {
    expect(emittedEventNames(path.join(__dirname, '..', 'src'))).toEqual(
      Object.keys(events['e-licence']).sort(),
    );
  });
});
