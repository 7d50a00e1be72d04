import { describe, expect, it } from 'vitest';

import { aggregateStats, planStats, statusFromCode, type Delivery, type DeliveryStats } from '../deliveries';
import { consoleConfig } from './config';
import { statsBucketMs, statsWindow } from './data';
import { buildHealth } from './health';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);

function stats(counters: Record<string, number>): DeliveryStats {
  const plan = planStats({ from: T0, to: T0 + 60_000 });
  return aggregateStats(plan, [Object.fromEntries(Object.entries(counters).map(([k, v]) => [k, String(v)]))]);
}

const delivered: Delivery = {
  id: '9',
  createdAt: T0,
  usageType: 'SignIn',
  maskedPhone: null,
  phoneHash: null,
  status: statusFromCode(1, null, T0 + 2_000),
  deliveredAt: T0 + 2_000,
  source: 'relay',
  forward: { state: 'none', attempts: 0 },
};

describe('buildHealth verdict', () => {
  it('says nothing was sent, and suggests a test SMS', () => {
    expect(buildHealth(stats({}), 0, null).verdict).toEqual({ tone: 'idle', headline: 'No codes sent in this window', details: ['Send a test SMS to check the whole path.'] });
  });

  it('says codes arrive when nearly all are delivered, with the median time', () => {
    const health = buildHealth(stats({ sent: 40, delivered: 39, failed: 1, 'f:2': 1, 'h:3000': 39, ttdN: 39, ttdSum: 90_000 }), 0, delivered);
    expect(health.verdict.tone).toBe('good');
    expect(health.verdict.headline).toMatch(/^Codes are arriving: 97\.5 % delivered, median 2\.\d s to deliver$/);
    expect(health.verdict.details).toEqual(['Most common failure: code 2 (undelivered) × 1.']);
    expect(health.lastDelivered).toEqual({ id: '9', at: T0 + 2_000 });
  });

  it('warns when some fail and alarms when most fail', () => {
    expect(buildHealth(stats({ sent: 10, delivered: 9, failed: 1 }), 0, null).verdict.tone).toBe('warn');
    const bad = buildHealth(stats({ sent: 10, delivered: 2, failed: 8, 'f:6': 5, 'f:2': 3 }), 0, delivered).verdict;
    expect(bad.tone).toBe('bad');
    expect(bad.headline).toBe('Codes are failing: 20 % delivered (8 of 10 failed)');
    expect(bad.details[0]).toBe('Most common failure: code 6 (rejected) × 5.');
  });

  it('reports sends still waiting, refusals and unmatched callbacks', () => {
    expect(buildHealth(stats({ sent: 3, pending: 3 }), 3, null).verdict).toMatchObject({ tone: 'warn', headline: '3 sent, none has a final status yet' });
    const refused = buildHealth(stats({ refused: 2, unmatched: 1 }), 0, null).verdict;
    expect(refused).toMatchObject({ tone: 'bad', headline: 'No code reached SMS Aero in this window' });
    expect(refused.details).toEqual(['2 sends were refused by the relay before reaching SMS Aero.', '1 status callback for message ids this log never sent.']);
  });

  it('shows refusals by reason once the stats carry them, and not before', () => {
    expect(buildHealth(stats({ refused: 2 }), 0, null).refusalsByReason).toBeNull();
    const withReasons = { ...stats({ refused: 3 }), refusalsByReason: [{ reason: 'smsaero_no_credits', count: 3 }, { reason: 'x', count: 0 }, { nonsense: true }] };
    expect(buildHealth(withReasons as DeliveryStats, 0, null).refusalsByReason).toEqual([{ reason: 'smsaero_no_credits', count: 3 }]);
  });

  it('passes only the counters to the charts, trimming the empty tail of the histogram', () => {
    const charts = buildHealth(stats({ sent: 2, delivered: 2, 'h:1000': 1, 'h:15000': 1 }), 0, null).charts;
    expect(charts.buckets).toEqual([{ start: T0, delivered: 2, failed: 0, pending: 0 }]);
    expect(charts.timeToDeliver.map((bucket) => bucket.label)).toEqual(['≤ 1.0 s', '≤ 2.0 s', '≤ 3.0 s', '≤ 5.0 s', '≤ 7.5 s', '≤ 10 s', '≤ 15 s']);
    expect(charts.timeToDeliver.map((bucket) => bucket.count)).toEqual([1, 0, 0, 0, 0, 0, 1]);
  });
});

describe('stats windows', () => {
  it('read minute counters up to 2 h and whole hours beyond, at most ~48 bars', () => {
    expect(statsBucketMs(15 * 60_000)).toBe(60_000);
    expect(statsBucketMs(3_600_000)).toBe(5 * 60_000);
    expect(statsBucketMs(6 * 3_600_000)).toBe(3_600_000);
    expect(statsBucketMs(24 * 3_600_000)).toBe(3_600_000);
    expect(statsBucketMs(7 * 24 * 3_600_000)).toBe(6 * 3_600_000);
    expect(statsBucketMs(31 * 24 * 3_600_000)).toBe(24 * 3_600_000);
  });

  it('clamps an open-ended window to what the counters allow', () => {
    const now = T0;
    const window = statsWindow({ from: now - 60 * 86_400_000, to: now, open: true });
    expect(window.to - window.from).toBe(31 * 86_400_000);
    expect(() => planStats(window)).not.toThrow();
  });
});

describe('consoleConfig', () => {
  it('enables each feature only with its settings', () => {
    const none = consoleConfig({ DELIVERY_RETENTION_DAYS: 30 });
    expect(none).toEqual({ store: null, relay: null, phoneHashKey: null });
    const all = consoleConfig({ KV_REST_API_URL: 'http://s', KV_REST_API_TOKEN: 't', SMS_RELAY_URL: 'http://r/v1/logto/sms', SMS_RELAY_TOKEN: 'r', PHONE_HASH_KEY: 'k'.repeat(16), DELIVERY_RETENTION_DAYS: 7 });
    expect(all).toEqual({ store: { url: 'http://s', token: 't', retentionDays: 7 }, relay: { url: 'http://r/v1/logto/sms', token: 'r' }, phoneHashKey: 'k'.repeat(16) });
  });
});
