// Orders the suites: of those that share one network, adding the Audit Office runs
// first (later suites act as its auditors too), the privacy scan after every journey
// suite (it searches every block they wrote) and stopping an orderer last;
// suites that bring up a network of their own (own-network-suites.json) run after
// all of them; the rest in name order.
const Sequencer = require('@jest/test-sequencer').default;
const OWN_NETWORK = require('./own-network-suites.json');

const FIRST = ['add-organisation'];
const AFTER_JOURNEYS = ['privacy-scan'];
const LAST = ['orderer-fault', 'faults'];
const rank = (path) => {
  if (FIRST.some((name) => path.includes(name))) return -1;
  if (AFTER_JOURNEYS.some((name) => path.includes(name))) return 0.5;
  if (LAST.some((name) => path.includes(name))) return 1;
  if (OWN_NETWORK.some((name) => path.includes(name))) return 2;
  return 0;
};

class NetworkSuitesInOrder extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  }
}

module.exports = NetworkSuitesInOrder;
