import type { Delivery, DeliveryStats } from '../deliveries';
import { formatClock, formatDuration, formatPercent } from './format';

// "Do codes arrive?" answered from the pre-aggregated counters (store.stats), never from scanning.

export type HealthTone = 'good' | 'warn' | 'bad' | 'idle';

export type HealthChartData = {
  /** Per bucket: start (ms) and counts of that bucket's sends by current outcome. */
  buckets: { start: number; delivered: number; failed: number; pending: number }[];
  bucketMs: number;
  /** Time-to-deliver histogram, trimmed of empty buckets past the last sample. */
  timeToDeliver: { label: string; count: number }[];
};

export type Health = {
  verdict: { tone: HealthTone; headline: string; details: string[] };
  totals: DeliveryStats['totals'];
  pendingNow: number;
  timeToDeliver: { count: number; p50Ms: number | null; p95Ms: number | null; meanMs: number | null };
  topFailureCodes: DeliveryStats['topFailureCodes'];
  /** Refusals by reason, when the stats carry them (they may not yet); null = not available. */
  refusalsByReason: { reason: string; count: number }[] | null;
  lastDelivered: { id: string; at: number } | null;
  coverage: { from: number; to: number; resolutionMs: number; bucketMs: number };
  charts: HealthChartData;
};

// Delivery rates at or above GOOD read as healthy; below POOR as an outage.
const GOOD_RATE = 0.95;
const POOR_RATE = 0.8;

function refusalsByReason(stats: DeliveryStats): Health['refusalsByReason'] {
  // Written against the shape stats may grow (`refusalsByReason: [{reason, count}]`); anything else
  // is treated as absent rather than trusted.
  const value = (stats as { refusalsByReason?: unknown }).refusalsByReason;
  if (!Array.isArray(value)) return null;
  return value
    .filter((entry): entry is { reason: string; count: number } => typeof entry?.reason === 'string' && typeof entry?.count === 'number' && entry.count > 0)
    .map(({ reason, count }) => ({ reason, count }));
}

function histogramLabel(leMs: number | null, previous: number): string {
  return leMs === null ? `> ${formatDuration(previous)}` : `≤ ${formatDuration(leMs)}`;
}

function chartData(stats: DeliveryStats): HealthChartData {
  const histogram = stats.timeToDeliver.histogram;
  let last = -1;
  histogram.forEach((bucket, i) => {
    if (bucket.count > 0) last = i;
  });
  // Always show the first few seconds, where healthy deliveries land, even with no samples.
  const shown = histogram.slice(0, Math.max(last + 1, 6));
  return {
    buckets: stats.buckets.map(({ start, delivered, failed, pending }) => ({ start, delivered, failed, pending })),
    bucketMs: stats.bucketMs,
    timeToDeliver: shown.map((bucket, i) => ({ label: histogramLabel(bucket.leMs, histogram[i - 1]?.leMs ?? 0), count: bucket.count })),
  };
}

function verdict(stats: DeliveryStats, pendingNow: number, lastDelivered: Health['lastDelivered']): Health['verdict'] {
  const { sent, delivered, failed, pending, refused, unmatched, deliveryRate } = stats.totals;
  const details: string[] = [];
  const topFailure = stats.topFailureCodes[0];
  if (topFailure) details.push(`Most common failure: code ${topFailure.code} (${topFailure.name}) × ${topFailure.count}.`);
  if (refused > 0) details.push(`${refused} send${refused === 1 ? ' was' : 's were'} refused by the relay before reaching SMS Aero.`);
  if (unmatched > 0) details.push(`${unmatched} status callback${unmatched === 1 ? '' : 's'} for message ids this log never sent.`);

  if (sent === 0) {
    const headline = refused > 0 ? 'No code reached SMS Aero in this window' : 'No codes sent in this window';
    if (refused === 0 && pendingNow === 0) details.push('Send a test SMS to check the whole path.');
    return { tone: refused > 0 ? 'bad' : 'idle', headline, details };
  }
  const ttd = stats.timeToDeliver.p50Ms === null ? '' : `, median ${formatDuration(stats.timeToDeliver.p50Ms)} to deliver`;
  if (deliveryRate === null) {
    return { tone: 'warn', headline: `${sent} sent, none has a final status yet`, details: [`${pending} waiting for SMS Aero's delivery report.`, ...details] };
  }
  const rate = formatPercent(deliveryRate);
  if (deliveryRate >= GOOD_RATE) return { tone: refused > 0 ? 'warn' : 'good', headline: `Codes are arriving: ${rate} delivered${ttd}`, details };
  if (deliveryRate >= POOR_RATE) return { tone: 'warn', headline: `Some codes fail: ${rate} delivered (${failed} of ${delivered + failed})`, details };
  if (lastDelivered) details.push(`Last delivered code: message ${lastDelivered.id} at ${formatClock(lastDelivered.at)} UTC.`);
  return { tone: 'bad', headline: `Codes are failing: ${rate} delivered (${failed} of ${delivered + failed} failed)`, details };
}

export function buildHealth(stats: DeliveryStats, pendingNow: number, lastDelivered: Delivery | null): Health {
  const last = lastDelivered ? { id: lastDelivered.id, at: lastDelivered.deliveredAt ?? lastDelivered.status.at } : null;
  const { count, p50Ms, p95Ms, meanMs } = stats.timeToDeliver;
  return {
    verdict: verdict(stats, pendingNow, last),
    totals: stats.totals,
    pendingNow,
    timeToDeliver: { count, p50Ms, p95Ms, meanMs },
    topFailureCodes: stats.topFailureCodes,
    refusalsByReason: refusalsByReason(stats),
    lastDelivered: last,
    coverage: { from: stats.buckets[0]?.start ?? stats.from, to: stats.to, resolutionMs: stats.resolutionMs, bucketMs: stats.bucketMs },
    charts: chartData(stats),
  };
}
