// Orders the suites that share one network: adding the Audit Office runs first
// (later suites act as its auditors too), stopping an orderer runs last, the
// rest in name order.
const Sequencer = require('@jest/test-sequencer').default;

const FIRST = ['add-organisation'];
const LAST = ['orderer-fault'];
const rank = (path) => {
  if (FIRST.some((name) => path.includes(name))) return -1;
  if (LAST.some((name) => path.includes(name))) return 1;
  return 0;
};

class NetworkSuitesInOrder extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  }
}

module.exports = NetworkSuitesInOrder;
