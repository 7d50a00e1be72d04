import { describe, expect, it, vi } from 'vitest';

import { randomCode, replayForward, sendTestSms } from './relay';

const RELAY = { url: 'https://relay.example.test/v1/logto/sms', token: 'relay-token-0123456789' };

function fakeFetch(status: number, body: unknown) {
  return vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => Response.json(body, { status }));
}

describe('sendTestSms', () => {
  it('posts what Logto\'s HTTP SMS connector posts, marked as a console test, with a random code', async () => {
    const fetch = fakeFetch(200, { ok: true, id: 4242 });
    const result = await sendTestSms(RELAY, { phone: '+7 (999) 000-12-34', usageType: 'SignIn' }, { fetch });
    expect(result).toEqual({ ok: true, id: '4242', message: 'Sent: SMS Aero message 4242.' });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe(RELAY.url);
    expect(init?.method).toBe('POST');
    expect(init?.headers).toMatchObject({ Authorization: RELAY.token, 'X-Delivery-Source': 'test', 'Content-Type': 'application/json' });
    const body = JSON.parse(String(init?.body)) as { to: string; type: string; payload: { code: string } };
    expect(body).toMatchObject({ to: '79990001234', type: 'SignIn' });
    expect(body.payload.code).toMatch(/^\d{6}$/);
    // Neither the number nor the code comes back to the caller.
    expect(JSON.stringify(result)).not.toContain('79990001234');
    expect(JSON.stringify(result)).not.toContain(body.payload.code);
  });

  it('refuses a bad number or usage type without calling the relay, naming the field', async () => {
    const fetch = fakeFetch(200, {});
    expect(await sendTestSms(RELAY, { phone: '12345', usageType: 'SignIn' }, { fetch })).toMatchObject({ ok: false, field: 'phone', message: expect.stringMatching(/10 to 15 digits/) });
    expect(await sendTestSms(RELAY, { phone: '79990001234', usageType: 'Hack' }, { fetch })).toMatchObject({ ok: false, field: 'usageType' });
    expect(await sendTestSms(RELAY, { phone: null, usageType: 'SignIn' }, { fetch })).toMatchObject({ ok: false, field: 'phone' });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('explains relay failures without echoing the number', async () => {
    const unauthorized = await sendTestSms(RELAY, { phone: '79990001234', usageType: 'SignIn' }, { fetch: fakeFetch(401, { error: 'unauthorized' }) });
    expect(unauthorized).toMatchObject({ ok: false, message: expect.stringContaining('SMS_RELAY_TOKEN') });
    const noCredits = await sendTestSms(RELAY, { phone: '79990001234', usageType: 'SignIn' }, { fetch: fakeFetch(503, { error: 'smsaero_no_credits', message: 'The SMS Aero account has no credits left.' }) });
    expect(noCredits).toEqual({ ok: false, message: 'Not sent: the relay answered 503 smsaero_no_credits: The SMS Aero account has no credits left.' });
    const down = await sendTestSms(RELAY, { phone: '79990001234', usageType: 'SignIn' }, { fetch: vi.fn(async () => Promise.reject(new TypeError('fetch failed'))) });
    expect(down).toEqual({ ok: false, message: 'Not sent: the relay Worker could not be reached.' });
    for (const result of [unauthorized, noCredits, down]) expect(JSON.stringify(result)).not.toContain('9990001234');
  });

  it('is disabled, with the variables to set, when no relay is configured', async () => {
    expect(await sendTestSms(null, { phone: '79990001234', usageType: 'SignIn' })).toMatchObject({ ok: false, message: expect.stringContaining('SMS_RELAY_URL') });
  });

  it('draws six-digit codes', () => {
    const codes = new Set(Array.from({ length: 50 }, randomCode));
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(codes.size).toBeGreaterThan(40);
  });
});

describe('replayForward', () => {
  it('posts to the Worker origin\'s replay route with the relay token', async () => {
    const fetch = fakeFetch(202, { ok: true });
    expect(await replayForward(RELAY, '4242', { fetch })).toMatchObject({ ok: true });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('https://relay.example.test/v1/deliveries/4242/replay-forward');
    expect(init).toMatchObject({ method: 'POST', headers: { Authorization: RELAY.token } });
  });

  it.each([
    [404, { error: 'not_found' }, /no replay endpoint \(404\).*Deploy/],
    [404, { error: 'not_found', message: 'No message 4242.' }, /No message 4242/],
    [501, { error: 'not_implemented' }, /FORWARD_URL.*\(501\)/],
    [409, { error: 'conflict', message: 'forward is pending' }, /forward is pending \(409\)/],
    [401, { error: 'unauthorized' }, /SMS_RELAY_TOKEN/],
    [500, { error: 'internal_error' }, /answered 500 internal_error/],
  ])('explains %i %j', async (status, body, message) => {
    expect(await replayForward(RELAY, '4242', { fetch: fakeFetch(status, body) })).toEqual({ ok: false, message: expect.stringMatching(message) });
  });

  it('rejects a malformed id without calling the Worker', async () => {
    const fetch = fakeFetch(200, {});
    expect(await replayForward(RELAY, '../admin', { fetch })).toEqual({ ok: false, message: 'Not a message id.' });
    expect(fetch).not.toHaveBeenCalled();
  });
});
