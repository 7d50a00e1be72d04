import type { Redis } from '@upstash/redis';

import { hourBucket, minuteBucket } from '../deliveries/keys';
import { planStats } from '../deliveries/stats';
import { DEFAULT_LIMITS_PREFIX, limitKeys } from './keys';
import { describeRefusalReason, REASON_PATTERN } from './reasons';
import { COUNT_REFUSAL_SCRIPT } from './scripts';

// Refusals by reason, pre-aggregated per minute and per hour (UTC) so the console's health panel reads
// a bounded number of small hashes whatever the attack volume: the same buckets and window rules as the
// delivery log's stats (lib/deliveries/stats.ts planStats: ≤ 6 h windows read minutes, longer ones hours,
// at most 31 days).

const MINUTE_TTL_SECONDS = 2 * 86_400;
const HOUR_TTL_SECONDS = 33 * 86_400;

const scripts = new WeakMap<Redis, ReturnType<Redis['createScript']>>();

/** Adds one refusal under `reason` in the minute and hour of `at`. */
export async function countRefusal(redis: Redis, reason: string, options: { at?: number; prefix?: string } = {}): Promise<void> {
  if (!REASON_PATTERN.test(reason)) throw new Error(`refusal reason must match ${REASON_PATTERN}`);
  const at = options.at ?? Date.now();
  const keys = limitKeys(options.prefix ?? DEFAULT_LIMITS_PREFIX);
  let script = scripts.get(redis);
  if (!script) {
    script = redis.createScript(COUNT_REFUSAL_SCRIPT);
    scripts.set(redis, script);
  }
  await script.exec([keys.refusalsByMinute(minuteBucket(at)), keys.refusalsByHour(hourBucket(at))], [reason, String(MINUTE_TTL_SECONDS), String(HOUR_TTL_SECONDS)]);
}

export type RefusalCounts = {
  from: number;
  to: number;
  /** 60 000 (minute counters) or 3 600 000 (hour counters): the window is widened to whole buckets. */
  resolutionMs: number;
  total: number;
  /** Most frequent first. */
  byReason: { reason: string; label: string; count: number }[];
};

/** Refusals by reason in [from, to): one pipeline of HGETALLs (≤ 360 minute or ≤ 744 hour hashes). */
export async function refusalCounts(redis: Redis, query: { from: number; to: number; prefix?: string }): Promise<RefusalCounts> {
  const plan = planStats({ from: query.from, to: query.to });
  const keys = limitKeys(query.prefix ?? DEFAULT_LIMITS_PREFIX);
  const key = plan.resolutionMs === 60_000 ? keys.refusalsByMinute : keys.refusalsByHour;
  const totals = new Map<string, number>();
  if (plan.slots.length > 0) {
    const pipeline = redis.pipeline();
    for (const slot of plan.slots) pipeline.hgetall(key(slot.suffix));
    const hashes = await pipeline.exec<(Record<string, unknown> | null)[]>();
    for (const hash of hashes) {
      for (const [reason, value] of Object.entries(hash ?? {})) {
        const count = typeof value === 'number' ? value : Number(value);
        if (REASON_PATTERN.test(reason) && Number.isSafeInteger(count) && count > 0) totals.set(reason, (totals.get(reason) ?? 0) + count);
      }
    }
  }
  const byReason = [...totals]
    .map(([reason, count]) => ({ reason, label: describeRefusalReason(reason), count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return { from: plan.from, to: plan.to, resolutionMs: plan.resolutionMs, total: byReason.reduce((sum, entry) => sum + entry.count, 0), byReason };
}
