import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSmsAeroSimulator, type SmsAeroSimulator, type SmsAeroSimulatorOptions } from './server';

const EMAIL = 'dev@example.test';
const API_KEY = 'dev-smsaero-key';
const AUTH = `Basic ${Buffer.from(`${EMAIL}:${API_KEY}`).toString('base64')}`;
const FAST = { queuedMs: 20, transmittedMs: 60, finalMs: 100 };

type Received = { contentType: string; body: string };

// A stand-in for our Worker's callback endpoint; answers with the statuses it is given, then 200.
async function startReceiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(statuses.shift() ?? 200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/smsaero/callback/secret-token`,
    received,
    form: () => received.map((r) => Object.fromEntries(new URLSearchParams(r.body))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('SMS Aero simulator', () => {
  let sim: SmsAeroSimulator;
  const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];

  const start = async (options: SmsAeroSimulatorOptions = {}) => {
    await sim?.close();
    sim = await startSmsAeroSimulator({ port: 0, timing: FAST, callbackRetry: { baseDelayMs: 20 }, ...options });
    return sim;
  };
  const receiver = async (statuses?: number[]) => {
    const r = await startReceiver(statuses);
    receivers.push(r);
    return r;
  };
  const api = (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const { json, headers, ...rest } = init;
    return fetch(`${sim.apiUrl}/${path}`, {
      method: json === undefined && !rest.body ? 'GET' : 'POST',
      ...rest,
      headers: { authorization: AUTH, ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
  };
  const sendJson = async (body: Record<string, unknown>) => {
    const res = await api('sms/send', { json: body });
    return { status: res.status, body: (await res.json()) as { success: boolean; data: Record<string, unknown>; message: string | null } };
  };

  beforeEach(async () => {
    await start();
  });

  afterEach(async () => {
    await sim.close();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  describe('auth', () => {
    it('answers 401 with SMS Aero\'s message for missing or wrong credentials', async () => {
      const expected = { success: false, data: null, message: 'Your request was made with invalid credentials.' };
      const none = await fetch(`${sim.apiUrl}/sms/send`, { method: 'POST' });
      expect(none.status).toBe(401);
      expect(await none.json()).toEqual(expected);
      const wrong = await api('balance', { headers: { authorization: `Basic ${Buffer.from(`${EMAIL}:nope`).toString('base64')}` } });
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toEqual(expected);
    });

    it('confirms good credentials on /v2/auth and reports the balance', async () => {
      const auth = await api('auth');
      expect(await auth.json()).toEqual({ success: true, data: null, message: null });
      await sendJson({ number: '79990000001', sign: 'SMS Aero', text: 'x' });
      expect(await (await api('balance')).json()).toEqual({ success: true, data: { balance: 995.51 }, message: null });
    });

    it('takes custom credentials', async () => {
      await start({ email: 'ops@example.test', apiKey: 'k2' });
      expect((await api('auth')).status).toBe(401);
      const ok = await api('auth', { headers: { authorization: `Basic ${Buffer.from('ops@example.test:k2').toString('base64')}` } });
      expect(ok.status).toBe(200);
    });
  });

  describe('sms/send', () => {
    it('answers a JSON send exactly like SMS Aero', async () => {
      const before = Math.floor(Date.now() / 1000);
      const { status, body } = await sendJson({ number: '79990000001', sign: 'SMS Aero', text: 'Your code 123456' });
      expect(status).toBe(200);
      expect(body).toEqual({
        success: true,
        data: {
          id: expect.any(Number),
          from: 'SMS Aero',
          number: '79990000001',
          text: 'Your code 123456',
          status: 0,
          extendStatus: 'queue',
          channel: 'DIRECT',
          cost: '4.49',
          dateCreate: expect.any(Number),
          dateSend: expect.any(Number),
        },
        message: null,
      });
      expect(body.data.dateCreate).toBeGreaterThanOrEqual(before);
    });

    it('accepts a form body, a GET query and numbers[]', async () => {
      const form = await api('sms/send', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ number: '79990000002', sign: 'Shop', text: 'form text' }).toString(),
      });
      expect(((await form.json()) as { data: { number: string; text: string } }).data).toMatchObject({ number: '79990000002', text: 'form text' });

      const query = await api(`sms/send?${new URLSearchParams({ number: '79990000003', sign: 'Shop', text: 'query text' })}`);
      expect(((await query.json()) as { data: { number: string } }).data.number).toBe('79990000003');

      const many = await api('sms/send', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'numbers[]=79990000004&numbers[]=79990000005&sign=Shop&text=bulk',
      });
      const data = ((await many.json()) as { data: { id: number; number: string }[] }).data;
      expect(data.map((d) => d.number)).toEqual(['79990000004', '79990000005']);
      expect(data[1]!.id).toBe(data[0]!.id + 1);
    });

    it('rejects bad input with SMS Aero\'s validation envelope', async () => {
      const shortNumber = await sendJson({ number: '7999', sign: 'S', text: 't' });
      expect(shortNumber.status).toBe(400);
      expect(shortNumber.body).toEqual({ success: false, data: { number: ['incorrect'] }, message: 'Validation error.' });

      const plus = await sendJson({ number: '+79990000001', sign: 'S', text: 't' });
      expect(plus.body.data).toEqual({ number: ['incorrect'] });

      const blanks = await sendJson({ number: '79990000001', sign: ' ', text: '' });
      expect(blanks.status).toBe(400);
      expect(blanks.body.data).toEqual({ text: ['Text cannot be blank.'], sign: ['Sign cannot be blank.'] });

      const badCallback = await sendJson({ number: '79990000001', sign: 'S', text: 't', callbackUrl: 'ftp://x' });
      expect(badCallback.body.data).toEqual({ callbackUrl: ['incorrect'] });

      expect(sim.inbox()).toEqual([]);
    });

    it('refuses to send without credit', async () => {
      await start({ balance: 5 });
      expect((await sendJson({ number: '79990000001', sign: 'S', text: 'one' })).status).toBe(200);
      const broke = await sendJson({ number: '79990000002', sign: 'S', text: 'two' });
      expect(broke.status).toBe(400);
      expect(broke.body).toEqual({ success: false, data: null, message: 'Not enough money on the balance.' });
    });
  });

  describe('status callbacks', () => {
    it('calls back form-encoded: queue → transmitted → delivery', async () => {
      const hook = await receiver();
      const { body } = await sendJson({ number: '79990000001', sign: 'S', text: 't', callbackUrl: hook.url });
      const id = String(body.data.id);

      await vi.waitFor(() => expect(hook.received).toHaveLength(3), { timeout: 2000 });
      expect(hook.received.every((r) => r.contentType === 'application/x-www-form-urlencoded')).toBe(true);
      expect(hook.form()).toEqual([
        { id, status: '0', extendStatus: 'queue', dateAnswer: expect.stringMatching(/^\d+$/) },
        { id, status: '3', extendStatus: 'transmitted', dateAnswer: expect.stringMatching(/^\d+$/) },
        { id, status: '1', extendStatus: 'delivery', dateAnswer: expect.stringMatching(/^\d+$/) },
      ]);
      // Nothing beyond SMS Aero's own fields (and one harmless extra) — never the number or the text.
      expect(hook.received.some((r) => r.body.includes('79990000001'))).toBe(false);
      // The simulator logs a callback once the receiver's answer is in, a moment after the receiver saw it.
      await vi.waitFor(() =>
        expect(sim.callbacks().map((c) => [c.status, c.outcome, c.attempt])).toEqual([
          [0, 'ok', 1],
          [3, 'ok', 1],
          [1, 'ok', 1],
        ]),
      );
    });

    it('calls back JSON when callbackFormat=JSON', async () => {
      const hook = await receiver();
      const { body } = await sendJson({ number: '79990000001', sign: 'S', text: 't', callbackUrl: hook.url, callbackFormat: 'JSON' });

      await vi.waitFor(() => expect(hook.received).toHaveLength(3), { timeout: 2000 });
      expect(hook.received[0]!.contentType).toBe('application/json');
      expect(hook.received.map((r) => JSON.parse(r.body) as unknown)).toEqual(
        [0, 3, 1].map((status) => ({ id: body.data.id, status, extendStatus: expect.any(String), dateAnswer: expect.any(Number) })),
      );
    });

    it.each([
      ['00', [0, 3, 2], ['queue', 'transmitted', 'undelivered']],
      ['66', [0, 6], ['queue', 'rejected']],
      ['88', [8, 1], ['moderation', 'delivery']],
    ])('follows the failure path of numbers ending in %s', async (suffix, statuses, names) => {
      const hook = await receiver();
      const { body } = await sendJson({ number: `799900001${suffix}`, sign: 'S', text: 't', callbackUrl: hook.url });
      expect(body.data.status).toBe(statuses[0]);

      await vi.waitFor(() => expect(hook.received).toHaveLength(statuses.length), { timeout: 2000 });
      expect(hook.form().map((f) => Number(f.status))).toEqual(statuses);
      expect(hook.form().map((f) => f.extendStatus)).toEqual(names);
      await new Promise((r) => setTimeout(r, 150));
      expect(hook.received).toHaveLength(statuses.length);
    });

    it('retries a callback that does not get 200, with backoff', async () => {
      const hook = await receiver([500, 503]);
      await start({ timing: { queuedMs: 10, transmittedMs: 5000, finalMs: 10000 }, callbackRetry: { attempts: 3, baseDelayMs: 30 } });
      await sendJson({ number: '79990000001', sign: 'S', text: 't', callbackUrl: hook.url });

      await vi.waitFor(() => expect(sim.callbacks()).toHaveLength(3), { timeout: 2000 });
      const log = sim.callbacks();
      expect(log.map((c) => [c.attempt, c.outcome, c.httpStatus, c.willRetry])).toEqual([
        [1, 'http-error', 500, true],
        [2, 'http-error', 503, true],
        [3, 'ok', 200, false],
      ]);
      const gaps = log.slice(1).map((c, i) => Date.parse(c.at) - Date.parse(log[i]!.at));
      expect(gaps[0]).toBeGreaterThanOrEqual(25);
      expect(gaps[1]).toBeGreaterThanOrEqual(55);
    });

    it('gives up after the last attempt and logs unreachable receivers', async () => {
      await start({ timing: { queuedMs: 10, transmittedMs: 5000, finalMs: 10000 }, callbackRetry: { attempts: 2, baseDelayMs: 10 } });
      await sendJson({ number: '79990000001', sign: 'S', text: 't', callbackUrl: 'http://127.0.0.1:1/unreachable' });

      await vi.waitFor(() => expect(sim.callbacks()).toHaveLength(2), { timeout: 2000 });
      expect(sim.callbacks().map((c) => [c.outcome, c.willRetry])).toEqual([
        ['network-error', true],
        ['network-error', false],
      ]);
      expect(sim.callbacks()[0]!.error).toBeTruthy();
    });

    it('in chaos mode duplicates callbacks and delivers them out of order', async () => {
      const hook = await receiver();
      // random() = 0: every chaos dice roll hits, and no random extra delay.
      await start({ chaos: { duplicateRate: 1, outOfOrderRate: 1, maxExtraDelayMs: 0 }, random: () => 0 });
      await sendJson({ number: '79990000001', sign: 'S', text: 't', callbackUrl: hook.url });

      await vi.waitFor(() => expect(hook.received).toHaveLength(6), { timeout: 2000 });
      const order = hook.form().map((f) => Number(f.status));
      // Each intermediate status is held back past the next one: "transmitted" lands after "delivery".
      expect(order.indexOf(3)).toBeGreaterThan(order.indexOf(1));
      expect([...order].sort()).toEqual([0, 0, 1, 1, 3, 3]);
      await vi.waitFor(() => expect(sim.callbacks().filter((c) => c.copy === 2)).toHaveLength(3));
    });
  });

  describe('sms/status', () => {
    it('reports the current status and dateAnswer as the message moves on', async () => {
      const { body } = await sendJson({ number: '79990000001', sign: 'S', text: 'hello' });
      const id = body.data.id as number;

      const early = (await (await api(`sms/status?id=${id}`)).json()) as { data: Record<string, unknown> };
      expect(early.data).toMatchObject({ id, status: 0, extendStatus: 'queue', number: '79990000001', from: 'S', dateAnswer: null });

      await vi.waitFor(
        async () => {
          const later = (await (await api('sms/status', { json: { id } })).json()) as { data: Record<string, unknown> };
          expect(later.data).toMatchObject({ status: 1, extendStatus: 'delivery', dateAnswer: expect.any(Number) });
        },
        { timeout: 2000 },
      );
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      const unknown = await api('sms/status?id=42');
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ success: false, data: null, message: 'Sms not found.' });
      const malformed = await api('sms/status?id=abc');
      expect(malformed.status).toBe(400);
      expect(((await malformed.json()) as { data: unknown }).data).toEqual({ id: ['incorrect'] });
    });
  });

  describe('test mode', () => {
    it('accepts testsend without charging, calling back or showing up in sms/status', async () => {
      const hook = await receiver();
      const res = await api('sms/testsend', { json: { number: '79990000001', sign: 'S', text: 'test text', callbackUrl: hook.url } });
      const body = (await res.json()) as { success: boolean; data: { id: number; cost: string } };
      expect(body.success).toBe(true);
      expect(body.data.cost).toBe('0.00');

      const test = (await (await api(`sms/teststatus?id=${body.data.id}`)).json()) as { data: { id: number } };
      expect(test.data.id).toBe(body.data.id);
      expect((await api(`sms/status?id=${body.data.id}`)).status).toBe(404);
      expect(sim.inbox()).toMatchObject([{ id: body.data.id, test: true, text: 'test text' }]);
      expect(((await (await api('balance')).json()) as { data: { balance: number } }).data.balance).toBe(1000);

      await new Promise((r) => setTimeout(r, 150));
      expect(hook.received).toEqual([]);
      expect(sim.callbacks()).toEqual([]);
    });

    it('validates testsend like send', async () => {
      const res = await api('sms/testsend', { json: { number: '1', sign: 'S', text: 't' } });
      expect(res.status).toBe(400);
    });
  });

  describe('dev endpoints', () => {
    it('shows the inbox newest first, filtered by number, with no auth', async () => {
      await sendJson({ number: '79990000001', sign: 'App', text: 'Your code is 111111' });
      await sendJson({ number: '79990000002', sign: 'App', text: 'Your code is 222222' });
      await sendJson({ number: '79990000001', sign: 'App', text: 'Your code is 333333' });

      const res = await fetch(`${sim.url}/dev/inbox?number=${encodeURIComponent('+7 999 000-00-01')}`);
      const { messages } = (await res.json()) as { messages: { text: string; number: string; sign: string; status: number; createdAt: string }[] };
      expect(messages.map((m) => m.text)).toEqual(['Your code is 333333', 'Your code is 111111']);
      expect(messages[0]).toMatchObject({ number: '79990000001', sign: 'App', status: 0, createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      expect(sim.inbox()).toHaveLength(3);
      expect(sim.inbox('79990000002').map((m) => m.text)).toEqual(['Your code is 222222']);
    });

    it('serves the callback log and resets everything', async () => {
      const hook = await receiver();
      await sendJson({ number: '79990000001', sign: 'S', text: 't', callbackUrl: hook.url });
      await vi.waitFor(() => expect(hook.received.length).toBeGreaterThanOrEqual(1), { timeout: 2000 });

      const log = (await (await fetch(`${sim.url}/dev/callbacks`)).json()) as { callbacks: unknown[] };
      expect(log.callbacks.length).toBeGreaterThanOrEqual(1);

      const reset = await fetch(`${sim.url}/dev/reset`, { method: 'POST' });
      expect(await reset.json()).toEqual({ reset: true });
      expect(sim.inbox()).toEqual([]);
      expect(sim.callbacks()).toEqual([]);
      const countAfterReset = hook.received.length;
      await new Promise((r) => setTimeout(r, 150));
      expect(hook.received).toHaveLength(countAfterReset);
    });

    it('answers unknown paths with 404 and other methods with 405', async () => {
      expect((await api('sms/nothing')).status).toBe(404);
      expect((await fetch(`${sim.url}/dev/nothing`)).status).toBe(404);
      expect((await fetch(`${sim.apiUrl}/sms/send`, { method: 'PUT', headers: { authorization: AUTH } })).status).toBe(405);
    });
  });

  it('binds loopback only', async () => {
    await expect(startSmsAeroSimulator({ port: 0, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });
});
