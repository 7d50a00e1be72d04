import { describe, expect, it } from 'vitest';

import { useLocalStore } from '../../tests/support/local-store';
import { liftDailyCap, readCapState, readLimitAudit, recordDailySend, releaseDailySend, reserveDailySend } from './cap';
import { limitKeys } from './keys';
import { parseLimitPolicy, type LimitPolicy } from './policy';
import { countRefusal, refusalCounts } from './refusals';

// Against the local Upstash-REST server: its embedded engine by default, a real Redis when REDIS_URL is
// set (CI). Every test uses its own key prefix and removes it afterwards.

const NOON = Date.UTC(2026, 11, 3, 12, 0, 0);

const local = useLocalStore();

function policyWith(env: Record<string, string> = {}): LimitPolicy {
  const prefix = local.prefix('lim');
  return parseLimitPolicy({ SMS_LIMITS_KEY_PREFIX: prefix, ...env });
}

const operator = { id: 'user-operator', name: 'Olga Operator' };

describe('daily cap: count', () => {
  it('lets exactly the cap through, then refuses until the next midnight', async () => {
    const policy = policyWith({ SMS_DAILY_CAP_COUNT: '3', SMS_DAILY_CAP_COST: 'off' });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await reserveDailySend(local.redis, policy, NOON));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false, false]);
    expect(results[3]).toEqual({ ok: false, reason: 'daily_cap_count', day: '2026-12-03', count: 3, spentMinor: 0, retryAfterSeconds: 12 * 3600 });
    // A new day starts from zero.
    expect(await reserveDailySend(local.redis, policy, Date.UTC(2026, 11, 4, 0, 0, 1))).toMatchObject({ ok: true, day: '2026-12-04', count: 1 });
  });

  it('gives a released reservation back (SMS Aero refused the send)', async () => {
    const policy = policyWith({ SMS_DAILY_CAP_COUNT: '1', SMS_DAILY_CAP_COST: 'off' });
    const first = await reserveDailySend(local.redis, policy, NOON);
    expect(first.ok).toBe(true);
    expect((await reserveDailySend(local.redis, policy, NOON)).ok).toBe(false);
    await releaseDailySend(local.redis, policy, first.day);
    expect((await reserveDailySend(local.redis, policy, NOON)).ok).toBe(true);
  });

  it('never lets more than the cap through under concurrency', async () => {
    const policy = policyWith({ SMS_DAILY_CAP_COUNT: '7', SMS_DAILY_CAP_COST: 'off' });
    const results = await Promise.all(Array.from({ length: 25 }, () => reserveDailySend(local.redis, policy, NOON)));
    expect(results.filter((r) => r.ok)).toHaveLength(7);
  });

  it('counts days in SMS_DAILY_CAP_TIMEZONE', async () => {
    const policy = policyWith({ SMS_DAILY_CAP_COUNT: '1', SMS_DAILY_CAP_COST: 'off', SMS_DAILY_CAP_TIMEZONE: 'Europe/Moscow' });
    const lateUtc = Date.UTC(2026, 11, 3, 20, 30); // 23:30 in Moscow
    expect((await reserveDailySend(local.redis, policy, lateUtc)).ok).toBe(true);
    const refused = await reserveDailySend(local.redis, policy, lateUtc);
    expect(refused).toMatchObject({ ok: false, day: '2026-12-03', retryAfterSeconds: 30 * 60 });
    // 00:30 in Moscow is still the 3rd in UTC, but a new day for the cap.
    expect(await reserveDailySend(local.redis, policy, Date.UTC(2026, 11, 3, 21, 30))).toMatchObject({ ok: true, day: '2026-12-04' });
  });
});

describe('daily cap: money', () => {
  it('adds each send\'s cost and refuses once the spend reached the cap', async () => {
    const policy = policyWith({ SMS_DAILY_CAP_COUNT: 'off', SMS_DAILY_CAP_COST: '10' });
    const sends: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const reservation = await reserveDailySend(local.redis, policy, NOON);
      sends.push(reservation.ok);
      if (reservation.ok) await recordDailySend(local.redis, policy, { day: reservation.day, reserved: true, cost: 4.49, now: NOON });
    }
    // 4.49 → 8.98 (< 10, so a third goes) → 13.47: the fourth is refused.
    expect(sends).toEqual([true, true, true, false]);
    const refused = await reserveDailySend(local.redis, policy, NOON);
    expect(refused).toMatchObject({ ok: false, reason: 'daily_cap_cost', spentMinor: 1347, count: 3 });
  });

  it('counts sends that were not reserved (no cap configured) and ignores a missing cost', async () => {
    const policy = policyWith({ SMS_DAILY_CAP_COUNT: 'off', SMS_DAILY_CAP_COST: 'off' });
    await recordDailySend(local.redis, policy, { day: '2026-12-03', reserved: false, cost: 2.2, now: NOON });
    await recordDailySend(local.redis, policy, { day: '2026-12-03', reserved: false, cost: null, now: NOON });
    const state = await readCapState(local.redis, { now: NOON, prefix: policy.keyPrefix });
    expect(state).toMatchObject({ count: 2, spent: 2.2, countCap: null, costCap: null, reached: null });
  });
});

describe('daily cap: console state and lifting', () => {
  it('reports nothing known before the relay published its policy', async () => {
    const policy = policyWith();
    expect(await readCapState(local.redis, { now: NOON, prefix: policy.keyPrefix })).toEqual({
      policy: null,
      day: '2026-12-03',
      timeZone: 'UTC',
      resetsAt: Date.UTC(2026, 11, 4),
      count: 0,
      spent: 0,
      countCap: null,
      costCap: null,
      reached: null,
      lifted: null,
    });
  });

  it('shows today\'s count and spend against the published caps', async () => {
    const policy = policyWith({ SMS_DAILY_CAP_COUNT: '2', SMS_DAILY_CAP_COST: '100', SMS_DAILY_CAP_TIMEZONE: 'Europe/Moscow' });
    for (let i = 0; i < 2; i++) {
      const reservation = await reserveDailySend(local.redis, policy, NOON);
      if (reservation.ok) await recordDailySend(local.redis, policy, { day: reservation.day, reserved: true, cost: 4.49, now: NOON });
    }
    const state = await readCapState(local.redis, { now: NOON, prefix: policy.keyPrefix });
    expect(state).toMatchObject({ day: '2026-12-03', timeZone: 'Europe/Moscow', count: 2, spent: 8.98, countCap: 2, costCap: 100, reached: 'count', lifted: null });
    expect(state.policy).toMatchObject({ countries: '7', perNumber: ['3/10m', '10/1d'], perPrefix: ['20/10m'], prefixDigits: 8, global: ['300/1m'] });
    expect(state.resetsAt).toBe(Date.UTC(2026, 11, 3, 21));
  });

  it('lets sends through for the rest of the day once lifted, audits who and when, and resets at midnight', async () => {
    const policy = policyWith({ SMS_DAILY_CAP_COUNT: '1', SMS_DAILY_CAP_COST: 'off' });
    const first = await reserveDailySend(local.redis, policy, NOON);
    if (first.ok) await recordDailySend(local.redis, policy, { day: first.day, reserved: true, cost: 1, now: NOON });
    expect((await reserveDailySend(local.redis, policy, NOON)).ok).toBe(false);

    const lifted = await liftDailyCap(local.redis, { by: operator, now: NOON + 1000, expectedDay: '2026-12-03', prefix: policy.keyPrefix });
    expect(lifted).toEqual({ result: 'lifted', day: '2026-12-03', at: NOON + 1000, by: operator });
    for (let i = 0; i < 3; i++) expect((await reserveDailySend(local.redis, policy, NOON + 2000)).ok).toBe(true);

    const state = await readCapState(local.redis, { now: NOON + 3000, prefix: policy.keyPrefix });
    expect(state).toMatchObject({ count: 4, reached: 'count', lifted: { at: NOON + 1000, by: operator } });

    // Lifting again changes nothing and keeps the first operator on record.
    const again = await liftDailyCap(local.redis, { by: { id: 'someone-else', name: null }, now: NOON + 4000, prefix: policy.keyPrefix });
    expect(again).toEqual({ result: 'already', day: '2026-12-03', at: NOON + 1000, by: operator });
    expect(await readLimitAudit(local.redis, { prefix: policy.keyPrefix })).toEqual([
      { at: NOON + 1000, action: 'lift_daily_cap', day: '2026-12-03', by: operator, count: 1, spent: 1 },
    ]);

    // The lift is for that day only.
    const tomorrow = Date.UTC(2026, 11, 4, 8);
    expect((await reserveDailySend(local.redis, policy, tomorrow)).ok).toBe(true);
    expect((await reserveDailySend(local.redis, policy, tomorrow)).ok).toBe(false);
  });

  it('refuses to lift when the day the operator saw is over', async () => {
    const policy = policyWith();
    const result = await liftDailyCap(local.redis, { by: operator, now: Date.UTC(2026, 11, 4, 0, 0, 5), expectedDay: '2026-12-03', prefix: policy.keyPrefix });
    expect(result).toEqual({ result: 'day_changed', day: '2026-12-04' });
    expect(await readLimitAudit(local.redis, { prefix: policy.keyPrefix })).toEqual([]);
  });

  it('keeps every key under the prefix with a TTL', async () => {
    const policy = policyWith({ SMS_DAILY_CAP_COUNT: '5' });
    const reservation = await reserveDailySend(local.redis, policy, Date.now());
    if (reservation.ok) await recordDailySend(local.redis, policy, { day: reservation.day, reserved: true, cost: 4.49, now: Date.now() });
    await liftDailyCap(local.redis, { by: operator, prefix: policy.keyPrefix });
    await countRefusal(local.redis, 'per_number', { prefix: policy.keyPrefix });
    const keys = await local.redis.keys(`${policy.keyPrefix}:*`);
    const names = limitKeys(policy.keyPrefix);
    expect(keys).toHaveLength(5);
    expect(keys).toEqual(
      expect.arrayContaining([names.cap(reservation.day), names.policy, names.audit, expect.stringContaining(':rf:m:'), expect.stringContaining(':rf:h:')]),
    );
    for (const key of keys) expect(await local.redis.ttl(key), key).toBeGreaterThan(0);
  });
});

describe('refusal counters', () => {
  it('counts refusals by reason in the window, from minute or hour counters', async () => {
    const { keyPrefix: prefix } = policyWith();
    const at = (minutes: number) => NOON + minutes * 60_000;
    await countRefusal(local.redis, 'per_number', { at: at(0), prefix });
    await countRefusal(local.redis, 'per_number', { at: at(1), prefix });
    await countRefusal(local.redis, 'per_prefix', { at: at(1), prefix });
    await countRefusal(local.redis, 'smsaero_no_credits', { at: at(30), prefix });
    await countRefusal(local.redis, 'global', { at: at(-120), prefix });

    const lastHour = await refusalCounts(local.redis, { from: NOON, to: at(60), prefix });
    expect(lastHour).toMatchObject({ resolutionMs: 60_000, total: 4 });
    expect(lastHour.byReason).toEqual([
      { reason: 'per_number', label: expect.stringContaining('SMS_LIMIT_PER_NUMBER'), count: 2 },
      { reason: 'per_prefix', label: expect.stringContaining('SMS_LIMIT_PER_PREFIX'), count: 1 },
      { reason: 'smsaero_no_credits', label: 'smsaero no credits', count: 1 },
    ]);
    const day = await refusalCounts(local.redis, { from: NOON - 12 * 3_600_000, to: NOON + 12 * 3_600_000, prefix });
    expect(day).toMatchObject({ resolutionMs: 3_600_000, total: 5 });
    expect(day.byReason.find((entry) => entry.reason === 'global')?.count).toBe(1);
  });

  it('refuses a reason that is not a code', async () => {
    await expect(countRefusal(local.redis, 'Per Number!', { prefix: 'unused' })).rejects.toThrow(/refusal reason/);
  });
});
