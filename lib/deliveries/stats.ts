import { describeSmsAeroStatus } from '../smsaero/status';
import { DeliveryInputError } from './errors';
import { histogramField, quantileFromHistogram, TTD_BOUNDS_MS, type HistogramBucket } from './histogram';
import { HOUR_MS, hourBucket, MINUTE_MS, minuteBucket } from './keys';

// Charts come from counter hashes only: one pipeline of HGETALLs, one per minute (short windows) or per
// hour (long ones), so the cost depends on the window, never on how many deliveries were logged.
//
// The counters are cohort counters: a delivery is counted in the minute/hour it was *sent*, and its
// outcome counter moves (pending −1, delivered +1 …) when its status changes. So a bucket's numbers
// always add up (sent = pending + delivered + failed + unknown), "pending" is how many of that bucket's
// sends are still waiting, and time-to-deliver belongs to the send's bucket. Unmatched callbacks and
// refusals are counted in the minute they happened, outside `sent`.

/** Up to this window minute counters are read (≤ 360 keys); longer windows read hour counters. */
export const MINUTE_RESOLUTION_MAX_WINDOW_MS = 6 * HOUR_MS;
/** Longest window (≤ 744 hour keys). Counters live for the retention period anyway. */
export const MAX_STATS_WINDOW_MS = 31 * 24 * HOUR_MS;

export type StatsQuery = { from: number; to: number; bucketMs?: number };

export type StatsBucket = {
  start: number;
  sent: number;
  delivered: number;
  failed: number;
  /** Sends of this bucket still waiting for a final status (now, not at the time). */
  pending: number;
  unknown: number;
  unmatched: number;
  refused: number;
};

export type DeliveryStats = {
  from: number;
  to: number;
  /** Granularity of the counters read: 60 000 or 3 600 000. */
  resolutionMs: number;
  bucketMs: number;
  buckets: StatsBucket[];
  totals: Omit<StatsBucket, 'start'> & {
    /** delivered / (delivered + failed): the share of settled sends that arrived; null if none settled. */
    deliveryRate: number | null;
  };
  timeToDeliver: { count: number; p50Ms: number | null; p95Ms: number | null; meanMs: number | null; histogram: HistogramBucket[] };
  topFailureCodes: { code: number; name: string; count: number }[];
};

export type StatsPlan = {
  from: number;
  to: number;
  resolutionMs: number;
  bucketMs: number;
  /** Counter slots to read, oldest first: slot start and the minute/hour key suffix. */
  slots: { start: number; suffix: string }[];
};

const COUNT_FIELDS = ['sent', 'delivered', 'failed', 'pending', 'unknown', 'unmatched', 'refused'] as const;
const TOP_FAILURE_CODES = 5;

/** Which counters a window needs. The window is [from, to), widened to whole minutes/hours. A
 * `bucketMs` that is a whole number of hours selects hour counters even for short windows; otherwise it
 * is rounded up to a multiple of the resolution. */
export function planStats(query: StatsQuery): StatsPlan {
  const { from, to } = query;
  if (!Number.isSafeInteger(from) || from < 0) throw new DeliveryInputError('from', 'must be a timestamp in milliseconds');
  if (!Number.isSafeInteger(to) || to <= from) throw new DeliveryInputError('to', 'must be a timestamp after from');
  if (to - from > MAX_STATS_WINDOW_MS) throw new DeliveryInputError('to', `window must be at most ${MAX_STATS_WINDOW_MS / HOUR_MS} hours`);
  const requested = query.bucketMs;
  if (requested !== undefined && (!Number.isSafeInteger(requested) || requested <= 0)) throw new DeliveryInputError('bucketMs', 'must be a positive integer');

  const wantsHours = requested !== undefined && requested % HOUR_MS === 0;
  const resolutionMs = wantsHours || to - from > MINUTE_RESOLUTION_MAX_WINDOW_MS ? HOUR_MS : MINUTE_MS;
  const bucketMs = Math.max(resolutionMs, Math.ceil((requested ?? resolutionMs) / resolutionMs) * resolutionMs);
  const slotName = resolutionMs === HOUR_MS ? hourBucket : minuteBucket;

  const slots: StatsPlan['slots'] = [];
  for (let start = Math.floor(from / resolutionMs) * resolutionMs; start < to; start += resolutionMs) {
    slots.push({ start, suffix: slotName(start) });
  }
  return { from, to, resolutionMs, bucketMs, slots };
}

function counterValue(hash: Record<string, unknown> | null | undefined, field: string): number {
  const value = hash?.[field];
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : 0;
  return Number.isFinite(number) && number > 0 ? number : 0;
}

/** Folds the counter hashes (in plan.slots order; null for a missing key) into the chart data. */
export function aggregateStats(plan: StatsPlan, hashes: readonly (Record<string, unknown> | null | undefined)[]): DeliveryStats {
  const origin = plan.slots[0]?.start ?? plan.from;
  const buckets: StatsBucket[] = [];
  const emptyCounts = () => ({ sent: 0, delivered: 0, failed: 0, pending: 0, unknown: 0, unmatched: 0, refused: 0 });
  const totals = emptyCounts();
  const histogram = new Map<string, number>();
  const failures = new Map<number, number>();
  let ttdSum = 0;
  let ttdCount = 0;

  plan.slots.forEach((slot, i) => {
    const hash = hashes[i];
    const index = Math.floor((slot.start - origin) / plan.bucketMs);
    while (buckets.length <= index) buckets.push({ start: origin + buckets.length * plan.bucketMs, ...emptyCounts() });
    const bucket = buckets[index]!;
    for (const field of COUNT_FIELDS) {
      const value = counterValue(hash, field);
      bucket[field] += value;
      totals[field] += value;
    }
    if (!hash) return;
    ttdSum += counterValue(hash, 'ttdSum');
    ttdCount += counterValue(hash, 'ttdN');
    for (const field of Object.keys(hash)) {
      if (field.startsWith('h:')) histogram.set(field, (histogram.get(field) ?? 0) + counterValue(hash, field));
      else if (field.startsWith('f:') && /^f:-?\d+$/.test(field)) {
        const code = Number(field.slice(2));
        failures.set(code, (failures.get(code) ?? 0) + counterValue(hash, field));
      }
    }
  });

  const histogramBuckets: HistogramBucket[] = [
    ...TTD_BOUNDS_MS.map((le) => ({ leMs: le, count: histogram.get(histogramField(le)) ?? 0 })),
    { leMs: null, count: histogram.get(histogramField('inf')) ?? 0 },
  ];
  const settled = totals.delivered + totals.failed;
  const topFailureCodes = [...failures.entries()]
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, TOP_FAILURE_CODES)
    .map(([code, count]) => ({ code, name: describeSmsAeroStatus(code).name, count }));

  return {
    from: plan.from,
    to: plan.to,
    resolutionMs: plan.resolutionMs,
    bucketMs: plan.bucketMs,
    buckets,
    totals: { ...totals, deliveryRate: settled > 0 ? totals.delivered / settled : null },
    timeToDeliver: {
      count: ttdCount,
      p50Ms: quantileFromHistogram(histogramBuckets, 0.5),
      p95Ms: quantileFromHistogram(histogramBuckets, 0.95),
      meanMs: ttdCount > 0 ? Math.round(ttdSum / ttdCount) : null,
      histogram: histogramBuckets,
    },
    topFailureCodes,
  };
}
