// Runs the suites that change the network itself (fault injection, adding an
// organisation) after the suites that only use it; the rest in name order.
const Sequencer = require('@jest/test-sequencer').default;

const LAST = ['orderer-fault', 'add-organisation'];
const rank = (path) => {
  const i = LAST.findIndex((name) => path.includes(name));
  return i < 0 ? -1 : i;
};

class NetworkChangingLast extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  }
}

module.exports = NetworkChangingLast;
