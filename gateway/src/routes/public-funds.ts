/**
 * Public transparency of fund-tracing (issue 19): unauthenticated, rate-limited (the /api
 * limiter, by client IP for callers without a token) and cacheable (strong ETag from the
 * body, `Cache-Control: public, max-age`, 304 on `If-None-Match`) reads of each program's
 * budget, allocated, disbursed, pending and spent amounts, totals by department and category,
 * alert counts by rule and the fund flow, plus a JSON or CSV export of all of it.
 *
 * The chaincode's public aggregate reads (GetPublicSummary, ListPublicSummaries) return
 * aggregates only, so nothing here scrubs personal data: the gateway evaluates them as the
 * configured public reader identity and passes them on.
 */
import { createHash } from 'node:crypto';
import { fundTracing as ft } from '@govledger/wire';
import { z } from 'zod';
import type { Caller } from '../caller';
import { ConfigError } from '../config';
import { HttpProblem } from '../http/problem';
import { sendText, type ApiRequest, type ApiResponse } from '../http/exchange';
import { defineRoute, type AnyRoute } from '../http/route';
import type { TransactionService } from '../writes/transactions';

const TAGS = ['public'];

/** Settings of the public reads. */
export interface PublicFundsConfig {
  /**
   * The wallet identity the public reads are evaluated as (`PUBLIC_READ_IDENTITY`, `MSPID/label`;
   * default `SCHEDULE_IDENTITY`); absent: the public routes answer 503 PUBLIC_READS_NOT_CONFIGURED.
   */
  reader?: { mspId: string; label: string };
  /** `Cache-Control: max-age` of the answers, seconds (`PUBLIC_CACHE_MAX_AGE_S`, default 60). */
  maxAgeSec: number;
}

const IDENTITY = /^([A-Za-z0-9][A-Za-z0-9.-]{0,63})\/([A-Za-z0-9][A-Za-z0-9._@-]{0,127})$/;

/** Reads the public-read settings; throws ConfigError naming the variable at fault. */
export function loadPublicFundsConfig(env: Record<string, string | undefined>): PublicFundsConfig {
  const config: PublicFundsConfig = { maxAgeSec: 60 };
  const age = env.PUBLIC_CACHE_MAX_AGE_S;
  if (age !== undefined && age !== '') {
    if (!/^\d{1,6}$/.test(age))
      throw new ConfigError('PUBLIC_CACHE_MAX_AGE_S', 'is invalid: must be 0-999999');
    config.maxAgeSec = Number(age);
  }
  for (const name of ['PUBLIC_READ_IDENTITY', 'SCHEDULE_IDENTITY']) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const m = IDENTITY.exec(raw);
    if (!m) throw new ConfigError(name, 'is invalid: must be <MSP ID>/<wallet label>');
    config.reader = { mspId: m[1], label: m[2] };
    break;
  }
  return config;
}

/** What the public routes need. */
export interface PublicFundsDeps {
  transactions: TransactionService;
  /** Deployed name of the fund-tracing chaincode. */
  chaincode: string;
  config: PublicFundsConfig;
}

/** Most programs one export holds (pages of Limits.maxPublicPage). */
export const MAX_EXPORT_PROGRAMS = 2000;

const Summary = ft.PublicProgramSummary;
const SummaryPage = z.object({
  records: z.array(Summary).meta({ description: 'Program summaries of this page, by program id' }),
  bookmark: z.string().meta({ description: 'Bookmark of the next page; empty on the last page' }),
});

const PublicPageQuery = z
  .object({
    pageSize: z.coerce
      .number()
      .int()
      .min(1)
      .max(ft.Limits.maxPublicPage)
      .optional()
      .meta({ description: 'Programs per page (1-20, default 10)', example: 10 }),
    bookmark: z.string().max(1024).optional().meta({ description: 'From the previous page', example: '' }),
  })
  .strict();

const ExportQuery = z
  .object({
    format: z.enum(['json', 'csv']).optional().meta({ description: 'json (default) or csv', example: 'csv' }),
  })
  .strict();

/** The CSV columns of the export: one row per program, department, category and alert rule. */
export const CSV_COLUMNS = [
  'program_id',
  'program_name',
  'fiscal_year',
  'row',
  'key',
  'budget',
  'allocated',
  'disbursed',
  'pending',
  'spent',
  'alerts_open',
  'alerts_acknowledged',
  'alerts_resolved',
] as const;

function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  // quote when needed; a leading =, +, - or @ would make a spreadsheet evaluate the cell
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The export as CSV (RFC 4180, CRLF line ends, a header row). */
export function toCsv(programs: readonly ft.PublicProgramSummary[]): string {
  const rows: Array<Array<string | number | undefined>> = [[...CSV_COLUMNS]];
  for (const p of programs) {
    const head = [p.programId, p.name, p.fiscalYear];
    rows.push([
      ...head,
      'program',
      p.programId,
      p.budget,
      p.allocated,
      p.disbursed,
      p.pending,
      p.spent,
      ...[0, 1, 2].map(() => undefined),
    ]);
    for (const d of p.byDepartment)
      rows.push([
        ...head,
        'department',
        `${d.mspId}/${d.dept}`,
        undefined,
        d.allocated,
        d.disbursed,
        d.pending,
        d.spent,
      ]);
    for (const c of p.byCategory)
      rows.push([...head, 'category', c.category, undefined, undefined, c.disbursed, c.pending, c.spent]);
    for (const a of p.alertsByRule)
      rows.push([
        ...head,
        'alerts',
        a.rule,
        ...[0, 1, 2, 3, 4].map(() => undefined),
        a.open,
        a.acknowledged,
        a.resolved,
      ]);
  }
  return rows.map((r) => CSV_COLUMNS.map((_, i) => csvCell(r[i])).join(',')).join('\r\n') + '\r\n';
}

/**
 * True when an `If-None-Match` header names the entity tag (weak comparison, RFC 9110 13.1.2).
 * Checked here rather than with `fresh` (Express's `req.fresh`), which (written for caches) ignores the
 * header when the request says `Cache-Control: no-cache`, as fetch() does on every conditional
 * request; an origin server answers 304 all the same.
 */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || bare(t) === bare(etag));
}

/** The public fund-tracing routes. */
export function publicFundsRoutes(deps: PublicFundsDeps): AnyRoute[] {
  const reader = (): Caller => {
    const r = deps.config.reader;
    if (!r)
      throw new HttpProblem(
        503,
        'PUBLIC_READS_NOT_CONFIGURED',
        'public reads need PUBLIC_READ_IDENTITY (or SCHEDULE_IDENTITY) in the gateway configuration',
      );
    return { subject: r.label, org: r.mspId, roles: [] };
  };
  const evaluate = async (transaction: string, request: unknown): Promise<unknown> =>
    deps.transactions.evaluate(reader(), {
      chaincode: deps.chaincode,
      transaction,
      args: [JSON.stringify(request)],
    });
  const page = async (pageSize: number, bookmark: string) =>
    SummaryPage.parse(await evaluate('ListPublicSummaries', { pageSize, bookmark }));

  /** Answers a cacheable body: strong ETag, Cache-Control, 304 when the client has it. */
  const send = (req: ApiRequest, res: ApiResponse, body: string, type: string): undefined => {
    const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', `public, max-age=${deps.config.maxAgeSec}`);
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (etagMatches(req.headers['if-none-match'], etag)) {
      res.statusCode = 304;
      res.end();
    } else sendText(res, 200, type, body);
    return undefined;
  };
  const description =
    'No token needed; rate-limited per client address; cacheable (ETag, Cache-Control). Aggregates only: no personal value.';

  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/public/programs',
      operationId: 'listPublicProgramSummaries',
      conditional: true,
      summary: "Every program's budget, allocated, disbursed and spent amounts, by department and category",
      description,
      tags: TAGS,
      roles: [],
      public: true,
      query: PublicPageQuery,
      response: SummaryPage,
      handle: async ({ req, res, input }) =>
        send(
          req,
          res,
          JSON.stringify(await page(input.query.pageSize ?? 10, input.query.bookmark ?? '')),
          'application/json',
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/public/programs/{programId}',
      operationId: 'getPublicProgramSummary',
      conditional: true,
      summary:
        "A program's public summary: amounts, totals by department and category, alerts by rule, fund flow",
      description,
      tags: TAGS,
      roles: [],
      public: true,
      params: ft.GetPublicSummaryRequest,
      response: Summary,
      handle: async ({ req, res, input }) =>
        send(
          req,
          res,
          JSON.stringify(
            Summary.parse(await evaluate('GetPublicSummary', { programId: input.params.programId })),
          ),
          'application/json',
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/public/export',
      operationId: 'exportPublicFunds',
      conditional: true,
      summary: 'Export of every program summary, as JSON or CSV (for journalists and auditors)',
      description: `${description} CSV columns: ${CSV_COLUMNS.join(', ')}; one row per program, department, category and alert rule.`,
      tags: TAGS,
      roles: [],
      public: true,
      query: ExportQuery,
      response: z.object({
        programs: z.array(Summary).meta({ description: 'Every program summary, by program id' }),
      }),
      handle: async ({ req, res, input }) => {
        const programs: ft.PublicProgramSummary[] = [];
        let bookmark = '';
        do {
          const p = await page(ft.Limits.maxPublicPage, bookmark);
          programs.push(...p.records);
          bookmark = p.bookmark;
        } while (bookmark !== '' && programs.length < MAX_EXPORT_PROGRAMS);
        if (input.query.format === 'csv') {
          res.setHeader('Content-Disposition', 'attachment; filename="public-funds.csv"');
          return send(req, res, toCsv(programs), 'text/csv; charset=utf-8');
        }
        return send(req, res, JSON.stringify({ programs }), 'application/json');
      },
    }),
  ];
}
