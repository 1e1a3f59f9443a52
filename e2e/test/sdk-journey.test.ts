/**
 * A portal developer's journeys written only with the SDK (@govledger/client, issue 21): the
 * typed client generated from the gateway's OpenAPI document and its hashing helpers, nothing
 * hand-written about the wire. Only the tokens and the gateway's URL come from the test
 * network (e2e's helpers); every answer is also held to the published contract (checkedFetch).
 *
 * - e-licence: City A defines the type (a retry under the same idempotency key is answered
 *   with the first outcome); the enterprise learns its pid from `GET /api/v1/me`, seals its private record
 *   (canonical JSON, salted claim hashes, the private-record hash, all computed by the SDK),
 *   applies once; the three departments approve at the same time; the last approval issues the
 *   licence; City B verifies the document hash, one disclosed claim and the private-record hash.
 * - data-sharing: a category; the citizen consents to City B housing; City B housing asks for
 *   the data and gets a ticket; the event stream (the SDK's reader) shows the access; the
 *   citizen asks "who accessed my data" and sees it.
 */
import {
  canonicalJson,
  claimHash,
  createGovLedgerClient,
  discloseClaims,
  newIdempotencyKey,
  newPrivateRecord,
  readEvents,
  sha256Hex,
  type GatewayEvent,
  type GovLedgerClient,
} from '@govledger/client';
import { assertEventMatchesContract, checkedFetch, gatewayUrl, tokenOf } from '../src/gateway-client';

const run = Date.now().toString(36).toUpperCase();

/** The typed client of one demo user. */
const as = (user: string): GovLedgerClient =>
  createGovLedgerClient({ baseUrl: gatewayUrl(), token: tokenOf(user), fetch: checkedFetch });

/** What every openapi-fetch call answers. */
interface Answer<D, E> {
  data?: D;
  error?: E;
  response: Response;
}

/** The data of a successful call; a refusal fails with its problem. */
function ok<D, E>(answer: Answer<D, E>): D {
  if (answer.error !== undefined || answer.data === undefined) {
    throw new Error(`${answer.response.status}: ${JSON.stringify(answer.error)}`);
  }
  return answer.data;
}

/** The chaincode result of a committed write (the SDK types a write as committed or accepted). */
function committed<D, E>(answer: Answer<D, E>): Extract<D, { result: unknown }>['result'] {
  const data = ok(answer);
  if (answer.response.status === 202 || typeof data !== 'object' || data === null || !('result' in data)) {
    throw new Error(`not committed: ${answer.response.status} ${JSON.stringify(data)}`);
  }
  expect(answer.response.headers.get('x-transaction-id')).toMatch(/^[0-9a-f]{64}$/);
  return (data as Extract<D, { result: unknown }>).result;
}

/** Calls until `done` holds (another organisation's peer may not have the block yet). */
async function until<T>(what: string, call: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await call();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

describe('a licence application with the SDK only: parallel approvals, verified by the other city', () => {
  const typeCode = `SDK-FOOD-${run}`;
  const applicationId = `SDK-APP-${run}`;
  const departments = {
    'approver-market-a': 'market',
    'approver-fire-a': 'fire',
    'approver-env-a': 'environment',
  };
  const sealed = newPrivateRecord(
    { legalName: `Harbour Noodles Ltd ${run}`, address: '5 Quay Street, City A' },
    { companyName: `Harbour Noodles ${run}`, registeredCapital: '1200000.00' },
  );
  const documentHash = sha256Hex(`%PDF-1.7 food business licence ${applicationId}`);

  it('the SDK computes the hashes the ledger will hold', () => {
    expect(sealed.privateDataHash).toBe(sha256Hex(canonicalJson(sealed.record)));
    const capital = sealed.record.claims.registeredCapital;
    expect(sealed.claimHashes.registeredCapital).toBe(claimHash(capital!.salt, '1200000.00'));
  });

  it('City A defines the type (sent twice under one idempotency key: written once); the enterprise learns its pid and applies once', async () => {
    const key = newIdempotencyKey();
    const createType = () =>
      as('admin-a').POST('/api/v1/licence-types', {
        params: { header: { 'Idempotency-Key': key } },
        body: {
          code: typeCode,
          name: 'Food business licence (SDK journey)',
          dept: 'market',
          holderKind: 'enterprise',
          validity: { kind: 'days', days: 365 },
          claims: Object.keys(sealed.record.claims),
          requiredApprovals: Object.values(departments),
        },
      });
    const first = await createType();
    const type = committed(first);
    expect(type.requiredApprovals).toEqual(Object.values(departments));
    // a retry under the same key gets the first outcome back instead of a second write
    const again = await createType();
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    expect(ok(again)).toEqual(ok(first));

    const me = ok(await as('enterprise-a1').GET('/api/v1/me'));
    expect(me.pid).toMatch(/^[0-9a-f]{32,128}$/);

    const application = committed(
      await as('enterprise-a1').POST('/api/v1/applications', {
        body: { applicationId, typeCode, licencePrivate: sealed.record },
      }),
    );
    expect(application).toMatchObject({
      applicationId,
      status: 'pending',
      applicant: { mspId: me.org, pid: me.pid },
      privateDataHash: sealed.privateDataHash,
      claimHashes: sealed.claimHashes,
    });
    // the personal data never reaches the public record
    expect(JSON.stringify(application)).not.toContain('Quay Street');
  });

  it('the three departments approve at the same time; exactly one approval issues the licence', async () => {
    const answers = await Promise.all(
      Object.keys(departments).map(async (approver) =>
        committed(
          await as(approver).POST('/api/v1/applications/{applicationId}/approvals', {
            params: { path: { applicationId } },
            body: { documentHash },
          }),
        ),
      ),
    );
    const issued = answers.filter((a) => a.licence !== null);
    expect(issued).toHaveLength(1);
    expect(issued[0]?.application.status).toBe('issued');
    expect(issued[0]?.licence).toMatchObject({ licenceId: applicationId, typeCode, status: 'active' });
  });

  it('City B verifies the document, one disclosed claim and the private record', async () => {
    const verification = await until(
      'the licence on City B',
      async () =>
        ok(
          await as('issuer-b').POST('/api/v1/licences/{licenceId}/verification', {
            params: { path: { licenceId: applicationId } },
            body: {
              documentHash,
              claims: discloseClaims(sealed.record.claims, ['registeredCapital']),
              privateDataHash: sealed.privateDataHash,
            },
          }),
        ),
      (v) => v.found,
    );
    expect(verification).toMatchObject({ valid: true, documentHashMatch: true });
    expect(verification.claims).toEqual([
      expect.objectContaining({ name: 'registeredCapital', match: true }),
    ]);

    const forged = ok(
      await as('issuer-b').POST('/api/v1/licences/{licenceId}/verification', {
        params: { path: { licenceId: applicationId } },
        body: {
          claims: [
            {
              name: 'registeredCapital',
              value: '9900000.00',
              salt: sealed.record.claims.registeredCapital!.salt,
            },
          ],
        },
      }),
    );
    expect(forged.claims).toEqual([expect.objectContaining({ name: 'registeredCapital', match: false })]);
  });
});

describe('a consent, an access and "who accessed my data", with the SDK only', () => {
  const category = `SDK-SOC-${run}`;
  const consentId = `SDK-CNS-${run}`;
  const accessId = `SDK-ACC-${run}`;

  it('City A lists a category; the citizen consents to City B housing', async () => {
    committed(
      await as('officer-social-a').POST('/api/v1/data-categories', {
        body: {
          code: category,
          description: 'Social insurance contribution record',
          fields: ['monthlyBase', 'contributionStatus'],
          sensitivity: 'high',
          serviceRef: 'https://social.city-a.example/api/v1/records',
        },
      }),
    );
    const now = Date.now();
    const consent = committed(
      await as('citizen-a1').POST('/api/v1/consents', {
        body: {
          consentId,
          grantee: { mspId: 'CityBMSP', dept: 'housing' },
          categoryCode: category,
          fields: ['contributionStatus'],
          purpose: 'HOUSING_SUBSIDY',
          validFrom: new Date(now - 60_000).toISOString(),
          validUntil: new Date(now + 86_400_000).toISOString(),
          maxUses: 3,
        },
      }),
    );
    const me = ok(await as('citizen-a1').GET('/api/v1/me'));
    expect(consent).toMatchObject({ consentId, citizen: { mspId: me.org, pid: me.pid } });
  });

  it('City B housing asks for the data: granted with a ticket, and the event stream shows the access', async () => {
    const me = ok(await as('citizen-a1').GET('/api/v1/me'));
    const stop = new AbortController();
    const seen: GatewayEvent[] = [];
    const stream = (async () => {
      for await (const event of readEvents({
        baseUrl: gatewayUrl(),
        token: tokenOf('officer-social-a'),
        chaincode: 'data-sharing',
        events: ['AccessLogged'],
        signal: stop.signal,
        fetch: checkedFetch,
        reconnectDelayMs: 500,
      })) {
        await assertEventMatchesContract('data-sharing', event.event, event.data);
        seen.push(event);
        if (seen.some((e) => JSON.stringify(e.data.payload).includes(accessId))) stop.abort();
      }
    })();
    try {
      // the stream is open before the access is written (its first event is the access)
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const access = committed(
        await as('officer-housing-b').POST('/api/v1/access-requests', {
          body: {
            accessId,
            citizen: { mspId: me.org, pid: me.pid as string },
            categoryCode: category,
            fields: ['contributionStatus'],
            purpose: 'HOUSING_SUBSIDY',
          },
        }),
      );
      expect(access).toMatchObject({ granted: true, accessId, basis: { kind: 'consent', id: consentId } });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        stream,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('no AccessLogged event within 60 s')), 60_000);
        }),
      ]).finally(() => clearTimeout(timer));
      const event = seen.find((e) => JSON.stringify(e.data.payload).includes(accessId));
      expect(event).toBeDefined();
      expect(event?.id).toBe(`${event?.data.blockNumber}:${event?.data.transactionId}`);
    } finally {
      stop.abort();
      await stream.catch(() => undefined);
    }
  }, 90_000);

  it('the citizen asks who accessed their data and sees City B housing, under their consent', async () => {
    const page = await until(
      'the access in the citizen log',
      async () =>
        ok(
          await as('citizen-a1').GET('/api/v1/access-logs/citizen', { params: { query: { pageSize: 50 } } }),
        ),
      (p) => p.records.some((a) => a.accessId === accessId),
    );
    const access = page.records.find((a) => a.accessId === accessId);
    expect(access).toMatchObject({
      granted: true,
      categoryCode: category,
      requester: expect.objectContaining({ mspId: 'CityBMSP', dept: 'housing' }),
      fields: ['contributionStatus'],
      purpose: 'HOUSING_SUBSIDY',
    });
  });
});
