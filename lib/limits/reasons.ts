// Why the relay refused a send: the `reason` of a refusal response, the refusal counters' fields and
// the start of the delivery log's refusal text. SMS Aero's own refusals (smsaero_no_credits, …) are
// counted under their error code too.

export const LIMIT_REFUSAL_REASONS = {
  country: 'number outside SMS_ALLOWED_COUNTRY_CODES',
  per_number: 'too many codes to one number (SMS_LIMIT_PER_NUMBER)',
  per_prefix: 'too many codes to one number block (SMS_LIMIT_PER_PREFIX)',
  global: 'relay-wide rate (SMS_LIMIT_GLOBAL)',
  daily_cap_count: 'daily message cap reached (SMS_DAILY_CAP_COUNT)',
  daily_cap_cost: 'daily spend cap reached (SMS_DAILY_CAP_COST)',
  limiter_unavailable: 'limiter store unreachable; the daily cap fails closed',
  fallback_per_number: 'store unreachable: per-isolate number limit (SMS_LIMIT_FALLBACK_PER_NUMBER)',
  fallback_global: 'store unreachable: per-isolate rate (SMS_LIMIT_FALLBACK_GLOBAL)',
} as const;

export type LimitRefusalReason = keyof typeof LIMIT_REFUSAL_REASONS;

/** Any counted reason: a limit reason above or an SMS Aero error code. */
export const REASON_PATTERN = /^[a-z][a-z0-9_]{0,47}$/;

export function describeRefusalReason(reason: string): string {
  return (LIMIT_REFUSAL_REASONS as Record<string, string>)[reason] ?? reason.replace(/_/g, ' ');
}
