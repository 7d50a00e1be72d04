import { Redis } from '@upstash/redis';

import { consoleConfig } from '../console/config';
import { formatTime } from '../console/format';
import { loadAppEnv } from '../env/app';
import { liftDailyCap, readCapState, readLimitAudit, type AuditEntry, type CapState, type Operator } from './cap';
import { DEFAULT_LIMITS_PREFIX } from './keys';
import { parseKeyPrefix } from './policy';
import { LimitSyntaxError } from './rate';
import { refusalCounts, type RefusalCounts } from './refusals';

// The operator console's side of the SMS-pumping defence: pre-aggregated reads only (today's cap hash,
// the published policy, the refusal counters, the audit list) and the audited "lift today's cap".
// Not exported from lib/limits/index.ts: it reads the app's environment, which the Worker never has.

export type LimitsPanelData =
  | { ok: true; cap: CapState; refusals: RefusalCounts; audit: AuditEntry[]; prefix: string }
  | { ok: false; problem: 'unconfigured' | 'unreachable'; message: string };

// Same deadline as the console's delivery-log client: a dead store costs a page seconds, not retries.
const REQUEST_TIMEOUT_MS = 4_000;
let cached: { key: string; redis: Redis } | undefined;

/** The console's client for the limiter keys (the delivery log's database), or null when unconfigured. */
export function consoleLimitsRedis(): Redis | null {
  const store = consoleConfig(loadAppEnv()).store;
  if (!store) return null;
  const key = `${store.url}\n${store.token}`;
  if (cached?.key !== key) {
    cached = {
      key,
      redis: new Redis({ url: store.url, token: store.token, enableTelemetry: false, retry: { retries: 1, backoff: () => 150 }, signal: () => AbortSignal.timeout(REQUEST_TIMEOUT_MS) }),
    };
  }
  return cached.redis;
}

/** SMS_LIMITS_KEY_PREFIX as the relay Worker has it (default v1:lim); a malformed one is reported, not guessed. */
export function consoleLimitsPrefix(value: string | undefined = process.env.SMS_LIMITS_KEY_PREFIX): string {
  const text = value?.trim();
  if (!text) return DEFAULT_LIMITS_PREFIX;
  try {
    return parseKeyPrefix(text);
  } catch (error) {
    if (error instanceof LimitSyntaxError) throw new Error(`SMS_LIMITS_KEY_PREFIX ${error.message}`);
    throw error;
  }
}

/** Everything the refusals panel shows, for the window [from, to). Three round trips, none scanning. */
export async function loadLimitsPanel(redis: Redis | null, query: { from: number; to: number; now?: number; prefix?: string }): Promise<LimitsPanelData> {
  if (!redis) return { ok: false, problem: 'unconfigured', message: 'Set KV_REST_API_URL and KV_REST_API_TOKEN (the database the relay Worker writes).' };
  const prefix = query.prefix ?? DEFAULT_LIMITS_PREFIX;
  try {
    const [cap, refusals, audit] = await Promise.all([
      readCapState(redis, { now: query.now ?? Date.now(), prefix }),
      refusalCounts(redis, { from: query.from, to: query.to, prefix }),
      readLimitAudit(redis, { limit: 5, prefix }),
    ]);
    return { ok: true, cap, refusals, audit, prefix };
  } catch (error) {
    console.warn(`[console] limits unreadable: ${error instanceof Error ? error.name : typeof error}`);
    return { ok: false, problem: 'unreachable', message: 'The store did not answer; refusal counts and the daily cap cannot be shown.' };
  }
}

export type LiftActionResult = { ok: boolean; message: string };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * "Lift today's cap" for a signed-in operator (the caller checked the role). `day` is the day the form
 * showed: if midnight passed since, nothing is lifted. Every lift is audited with the operator's id and name.
 */
export async function liftCapForOperator(redis: Redis | null, input: { operator: Operator; day: unknown; now?: number; prefix?: string }): Promise<LiftActionResult> {
  if (!redis) return { ok: false, message: 'Not lifted: the store is not configured (KV_REST_API_URL and KV_REST_API_TOKEN).' };
  if (typeof input.day !== 'string' || !DAY.test(input.day)) return { ok: false, message: 'Not lifted: the form did not say which day to lift; reload the page.' };
  let result;
  try {
    result = await liftDailyCap(redis, {
      by: input.operator,
      expectedDay: input.day,
      prefix: input.prefix ?? DEFAULT_LIMITS_PREFIX,
      ...(input.now === undefined ? {} : { now: input.now }),
    });
  } catch {
    return { ok: false, message: 'Not lifted: the store did not answer. Try again.' };
  }
  switch (result.result) {
    case 'day_changed':
      return { ok: false, message: `Not lifted: ${input.day} is over (it is ${result.day} in the cap's time zone now). Reload to see today's cap.` };
    case 'already':
      return { ok: true, message: `The cap for ${result.day} was already lifted by ${result.by.name ?? result.by.id} at ${formatTime(result.at)} UTC.` };
    default:
      return { ok: true, message: `Cap lifted for ${result.day}: sends are allowed until midnight. Recorded as ${result.by.name ?? result.by.id}.` };
  }
}
