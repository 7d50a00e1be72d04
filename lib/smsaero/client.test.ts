import { describe, expect, it } from 'vitest';

import { basicAuthorization, createSmsAeroClient, resolveGates, SmsAeroError, type SmsAeroClientOptions } from './client';

type Call = { url: string; init: RequestInit };
type Responder = (call: Call) => Response | Promise<Response>;

const PHONE = '79990000000';
const TEXT = 'Your code is 123456';

const sendSuccess = {
  success: true,
  data: {
    id: 5,
    from: 'SMS Aero',
    number: PHONE,
    text: TEXT,
    status: 0,
    extendStatus: 'queue',
    channel: 'FREE SIGN',
    cost: 2.2,
    dateCreate: 1532342510,
    dateSend: 1532342510,
  },
  message: null,
};

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

function fakeGates(...responders: Responder[]) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const call = { url: String(input), init: init ?? {} };
    calls.push(call);
    const responder = responders[calls.length - 1];
    if (!responder) throw new Error(`unexpected request #${calls.length}`);
    return responder(call);
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const client = (fetchImpl: typeof fetch, options: Partial<SmsAeroClientOptions> = {}) =>
  createSmsAeroClient({ email: 'you@example.com', apiKey: 'your-api-key', fetch: fetchImpl, ...options });

async function rejection(promise: Promise<unknown>): Promise<SmsAeroError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SmsAeroError);
  return error as SmsAeroError;
}

const expectNoSecretsIn = (error: SmsAeroError) => {
  const dump = `${error.message} ${JSON.stringify(error.details ?? null)}`;
  expect(dump).not.toContain(PHONE);
  expect(dump).not.toContain('123456');
};

describe('createSmsAeroClient().send', () => {
  it('POSTs JSON with Basic auth to the default gate and normalizes the answer', async () => {
    const { calls, fetchImpl } = fakeGates(() => json(sendSuccess));
    const message = await client(fetchImpl).send({ number: PHONE, sign: 'SMSAero', text: TEXT, callbackUrl: 'https://w.example/cb/t', callbackFormat: 'JSON' });

    expect(message).toEqual({
      id: '5',
      status: 0,
      extendStatus: 'queue',
      number: PHONE,
      cost: 2.2,
      dateCreate: 1532342510,
      dateSend: 1532342510,
      raw: sendSuccess.data,
    });
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url).toBe('https://gate.smsaero.ru/v2/sms/send');
    expect(call?.init.method).toBe('POST');
    const headers = new Headers(call?.init.headers);
    expect(headers.get('Authorization')).toBe(`Basic ${btoa('you@example.com:your-api-key')}`);
    expect(headers.get('Content-Type')).toBe('application/json');
    expect(JSON.parse(String(call?.init.body))).toEqual({
      number: PHONE,
      sign: 'SMSAero',
      text: TEXT,
      callbackUrl: 'https://w.example/cb/t',
      callbackFormat: 'JSON',
    });
    expect(call?.init.signal).toBeInstanceOf(AbortSignal);
  });

  it('leaves callback fields out when not given, as the stock Logto connector does', async () => {
    const { calls, fetchImpl } = fakeGates(() => json(sendSuccess));
    await client(fetchImpl).send({ number: PHONE, sign: 'SMSAero', text: TEXT });
    expect(Object.keys(JSON.parse(String(calls[0]?.init.body))).sort()).toEqual(['number', 'sign', 'text']);
  });

  it('parses ids, cost and dates given as strings', async () => {
    const data = { ...sendSuccess.data, id: '77', status: '1', cost: '2.50', dateCreate: '1532342510', dateSend: null, number: 79990000000 };
    const { fetchImpl } = fakeGates(() => json({ success: true, data }));
    const message = await client(fetchImpl).send({ number: PHONE, sign: 'SMSAero', text: TEXT });
    expect(message).toMatchObject({ id: '77', status: 1, cost: 2.5, dateCreate: 1532342510, dateSend: null, number: PHONE });
  });

  it('treats 401 as an auth error without failing over', async () => {
    const { calls, fetchImpl } = fakeGates(() => json({ success: false, data: null, message: 'Your request was made with invalid credentials.' }, 401));
    const error = await rejection(client(fetchImpl).send({ number: PHONE, sign: 'SMSAero', text: TEXT }));
    expect(error).toMatchObject({ kind: 'auth', status: 401, attempts: 1 });
    expect(error.message).toContain('invalid credentials');
    expect(calls).toHaveLength(1);
  });

  it('treats 400 as a validation error carrying the field details', async () => {
    const { calls, fetchImpl } = fakeGates(() => json({ success: false, data: { number: ['incorrect'] }, message: 'Validation error.' }, 400));
    const error = await rejection(client(fetchImpl).send({ number: PHONE, sign: 'SMSAero', text: TEXT }));
    expect(error).toMatchObject({ kind: 'validation', status: 400, attempts: 1, details: { number: ['incorrect'] } });
    expect(calls).toHaveLength(1);
    expectNoSecretsIn(error);
  });

  it('scrubs the number and text from upstream messages and details', async () => {
    const { fetchImpl } = fakeGates(() =>
      json({ success: false, data: { number: [`${PHONE} is blocked`], text: [`"${TEXT}" is spam`] }, message: `Number +7 999 000-00-00 rejected` }, 422),
    );
    const error = await rejection(client(fetchImpl).send({ number: PHONE, sign: 'SMSAero', text: TEXT }));
    expect(error.kind).toBe('validation');
    expectNoSecretsIn(error);
    expect(error.message).not.toMatch(/999/);
    expect(error.details).toEqual({ number: ['[redacted] is blocked'], text: ['"[redacted]" is spam'] });
  });

  it('fails over to the next gate on 5xx and succeeds there', async () => {
    const { calls, fetchImpl } = fakeGates(
      () => new Response('Bad gateway', { status: 502 }),
      () => json(sendSuccess),
    );
    const message = await client(fetchImpl).send({ number: PHONE, sign: 'SMSAero', text: TEXT });
    expect(message.id).toBe('5');
    expect(calls.map((call) => call.url)).toEqual(['https://gate.smsaero.ru/v2/sms/send', 'https://gate.smsaero.org/v2/sms/send']);
  });

  it('fails over on network errors and reports a network error when every gate fails', async () => {
    const down: Responder = () => {
      throw new TypeError('fetch failed');
    };
    const { calls, fetchImpl } = fakeGates(down, down, down, down, down);
    const error = await rejection(client(fetchImpl).send({ number: PHONE, sign: 'SMSAero', text: TEXT }));
    expect(error).toMatchObject({ kind: 'network', attempts: 4 });
    expect(error.status).toBeUndefined();
    expect(calls.map((call) => new URL(call.url).hostname)).toEqual(['gate.smsaero.ru', 'gate.smsaero.org', 'gate.smsaero.net', 'gate.smsaero.uz']);
  });

  it('reports upstream with the last status when the gates answer 5xx', async () => {
    const { fetchImpl } = fakeGates(
      () => new Response('', { status: 500 }),
      () => new Response('', { status: 503 }),
    );
    const error = await rejection(client(fetchImpl, { maxAttempts: 2 }).send({ number: PHONE, sign: 'SMSAero', text: TEXT }));
    expect(error).toMatchObject({ kind: 'upstream', status: 503, attempts: 2 });
  });

  it('bounds attempts by maxAttempts and by the number of gates', async () => {
    const down: Responder = () => {
      throw new TypeError('fetch failed');
    };
    const limited = fakeGates(down, down, down, down);
    expect(await rejection(client(limited.fetchImpl, { maxAttempts: 2 }).send({ number: PHONE, sign: 'S', text: TEXT }))).toMatchObject({ attempts: 2 });
    expect(limited.calls).toHaveLength(2);

    const custom = fakeGates(down, down, down);
    const error = await rejection(client(custom.fetchImpl, { baseUrl: 'http://127.0.0.1:8788/v2/', maxAttempts: 10 }).send({ number: PHONE, sign: 'S', text: TEXT }));
    expect(error).toMatchObject({ kind: 'network', attempts: 1 });
    expect(custom.calls.map((call) => call.url)).toEqual(['http://127.0.0.1:8788/v2/sms/send']);
  });

  it('times out a gate that does not answer and moves on', async () => {
    const hang: Responder = ({ init }) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const { calls, fetchImpl } = fakeGates(hang, () => json(sendSuccess));
    const message = await client(fetchImpl, { timeoutMs: 20 }).send({ number: PHONE, sign: 'S', text: TEXT });
    expect(message.id).toBe('5');
    expect(calls).toHaveLength(2);

    const allHang = fakeGates(hang, hang);
    const error = await rejection(client(allHang.fetchImpl, { timeoutMs: 20, maxAttempts: 2 }).send({ number: PHONE, sign: 'S', text: TEXT }));
    expect(error).toMatchObject({ kind: 'network', attempts: 2 });
    expect(error.message).toContain('timed out after 20 ms');
  });

  it.each([
    [{ result: 'reject', reason: 'blocked sender' }, 'rejected'],
    [{ result: 'no credits' }, 'no-credits'],
    [{ success: false, data: null, message: 'Not enough money on the balance' }, 'no-credits'],
    [{ success: false, data: null, message: 'Sign is not approved' }, 'rejected'],
  ] as const)('treats %j as a final %s error', async (body, kind) => {
    const { calls, fetchImpl } = fakeGates(() => json(body));
    const error = await rejection(client(fetchImpl).send({ number: PHONE, sign: 'S', text: TEXT }));
    expect(error).toMatchObject({ kind, status: 200, attempts: 1 });
    expect(calls).toHaveLength(1);
  });

  it('files an empty balance answered as HTTP 400 (as the gates do) under no-credits, not validation', async () => {
    const { fetchImpl } = fakeGates(() => json({ success: false, data: null, message: 'Not enough money on the balance.' }, 400));
    expect(await rejection(client(fetchImpl).send({ number: PHONE, sign: 'S', text: TEXT }))).toMatchObject({ kind: 'no-credits', status: 400 });
  });

  it('treats a success without an id, or a non-JSON body, as an upstream error', async () => {
    const noId = fakeGates(() => json({ success: true, data: { status: 0 } }));
    expect(await rejection(client(noId.fetchImpl).send({ number: PHONE, sign: 'S', text: TEXT }))).toMatchObject({ kind: 'upstream' });
    const html = fakeGates(() => new Response('<html>hi</html>', { status: 200 }));
    expect(await rejection(client(html.fetchImpl).send({ number: PHONE, sign: 'S', text: TEXT }))).toMatchObject({ kind: 'upstream', status: 200 });
  });

  it('reports the attempt count of the gate that gave the final answer', async () => {
    const { fetchImpl } = fakeGates(
      () => new Response('', { status: 500 }),
      () => json({ success: false, data: null, message: 'bad' }, 401),
    );
    expect(await rejection(client(fetchImpl).send({ number: PHONE, sign: 'S', text: TEXT }))).toMatchObject({ kind: 'auth', attempts: 2 });
  });
});

describe('createSmsAeroClient().status and balance', () => {
  it('asks sms/status by id', async () => {
    const { calls, fetchImpl } = fakeGates(() => json({ success: true, data: { ...sendSuccess.data, status: 1, extendStatus: 'delivery', dateAnswer: 1532342520 } }));
    const message = await client(fetchImpl).status('5');
    expect(message).toMatchObject({ id: '5', status: 1, extendStatus: 'delivery' });
    expect(message.raw.dateAnswer).toBe(1532342520);
    expect(calls[0]?.url).toBe('https://gate.smsaero.ru/v2/sms/status');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ id: '5' });
  });

  it('reads the balance', async () => {
    const { calls, fetchImpl } = fakeGates(() => json({ success: true, data: { balance: '12.5' } }));
    expect(await client(fetchImpl).balance()).toEqual({ balance: 12.5 });
    expect(calls[0]?.url).toBe('https://gate.smsaero.ru/v2/balance');
  });
});

describe('helpers', () => {
  it('encodes Basic credentials as UTF-8', () => {
    expect(basicAuthorization('you@example.com', 'key')).toBe('Basic eW91QGV4YW1wbGUuY29tOmtleQ==');
    const decoded = new TextDecoder().decode(Uint8Array.from(atob(basicAuthorization('jörg@example.com', 'ключ').slice(6)), (c) => c.charCodeAt(0)));
    expect(decoded).toBe('jörg@example.com:ключ');
  });

  it('derives mirrors only for the default host', () => {
    expect(resolveGates(undefined, undefined)).toEqual([
      'https://gate.smsaero.ru/v2',
      'https://gate.smsaero.org/v2',
      'https://gate.smsaero.net/v2',
      'https://gate.smsaero.uz/v2',
    ]);
    expect(resolveGates('http://127.0.0.1:8788/v2', undefined)).toEqual(['http://127.0.0.1:8788/v2']);
    expect(resolveGates('http://127.0.0.1:8788/v2', ['http://127.0.0.1:8789/v2/'])).toEqual(['http://127.0.0.1:8788/v2', 'http://127.0.0.1:8789/v2']);
    expect(resolveGates(undefined, [])).toEqual(['https://gate.smsaero.ru/v2']);
  });
});
