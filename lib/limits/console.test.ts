import { Redis } from '@upstash/redis';
import { describe, expect, it, vi } from 'vitest';

import { useLocalStore } from '../../tests/support/local-store';
import { recordDailySend, reserveDailySend } from './cap';
import { consoleLimitsPrefix, liftCapForOperator, loadLimitsPanel } from './console';
import { parseLimitPolicy, type LimitPolicy } from './policy';
import { countRefusal } from './refusals';
import { limitsPanelView } from './view';

// The console's reads and the lift action's logic, against the local store (real Redis with REDIS_URL).

const NOON = Date.UTC(2026, 11, 3, 12, 0, 0);
const operator = { id: 'user-operator', name: 'Olga Operator' };

const local = useLocalStore();

function policyWith(env: Record<string, string> = {}): LimitPolicy {
  const prefix = local.prefix('lim');
  return parseLimitPolicy({ SMS_LIMITS_KEY_PREFIX: prefix, ...env });
}

async function sendMany(policy: LimitPolicy, count: number, cost = 4.49) {
  for (let i = 0; i < count; i++) {
    const reservation = await reserveDailySend(local.redis, policy, NOON);
    if (reservation.ok) await recordDailySend(local.redis, policy, { day: reservation.day, reserved: true, cost, now: NOON });
  }
}

describe('loadLimitsPanel', () => {
  it('says what to configure without a store', async () => {
    expect(await loadLimitsPanel(null, { from: NOON - 3_600_000, to: NOON })).toEqual({ ok: false, problem: 'unconfigured', message: expect.stringContaining('KV_REST_API_URL') });
  });

  it('reports an unreachable store instead of failing the page', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const dead = new Redis({ url: 'http://127.0.0.1:9', token: 'x', enableTelemetry: false, retry: false });
    expect(await loadLimitsPanel(dead, { from: NOON - 3_600_000, to: NOON })).toMatchObject({ ok: false, problem: 'unreachable' });
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });

  it('loads the cap, refusals by reason and the audit, and the view says the cap is reached', async () => {
    const policy = policyWith({ SMS_DAILY_CAP_COUNT: '3', SMS_DAILY_CAP_COST: '100' });
    await sendMany(policy, 3);
    await countRefusal(local.redis, 'daily_cap_count', { at: NOON - 60_000, prefix: policy.keyPrefix });
    await countRefusal(local.redis, 'per_number', { at: NOON - 120_000, prefix: policy.keyPrefix });
    await countRefusal(local.redis, 'per_number', { at: NOON - 180_000, prefix: policy.keyPrefix });

    const data = await loadLimitsPanel(local.redis, { from: NOON - 3_600_000, to: NOON, now: NOON, prefix: policy.keyPrefix });
    if (!data.ok) throw new Error('expected data');
    expect(data.refusals.total).toBe(3);
    const view = limitsPanelView(data);
    expect(view.refusals.rows.map((row) => [row.reason, row.count])).toEqual([
      ['per_number', 2],
      ['daily_cap_count', 1],
    ]);
    expect(view.cap).toMatchObject({
      enabled: true,
      tone: 'bad',
      headline: 'Daily message cap reached: the relay refuses every code until 2026-12-04 00:00 UTC.',
      day: '2026-12-03',
      lifted: null,
      canLift: true,
      meters: [
        { label: 'Messages today', used: '3', cap: '3', ratio: 1 },
        { label: 'Spend today (SMS Aero balance)', used: '13.47', cap: '100.00', ratio: expect.closeTo(0.1347, 5) },
      ],
    });
    expect(view.policy).toEqual([
      'Countries: +7',
      'Per number: 3/10m, 10/1d',
      'Per block of 8 digits: 20/10m',
      'Relay-wide: 300/1m',
      'If the store is down: cap fails closed',
    ]);
  });

  it('warns near the cap and says when there is no cap or no policy yet', async () => {
    const near = policyWith({ SMS_DAILY_CAP_COUNT: '10', SMS_DAILY_CAP_COST: 'off' });
    await sendMany(near, 8);
    const nearData = await loadLimitsPanel(local.redis, { from: NOON - 60_000, to: NOON, now: NOON, prefix: near.keyPrefix });
    if (!nearData.ok) throw new Error('expected data');
    expect(limitsPanelView(nearData).cap).toMatchObject({ tone: 'warn', headline: '80 % of the daily cap used.' });

    const uncapped = policyWith({ SMS_DAILY_CAP_COUNT: 'off', SMS_DAILY_CAP_COST: 'off' });
    await recordDailySend(local.redis, uncapped, { day: '2026-12-03', reserved: false, cost: 1, now: NOON });
    const uncappedData = await loadLimitsPanel(local.redis, { from: NOON - 60_000, to: NOON, now: NOON, prefix: uncapped.keyPrefix });
    if (!uncappedData.ok) throw new Error('expected data');
    expect(limitsPanelView(uncappedData).cap).toMatchObject({ enabled: false, tone: 'warn', canLift: false });

    const fresh = policyWith();
    const freshData = await loadLimitsPanel(local.redis, { from: NOON - 60_000, to: NOON, now: NOON, prefix: fresh.keyPrefix });
    if (!freshData.ok) throw new Error('expected data');
    expect(limitsPanelView(freshData)).toMatchObject({ cap: { tone: 'idle' }, policy: [], audit: [], refusals: { total: 0, rows: [] } });
  });
});

describe('liftCapForOperator', () => {
  it('lifts the day shown, once, and the panel shows who lifted it', async () => {
    const policy = policyWith({ SMS_DAILY_CAP_COUNT: '1' });
    await sendMany(policy, 1);
    const lifted = await liftCapForOperator(local.redis, { operator, day: '2026-12-03', now: NOON + 60_000, prefix: policy.keyPrefix });
    expect(lifted).toEqual({ ok: true, message: 'Cap lifted for 2026-12-03: sends are allowed until midnight. Recorded as Olga Operator.' });
    expect((await reserveDailySend(local.redis, policy, NOON + 120_000)).ok).toBe(true);

    const again = await liftCapForOperator(local.redis, { operator: { id: 'u2', name: null }, day: '2026-12-03', now: NOON + 180_000, prefix: policy.keyPrefix });
    expect(again).toEqual({ ok: true, message: 'The cap for 2026-12-03 was already lifted by Olga Operator at 2026-12-03 12:01:00 UTC.' });

    const data = await loadLimitsPanel(local.redis, { from: NOON, to: NOON + 3_600_000, now: NOON + 240_000, prefix: policy.keyPrefix });
    if (!data.ok) throw new Error('expected data');
    const view = limitsPanelView(data);
    expect(view.cap).toMatchObject({ tone: 'warn', canLift: false, lifted: 'Lifted for 2026-12-03 by Olga Operator at 2026-12-03 12:01 UTC.' });
    expect(view.audit).toEqual(['2026-12-03 12:01 UTC: Olga Operator lifted the cap for 2026-12-03 (at 1 messages, 4.49 spent).']);
  });

  it('refuses a form from yesterday, a missing day and a missing store', async () => {
    const policy = policyWith();
    expect(await liftCapForOperator(local.redis, { operator, day: '2026-12-02', now: NOON, prefix: policy.keyPrefix })).toEqual({
      ok: false,
      message: "Not lifted: 2026-12-02 is over (it is 2026-12-03 in the cap's time zone now). Reload to see today's cap.",
    });
    expect(await liftCapForOperator(local.redis, { operator, day: null, now: NOON, prefix: policy.keyPrefix })).toMatchObject({ ok: false, message: expect.stringContaining('reload') });
    expect(await liftCapForOperator(null, { operator, day: '2026-12-03' })).toMatchObject({ ok: false, message: expect.stringContaining('not configured') });
  });

  it('says so when the store does not answer', async () => {
    const dead = new Redis({ url: 'http://127.0.0.1:9', token: 'x', enableTelemetry: false, retry: false });
    expect(await liftCapForOperator(dead, { operator, day: '2026-12-03', now: NOON })).toEqual({ ok: false, message: 'Not lifted: the store did not answer. Try again.' });
  });
});

describe('consoleLimitsPrefix', () => {
  it('defaults to the Worker\'s default and refuses a malformed value', () => {
    expect(consoleLimitsPrefix(undefined)).toBe('v1:lim');
    expect(consoleLimitsPrefix(' staging:lim ')).toBe('staging:lim');
    expect(() => consoleLimitsPrefix('has space')).toThrow(/SMS_LIMITS_KEY_PREFIX must be/);
  });
});
