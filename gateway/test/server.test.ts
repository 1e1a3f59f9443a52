import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { startGateway } from '../src/server';

describe('server', () => {
  it('starts from the environment, answers, reports an unreachable peer as not ready, and stops gracefully', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-server-'));
    const config = loadConfig({
      GATEWAY_PORT: '0',
      LOG_LEVEL: 'silent',
      WALLET_KEY: 'ab'.repeat(32),
      WALLET_DIR: path.join(dir, 'wallet'),
      JWT_HS256_SECRET: 'x'.repeat(32),
      FABRIC_ORGS: JSON.stringify([
        {
          mspId: 'CityAMSP',
          peerEndpoint: '127.0.0.1:1',
          tlsRootCert: path.join(__dirname, 'fixtures', 'alice.cert.pem'),
        },
      ]),
      FABRIC_EVALUATE_TIMEOUT_MS: '200',
    });
    const running = await startGateway(config);
    await request(running.server).get('/livez').expect(200);
    const ready = await request(running.server).get('/readyz').expect(503);
    expect(ready.body.checks[0]).toMatchObject({ name: 'peer:CityAMSP', ok: false });
    await request(running.server).get('/api/v1/licence-types').expect(401);
    await running.stop();
    expect(running.server.listening).toBe(false);
    expect(fs.existsSync(path.join(dir, 'gateway.db'))).toBe(true);
  });

  it('stops promptly although a keep-alive client keeps sending requests', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-server-'));
    const running = await startGateway(
      loadConfig({
        GATEWAY_PORT: '0',
        LOG_LEVEL: 'silent',
        WALLET_KEY: 'ab'.repeat(32),
        WALLET_DIR: path.join(dir, 'wallet'),
        JWT_HS256_SECRET: 'x'.repeat(32),
        FABRIC_ORGS: JSON.stringify([
          {
            mspId: 'CityAMSP',
            peerEndpoint: '127.0.0.1:1',
            tlsRootCert: path.join(__dirname, 'fixtures', 'alice.cert.pem'),
          },
        ]),
        SHUTDOWN_TIMEOUT_MS: '8000',
        // each readiness probe waits for the unreachable peer, so a request is always in flight
        FABRIC_EVALUATE_TIMEOUT_MS: '100',
        READY_CACHE_MS: '0',
      }),
    );
    const address = running.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let busy = true;
    let served = 0;
    const client = (async () => {
      while (busy) {
        const ok = await new Promise<boolean>((resolve) => {
          const req = http.get({ host: '127.0.0.1', port, path: '/readyz', agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(true));
          });
          req.on('error', () => resolve(false));
        });
        if (ok) served += 1;
        else await new Promise((r) => setTimeout(r, 10));
      }
    })();
    while (served < 5) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    await running.stop();
    const took = Date.now() - started;
    busy = false;
    await client;
    agent.destroy();
    expect(running.server.listening).toBe(false);
    expect(took).toBeLessThan(2000);
  });
});
