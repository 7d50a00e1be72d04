import { describe, expect, inject, it } from 'vitest';

import { maskPhone } from '../../../lib/deliveries';
import {
  bindings,
  callSelf,
  callWith,
  captureQueue,
  CALLBACK_PATH,
  deadRedisUrl,
  deliveryLog,
  formCallback,
  hashPhone,
  recorded,
  recorderUrl,
  relayRequest,
  RELAY_TOKEN,
  runQueue,
  simulatorCallbacks,
  simulatorInbox,
  simulatorUrl,
  uniquePhone,
  waitFor,
} from './support/harness';

const signIn = (to: string, code = '482913') => ({ to, type: 'SignIn', payload: { code } });

describe('POST /v1/logto/sms: authorization', () => {
  it.each([
    ['no Authorization header', null],
    ['a wrong token', 'not-the-relay-token-0000'],
    ['the token with a wrong scheme', `Basic ${RELAY_TOKEN}`],
    ['a prefix of the token', RELAY_TOKEN.slice(0, -1)],
  ])('answers 401 JSON for %s, and sends nothing', async (_, authorization) => {
    const phone = uniquePhone();
    const response = await callSelf(relayRequest(signIn(phone), { authorization }));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'unauthorized' });
    expect(await simulatorInbox(phone)).toEqual([]);
  });

  it.each([
    ['the bare token (Logto sends its "authorization" setting verbatim)', RELAY_TOKEN],
    ['"Bearer <token>"', `Bearer ${RELAY_TOKEN}`],
  ])('accepts %s', async (_, authorization) => {
    const response = await callSelf(relayRequest(signIn(uniquePhone()), { authorization }));
    expect(response.status).toBe(200);
  });
});

describe('POST /v1/logto/sms: malformed input', () => {
  it.each([
    ['malformed JSON', '{"to": "79990000001",', undefined, 'body'],
    ['a JSON array', '[]', undefined, 'body'],
    ['a missing to', { type: 'SignIn', payload: { code: '1' } }, undefined, 'to'],
    ['a non-digit to', { to: 'call me maybe', type: 'SignIn', payload: { code: '1' } }, undefined, 'to'],
    ['a too short to', { to: '79991', type: 'SignIn', payload: { code: '1' } }, undefined, 'to'],
    ['a numeric to', { to: 79990000001, type: 'SignIn', payload: { code: '1' } }, undefined, 'to'],
    ['a missing type', { to: '79990000001', payload: { code: '1' } }, undefined, 'type'],
    ['a missing payload', { to: '79990000001', type: 'SignIn' }, undefined, 'payload'],
    ['a payload code that is an object', { to: '79990000001', type: 'SignIn', payload: { code: { a: 1 } } }, undefined, 'payload.code'],
  ])('answers 400 naming the field for %s', async (_, body, contentType, field) => {
    const response = await callSelf(relayRequest(body, contentType ? { contentType } : {}));
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: string; field?: string; message: string };
    expect(json.error).toBe('invalid_request');
    if (field !== 'body' || json.field !== undefined) expect(json.field).toBe(field);
    expect(json.message).toEqual(expect.any(String));
  });

  it('answers 415 for a body that is not JSON', async () => {
    const response = await callSelf(relayRequest('to=79990000001&type=SignIn', { contentType: 'application/x-www-form-urlencoded' }));
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: 'unsupported_media_type' });
  });

  it('answers 413 for an oversized body', async () => {
    const body = { ...signIn(uniquePhone()), payload: { code: '1', padding: 'x'.repeat(20_000) } };
    const response = await callSelf(relayRequest(body));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it('never echoes the phone number or the code in an error', async () => {
    const response = await callSelf(relayRequest({ to: '7999123456x', type: 'SignIn', payload: { code: '556677' } }));
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text).not.toContain('7999123456');
    expect(text).not.toContain('556677');
  });
});

describe('POST /v1/logto/sms: relaying to SMS Aero', () => {
  it('sends the rendered template with a callback URL and records a PII-free delivery', async () => {
    const phone = uniquePhone();
    const response = await callSelf(relayRequest(signIn(phone, '482913')));
    expect(response.status).toBe(200);
    const { ok, id } = (await response.json()) as { ok: boolean; id: string };
    expect(ok).toBe(true);
    expect(id).toMatch(/^\d+$/);

    const [sms, ...others] = await simulatorInbox(phone);
    expect(others).toEqual([]);
    expect(sms).toMatchObject({ id: Number(id), number: phone, sign: 'SMS Aero', text: 'Your sign-in code is 482913' });

    // SMS Aero calls back on the Worker's public URL with the secret token (PUBLIC_URL is the recorder here).
    const dispatched = await waitFor(async () => {
      const response = await fetch(`${simulatorUrl()}/dev/callbacks`);
      const { callbacks } = (await response.json()) as { callbacks: { messageId: number; url: string; format: string }[] };
      const mine = callbacks.filter((callback) => callback.messageId === Number(id));
      return mine.length > 0 && mine;
    }, 'the first status callback');
    expect(dispatched[0]).toMatchObject({ url: `${recorderUrl()}${CALLBACK_PATH}`, format: 'form' });
    expect(await simulatorCallbacks(id)).not.toEqual([]);

    const stored = await deliveryLog().get(id);
    expect(stored?.delivery).toMatchObject({
      id,
      usageType: 'SignIn',
      source: 'relay',
      maskedPhone: maskPhone(phone),
      phoneHash: await hashPhone(phone),
      status: { code: 0, name: 'queue', outcome: 'pending', final: false },
    });
    const everything = JSON.stringify(stored);
    expect(everything).not.toContain(phone);
    expect(everything).not.toContain('482913');
  });

  it('falls back to the Generic template for a usage type without its own', async () => {
    const phone = uniquePhone();
    const response = await callSelf(relayRequest({ to: phone, type: 'MfaVerification', payload: { code: '777123' } }));
    expect(response.status).toBe(200);
    expect((await simulatorInbox(phone))[0]?.text).toBe('Your code is 777123');
  });

  it('accepts a leading "+" and marks console test sends as such', async () => {
    const phone = uniquePhone();
    const response = await callSelf(relayRequest(signIn(`+${phone}`), { headers: { 'x-delivery-source': 'test' } }));
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: string };
    expect((await simulatorInbox(phone)).length).toBe(1);
    expect((await deliveryLog().get(id))?.delivery.source).toBe('test');
  });

  it('sends the callback format when SMSAERO_CALLBACK_FORMAT=JSON', async () => {
    const phone = uniquePhone();
    const response = await callWith(relayRequest(signIn(phone)), bindings({ SMSAERO_CALLBACK_FORMAT: 'json' }));
    const { id } = (await response.json()) as { id: string };
    const [first] = await waitFor(async () => {
      const all = await simulatorCallbacksJson(id);
      return all.length > 0 && all;
    }, 'a JSON callback');
    expect(first!.headers['content-type']).toContain('application/json');
  });
});

async function simulatorCallbacksJson(id: string) {
  const all = await recorded(CALLBACK_PATH);
  return all.filter((request) => {
    try {
      return String((JSON.parse(request.body) as { id?: unknown }).id) === id;
    } catch {
      return false;
    }
  });
}

describe('POST /v1/logto/sms: SMS Aero refusing', () => {
  it('answers 400 with SMS Aero\'s validation error, so Logto tells the user', async () => {
    // Ten digits pass the relay's check but not the simulator's (SMS Aero wants 11 to 15).
    const response = await callSelf(relayRequest(signIn('7999123456')));
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: string; message: string };
    expect(json.error).toBe('smsaero_validation');
    expect(json.message).not.toContain('7999123456');
  });

  it('answers 503 when the SMS Aero account has no credits', async () => {
    const response = await callWith(relayRequest(signIn(uniquePhone())), bindings({ SMSAERO_API_URL: inject('brokeSimulatorApiUrl') }));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: 'smsaero_no_credits' });
  });

  it('answers 502 when SMS Aero refuses the credentials', async () => {
    const connector = JSON.parse(bindings().SMSAERO_CONNECTOR!) as Record<string, unknown>;
    const wrongKey = JSON.stringify({ ...connector, apiKey: 'not-the-key' });
    const response = await callWith(relayRequest(signIn(uniquePhone())), bindings({ SMSAERO_CONNECTOR: wrongKey }));
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: 'smsaero_auth' });
  });

  it('answers 502 when SMS Aero is unreachable, and logs the refusal for operators', async () => {
    const phone = uniquePhone();
    const response = await callWith(relayRequest({ to: phone, type: 'Register', payload: { code: '1' } }), bindings({ SMSAERO_API_URL: `${deadRedisUrl()}/v2` }));
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: 'smsaero_unavailable' });

    const refused = await deliveryLog().list({ outcome: 'refused', phoneHash: await hashPhone(phone) });
    expect(refused.items).toHaveLength(1);
    expect(refused.items[0]).toMatchObject({ usageType: 'Register', maskedPhone: maskPhone(phone), refusal: { reason: expect.stringContaining('smsaero_unavailable') } });
  });
});

// The delivery log's fallback to the queue. With the default policy a dead Redis also stops the daily cap,
// which fails closed (limits.spec.ts); these run the cap failing open, where the send still goes out.
const capFailsOpen = { SMS_DAILY_CAP_FAIL_MODE: 'open' };

describe('POST /v1/logto/sms: Redis unreachable (daily cap failing open)', () => {
  it('still answers 200 once SMS Aero accepted, and queues the record (mask and HMAC only) for later', async () => {
    const phone = uniquePhone();
    const captured = captureQueue();
    const response = await callWith(relayRequest(signIn(phone, '901234')), bindings({ ...capFailsOpen, KV_REST_API_URL: deadRedisUrl(), DELIVERY_EVENTS: captured.queue }));
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: string };
    expect(await simulatorInbox(phone)).toHaveLength(1);
    expect(await deliveryLog().get(id)).toBeNull();

    expect(captured.sent).toEqual([
      expect.objectContaining({ kind: 'record-send', id, usageType: 'SignIn', maskedPhone: maskPhone(phone), phoneHash: await hashPhone(phone) }),
    ]);
    const queued = JSON.stringify(captured.sent);
    expect(queued).not.toContain(phone);
    expect(queued).not.toContain('901234');

    // Redis is back: the consumer writes the record as the relay would have.
    const result = await runQueue(captured.sent, bindings());
    expect(result.acked).toHaveLength(1);
    expect(result.retried).toEqual([]);
    expect((await deliveryLog().get(id))?.delivery).toMatchObject({
      id,
      usageType: 'SignIn',
      source: 'relay',
      maskedPhone: maskPhone(phone),
      phoneHash: await hashPhone(phone),
    });
  });

  it('merges a queued send into the record its callback created first', async () => {
    const phone = uniquePhone();
    const captured = captureQueue();
    const response = await callWith(relayRequest(signIn(phone)), bindings({ ...capFailsOpen, KV_REST_API_URL: deadRedisUrl(), DELIVERY_EVENTS: captured.queue }));
    const { id } = (await response.json()) as { id: string };
    // Redis is back before the queue delivers the record, and SMS Aero's "delivered" beats it.
    const callback = await callSelf(formCallback({ id, status: 1, extendStatus: 'delivery' }));
    expect(await callback.json()).toEqual({ ok: true, result: 'unmatched' });

    await runQueue(captured.sent, bindings());
    expect((await deliveryLog().get(id))?.delivery).toMatchObject({
      id,
      source: 'relay',
      usageType: 'SignIn',
      maskedPhone: maskPhone(phone),
      phoneHash: await hashPhone(phone),
      status: { code: 1, outcome: 'delivered', final: true },
    });
  });

  it('still answers 200 when neither Redis nor the queue takes the record (the SMS went out)', async () => {
    const phone = uniquePhone();
    const response = await callWith(relayRequest(signIn(phone)), bindings({ ...capFailsOpen, KV_REST_API_URL: deadRedisUrl(), DELIVERY_EVENTS: captureQueue({ failing: true }).queue }));
    expect(response.status).toBe(200);
    expect(await simulatorInbox(phone)).toHaveLength(1);
  });
});
