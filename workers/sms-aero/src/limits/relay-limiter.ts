import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis/cloudflare';

import type { PhoneHasher } from '../../../../lib/deliveries';
import {
  createPrefixHasher,
  dailyCapEnabled,
  dayOf,
  formatWait,
  limitKeys,
  matchCountry,
  numberPrefix,
  recordDailySend,
  releaseDailySend,
  reserveDailySend,
  type LimitPolicy,
  type LimitRefusalReason,
  type RateLimit,
} from '../../../../lib/limits';
import { describeError, log } from '../log';
import { BoundedMap, MemoryLimiter } from './memory-limiter';
import { portableScriptClient } from './portable-scripts';

// The SMS-pumping defence in front of every send (ADR 011). Checked in this order, stopping at the
// first refusal, so a request refused by a narrow limit never spends the budget of a wider one (a bot
// hammering one number cannot drain the relay-wide rate for everybody):
//   country → per number (shortest window first) → per number block → relay-wide → daily cap.
// Rate limits are sliding windows in Redis (@upstash/ratelimit). The daily cap is a calendar-day
// reservation counter (lib/limits/cap.ts). If the store is unreachable, the rate limits fall back to
// strict per-isolate counters and the daily cap fails closed (or open, by SMS_DAILY_CAP_FAIL_MODE).

export type Refusal = {
  status: 403 | 429 | 503;
  error: 'country_not_allowed' | 'rate_limited' | 'daily_cap_reached' | 'limiter_unavailable';
  reason: LimitRefusalReason;
  /** The limit that refused ("3/10m"), when one did. */
  limit: string | null;
  /** Seconds until a retry can succeed; null when it never will (country). */
  retryAfterSeconds: number | null;
  message: string;
};

/** Passed: what settle() needs after the send. */
export type Admission = { day: string; reserved: boolean; degraded: boolean };

export type LimitDecision = { allowed: true; admission: Admission } | { allowed: false; refusal: Refusal };

type Stage = { reason: 'per_number' | 'per_prefix' | 'global'; limit: RateLimit; ratelimit: Ratelimit; identifier: 'number' | 'prefix' | 'all' };

const STAGE_MESSAGES = {
  per_number: 'too many codes were sent to this number',
  per_prefix: 'too many codes were sent to numbers of this block',
  global: 'the relay is sending too many codes right now',
} as const;

// Identifiers blocked in this isolate are refused without a store call until their window ends; an
// attack with ever-new numbers must not turn that cache into a memory leak.
const EPHEMERAL_CACHE_MAX = 10_000;
const LIMITER_UNAVAILABLE_RETRY_SECONDS = 30;

const retryAfter = (resetAt: number, now: number) => Math.max(1, Math.ceil((resetAt - now) / 1000));

export type RelayLimiter = {
  policy: LimitPolicy;
  check(phone: string, now?: number): Promise<LimitDecision>;
  /** After the SMS Aero call: spend (and count) a sent message, or give a refused one's reservation back. Never throws. */
  settle(admission: Admission, outcome: { sent: true; cost: number | null } | { sent: false }, now?: number): Promise<void>;
};

export function createRelayLimiter(options: { policy: LimitPolicy; redis: Redis; hashPhone: PhoneHasher; phoneHashKey: string }): RelayLimiter {
  const { policy, redis, hashPhone } = options;
  const hashPrefix = createPrefixHasher(options.phoneHashKey);
  const keys = limitKeys(policy.keyPrefix);
  const client = portableScriptClient(redis) as unknown as ConstructorParameters<typeof Ratelimit>[0]['redis'];

  const stage = (reason: Stage['reason'], scope: 'n' | 'p' | 'g', identifier: Stage['identifier']) => (limit: RateLimit): Stage => ({
    reason,
    limit,
    identifier,
    ratelimit: new Ratelimit({
      redis: client,
      limiter: Ratelimit.slidingWindow(limit.limit, `${limit.windowMs} ms`),
      prefix: keys.rate(scope, limit.label),
      ephemeralCache: new BoundedMap<string, number>(EPHEMERAL_CACHE_MAX),
      // Store errors must reach us (fallback limits, cap fails closed), not turn into a silent pass.
      timeout: 0,
      analytics: false,
    }),
  });
  const stages: Stage[] = [
    ...policy.perNumber.map(stage('per_number', 'n', 'number')),
    ...policy.perPrefix.map(stage('per_prefix', 'p', 'prefix')),
    ...policy.global.map(stage('global', 'g', 'all')),
  ];
  const fallbackPerNumber = new MemoryLimiter(policy.fallback.perNumber);
  const fallbackGlobal = new MemoryLimiter(policy.fallback.global);
  const capEnabled = dailyCapEnabled(policy);

  function fallbackRefusal(numberId: string, now: number): Refusal | null {
    const perNumber = fallbackPerNumber.take(numberId, now);
    if (!perNumber.ok) {
      return {
        status: 429,
        error: 'rate_limited',
        reason: 'fallback_per_number',
        limit: perNumber.limit.label,
        retryAfterSeconds: perNumber.retryAfterSeconds,
        message: `${STAGE_MESSAGES.per_number} (limit ${perNumber.limit.label} while the limiter store is unreachable); retry in ${formatWait(perNumber.retryAfterSeconds)}`,
      };
    }
    const global = fallbackGlobal.take('all', now);
    if (!global.ok) {
      return {
        status: 429,
        error: 'rate_limited',
        reason: 'fallback_global',
        limit: global.limit.label,
        retryAfterSeconds: global.retryAfterSeconds,
        message: `${STAGE_MESSAGES.global} (limit ${global.limit.label} while the limiter store is unreachable); retry in ${formatWait(global.retryAfterSeconds)}`,
      };
    }
    return null;
  }

  return {
    policy,

    async check(phone, now = Date.now()) {
      const country = matchCountry(phone, policy.allowedCountryCodes);
      if (country === null) {
        return {
          allowed: false,
          refusal: {
            status: 403,
            error: 'country_not_allowed',
            reason: 'country',
            limit: null,
            retryAfterSeconds: null,
            message: 'codes are not sent to numbers of this country (SMS_ALLOWED_COUNTRY_CODES)',
          },
        };
      }

      const numberId = await hashPhone(phone);
      const identifiers = { number: numberId, prefix: stages.some((s) => s.identifier === 'prefix') ? await hashPrefix(numberPrefix(phone, policy)) : '', all: 'all' };
      const day = dayOf(now, policy.dailyCap.timeZone);
      let storeError: unknown = null;

      for (const { reason, limit, ratelimit, identifier } of stages) {
        let result: Awaited<ReturnType<Ratelimit['limit']>>;
        try {
          result = await ratelimit.limit(identifiers[identifier]);
        } catch (error) {
          storeError = error;
          break;
        }
        if (!result.success) {
          const seconds = retryAfter(result.reset, now);
          return {
            allowed: false,
            refusal: { status: 429, error: 'rate_limited', reason, limit: limit.label, retryAfterSeconds: seconds, message: `${STAGE_MESSAGES[reason]} (limit ${limit.label}); retry in ${formatWait(seconds)}` },
          };
        }
      }

      if (storeError === null && capEnabled) {
        try {
          const reservation = await reserveDailySend(redis, policy, now);
          if (reservation.ok) return { allowed: true, admission: { day: reservation.day, reserved: true, degraded: false } };
          const what = reservation.reason === 'daily_cap_cost' ? 'spend' : 'message';
          const limit = reservation.reason === 'daily_cap_cost' ? String((policy.dailyCap.costMinor ?? 0) / 100) : String(policy.dailyCap.count);
          return {
            allowed: false,
            refusal: {
              status: 503,
              error: 'daily_cap_reached',
              reason: reservation.reason,
              limit,
              retryAfterSeconds: reservation.retryAfterSeconds,
              message: `the relay's daily ${what} cap (${limit}) is reached; sending resumes at midnight ${policy.dailyCap.timeZone} or when an operator lifts the cap`,
            },
          };
        } catch (error) {
          storeError = error;
        }
      }

      if (storeError === null) return { allowed: true, admission: { day, reserved: false, degraded: false } };

      log.warn('limits.store_unreachable', { reason: describeError(storeError), capMode: capEnabled ? policy.dailyCap.onStoreError : 'none' });
      const limited = fallbackRefusal(numberId, now);
      if (limited) return { allowed: false, refusal: limited };
      if (capEnabled && policy.dailyCap.onStoreError === 'closed') {
        return {
          allowed: false,
          refusal: {
            status: 503,
            error: 'limiter_unavailable',
            reason: 'limiter_unavailable',
            limit: null,
            retryAfterSeconds: LIMITER_UNAVAILABLE_RETRY_SECONDS,
            message: 'the daily cap cannot be checked because the limiter store is unreachable, so nothing is sent (SMS_DAILY_CAP_FAIL_MODE=closed); retry shortly',
          },
        };
      }
      return { allowed: true, admission: { day, reserved: false, degraded: true } };
    },

    async settle(admission, outcome, now = Date.now()) {
      try {
        if (outcome.sent) await recordDailySend(redis, policy, { day: admission.day, reserved: admission.reserved, cost: outcome.cost, now });
        else if (admission.reserved) await releaseDailySend(redis, policy, admission.day);
      } catch (error) {
        log.warn('limits.spend_not_recorded', { sent: outcome.sent, reason: describeError(error) });
      }
    },
  };
}
