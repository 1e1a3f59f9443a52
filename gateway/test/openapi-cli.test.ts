import request from 'supertest';
import { openApiDocument } from '../src/cli/openapi';
import { makeHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await makeHarness();
});
afterAll(() => h.close());

describe('cli/openapi', () => {
  it('writes exactly the document a gateway serves at /openapi.json, without Fabric or a configuration', async () => {
    const served = (await request(h.gateway.app).get('/openapi.json').expect(200)).body;
    const written: unknown = JSON.parse(await openApiDocument());
    expect(written).toEqual(served);
  });

  it('declares the servers block and the licence that Redocly lint requires', async () => {
    const doc = JSON.parse(await openApiDocument()) as {
      servers: { url: string }[];
      info: { license: { name: string } };
    };
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(doc.info.license).toEqual({ name: 'Apache-2.0', identifier: 'Apache-2.0' });
  });
});
