/**
 * fund-tracing routes against the wire contract: every route calls a transaction
 * of the wire catalogue in its mode, and the bodies built from the wire schemas
 * keep their strictness and cross-field checks.
 */
import { fundTracing } from '@govledger/wire';
import request from 'supertest';
import { makeHarness, type Harness } from './harness';

const PID = 'a1'.repeat(32);
const HASH = 'b2'.repeat(32);

let h: Harness;
let officer: string;
beforeAll(async () => {
  h = await makeHarness();
  officer = await h.bearer({ sub: 'alice', roles: ['officer'], dept: 'finance' });
});
afterAll(() => h.close());
beforeEach(() => {
  h.ledger.calls.length = 0;
  h.ledger.handlers.clear();
});

const program = {
  programId: 'P1',
  name: 'Upgrade',
  fiscalYear: 2030,
  totalBudget: '100000000',
  categories: ['equipment'],
  startDate: '2030-01-01T00:00:00Z',
  endDate: '2030-12-31T00:00:00Z',
  coSign: { threshold: '2000000', by: 'finance' },
  rules: {
    category: { mode: 'warn' },
    recipientCap: { mode: 'block', cap: '5000000' },
    splitPayment: { mode: 'warn', threshold: '1000000', windowHours: 72, count: 3 },
    afterEnd: { mode: 'block' },
    unspent: { mode: 'warn', days: 90 },
  },
};

describe('fund-tracing routes', () => {
  it('call only transactions of the wire catalogue, in the catalogue kind', () => {
    const routes = h.gateway.routes.filter((r) => r.call?.chaincode === 'fund-tracing');
    expect(routes.length).toBeGreaterThan(0);
    const catalogue: Record<string, { kind: string }> = fundTracing.transactions;
    for (const r of routes) {
      expect([r.operationId, catalogue[r.call!.transaction]?.kind]).toEqual([r.operationId, r.call!.mode]);
    }
  });

  it('refuses an unknown field inside the rules before Fabric is called', async () => {
    const body = {
      ...program,
      rules: { ...program.rules, splitPayment: { ...program.rules.splitPayment, extra: 1 } },
    };
    const res = await request(h.gateway.app)
      .post('/api/v1/programs')
      .set('Authorization', officer)
      .send(body);
    expect([res.status, res.body.code]).toEqual([400, 'INVALID_REQUEST']);
    expect(h.ledger.calls).toHaveLength(0);
  });

  it('forwards the program as sent (the chaincode applies marginPercent its default)', async () => {
    h.ledger.on('fund-tracing', 'CreateProgram', (req) => req);
    await request(h.gateway.app)
      .post('/api/v1/programs')
      .set('Authorization', officer)
      .send(program)
      .expect(201);
    expect(h.ledger.calls.at(-1)!.request).toEqual(program);
  });

  it.each([
    [{}, 'add or remove at least one account'],
    [{ add: [HASH], remove: [HASH] }, 'must not both add and remove an account'],
  ])('refuses the account change %j with the wire check', async (body, message) => {
    const res = await request(h.gateway.app)
      .patch(`/api/v1/programs/P1/recipients/CityAMSP/${PID}/accounts`)
      .set('Authorization', officer)
      .send(body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(message);
    expect(h.ledger.calls).toHaveLength(0);
  });
});
