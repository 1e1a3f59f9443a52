/**
 * The published OpenAPI document is the truth a client generator trusts (issue 21):
 * every property is described, nullability is `type: [..., "null"]` (never an allOf
 * or anyOf around a reference), a plain write is typed as its committed answer with
 * 202 only under `Prefer: respond-async`, every status and header the gateway sends is
 * declared, every route states its access rule, and every request-body example the
 * document gives (what Swagger UI's "Try it out" sends) passes the gateway's validation.
 */
import request from 'supertest';
import { makeHarness, type Harness } from './harness';

/** A JSON Schema / OpenAPI node, loosely typed for walking. */
type Node = Record<string, unknown>;
type Doc = {
  paths: Record<string, Record<string, Node>>;
  components: { schemas: Record<string, Node> };
};

let h: Harness;
let doc: Doc;
beforeAll(async () => {
  h = await makeHarness();
  doc = (await request(h.gateway.app).get('/openapi.json').expect(200)).body as Doc;
});
afterAll(() => h.close());

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The component a `$ref` names. */
function deref(node: Node): Node {
  const ref = node.$ref;
  if (typeof ref !== 'string') return node;
  const name = ref.replace('#/components/schemas/', '');
  const target = doc.components.schemas[name];
  if (!target) throw new Error(`unresolved ${ref}`);
  return target;
}

/** Calls `visit` on every object of the document, with its JSON path. */
function walk(node: unknown, where: string, visit: (n: Node, where: string) => void): void {
  if (Array.isArray(node)) {
    node.forEach((n, i) => walk(n, `${where}[${i}]`, visit));
    return;
  }
  if (!isNode(node)) return;
  visit(node, where);
  for (const [k, v] of Object.entries(node)) walk(v, `${where}/${k}`, visit);
}

/** Properties without a description (a `$ref` property counts when its component has one). */
function undescribed(): string[] {
  const missing: string[] = [];
  walk(doc, '#', (n, where) => {
    if (!isNode(n.properties) || where.endsWith('/properties')) return;
    for (const [name, prop] of Object.entries(n.properties)) {
      if (!isNode(prop)) continue;
      const described = typeof prop.description === 'string' && prop.description.length > 0;
      const viaRef = typeof prop.$ref === 'string' && typeof deref(prop).description === 'string';
      if (!described && !viaRef) missing.push(`${where}.${name}`);
    }
  });
  return missing;
}

/** Where the document gives no example for a request-body value. */
const noExample: string[] = [];

/** A request body as Swagger UI builds it: the schema's example, else each property's. */
function exampleOf(schema: Node, where: string): unknown {
  const s = deref(schema);
  if ('example' in s) return s.example;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if ('default' in s) return s.default;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    const branches = s[key];
    if (Array.isArray(branches) && isNode(branches[0])) return exampleOf(branches[0], `${where}/${key}[0]`);
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (type === 'object') {
    if (isNode(s.properties)) {
      return Object.fromEntries(
        Object.entries(s.properties).map(([k, v]) => [k, exampleOf(v as Node, `${where}.${k}`)]),
      );
    }
    noExample.push(`${where} (an object without properties)`);
    return {};
  }
  if (type === 'array' && isNode(s.items)) return [exampleOf(s.items, `${where}[]`)];
  noExample.push(where);
  return undefined;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation of the document with its path and method. */
function operations(): { path: string; method: string; op: Node }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => isNode(item[m])).map((method) => ({ path, method, op: item[method] as Node })),
  );
}

describe('OpenAPI document: the contract', () => {
  it('describes every property of every schema', () => {
    expect(undescribed()).toEqual([]);
  });

  it('keeps the records as named components (a description on a use must not inline them)', () => {
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'Licence',
        'LicenceView',
        'Application',
        'DepartmentRef',
        'Consent',
        'Access',
        'Program',
        'ProgramRules',
        'Allocation',
        'Disbursement',
        'Spend',
        'Alert',
        'Election',
        'Tally',
        'Problem',
      ]),
    );
  });

  it('gives every date-time field the date-time format', () => {
    const unformatted: string[] = [];
    walk(doc, '#', (n, where) => {
      if (
        typeof n.description === 'string' &&
        /RFC 3339 date-time/.test(n.description) &&
        n.format !== 'date-time'
      )
        unformatted.push(where);
    });
    expect(unformatted).toEqual([]);
  });

  it('writes nullability as type [..., "null"], never allOf/anyOf/oneOf around a reference', () => {
    const wrapped: string[] = [];
    walk(doc, '#', (n, where) => {
      for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
        const branches = n[key];
        if (!Array.isArray(branches)) continue;
        const nullBranch = branches.some(
          (b) => isNode(b) && (b.type === 'null' || (Array.isArray(b.type) && b.type.includes('null'))),
        );
        const refBranch = branches.some((b) => isNode(b) && typeof b.$ref === 'string');
        // a union of shapes may have a {type: null} branch; a reference (or allOf) made nullable may not
        if (nullBranch && (refBranch || key === 'allOf')) wrapped.push(`${where}/${key}`);
      }
    });
    expect(wrapped).toEqual([]);
    const approval = doc.paths['/api/v1/applications/{applicationId}/approvals'].post as Node;
    const committed = (approval.responses as Record<string, Node>)['200'];
    const body = (committed.content as Record<string, Node>)['application/json'].schema as Node;
    const result = (body.properties as Record<string, Node>).result;
    const licence = (deref(result).properties as Record<string, Node>).licence;
    expect(licence.type).toEqual(['object', 'null']);
  });

  it('types a plain write as committed, and 202 only with Prefer: respond-async, with the headers sent', () => {
    const writes = h.gateway.routes.filter((r) => r.call?.mode === 'submit' || r.writes);
    expect(writes.length).toBeGreaterThan(40);
    for (const route of writes) {
      const op = doc.paths[route.path][route.method];
      const responses = op.responses as Record<string, Node>;
      const ok = responses[String(route.successStatus ?? 200)];
      expect(ok.description).toMatch(/without `Prefer: respond-async`/);
      expect(Object.keys(ok.headers as Node)).toEqual(
        expect.arrayContaining(['X-Transaction-Id', 'Idempotent-Replayed', 'X-Request-Id', 'RateLimit']),
      );
      expect(responses['202'].description).toMatch(/only when the request sent `Prefer: respond-async`/);
      expect(Object.keys(responses['202'].headers as Node)).toEqual(
        expect.arrayContaining(['X-Transaction-Id', 'Location', 'Preference-Applied', 'Idempotent-Replayed']),
      );
      expect(Object.keys(responses)).toEqual(
        expect.arrayContaining(['409', '422', '429', '500', '502', '503']),
      );
      const busy = responses['409'].headers as Node;
      expect(busy['Retry-After']).toBeDefined();
    }
  });

  it("declares a custom handler's own success headers (the offline transaction's Location)", () => {
    const prepare = doc.paths['/api/v1/offline/transactions'].post as Node;
    const created = (prepare.responses as Record<string, Node>)['201'];
    expect(Object.keys(created.headers as Node)).toEqual(
      expect.arrayContaining(['Location', 'X-Request-Id']),
    );
  });

  it('declares every status the gateway can send, as problem+json', () => {
    for (const { path, method, op } of operations()) {
      const responses = op.responses as Record<string, Node>;
      const codes = Object.keys(responses);
      const where = `${method.toUpperCase()} ${path}`;
      expect([where, codes.filter((c) => ['400', '403', '429', '500'].includes(c))]).toEqual([
        where,
        ['400', '403', '429', '500'],
      ]);
      if ((op.security as unknown[]).length > 0)
        expect([where, codes]).toEqual([where, expect.arrayContaining(['401'])]);
      if (op.requestBody) expect([where, codes]).toEqual([where, expect.arrayContaining(['413', '415'])]);
      for (const code of codes.filter((c) => Number(c) >= 400)) {
        expect(Object.keys(responses[code].content as Node)).toEqual(['application/problem+json']);
      }
      expect((responses['429'].headers as Node)['Retry-After']).toBeDefined();
    }
  });

  it("states each route's access rule: the gateway role and the chaincode's (or gateway's) rule", () => {
    const missing = operations()
      .filter(({ op }) => !/Rule: /.test(String(op.description)))
      .map(({ op }) => op.operationId);
    expect(missing).toEqual([]);
    const privateData = doc.paths['/api/v1/licences/{licenceId}/private-data'].get as Node;
    expect(privateData.description).toMatch(
      /the holder .*wherever registered.*Anyone else is refused 403 NOT_ISSUING_ORG/,
    );
    expect(privateData.description).not.toMatch(/any authenticated caller\.$/);
  });

  it('gives an example for every free-form map of a request body (no additionalProp1 claim names)', () => {
    const free: string[] = [];
    for (const { path, method, op } of operations()) {
      const body = op.requestBody as Node | undefined;
      if (!body) continue;
      const schema = ((body.content as Record<string, Node>)['application/json'] as Node).schema as Node;
      walk(schema, `${method} ${path}`, (n, where) => {
        if (isNode(n.additionalProperties) && !isNode(n.properties) && !('example' in n)) free.push(where);
      });
    }
    expect(free).toEqual([]);
  });

  it('accepts every request-body example of the document (no 400 validation problem)', async () => {
    const roles = [...new Set(h.gateway.routes.flatMap((r) => r.roles))];
    const auth = await h.bearer({ sub: 'alice', roles });
    const refused: string[] = [];
    for (const { path, method, op } of operations()) {
      const body = op.requestBody as Node | undefined;
      if (!body) continue;
      const schema = ((body.content as Record<string, Node>)['application/json'] as Node).schema as Node;
      const example = exampleOf(schema, `${method} ${path}`);
      const params = ((op.parameters as Node[] | undefined) ?? []).filter((p) => p.in === 'path');
      const url = params.reduce<string>((u, p) => {
        const value = p.example ?? (p.schema as Node).example;
        if (value === undefined)
          throw new Error(`${method} ${path}: path parameter ${String(p.name)} has no example`);
        return u.replace(`{${String(p.name)}}`, encodeURIComponent(String(value)));
      }, path);
      const res = await request(h.gateway.app)
        [method as 'post'](url)
        .set('Authorization', auth)
        .send(example as object);
      const code = (res.body as { code?: string }).code;
      if (
        [400, 413, 415].includes(res.status) &&
        ['INVALID_REQUEST', 'MALFORMED_JSON', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE'].includes(
          code ?? '',
        )
      )
        refused.push(`${method.toUpperCase()} ${url}: ${String((res.body as { detail?: string }).detail)}`);
    }
    expect(noExample).toEqual([]);
    expect(refused).toEqual([]);
  });
});
