import { describe, expect, it } from 'vitest';

import { DeliveryInputError } from './errors';
import { quantileFromHistogram } from './histogram';
import { HOUR_MS, MINUTE_MS } from './keys';
import { aggregateStats, MAX_STATS_WINDOW_MS, planStats } from './stats';

const T0 = Date.UTC(2026, 11, 3, 14, 0, 0);

describe('planStats', () => {
  it('reads minute counters for short windows, widened to whole minutes', () => {
    const plan = planStats({ from: T0 + 30_000, to: T0 + 5 * MINUTE_MS });
    expect(plan.resolutionMs).toBe(MINUTE_MS);
    expect(plan.bucketMs).toBe(MINUTE_MS);
    expect(plan.slots.map((slot) => slot.suffix)).toEqual(['202612031400', '202612031401', '202612031402', '202612031403', '202612031404']);
  });

  it('reads hour counters for long windows: 7 days is 168 keys', () => {
    const plan = planStats({ from: T0, to: T0 + 7 * 24 * HOUR_MS });
    expect(plan.resolutionMs).toBe(HOUR_MS);
    expect(plan.slots).toHaveLength(168);
    expect(plan.slots[0]!.suffix).toBe('2026120314');
  });

  it('uses hour counters when whole-hour buckets are asked for, and rounds odd bucket sizes up', () => {
    expect(planStats({ from: T0, to: T0 + HOUR_MS * 2, bucketMs: HOUR_MS }).resolutionMs).toBe(HOUR_MS);
    expect(planStats({ from: T0, to: T0 + HOUR_MS, bucketMs: 90_000 }).bucketMs).toBe(2 * MINUTE_MS);
  });

  it('rejects bad windows', () => {
    expect(() => planStats({ from: T0, to: T0 })).toThrow(DeliveryInputError);
    expect(() => planStats({ from: T0, to: T0 + MAX_STATS_WINDOW_MS + 1 })).toThrow(/window/);
    expect(() => planStats({ from: T0, to: T0 + 1, bucketMs: 0 })).toThrow(/bucketMs/);
  });
});

describe('aggregateStats', () => {
  it('sums counters into buckets and totals, with failure codes and time-to-deliver', () => {
    const plan = planStats({ from: T0, to: T0 + 4 * MINUTE_MS, bucketMs: 2 * MINUTE_MS });
    const stats = aggregateStats(plan, [
      { sent: 4, delivered: 2, failed: 1, pending: 1, 'f:2': 1, 'h:2000': 1, 'h:5000': 1, ttdSum: 6000, ttdN: 2 },
      null,
      { sent: '3', delivered: '1', failed: '2', 'f:6': '1', 'f:2': '1', 'h:inf': '1', ttdSum: '4000000', ttdN: '1', unmatched: '2' },
      { refused: 1, pending: -1 },
    ]);
    expect(stats.buckets).toEqual([
      { start: T0, sent: 4, delivered: 2, failed: 1, pending: 1, unknown: 0, unmatched: 0, refused: 0 },
      { start: T0 + 2 * MINUTE_MS, sent: 3, delivered: 1, failed: 2, pending: 0, unknown: 0, unmatched: 2, refused: 1 },
    ]);
    expect(stats.totals).toMatchObject({ sent: 7, delivered: 3, failed: 3, pending: 1, deliveryRate: 0.5, unmatched: 2, refused: 1 });
    expect(stats.topFailureCodes).toEqual([
      { code: 2, name: 'undelivered', count: 2 },
      { code: 6, name: 'rejected', count: 1 },
    ]);
    expect(stats.timeToDeliver.count).toBe(3);
    expect(stats.timeToDeliver.meanMs).toBe(Math.round(4_006_000 / 3));
    expect(stats.timeToDeliver.p50Ms).toBe(4_000); // middle of the (3 s, 5 s] bucket
    expect(stats.timeToDeliver.p95Ms).toBe(3_600_000);
  });

  it('has null rates and percentiles without data', () => {
    const stats = aggregateStats(planStats({ from: T0, to: T0 + MINUTE_MS }), [null]);
    expect(stats.totals.deliveryRate).toBeNull();
    expect(stats.timeToDeliver).toMatchObject({ count: 0, p50Ms: null, p95Ms: null, meanMs: null });
  });
});

describe('quantileFromHistogram', () => {
  it('interpolates inside the bucket that holds the quantile', () => {
    const buckets = [
      { leMs: 1000, count: 50 },
      { leMs: 2000, count: 40 },
      { leMs: 5000, count: 10 },
      { leMs: null, count: 0 },
    ];
    expect(quantileFromHistogram(buckets, 0.5)).toBe(1000);
    expect(quantileFromHistogram(buckets, 0.7)).toBe(1500);
    expect(quantileFromHistogram(buckets, 0.95)).toBe(3500);
    expect(quantileFromHistogram(buckets, 1)).toBe(5000);
  });
});
