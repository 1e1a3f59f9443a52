import { EventFormatError, readEvents, SseParser, type GatewayEvent } from '../src/events';

/** One SSE message exactly as the gateway's formatEvent writes it. */
function sse(block: number, txId: string, eventName: string, payload: unknown): string {
  const data = {
    chaincode: 'data-sharing',
    eventName,
    transactionId: txId,
    blockNumber: String(block),
    payload,
  };
  return `id: ${block}:${txId}\nevent: ${eventName}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A response whose body streams the chunks, then ends (or breaks). */
function stream(chunks: string[], opts: { breakAfter?: boolean } = {}): Response {
  const encoder = new TextEncoder();
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(encoder.encode(chunks[i++]));
      else if (opts.breakAfter) controller.error(new TypeError('socket hang up'));
      else controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream; charset=utf-8' } });
}

async function take<T>(it: AsyncGenerator<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) {
    out.push(x);
    if (out.length === n) break;
  }
  return out;
}

const tx = (n: number) => n.toString(16).padStart(64, '0');

describe('SseParser', () => {
  it('reads the gateway format, comments and retry, across any chunk boundaries and line endings', () => {
    const text =
      'retry: 2000\n: connected\n\n' +
      sse(7, tx(1), 'ConsentGranted', { consentId: 'C-1', citizenPid: 'ab'.repeat(16) }) +
      ': keepalive\n\n' +
      sse(8, tx(2), 'AccessLogged', { accessId: 'A-1' }).replace(/\n/g, '\r\n') +
      'data: line one\ndata: line two\n\n';
    for (const size of [1, 2, 5, text.length]) {
      const parser = new SseParser();
      const messages = [];
      for (let i = 0; i < text.length; i += size) messages.push(...parser.push(text.slice(i, i + size)));
      expect(parser.retryMs).toBe(2000);
      expect(messages.map((m) => [m.id, m.event])).toEqual([
        [`7:${tx(1)}`, 'ConsentGranted'],
        [`8:${tx(2)}`, 'AccessLogged'],
        [`8:${tx(2)}`, 'message'],
      ]);
      expect(JSON.parse(messages[0].data).payload.consentId).toBe('C-1');
      expect(messages[2].data).toBe('line one\nline two');
    }
  });

  it('tells the comments, in order, when asked', () => {
    const comments: string[] = [];
    const parser = new SseParser(undefined, { onComment: (c) => comments.push(c) });
    const messages = parser.push(': connected\n\n:keepalive\n\n' + sse(7, tx(1), 'ConsentGranted', {}));
    expect(comments).toEqual(['connected', 'keepalive']);
    expect(messages).toHaveLength(1);
  });
});

describe('readEvents', () => {
  it('asks for the chaincode and event names with the bearer token, and parses each event', async () => {
    const requests: Request[] = [];
    const events = readEvents({
      baseUrl: 'https://gw.example',
      token: 'T0K',
      chaincode: 'data-sharing',
      events: ['ConsentGranted', 'AccessLogged'],
      startBlock: 5n,
      fetch: async (req) => {
        requests.push(req);
        return stream([
          'retry: 2000\n: connected\n\n',
          sse(7, tx(1), 'ConsentGranted', { consentId: 'C-1' }),
        ]);
      },
    });
    const [first] = await take(events, 1);
    expect(first).toEqual<GatewayEvent>({
      id: `7:${tx(1)}`,
      event: 'ConsentGranted',
      data: {
        chaincode: 'data-sharing',
        eventName: 'ConsentGranted',
        transactionId: tx(1),
        blockNumber: '7',
        payload: { consentId: 'C-1' },
      },
    });
    const url = new URL(requests[0].url);
    expect(url.pathname).toBe('/api/v1/events');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      chaincode: 'data-sharing',
      events: 'ConsentGranted,AccessLogged',
      startBlock: '5',
    });
    expect(requests[0].headers.get('authorization')).toBe('Bearer T0K');
    expect(requests[0].headers.get('last-event-id')).toBeNull();
  });

  it('resumes with Last-Event-ID after the stream ends or breaks, so no event is missed or repeated', async () => {
    const seen: (string | null)[] = [];
    const reconnects: (string | undefined)[] = [];
    let call = 0;
    const events = readEvents({
      baseUrl: 'https://gw.example',
      token: () => `token-${call}`,
      chaincode: 'data-sharing',
      startBlock: 0,
      reconnectDelayMs: 0,
      onReconnect: (info) => reconnects.push(info.lastEventId),
      fetch: async (req) => {
        seen.push(req.headers.get('last-event-id'));
        expect(new URL(req.url).searchParams.has('startBlock')).toBe(call === 0);
        call += 1;
        if (call === 1) return stream([sse(1, tx(1), 'A', 1), sse(2, tx(2), 'A', 2)]);
        if (call === 2) return stream([sse(3, tx(3), 'A', 3)], { breakAfter: true });
        if (call === 3) throw new TypeError('fetch failed');
        if (call === 4)
          return new Response('{"code":"SHUTTING_DOWN"}', { status: 503, headers: { 'Retry-After': '0' } });
        return stream([sse(4, tx(4), 'A', 4)]);
      },
    });
    const got = await take(events, 4);
    expect(got.map((e) => e.data.payload)).toEqual([1, 2, 3, 4]);
    expect(seen).toEqual([null, `2:${tx(2)}`, `3:${tx(3)}`, `3:${tx(3)}`, `3:${tx(3)}`]);
    expect(reconnects).toEqual([`2:${tx(2)}`, `3:${tx(3)}`, `3:${tx(3)}`, `3:${tx(3)}`]);
  });

  it('starts after a stored event id', async () => {
    let header: string | null = null;
    const events = readEvents({
      baseUrl: 'https://gw.example',
      token: 't',
      chaincode: 'e-licence',
      lastEventId: `9:${tx(9)}`,
      startBlock: 1,
      fetch: async (req) => {
        header = req.headers.get('last-event-id');
        expect(new URL(req.url).searchParams.has('startBlock')).toBe(false);
        return stream([sse(10, tx(10), 'LicenceIssued', {})]);
      },
    });
    await take(events, 1);
    expect(header).toBe(`9:${tx(9)}`);
  });

  it('throws a refusal (401, 403, 400) with its problem instead of retrying it', async () => {
    let calls = 0;
    const events = readEvents({
      baseUrl: 'https://gw.example',
      token: 't',
      chaincode: 'e-licence',
      fetch: async () => {
        calls += 1;
        return new Response(
          JSON.stringify({
            type: 'x',
            title: 'Unauthorized',
            status: 401,
            detail: 'expired',
            code: 'TOKEN_EXPIRED',
          }),
          {
            status: 401,
            headers: { 'Content-Type': 'application/problem+json' },
          },
        );
      },
    });
    await expect(take(events, 1)).rejects.toMatchObject({ status: 401, problem: { code: 'TOKEN_EXPIRED' } });
    expect(calls).toBe(1);
  });

  it('throws on data that is not the gateway JSON instead of reconnecting', async () => {
    let calls = 0;
    const events = readEvents({
      baseUrl: 'https://gw.example',
      token: 't',
      chaincode: 'e-licence',
      reconnectDelayMs: 0,
      fetch: async () => {
        calls += 1;
        return stream(['id: 1:abc\nevent: x\ndata: <html>\n\n']);
      },
    });
    await expect(take(events, 1)).rejects.toBeInstanceOf(EventFormatError);
    expect(calls).toBe(1);
  });

  it('gives up after maxReconnects failures in a row, and stops when the signal aborts', async () => {
    const failing = readEvents({
      baseUrl: 'https://gw.example',
      token: 't',
      chaincode: 'e-licence',
      reconnectDelayMs: 0,
      maxReconnects: 2,
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    await expect(take(failing, 1)).rejects.toThrow('fetch failed');

    const controller = new AbortController();
    const aborted = readEvents({
      baseUrl: 'https://gw.example',
      token: 't',
      chaincode: 'e-licence',
      signal: controller.signal,
      fetch: async () => {
        controller.abort();
        return stream([]);
      },
    });
    await expect(take(aborted, 1)).resolves.toEqual([]);
  });
});
