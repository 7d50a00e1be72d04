import { afterEach, describe, expect, it, vi } from 'vitest';

import { bindings, callWith, captureQueue, deadRedisUrl, formCallback, relayRequest, runQueue, uniquePhone } from './support/harness';

const health = () => new Request('http://relay.test/healthz');

function without(...names: string[]) {
  const env = bindings() as unknown as Record<string, unknown>;
  for (const name of names) delete env[name];
  return env as unknown as ReturnType<typeof bindings>;
}

afterEach(() => vi.restoreAllMocks());

describe('environment validation', () => {
  it('answers every request 500 naming the bad variables, never their values', async () => {
    const env = { ...without('SMS_RELAY_TOKEN'), PUBLIC_URL: 'ftp://secret-host.example' } as ReturnType<typeof bindings>;
    for (const request of [health(), relayRequest({ to: '79990000001', type: 'SignIn', payload: {} }), formCallback({ id: 1, status: 1 })]) {
      const response = await callWith(request, env);
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ error: 'misconfigured', variables: ['SMS_RELAY_TOKEN', 'PUBLIC_URL'] });
      expect(text).not.toContain('secret-host');
    }
  });

  it('logs the problems once per isolate, by name', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const env = { ...bindings(), CALLBACK_TOKEN: 'short', DELIVERY_RETENTION_DAYS: 'forever' } as ReturnType<typeof bindings>;
    await callWith(health(), env);
    await callWith(health(), { ...env } as ReturnType<typeof bindings>);
    const lines = error.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('env.invalid'));
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as { variables: string[]; problems: string[] };
    expect(entry.variables).toEqual(['CALLBACK_TOKEN', 'DELIVERY_RETENTION_DAYS']);
    expect(lines[0]).not.toContain('forever');
    expect(lines[0]).not.toMatch(/"short"/);
  });

  it.each([
    ['SMSAERO_CONNECTOR', 'not json'],
    ['SMSAERO_CONNECTOR', JSON.stringify({ email: 'dev@example.test', apiKey: 'k', senderName: 'S', templates: [] })],
    ['SMSAERO_API_URL', 'gate.smsaero.ru/v2'],
    ['SMSAERO_CALLBACK_FORMAT', 'XML'],
    ['PHONE_HASH_KEY', 'too-short'],
    ['KV_REST_API_URL', 'redis://127.0.0.1:6379'],
    ['FORWARD_MAX_ATTEMPTS', '0'],
    ['FORWARD_MAX_ATTEMPTS', '1.5'],
  ])('names %s when it is %j', async (name, value) => {
    const response = await callWith(health(), bindings({ [name]: value }));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'misconfigured', variables: [name] });
  });

  it('keeps a connector config\'s apiKey out of the log', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const config = JSON.stringify({ email: 'not-an-email', apiKey: 'super-secret-api-key', senderName: 'S', templates: [] });
    // A combination no other test uses: each set of problems is logged once per isolate.
    await callWith(health(), bindings({ SMSAERO_CONNECTOR: config, SMSAERO_CALLBACK_FORMAT: 'yaml' }));
    const logged = error.mock.calls.map(([line]) => String(line)).join('\n');
    expect(logged).toContain('SMSAERO_CONNECTOR');
    expect(logged).not.toContain('super-secret-api-key');
  });

  it('requires FORWARD_SECRET with FORWARD_URL, as a whsec_ secret', async () => {
    const noSecret = await callWith(health(), bindings({ FORWARD_URL: 'https://hooks.example/sms' }));
    expect(await noSecret.json()).toEqual({ error: 'misconfigured', variables: ['FORWARD_SECRET'] });
    const badSecret = await callWith(health(), bindings({ FORWARD_URL: 'https://hooks.example/sms', FORWARD_SECRET: 'whsec_c2hvcnQ=' }));
    expect(await badSecret.json()).toEqual({ error: 'misconfigured', variables: ['FORWARD_SECRET'] });
  });

  it('names every missing variable of an empty deployment', async () => {
    const env = without('SMSAERO_CONNECTOR', 'SMS_RELAY_TOKEN', 'CALLBACK_TOKEN', 'PUBLIC_URL', 'PHONE_HASH_KEY', 'KV_REST_API_URL', 'KV_REST_API_TOKEN');
    const response = await callWith(health(), env);
    expect(((await response.json()) as { variables: string[] }).variables.sort()).toEqual(
      ['CALLBACK_TOKEN', 'KV_REST_API_TOKEN', 'KV_REST_API_URL', 'PHONE_HASH_KEY', 'PUBLIC_URL', 'SMSAERO_CONNECTOR', 'SMS_RELAY_TOKEN'].sort(),
    );
  });

  it('accepts Upstash\'s own variable names', async () => {
    const base = bindings();
    const env = { ...without('KV_REST_API_URL', 'KV_REST_API_TOKEN'), UPSTASH_REDIS_REST_URL: base.KV_REST_API_URL, UPSTASH_REDIS_REST_TOKEN: base.KV_REST_API_TOKEN };
    const response = await callWith(health(), env as ReturnType<typeof bindings>);
    expect(await response.json()).toMatchObject({ ok: true, store: 'ok' });
  });

  it('reports an unreachable store on /healthz without failing it', async () => {
    const response = await callWith(health(), bindings({ KV_REST_API_URL: deadRedisUrl() }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, store: 'unreachable' });
  });

  it('keeps queued events while misconfigured', async () => {
    const outcome = await runQueue([{ kind: 'apply-status', id: '1', code: 1, extendStatus: null, fields: {}, at: 1 }], without('PHONE_HASH_KEY'));
    expect(outcome).toEqual({ acked: [], retried: [], retriedAll: { delaySeconds: 300 } });
  });
});

describe('logs', () => {
  it('are JSON lines without a phone number, an SMS text or a code, even on failure paths', async () => {
    const lines: string[] = [];
    for (const level of ['log', 'info', 'warn', 'error'] as const) {
      vi.spyOn(console, level).mockImplementation((line: unknown) => void lines.push(String(line)));
    }
    const phone = uniquePhone();
    const code = '605142';
    const sent = await callWith(relayRequest({ to: phone, type: 'SignIn', payload: { code } }), bindings());
    const { id } = (await sent.json()) as { id: string };
    await callWith(formCallback({ id, status: 1, extendStatus: 'delivery', number: phone }), bindings());
    // Failure paths log more: Redis down with the queue down too (the daily cap failing open, so the
    // send goes out), SMS Aero unreachable.
    const broken = bindings({ SMS_DAILY_CAP_FAIL_MODE: 'open', KV_REST_API_URL: deadRedisUrl(), DELIVERY_EVENTS: captureQueue({ failing: true }).queue });
    await callWith(relayRequest({ to: phone, type: 'SignIn', payload: { code } }), broken);
    await callWith(formCallback({ id, status: 2, number: phone }), broken);
    await callWith(relayRequest({ to: phone, type: 'SignIn', payload: { code } }), bindings({ SMSAERO_API_URL: `${deadRedisUrl()}/v2` }));

    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const line of lines) {
      expect(() => JSON.parse(line)).not.toThrow();
      expect(line).not.toContain(phone);
      expect(line).not.toContain(phone.slice(1));
      expect(line).not.toContain(code);
      expect(line).not.toContain('sign-in code');
    }
    expect(lines.some((line) => line.includes('relay.record_lost'))).toBe(true);
  });
});
