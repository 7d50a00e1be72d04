import type { Redis } from '@upstash/redis';

import { dayOf, nextDayStart } from './day';
import { DEFAULT_LIMITS_PREFIX, limitKeys } from './keys';
import type { DailyCapFailMode, LimitPolicy } from './policy';
import { LIFT_SCRIPT, RESERVE_SCRIPT, SETTLE_SCRIPT } from './scripts';

// The daily cap: a calendar-day counter of messages and money in the policy's time zone. The relay
// reserves a send before calling SMS Aero (so the count cap is exact even under concurrency), adds the
// message's cost after SMS Aero answers, and releases the reservation if SMS Aero refused. The spend cap
// is checked before a send, with the cost of sends made so far: it is exceeded by at most the messages
// in flight. An operator may lift the cap for the rest of the day (audited).

const DAY_TTL_SECONDS = 3 * 86_400;
const POLICY_TTL_SECONDS = 90 * 86_400;
const AUDIT_MAX = 200;
const AUDIT_TTL_SECONDS = 400 * 86_400;

export type Operator = { id: string; name: string | null };

/** What the relay enforces, as the console shows it (published by the relay on every send). */
export type PublishedPolicy = {
  countries: string;
  perNumber: string[];
  perPrefix: string[];
  prefixDigits: number;
  global: string[];
  dailyCap: { count: number | null; cost: number | null; timeZone: string; onStoreError: DailyCapFailMode };
  publishedAt: number;
};

export function publishPolicy(policy: LimitPolicy, now: number): PublishedPolicy {
  const labels = (limits: { label: string }[]) => limits.map((limit) => limit.label);
  return {
    countries: policy.allowedCountryCodes === '*' ? '*' : policy.allowedCountryCodes.join(','),
    perNumber: labels(policy.perNumber),
    perPrefix: labels(policy.perPrefix),
    prefixDigits: policy.prefixDigits,
    global: labels(policy.global),
    dailyCap: {
      count: policy.dailyCap.count,
      cost: policy.dailyCap.costMinor === null ? null : policy.dailyCap.costMinor / 100,
      timeZone: policy.dailyCap.timeZone,
      onStoreError: policy.dailyCap.onStoreError,
    },
    publishedAt: now,
  };
}

type Scripts = { reserve: ReturnType<Redis['createScript']>; settle: ReturnType<Redis['createScript']>; lift: ReturnType<Redis['createScript']> };
const scriptCache = new WeakMap<Redis, Scripts>();

function scriptsFor(redis: Redis): Scripts {
  let scripts = scriptCache.get(redis);
  if (!scripts) {
    // createScript runs EVALSHA and falls back to EVAL once when the server does not have the script.
    scripts = { reserve: redis.createScript(RESERVE_SCRIPT), settle: redis.createScript(SETTLE_SCRIPT), lift: redis.createScript(LIFT_SCRIPT) };
    scriptCache.set(redis, scripts);
  }
  return scripts;
}

const toInt = (value: unknown) => {
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(number) ? Math.trunc(number) : 0;
};

export type Reservation =
  | { ok: true; day: string; count: number }
  | { ok: false; reason: 'daily_cap_count' | 'daily_cap_cost'; day: string; count: number; spentMinor: number; retryAfterSeconds: number };

/** Counts one send against today's cap, or says which cap is reached. Throws if the store is unreachable. */
export async function reserveDailySend(redis: Redis, policy: LimitPolicy, now: number): Promise<Reservation> {
  const { count, costMinor, timeZone } = policy.dailyCap;
  const day = dayOf(now, timeZone);
  const reply = (await scriptsFor(redis).reserve.exec(
    [limitKeys(policy.keyPrefix).cap(day)],
    [count === null ? '' : String(count), costMinor === null ? '' : String(costMinor), String(DAY_TTL_SECONDS)],
  )) as unknown[];
  const [verdict, sent, spent] = [String(reply[0]), toInt(reply[1]), toInt(reply[2])];
  if (verdict === 'ok') return { ok: true, day, count: sent };
  const retryAfterSeconds = Math.max(1, Math.ceil((nextDayStart(now, timeZone) - now) / 1000));
  return { ok: false, reason: verdict === 'cost' ? 'daily_cap_cost' : 'daily_cap_count', day, count: sent, spentMinor: spent, retryAfterSeconds };
}

/**
 * After SMS Aero accepted a send: adds its cost (SMS Aero's `cost`, in balance units; null when the
 * response had none) and, if the send was not reserved (no cap configured, or the cap failed open),
 * counts it. Also publishes the policy for the console.
 */
export async function recordDailySend(
  redis: Redis,
  policy: LimitPolicy,
  input: { day: string; reserved: boolean; cost: number | null; now: number },
): Promise<void> {
  const costMinor = input.cost !== null && Number.isFinite(input.cost) && input.cost > 0 ? Math.round(input.cost * 100) : 0;
  const keys = limitKeys(policy.keyPrefix);
  await scriptsFor(redis).settle.exec(
    [keys.cap(input.day), keys.policy],
    [input.reserved ? '0' : '1', String(costMinor), String(DAY_TTL_SECONDS), JSON.stringify(publishPolicy(policy, input.now)), String(POLICY_TTL_SECONDS)],
  );
}

/** SMS Aero refused a reserved send: give its place back. */
export async function releaseDailySend(redis: Redis, policy: LimitPolicy, day: string): Promise<void> {
  const keys = limitKeys(policy.keyPrefix);
  await scriptsFor(redis).settle.exec([keys.cap(day), keys.policy], ['-1', '0', String(DAY_TTL_SECONDS), '', '0']);
}

// --- console side -------------------------------------------------------------------------------------

export type CapState = {
  /** The relay's policy as last published; null until the relay has sent something (90 days). */
  policy: PublishedPolicy | null;
  day: string;
  timeZone: string;
  /** When the cap resets (next midnight in timeZone). */
  resetsAt: number;
  count: number;
  /** Spend today in SMS Aero balance units. */
  spent: number;
  countCap: number | null;
  costCap: number | null;
  /** Which cap is reached (whether or not it was lifted). */
  reached: 'count' | 'cost' | null;
  lifted: { at: number; by: Operator } | null;
};

/** Decoded leniently: @upstash/redis parses JSON-looking strings by default, other clients do not. */
function decodeJson<T>(value: unknown): T | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') return value as T;
  if (typeof value !== 'string') return null;
  try {
    return JSON.parse(value) as T;
  } catch {
    return null;
  }
}

function decodeOperator(value: unknown): Operator {
  const raw = decodeJson<{ id?: unknown; name?: unknown }>(value);
  return { id: typeof raw?.id === 'string' ? raw.id : 'unknown', name: typeof raw?.name === 'string' ? raw.name : null };
}

async function readPolicy(redis: Redis, prefix: string): Promise<PublishedPolicy | null> {
  const policy = decodeJson<PublishedPolicy>(await redis.get<unknown>(limitKeys(prefix).policy));
  return policy && typeof policy.dailyCap === 'object' && policy.dailyCap !== null ? policy : null;
}

/** Today's count and spend against the caps (two reads: the published policy, then the day). */
export async function readCapState(redis: Redis, options: { now?: number; prefix?: string } = {}): Promise<CapState> {
  const now = options.now ?? Date.now();
  const prefix = options.prefix ?? DEFAULT_LIMITS_PREFIX;
  const policy = await readPolicy(redis, prefix);
  const timeZone = policy?.dailyCap.timeZone ?? 'UTC';
  const day = dayOf(now, timeZone);
  const hash = (await redis.hgetall<Record<string, unknown>>(limitKeys(prefix).cap(day))) ?? {};
  const count = toInt(hash.count);
  const spent = toInt(hash.spent) / 100;
  const countCap = policy?.dailyCap.count ?? null;
  const costCap = policy?.dailyCap.cost ?? null;
  const reached = countCap !== null && count >= countCap ? 'count' : costCap !== null && spent >= costCap ? 'cost' : null;
  const liftedAt = toInt(hash.liftedAt);
  return {
    policy,
    day,
    timeZone,
    resetsAt: nextDayStart(now, timeZone),
    count,
    spent,
    countCap,
    costCap,
    reached,
    lifted: liftedAt > 0 ? { at: liftedAt, by: decodeOperator(hash.liftedBy) } : null,
  };
}

export type LiftResult =
  | { result: 'lifted' | 'already'; day: string; at: number; by: Operator }
  /** The day the operator saw is over: lifting "today" now would lift a day they did not look at. */
  | { result: 'day_changed'; day: string };

export type AuditEntry = { at: number; action: 'lift_daily_cap'; day: string; by: Operator; count: number; spent: number };

/**
 * Lifts today's cap (in the relay's time zone) until the next midnight, once per day, and appends the
 * action with the operator's id and name to the audit list. `expectedDay` is the day the operator saw.
 */
export async function liftDailyCap(
  redis: Redis,
  input: { by: Operator; now?: number; expectedDay?: string; prefix?: string },
): Promise<LiftResult> {
  const now = input.now ?? Date.now();
  const prefix = input.prefix ?? DEFAULT_LIMITS_PREFIX;
  const state = await readCapState(redis, { now, prefix });
  if (input.expectedDay !== undefined && input.expectedDay !== state.day) return { result: 'day_changed', day: state.day };
  const by: Operator = { id: input.by.id.slice(0, 128), name: input.by.name === null ? null : input.by.name.slice(0, 128) };
  const entry: AuditEntry = { at: now, action: 'lift_daily_cap', day: state.day, by, count: state.count, spent: state.spent };
  const keys = limitKeys(prefix);
  const reply = (await scriptsFor(redis).lift.exec(
    [keys.cap(state.day), keys.audit],
    [String(now), JSON.stringify(by), String(DAY_TTL_SECONDS), JSON.stringify(entry), String(AUDIT_MAX), String(AUDIT_TTL_SECONDS)],
  )) as unknown[];
  const result = String(reply[0]) === 'already' ? 'already' : 'lifted';
  return { result, day: state.day, at: toInt(reply[1]), by: decodeOperator(reply[2]) };
}

/** Operator actions on the limits, newest first. */
export async function readLimitAudit(redis: Redis, options: { limit?: number; prefix?: string } = {}): Promise<AuditEntry[]> {
  const limit = Math.min(Math.max(options.limit ?? 20, 1), AUDIT_MAX);
  const raw = await redis.lrange<unknown>(limitKeys(options.prefix ?? DEFAULT_LIMITS_PREFIX).audit, 0, limit - 1);
  return raw.map((item) => decodeJson<AuditEntry>(item)).filter((entry): entry is AuditEntry => entry !== null && entry.action === 'lift_daily_cap');
}
