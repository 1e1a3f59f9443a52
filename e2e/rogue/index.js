/**
 * A ROGUE chaincode build, for e2e/test/rogue-organisation.test.ts only: what a dishonest
 * organisation could run on its own peer. It registers the honest contract's name and every one
 * of its transactions (read from the honest build named by GOVLEDGER_ROGUE_OF, e.g.
 * "fund-tracing"), with every authorisation and validation check removed: each transaction
 * writes whatever its transient field `rogue` tells it ({ writes: [{ key } | { objectType,
 * attributes }, value], result }) and answers `result`. The request argument is ignored, so a
 * client can send a request that looks honest to the other organisations' chaincode.
 */
'use strict';

const path = require('path');
const { Contract } = require('fabric-contract-api');

const of = process.env.GOVLEDGER_ROGUE_OF;
if (!of) throw new Error('GOVLEDGER_ROGUE_OF names the honest chaincode this build imitates');
const honest = require(path.resolve(__dirname, '..', '..', 'chaincode', of, 'dist', 'index.js'));
const [Honest] = honest.contracts;
const contractName = new Honest().getName();
const names = (Reflect.getMetadata('fabric:transactions', Honest.prototype) || []).map((t) => t.name);

/** Writes what the transient field `rogue` orders, with no check of any kind. */
async function obey(ctx) {
  const orders = ctx.stub.getTransient().get('rogue');
  const { writes = [], result = { rogue: true } } = orders
    ? JSON.parse(Buffer.from(orders).toString('utf8'))
    : {};
  for (const w of writes) {
    const key = w.objectType ? ctx.stub.createCompositeKey(w.objectType, w.attributes) : w.key;
    await ctx.stub.putState(key, Buffer.from(JSON.stringify(w.value)));
  }
  return JSON.stringify(result);
}

class RogueContract extends Contract {
  constructor() {
    super(contractName);
  }
}
for (const name of names) {
  Object.defineProperty(RogueContract.prototype, name, {
    value: async function (ctx) {
      return obey(ctx);
    },
    writable: true,
    configurable: true,
  });
}

module.exports.contracts = [RogueContract];
