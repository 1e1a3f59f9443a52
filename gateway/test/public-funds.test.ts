/**
 * Public transparency routes (issue 19): no token, cacheable (ETag, Cache-Control, 304),
 * rate-limited, a JSON and CSV export; evaluated as the configured reader identity.
 */
import request from 'supertest';
import { ConfigError } from '../src/config';
import { loadPublicFundsConfig, toCsv } from '../src/routes/public-funds';
import { makeHarness, type Harness } from './harness';

const summary = (programId: string) => ({
  programId,
  name: `Program ${programId}`,
  fiscalYear: 2030,
  status: 'active' as const,
  ownerMspId: 'CityAMSP',
  startDate: '2030-01-01T00:00:00.000Z',
  endDate: '2030-12-31T00:00:00.000Z',
  categories: ['equipment'],
  budget: '1000',
  allocated: '600',
  unallocated: '400',
  disbursed: '300',
  pending: '100',
  spent: '50',
  unspent: '250',
  counts: { allocations: 1, disbursements: 2, spends: 1, refusedAttempts: 1 },
  byDepartment: [
    { mspId: 'CityAMSP', dept: 'industry', allocated: '600', disbursed: '300', pending: '100', spent: '50' },
  ],
  byCategory: [{ category: 'equipment', disbursed: '300', pending: '100', spent: '50' }],
  alertsByRule: [{ rule: 'unapprovedAccount' as const, open: 1, acknowledged: 0, resolved: 0 }],
  flow: [{ from: 'budget', to: 'CityAMSP/industry', amount: '600' }],
});

let h: Harness;
beforeAll(async () => {
  h = await makeHarness({
    publicFunds: { reader: { mspId: 'CityBMSP', label: 'bob' }, maxAgeSec: 30 },
    rateLimit: { windowMs: 60_000, max: 10 },
  });
});
afterAll(() => h.close());
beforeEach(() => {
  h.ledger.calls.length = 0;
  h.ledger.handlers.clear();
  h.ledger.on('fund-tracing', 'GetPublicSummary', (req) => summary((req as { programId: string }).programId));
  h.ledger.on('fund-tracing', 'ListPublicSummaries', (req) => {
    const { bookmark } = req as { bookmark: string };
    return bookmark === ''
      ? { records: [summary('P1')], bookmark: 'b1' }
      : { records: [summary('P2')], bookmark: '' };
  });
});

describe('public fund-tracing routes', () => {
  it('answer without a token, as the reader identity, with ETag and Cache-Control; 304 when unchanged', async () => {
    const res = await request(h.gateway.app)
      .get('/api/v1/public/programs/P1')
      .set('X-Forwarded-For', '10.0.0.1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(summary('P1'));
    expect(res.headers['cache-control']).toBe('public, max-age=30');
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(h.ledger.calls.at(-1)).toMatchObject({
      kind: 'evaluate',
      identity: { mspId: 'CityBMSP' },
      invocation: { chaincode: 'fund-tracing', transaction: 'GetPublicSummary' },
    });
    // fetch() sends Cache-Control: no-cache with every conditional request: still a 304
    const revalidated = await request(h.gateway.app)
      .get('/api/v1/public/programs/P1')
      .set('If-None-Match', `W/"other", ${res.headers.etag}`)
      .set('Cache-Control', 'no-cache');
    expect(revalidated.status).toBe(304);
    const changed = await request(h.gateway.app)
      .get('/api/v1/public/programs/P1')
      .set('If-None-Match', '"other"');
    expect(changed.status).toBe(200);
    const again = await request(h.gateway.app)
      .get('/api/v1/public/programs/P1')
      .set('If-None-Match', res.headers.etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('pages the programs and exports them all as JSON and CSV', async () => {
    const page = await request(h.gateway.app).get('/api/v1/public/programs?pageSize=1');
    expect(page.body).toEqual({ records: [summary('P1')], bookmark: 'b1' });
    const json = await request(h.gateway.app).get('/api/v1/public/export');
    expect(json.body.programs.map((p: { programId: string }) => p.programId)).toEqual(['P1', 'P2']);
    const csv = await request(h.gateway.app).get('/api/v1/public/export?format=csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.split('\r\n').slice(0, 5)).toEqual([
      'program_id,program_name,fiscal_year,row,key,budget,allocated,disbursed,pending,spent,alerts_open,alerts_acknowledged,alerts_resolved',
      'P1,Program P1,2030,program,P1,1000,600,300,100,50,,,',
      'P1,Program P1,2030,department,CityAMSP/industry,,600,300,100,50,,,',
      'P1,Program P1,2030,category,equipment,,,300,100,50,,,',
      'P1,Program P1,2030,alerts,unapprovedAccount,,,,,,1,0,0',
    ]);
  });

  it('refuses bad input before Fabric and is rate-limited per client', async () => {
    const bad = await request(h.gateway.app).get('/api/v1/public/programs?pageSize=21');
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_REQUEST']);
    let limited = false;
    for (let i = 0; i < 14 && !limited; i++) {
      limited = (await request(h.gateway.app).get('/api/v1/public/programs/P1')).status === 429;
    }
    expect(limited).toBe(true);
  });

  it('quotes CSV cells and defuses spreadsheet formulas', () => {
    const p = { ...summary('P3'), name: '=HYPERLINK("x"), "quoted"' };
    expect(toCsv([p]).split('\r\n')[1]).toBe(
      `P3,"'=HYPERLINK(""x""), ""quoted""",2030,program,P3,1000,600,300,100,50,,,`,
    );
  });
});

describe('public reads configuration', () => {
  it('reads the reader (falling back to SCHEDULE_IDENTITY) and the cache age', () => {
    expect(loadPublicFundsConfig({ SCHEDULE_IDENTITY: 'CityAMSP/auditor-a' })).toEqual({
      reader: { mspId: 'CityAMSP', label: 'auditor-a' },
      maxAgeSec: 60,
    });
    expect(
      loadPublicFundsConfig({
        PUBLIC_READ_IDENTITY: 'CityBMSP/reader',
        SCHEDULE_IDENTITY: 'CityAMSP/a',
        PUBLIC_CACHE_MAX_AGE_S: '5',
      }),
    ).toEqual({ reader: { mspId: 'CityBMSP', label: 'reader' }, maxAgeSec: 5 });
    expect(() => loadPublicFundsConfig({ PUBLIC_READ_IDENTITY: 'x' })).toThrow(ConfigError);
  });

  it('without a reader the routes answer 503 PUBLIC_READS_NOT_CONFIGURED', async () => {
    const bare = await makeHarness();
    try {
      const res = await request(bare.gateway.app).get('/api/v1/public/programs');
      expect([res.status, res.body.code]).toEqual([503, 'PUBLIC_READS_NOT_CONFIGURED']);
    } finally {
      bare.close();
    }
  });
});
