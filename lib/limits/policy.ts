import { canonicalTimeZone } from './day';
import { matchCountry, parseCountryCodes, type CountryAllowList } from './country';
import { LimitSyntaxError, parseRateList, type RateLimit } from './rate';

// The relay's SMS-pumping policy, configured by env (names below are contract: .dev.vars.example and
// the README list them) and validated when the Worker starts.

export type DailyCapFailMode = 'closed' | 'open';

export type LimitPolicy = {
  /** Calling codes a number must start with ("*" = any). */
  allowedCountryCodes: CountryAllowList;
  /** Per phone number, shortest window first. */
  perNumber: RateLimit[];
  /** Per block of numbers sharing their first `prefixDigits` digits (sequential-number attacks). */
  perPrefix: RateLimit[];
  prefixDigits: number;
  /** Every send together. */
  global: RateLimit[];
  dailyCap: {
    /** Messages per day; null = no count cap. */
    count: number | null;
    /** Spend per day in SMS Aero balance units ×100 (kopecks), from the `cost` of each send; null = none. */
    costMinor: number | null;
    /** Whose midnight resets the cap (IANA name). */
    timeZone: string;
    /** When the limiter's store is unreachable: refuse every send (closed) or send without the cap (open). */
    onStoreError: DailyCapFailMode;
  };
  /** Per-isolate limits used instead of the shared ones while the store is unreachable. */
  fallback: { perNumber: RateLimit[]; global: RateLimit[] };
  /** Namespace of the limiter's Redis keys (several relays on one database keep separate budgets). */
  keyPrefix: string;
};

export const LIMIT_POLICY_DEFAULTS = {
  SMS_ALLOWED_COUNTRY_CODES: '7',
  SMS_LIMIT_PER_NUMBER: '3/10m,10/1d',
  SMS_LIMIT_PER_PREFIX: '20/10m',
  SMS_PREFIX_DIGITS: '8',
  SMS_LIMIT_GLOBAL: '300/1m',
  SMS_DAILY_CAP_COUNT: '2000',
  SMS_DAILY_CAP_COST: '5000',
  SMS_DAILY_CAP_TIMEZONE: 'UTC',
  SMS_DAILY_CAP_FAIL_MODE: 'closed',
  SMS_LIMIT_FALLBACK_PER_NUMBER: '1/1m',
  SMS_LIMIT_FALLBACK_GLOBAL: '30/1m',
  SMS_LIMITS_KEY_PREFIX: 'v1:lim',
} as const;

export type LimitPolicyVariable = keyof typeof LIMIT_POLICY_DEFAULTS;
export const LIMIT_POLICY_VARIABLES = Object.keys(LIMIT_POLICY_DEFAULTS) as LimitPolicyVariable[];

export type PolicyProblem = { variable: LimitPolicyVariable; problem: string };

export class LimitPolicyError extends Error {
  override readonly name = 'LimitPolicyError';
  constructor(readonly problems: readonly PolicyProblem[]) {
    super(`Invalid SMS limit policy:\n${problems.map((p) => `  - ${p.variable}: ${p.problem}`).join('\n')}`);
  }
}

const OFF = /^(off|none)$/i;

function parseCapCount(text: string): number | null {
  if (OFF.test(text)) return null;
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw new LimitSyntaxError('must be a whole number of messages per day (at least 1), or off');
  return Number(text);
}

function parseCapCost(text: string): number | null {
  if (OFF.test(text)) return null;
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(text) || Number(text) <= 0) {
    throw new LimitSyntaxError('must be an amount in SMS Aero balance units (e.g. 5000 or 1500.50), or off');
  }
  return Math.round(Number(text) * 100);
}

function parsePrefixDigits(text: string): number {
  if (!/^\d{1,2}$/.test(text) || Number(text) < 2 || Number(text) > 14) throw new LimitSyntaxError('must be a whole number from 2 to 14');
  return Number(text);
}

function parseTimeZone(text: string): string {
  const zone = canonicalTimeZone(text);
  if (zone === null) throw new LimitSyntaxError('must be an IANA time zone such as UTC or Europe/Moscow');
  return zone;
}

function parseFailMode(text: string): DailyCapFailMode {
  const mode = text.toLowerCase();
  if (mode !== 'closed' && mode !== 'open') throw new LimitSyntaxError('must be closed (refuse sends while the store is unreachable) or open');
  return mode;
}

export function parseKeyPrefix(text: string): string {
  if (!/^[A-Za-z0-9:_-]{1,64}$/.test(text)) throw new LimitSyntaxError('must be 1–64 characters of A–Z, a–z, 0–9, ":", "_", "-"');
  return text;
}

/**
 * Builds the policy from env values (unset or blank → the default). Throws LimitPolicyError naming every
 * bad variable and what to write instead.
 */
export function parseLimitPolicy(source: Partial<Record<string, string | undefined>>): LimitPolicy {
  const problems: PolicyProblem[] = [];
  const read = <T>(variable: LimitPolicyVariable, parse: (text: string) => T): T => {
    const raw = source[variable]?.trim();
    const text = raw === undefined || raw === '' ? LIMIT_POLICY_DEFAULTS[variable] : raw;
    try {
      return parse(text);
    } catch (error) {
      if (!(error instanceof LimitSyntaxError)) throw error;
      problems.push({ variable, problem: error.message });
      return parse(LIMIT_POLICY_DEFAULTS[variable]);
    }
  };
  const policy: LimitPolicy = {
    allowedCountryCodes: read('SMS_ALLOWED_COUNTRY_CODES', parseCountryCodes),
    perNumber: read('SMS_LIMIT_PER_NUMBER', parseRateList),
    perPrefix: read('SMS_LIMIT_PER_PREFIX', parseRateList),
    prefixDigits: read('SMS_PREFIX_DIGITS', parsePrefixDigits),
    global: read('SMS_LIMIT_GLOBAL', parseRateList),
    dailyCap: {
      count: read('SMS_DAILY_CAP_COUNT', parseCapCount),
      costMinor: read('SMS_DAILY_CAP_COST', parseCapCost),
      timeZone: read('SMS_DAILY_CAP_TIMEZONE', parseTimeZone),
      onStoreError: read('SMS_DAILY_CAP_FAIL_MODE', parseFailMode),
    },
    fallback: {
      perNumber: read('SMS_LIMIT_FALLBACK_PER_NUMBER', parseRateList),
      global: read('SMS_LIMIT_FALLBACK_GLOBAL', parseRateList),
    },
    keyPrefix: read('SMS_LIMITS_KEY_PREFIX', parseKeyPrefix),
  };
  if (problems.length > 0) throw new LimitPolicyError(problems);
  return policy;
}

export const dailyCapEnabled = (policy: LimitPolicy) => policy.dailyCap.count !== null || policy.dailyCap.costMinor !== null;

/** The first `prefixDigits` digits: the block of numbers the per-prefix limit counts together. */
export const numberPrefix = (digits: string, policy: Pick<LimitPolicy, 'prefixDigits'>) => digits.slice(0, policy.prefixDigits);

export const countryAllowed = (digits: string, policy: Pick<LimitPolicy, 'allowedCountryCodes'>) => matchCountry(digits, policy.allowedCountryCodes) !== null;
