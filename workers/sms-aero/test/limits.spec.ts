import { Redis } from '@upstash/redis/cloudflare';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';

import { maskPhone } from '../../../lib/deliveries';
import { liftDailyCap, readCapState, refusalCounts } from '../../../lib/limits';
import {
  bindings,
  callWith,
  captureQueue,
  deadRedisUrl,
  deliveryLog,
  hashPhone,
  relayRequest,
  simulatorInbox,
  simulatorUrl,
  uniquePhone,
} from './support/harness';

// The SMS-pumping defence, end to end inside workerd: the real Worker, the local store (embedded engine,
// or a real Redis with REDIS_URL) and the SMS Aero simulator, whose inbox shows what was really sent.
// Each test has its own limiter key prefix, so budgets never leak between tests.

type Refused = { error: string; reason: string; limit: string | null; message: string; retryAfter: number | null };

function limitedEnv(overrides: Record<string, unknown> = {}) {
  const prefix = `test-${crypto.randomUUID().slice(0, 8)}:lim`;
  return { prefix, env: bindings({ SMS_LIMITS_KEY_PREFIX: prefix, ...overrides }) };
}

const limitsRedis = () => new Redis({ url: inject('storeUrl'), token: inject('storeToken'), enableTelemetry: false });

const send = (to: string, env: ReturnType<typeof bindings>, code = '314159') => callWith(relayRequest({ to, type: 'SignIn', payload: { code } }), env);

async function statuses(numbers: string[], env: ReturnType<typeof bindings>): Promise<number[]> {
  const result: number[] = [];
  for (const number of numbers) result.push((await send(number, env)).status);
  return result;
}

/** "7999" + 4 random digits: a block of 1000 numbers under the default SMS_PREFIX_DIGITS=8. */
const newBlock = () => `7999${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
function inBlock(block: string, index: number): string {
  return `${block}${String(100 + index * 7).padStart(3, '0')}`; // endings never 00/66/88 (simulator paths)
}

async function inboxCount(numbers: string[]): Promise<number> {
  let total = 0;
  for (const number of new Set(numbers)) total += (await simulatorInbox(number)).length;
  return total;
}

function expectRetryAfter(response: Response, body: Refused, max: number) {
  const header = Number(response.headers.get('retry-after'));
  expect(Number.isInteger(header)).toBe(true);
  expect(header).toBeGreaterThanOrEqual(1);
  expect(header).toBeLessThanOrEqual(max);
  expect(body.retryAfter).toBe(header);
}

afterEach(() => vi.restoreAllMocks());

describe('limits: per number', () => {
  it('refuses the third code in 10 minutes with 429, Retry-After and a reason, and sends nothing', async () => {
    const { env } = limitedEnv({ SMS_LIMIT_PER_NUMBER: '2/10m' });
    const phone = uniquePhone();
    expect(await statuses([phone, phone], env)).toEqual([200, 200]);

    const refused = await send(phone, env, '999111');
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as Refused;
    expect(body).toMatchObject({ error: 'rate_limited', reason: 'per_number', limit: '2/10m', message: expect.stringContaining('2/10m') });
    expectRetryAfter(refused, body, 600);
    const inbox = await simulatorInbox(phone);
    expect(inbox).toHaveLength(2);
    expect(inbox.map((m) => m.text).join()).not.toContain('999111');

    // Another number is not affected.
    expect((await send(uniquePhone(), env)).status).toBe(200);
  });

  it('applies the daily window too (shortest window is checked first)', async () => {
    const { env } = limitedEnv({ SMS_LIMIT_PER_NUMBER: '5/10m,2/1d' });
    const phone = uniquePhone();
    expect(await statuses([phone, phone, phone], env)).toEqual([200, 200, 429]);
    const body = (await (await send(phone, env)).json()) as Refused;
    expect(body).toMatchObject({ reason: 'per_number', limit: '2/1d' });
    expect(body.retryAfter).toBeGreaterThan(0);
    expect(body.retryAfter).toBeLessThanOrEqual(86_400);
    expect(await simulatorInbox(phone)).toHaveLength(2);
  });
});

describe('limits: per number block (sequential-number attacks)', () => {
  it('refuses once SMS_LIMIT_PER_PREFIX codes went to numbers sharing their first SMS_PREFIX_DIGITS digits', async () => {
    const { env } = limitedEnv({ SMS_LIMIT_PER_PREFIX: '3/10m' });
    const block = newBlock();
    const numbers = [0, 1, 2, 3, 4].map((i) => inBlock(block, i));
    expect(await statuses(numbers, env)).toEqual([200, 200, 200, 429, 429]);
    const body = (await (await send(inBlock(block, 9), env)).json()) as Refused;
    expect(body).toMatchObject({ error: 'rate_limited', reason: 'per_prefix', limit: '3/10m' });
    expect(await inboxCount(numbers)).toBe(3);
    // The neighbouring block is not affected.
    expect((await send(inBlock(newBlock(), 0), env)).status).toBe(200);
  });

  it('counts the block over SMS_PREFIX_DIGITS digits', async () => {
    const { env } = limitedEnv({ SMS_LIMIT_PER_PREFIX: '2/10m', SMS_PREFIX_DIGITS: '10' });
    const block = newBlock();
    // Same first 8 digits, different first 10: separate blocks.
    expect(await statuses([inBlock(block, 0), inBlock(block, 1), inBlock(block, 2)], env)).toEqual([200, 200, 200]);
  });
});

describe('limits: relay-wide rate and order', () => {
  it('refuses past SMS_LIMIT_GLOBAL, and requests refused by a narrower limit do not spend it', async () => {
    const { env } = limitedEnv({ SMS_LIMIT_PER_NUMBER: '1/10m', SMS_LIMIT_GLOBAL: '3/1m' });
    const a = uniquePhone();
    expect((await send(a, env)).status).toBe(200);
    // Hammering one number is refused per number and leaves the relay-wide budget alone.
    for (let i = 0; i < 5; i++) expect((await send(a, env)).status).toBe(429);
    const others = [uniquePhone(), uniquePhone(), uniquePhone()];
    expect(await statuses(others, env)).toEqual([200, 200, 429]);
    const body = (await (await send(uniquePhone(), env)).json()) as Refused;
    expect(body).toMatchObject({ error: 'rate_limited', reason: 'global', limit: '3/1m' });
    expect(body.retryAfter).toBeLessThanOrEqual(60);
    expect(await inboxCount([a, ...others])).toBe(3);
  });
});

describe('limits: countries', () => {
  it('refuses numbers outside SMS_ALLOWED_COUNTRY_CODES (default 7) with 403 and no Retry-After', async () => {
    const { env } = limitedEnv();
    const british = '447912345612';
    const response = await send(british, env);
    expect(response.status).toBe(403);
    expect(response.headers.get('retry-after')).toBeNull();
    expect(await response.json()).toMatchObject({ error: 'country_not_allowed', reason: 'country', limit: null, retryAfter: null });
    expect(await simulatorInbox(british)).toEqual([]);
  });

  it('allows listed codes (longest prefix) and everything with *', async () => {
    const british = '447912345634';
    expect((await send(british, limitedEnv({ SMS_ALLOWED_COUNTRY_CODES: '7,44' }).env)).status).toBe(200);
    expect((await send('447912345656', limitedEnv({ SMS_ALLOWED_COUNTRY_CODES: '*' }).env)).status).toBe(200);
    // "79" allows Russian mobiles only: a Kazakh 77… number is refused.
    expect((await send('77011234567', limitedEnv({ SMS_ALLOWED_COUNTRY_CODES: '79' }).env)).status).toBe(403);
  });
});

describe('limits: daily cap', () => {
  const secondsToUtcMidnight = () => {
    const now = new Date();
    return Math.ceil((Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000);
  };

  it('refuses past SMS_DAILY_CAP_COUNT with 503 until midnight (Retry-After), and an operator can lift it', async () => {
    const { env, prefix } = limitedEnv({ SMS_DAILY_CAP_COUNT: '2', SMS_DAILY_CAP_COST: 'off' });
    const numbers = [uniquePhone(), uniquePhone(), uniquePhone()];
    expect(await statuses(numbers, env)).toEqual([200, 200, 503]);
    const refused = await send(uniquePhone(), env);
    const body = (await refused.json()) as Refused;
    expect(body).toMatchObject({ error: 'daily_cap_reached', reason: 'daily_cap_count', limit: '2' });
    const expected = secondsToUtcMidnight();
    expectRetryAfter(refused, body, expected + 2);
    expect(body.retryAfter).toBeGreaterThanOrEqual(expected - 2);
    expect(await inboxCount(numbers)).toBe(2);

    const redis = limitsRedis();
    expect(await readCapState(redis, { prefix })).toMatchObject({ count: 2, countCap: 2, reached: 'count', lifted: null, spent: 8.98 });
    const lift = await liftDailyCap(redis, { by: { id: 'user-operator', name: 'Olga' }, prefix });
    expect(lift.result).toBe('lifted');
    const after = uniquePhone();
    expect((await send(after, env)).status).toBe(200);
    expect(await simulatorInbox(after)).toHaveLength(1);
  });

  it('refuses once the day\'s spend (SMS Aero cost) reached SMS_DAILY_CAP_COST', async () => {
    // The simulator charges 4.49 per SMS: 0 → 4.49 → 8.98 → 13.47, so the fourth send is refused.
    const { env, prefix } = limitedEnv({ SMS_DAILY_CAP_COUNT: 'off', SMS_DAILY_CAP_COST: '10' });
    const numbers = [uniquePhone(), uniquePhone(), uniquePhone(), uniquePhone()];
    expect(await statuses(numbers, env)).toEqual([200, 200, 200, 503]);
    const body = (await (await send(uniquePhone(), env)).json()) as Refused;
    expect(body).toMatchObject({ error: 'daily_cap_reached', reason: 'daily_cap_cost', limit: '10' });
    expect(await inboxCount(numbers)).toBe(3);
    expect(await readCapState(limitsRedis(), { prefix })).toMatchObject({ count: 3, spent: 13.47, costCap: 10, reached: 'cost' });
  });

  it('gives the reservation back when SMS Aero refuses the send', async () => {
    const { prefix, env } = limitedEnv({ SMS_DAILY_CAP_COUNT: '1' });
    const broke = bindings({ SMS_LIMITS_KEY_PREFIX: prefix, SMS_DAILY_CAP_COUNT: '1', SMSAERO_API_URL: inject('brokeSimulatorApiUrl') });
    const noCredits = await send(uniquePhone(), broke);
    expect(noCredits.status).toBe(503);
    expect(await noCredits.json()).toMatchObject({ error: 'smsaero_no_credits' });
    // The cap's one message is still available.
    expect(await statuses([uniquePhone(), uniquePhone()], env)).toEqual([200, 503]);
  });
});

describe('limits: what operators see', () => {
  it('records each refusal in the delivery log (masked number, reason) and counts it by reason', async () => {
    const { env, prefix } = limitedEnv({ SMS_LIMIT_PER_NUMBER: '1/10m' });
    const phone = uniquePhone();
    const from = Date.now() - 60_000;
    expect(await statuses([phone, phone, phone], env)).toEqual([200, 429, 429]);

    const { items } = await deliveryLog().list({ outcome: 'refused', phoneHash: await hashPhone(phone) });
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      usageType: 'SignIn',
      maskedPhone: maskPhone(phone),
      source: 'relay',
      status: { outcome: 'failed', final: true, name: 'refused' },
      refusal: { reason: 'per_number: rate_limited (1/10m)' },
    });
    const counts = await refusalCounts(limitsRedis(), { from, to: Date.now() + 60_000, prefix });
    expect(counts.byReason).toEqual([{ reason: 'per_number', label: expect.any(String), count: 2 }]);
  });

  it('publishes the enforced policy and the day\'s spend for the console', async () => {
    const { env, prefix } = limitedEnv({ SMS_DAILY_CAP_COUNT: '50', SMS_DAILY_CAP_COST: '200', SMS_DAILY_CAP_TIMEZONE: 'Europe/Moscow' });
    expect(await statuses([uniquePhone()], env)).toEqual([200]);
    const state = await readCapState(limitsRedis(), { prefix });
    expect(state).toMatchObject({ timeZone: 'Europe/Moscow', count: 1, spent: 4.49, countCap: 50, costCap: 200, reached: null });
    expect(state.policy).toMatchObject({ countries: '7', perNumber: ['3/10m', '10/1d'], perPrefix: ['20/10m'], global: ['300/1m'] });
  });

  it('keeps neither a number nor a number block in the limiter\'s keys or values', async () => {
    const { env, prefix } = limitedEnv({ SMS_LIMIT_PER_NUMBER: '1/10m' });
    const phone = uniquePhone();
    await statuses([phone, phone], env);
    const redis = limitsRedis();
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.some((key) => key.includes(':rl:n:'))).toBe(true);
    expect(keys.some((key) => key.includes(':rl:p:'))).toBe(true);
    const values: string[] = [];
    for (const key of keys) {
      const type = await redis.type(key);
      values.push(type === 'hash' ? JSON.stringify(await redis.hgetall(key)) : type === 'string' ? String(await redis.get(key)) : '');
    }
    const dump = [...keys, ...values].join('\n');
    expect(dump).not.toContain(phone.slice(0, 8));
    expect(dump).not.toContain(phone.slice(-7));
  });
});

describe('limits: when the store is unreachable', () => {
  it('fails closed for the daily cap: 503 limiter_unavailable with Retry-After, nothing sent', async () => {
    const warn = vi.spyOn(console, 'warn');
    const phone = uniquePhone();
    const { env } = limitedEnv({ KV_REST_API_URL: deadRedisUrl(), DELIVERY_EVENTS: captureQueue().queue });
    const response = await send(phone, env);
    expect(response.status).toBe(503);
    const body = (await response.json()) as Refused;
    expect(body).toMatchObject({ error: 'limiter_unavailable', reason: 'limiter_unavailable', retryAfter: 30 });
    expect(response.headers.get('retry-after')).toBe('30');
    expect(await simulatorInbox(phone)).toEqual([]);
    const lines = warn.mock.calls.map(([line]) => String(line));
    expect(lines.some((line) => line.includes('limits.store_unreachable'))).toBe(true);
    expect(lines.join('\n')).not.toContain(phone);
  });

  it('fails open with strict per-isolate limits when the cap may fail open (1/min per number)', async () => {
    const captured = captureQueue();
    const { env } = limitedEnv({ SMS_DAILY_CAP_FAIL_MODE: 'open', KV_REST_API_URL: deadRedisUrl(), DELIVERY_EVENTS: captured.queue });
    const phone = uniquePhone();
    expect((await send(phone, env)).status).toBe(200);
    const refused = await send(phone, env);
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as Refused;
    expect(body).toMatchObject({ error: 'rate_limited', reason: 'fallback_per_number', limit: '1/1m' });
    expectRetryAfter(refused, body, 60);
    expect(await simulatorInbox(phone)).toHaveLength(1);
    // The send went out; its record waits in the queue as before (mask and HMAC only).
    expect(captured.sent.map((job) => job.kind)).toEqual(['record-send']);
  });

  it('caps the whole isolate too (SMS_LIMIT_FALLBACK_GLOBAL), also with no daily cap configured', async () => {
    const { env } = limitedEnv({
      SMS_DAILY_CAP_COUNT: 'off',
      SMS_DAILY_CAP_COST: 'off',
      SMS_LIMIT_FALLBACK_GLOBAL: '2/1m',
      KV_REST_API_URL: deadRedisUrl(),
      DELIVERY_EVENTS: captureQueue().queue,
    });
    const numbers = [uniquePhone(), uniquePhone(), uniquePhone()];
    expect(await statuses(numbers, env)).toEqual([200, 200, 429]);
    expect(((await (await send(uniquePhone(), env)).json()) as Refused).reason).toBe('fallback_global');
    expect(await inboxCount(numbers)).toBe(2);
  });
});

describe('limits: configuration', () => {
  it('answers 500 naming a malformed limit variable (validated at start)', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = await send(uniquePhone(), bindings({ SMS_LIMIT_PER_NUMBER: '3 per minute', SMS_DAILY_CAP_TIMEZONE: 'Mars/Olympus' }));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'misconfigured', variables: ['SMS_LIMIT_PER_NUMBER', 'SMS_DAILY_CAP_TIMEZONE'] });
    const logged = error.mock.calls.map(([line]) => String(line)).join('\n');
    expect(logged).toContain('SMS_LIMIT_PER_NUMBER: \\"3 per minute\\" is not a limit');
  });

  it('sends with every limit off', async () => {
    const { env } = limitedEnv({
      SMS_ALLOWED_COUNTRY_CODES: '*',
      SMS_LIMIT_PER_NUMBER: 'off',
      SMS_LIMIT_PER_PREFIX: 'off',
      SMS_LIMIT_GLOBAL: 'off',
      SMS_DAILY_CAP_COUNT: 'off',
      SMS_DAILY_CAP_COST: 'off',
    });
    const phone = uniquePhone();
    expect(await statuses([phone, phone, phone, phone], env)).toEqual([200, 200, 200, 200]);
  });
});

describe('limits: the simulator never hears of a refused send', () => {
  it('a burst to one block: the simulator received exactly the allowed ones', async () => {
    const { env } = limitedEnv({ SMS_LIMIT_PER_PREFIX: '5/10m' });
    const block = newBlock();
    const numbers = Array.from({ length: 20 }, (_, i) => inBlock(block, i));
    const results = await statuses(numbers, env);
    const allowed = results.filter((status) => status === 200).length;
    expect(allowed).toBe(5);
    expect(results.filter((status) => status === 429)).toHaveLength(15);
    expect(await inboxCount(numbers)).toBe(allowed);
    const response = await fetch(`${simulatorUrl()}/dev/inbox`);
    const all = ((await response.json()) as { messages: { number: string }[] }).messages;
    expect(all.filter((message) => message.number.startsWith(block))).toHaveLength(allowed);
  });
});
