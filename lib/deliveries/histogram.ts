// Time-to-deliver is kept as a fixed-bucket histogram in the per-minute counters, so percentiles over
// any window come from summing counters, never from scanning deliveries.

/** Upper bounds (inclusive, ms) of the histogram buckets; a last, open bucket takes the rest. */
export const TTD_BOUNDS_MS: readonly number[] = [
  1_000, 2_000, 3_000, 5_000, 7_500, 10_000, 15_000, 20_000, 30_000, 45_000, 60_000, 90_000, 120_000, 180_000, 300_000, 600_000,
  1_800_000, 3_600_000,
];

/** Counter field of the bucket with upper bound `le` ("inf" for the open one). */
export const histogramField = (le: number | 'inf') => `h:${le}`;

export type HistogramBucket = { leMs: number | null; count: number };

/**
 * The q-quantile (0 < q ≤ 1), interpolated linearly inside its bucket. Falling into the open last bucket
 * yields that bucket's lower bound (a floor: "at least this long"). Null with no samples.
 */
export function quantileFromHistogram(buckets: readonly HistogramBucket[], q: number): number | null {
  const total = buckets.reduce((sum, bucket) => sum + bucket.count, 0);
  if (total <= 0) return null;
  const rank = q * total;
  let cumulative = 0;
  let lower = 0;
  for (const bucket of buckets) {
    if (bucket.count > 0 && cumulative + bucket.count >= rank) {
      if (bucket.leMs === null) return lower;
      return Math.round(lower + ((bucket.leMs - lower) * (rank - cumulative)) / bucket.count);
    }
    cumulative += bucket.count;
    if (bucket.leMs !== null) lower = bucket.leMs;
  }
  return lower;
}
