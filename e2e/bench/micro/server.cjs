// The gateway app (built from gateway/src and gateway/test by micro-gateway.sh) over the unit tests'
// in-memory FakeLedger, listening on a free port: the HTTP layer's CPU with no Fabric behind it.
// Started by load.cjs, which sends 'mark' (start counting CPU) and 'stop' (report and exit).
const http = require('http');
const { setTimeout } = require('timers');
const { makeHarness } = require(`${process.env.GWBUILD}/test/harness`);

(async () => {
  const h = await makeHarness({ rateLimit: { windowMs: 60_000, max: 1e9 } });
  h.ledger.on('e-licence', 'VerifyLicence', (req) => ({
    licenceId: req.licenceId,
    valid: true,
    status: 'ACTIVE',
  }));
  h.ledger.on('data-sharing', 'GrantConsent', (req) => ({ consentId: req.consentId, status: 'ACTIVE' }));
  const tokens = {
    reader: await h.bearer({ sub: 'bob', org: 'CityBMSP', roles: ['officer'], dept: 'housing' }),
    citizen: await h.bearer({ sub: 'alice', org: 'CityAMSP', roles: ['citizen'], pid: 'a'.repeat(64) }),
  };
  const server = http
    .createServer(h.gateway.app)
    .listen(0, '127.0.0.1', () => process.send({ port: server.address().port, tokens }));
  let cpu0 = process.cpuUsage();
  process.on('message', (m) => {
    if (m === 'mark') {
      cpu0 = process.cpuUsage();
      process.send({ marked: true });
    } else if (m === 'stop') {
      const d = process.cpuUsage(cpu0);
      process.send({ cpuMs: (d.user + d.system) / 1000 });
      setTimeout(() => process.exit(0), 100);
    }
  });
})();
