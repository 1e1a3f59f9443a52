import fs from 'node:fs';
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
});
