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

  describe('a refusal the chaincode recorded (issue 19)', () => {
    const refusal = (code: string) => ({
      outcome: 'refused',
      code,
      status: 409,
      message: 'the account is not an approved account of the recipient',
      alertId: 'tx1.0',
      attempt: {
        attemptId: 'tx1',
        transaction: 'Disburse',
        programId: 'P1',
        by: { mspId: 'CityAMSP', dept: 'housing', id: 'x509::alice' },
        records: [{ kind: 'disbursement', id: 'D1' }],
        rule: 'unapprovedAccount',
        code,
        reason: 'the account is not an approved account of the recipient',
        details: { remaining: '0' },
        alertId: 'tx1.0',
        at: '2030-02-01T00:00:00.000Z',
      },
    });
    const disburse = {
      disbursementId: 'D1',
      allocationId: 'A1',
      recipientMspId: 'CityAMSP',
      recipientPid: PID,
      accountHash: HASH,
      category: 'equipment',
      amount: '100',
      documentsHash: HASH,
    };

    it.each([
      ['post', '/api/v1/disbursements', 'Disburse', disburse],
      ['post', '/api/v1/disbursements/D1/co-signature', 'CoSignDisbursement', {}],
      [
        'post',
        '/api/v1/programs/P1/allocations',
        'AllocateFunds',
        { allocationId: 'A1', mspId: 'CityAMSP', dept: 'housing', amount: '5' },
      ],
    ] as const)(
      '%s %s (%s) answers problem+json with the code, alertId and attemptId',
      async (_m, path, tx, body) => {
        h.ledger.on('fund-tracing', tx, () => refusal('ACCOUNT_NOT_APPROVED'));
        const res = await request(h.gateway.app).post(path).set('Authorization', officer).send(body);
        expect(res.status).toBe(409);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.body).toMatchObject({
          code: 'ACCOUNT_NOT_APPROVED',
          alertId: 'tx1.0',
          attemptId: 'tx1',
          retrySafe: true,
          details: { remaining: '0' },
          transactionId: expect.any(String),
        });
      },
    );

    it('a success result is answered as before', async () => {
      h.ledger.on('fund-tracing', 'Disburse', () => ({ disbursement: { disbursementId: 'D1' }, alerts: [] }));
      const res = await request(h.gateway.app)
        .post('/api/v1/disbursements')
        .set('Authorization', officer)
        .send(disburse);
      expect(res.status).toBe(201);
      expect(res.body.result).toEqual({ disbursement: { disbursementId: 'D1' }, alerts: [] });
    });
  });
});
