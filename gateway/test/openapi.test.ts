import request from 'supertest';
import { makeHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await makeHarness();
});
afterAll(() => h.close());

describe('OpenAPI document', () => {
  it('describes every declared route once, from the same schemas', async () => {
    const doc = (await request(h.gateway.app).get('/openapi.json').expect(200)).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toEqual({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    const operations = Object.values(
      doc.paths as Record<string, Record<string, { operationId: string }>>,
    ).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(operations.sort()).toEqual(h.gateway.routes.map((r) => r.operationId).sort());
    expect(new Set(operations).size).toBe(operations.length);
  });

  it('documents roles, chaincode, request schemas, write headers and problems', async () => {
    const doc = (await request(h.gateway.app).get('/openapi.json').expect(200)).body;
    const admin = doc.paths['/api/v1/admin/chaincodes/{name}/transactions/{fn}'].post;
    expect(admin['x-required-roles']).toEqual(['admin']);
    expect(
      admin.parameters
        .filter((p: { in: string }) => p.in === 'path')
        .map((p: { name: string; in: string }) => `${p.in}:${p.name}`)
        .sort(),
    ).toEqual(['path:fn', 'path:name']);
    expect(admin.responses['403'].content['application/problem+json'].schema.$ref).toBe(
      '#/components/schemas/Problem',
    );
    const register = doc.paths['/api/v1/admin/identities'].post;
    expect(register.requestBody.content['application/json'].schema.properties.roles.items.enum).toContain(
      'citizen',
    );
    for (const route of h.gateway.routes.filter((r) => r.call?.mode === 'submit')) {
      const op = doc.paths[route.path][route.method];
      expect(op['x-chaincode']).toMatchObject({ mode: 'submit' });
      expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(
        expect.arrayContaining(['Idempotency-Key', 'Prefer']),
      );
      expect(op.responses['202']).toBeDefined();
    }
  });
});
