import { LIMIT_POLICY_DEFAULTS } from './policy';

export const DEFAULT_LIMITS_PREFIX: string = LIMIT_POLICY_DEFAULTS.SMS_LIMITS_KEY_PREFIX;

/**
 * Every Redis key of the relay's limits, under one prefix (SMS_LIMITS_KEY_PREFIX, default "v1:lim").
 * None holds a phone number: numbers and prefixes appear only as keyed HMACs.
 *
 * - `rl:{scope}:{label}:{id}:{window}` sliding-window counters (@upstash/ratelimit), scope n|p|g
 * - `cap:{yyyy-mm-dd}`   hash: the day's `count` (sends, reserved before sending), `spent` (minor
 *                         units), `liftedAt` / `liftedBy` when an operator lifted the cap
 * - `policy`              string: the policy the relay enforces (JSON), for the console
 * - `audit`               list: operator actions on the limits (JSON, newest first, capped)
 * - `rf:m:{yyyymmddhhmm}` / `rf:h:{yyyymmddhh}` hash: refusals by reason per minute / hour (UTC)
 */
export function limitKeys(prefix: string = DEFAULT_LIMITS_PREFIX) {
  return {
    prefix,
    /** Prefix handed to @upstash/ratelimit; it appends `:{identifier}:{window number}`. */
    rate: (scope: 'n' | 'p' | 'g', label: string) => `${prefix}:rl:${scope}:${label}`,
    cap: (day: string) => `${prefix}:cap:${day}`,
    policy: `${prefix}:policy`,
    audit: `${prefix}:audit`,
    refusalsByMinute: (minute: string) => `${prefix}:rf:m:${minute}`,
    refusalsByHour: (hour: string) => `${prefix}:rf:h:${hour}`,
  };
}

export type LimitKeys = ReturnType<typeof limitKeys>;
