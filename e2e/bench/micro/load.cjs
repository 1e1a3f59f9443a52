// node load.cjs reads|writes N CONCURRENCY [--prof DIR]: N requests (after 300 of warm-up) from
// CONCURRENCY keep-alive workers against server.cjs in a child process; prints the server's CPU ms
// per request. Reads: POST /licences/{id}/verification; writes: POST /consents with an Idempotency-Key.
const http = require('http');
const { performance } = require('perf_hooks');
const { fork } = require('child_process');

const [kind = 'reads', n = '3000', c = '8'] = process.argv.slice(2);
const prof = process.argv.indexOf('--prof');
const child = fork(`${__dirname}/server.cjs`, [], {
  execArgv: prof > 0 ? ['--cpu-prof', `--cpu-prof-dir=${process.argv[prof + 1]}`] : [],
});
const next = () => new Promise((resolve) => child.once('message', resolve));
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function send(port, path, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (x) => chunks.push(x));
        res.on('end', () =>
          res.statusCode < 300 ? resolve() : reject(new Error(`${res.statusCode} ${Buffer.concat(chunks)}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

(async () => {
  const { port, tokens } = await next();
  let seq = 0;
  const one = () => {
    const i = seq++;
    if (kind === 'reads')
      return send(port, '/api/v1/licences/BL-1/verification', { authorization: tokens.reader }, '{}');
    const body = {
      consentId: `C-${process.pid}-${i}`,
      grantee: { mspId: 'CityBMSP', dept: 'housing' },
      categoryCode: 'CAT',
      fields: ['contributionStatus'],
      purpose: 'HOUSING_SUBSIDY',
      validFrom: '2026-01-01T00:00:00.000Z',
      validUntil: '2027-01-01T00:00:00.000Z',
    };
    return send(
      port,
      '/api/v1/consents',
      { authorization: tokens.citizen, 'idempotency-key': `k-${process.pid}-${i}` },
      JSON.stringify(body),
    );
  };
  const run = async (count) => {
    let left = count;
    await Promise.all(
      Array.from({ length: Number(c) }, async () => {
        while (left-- > 0) await one();
      }),
    );
  };
  await run(300);
  child.send('mark');
  await next();
  const t0 = performance.now();
  await run(Number(n));
  const ms = performance.now() - t0;
  child.send('stop');
  const { cpuMs } = await next();
  console.log(
    `${kind} n=${n} c=${c}: ${(Number(n) / (ms / 1000)).toFixed(0)} req/s, server CPU ${(cpuMs / Number(n)).toFixed(3)} ms/request`,
  );
  agent.destroy();
})().catch((e) => {
  console.error(e);
  child.kill();
  process.exit(1);
});
