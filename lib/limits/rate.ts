// "N/duration" limits as operators write them in env: 3/10m, 10/1d, 300/1m. A list is comma-separated;
// "off" (or "none") means no limit of that kind.

export type RateLimit = {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
  /** Canonical text, e.g. "3/10m": shown to operators and part of the limiter's Redis keys, so changing
   * a limit starts it from zero instead of reinterpreting old counters. */
  label: string;
};

export class LimitSyntaxError extends Error {
  override readonly name = 'LimitSyntaxError';
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

export const MAX_LIMIT = 1_000_000;
export const MIN_WINDOW_MS = UNIT_MS.s;
export const MAX_WINDOW_MS = 7 * UNIT_MS.d;

const RATE = /^(\d{1,7})\s*\/\s*(\d{0,6})\s*([smhd])$/i;
const OFF = /^(off|none)$/i;

const show = (text: string) => JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}…` : text);

/** One limit: "3/10m" → {limit: 3, windowMs: 600000, label: "3/10m"}. "5/m" means 5 per 1 minute. */
export function parseRate(text: string): RateLimit {
  const trimmed = text.trim();
  const match = RATE.exec(trimmed);
  if (!match) {
    throw new LimitSyntaxError(`${show(trimmed)} is not a limit: write N/duration such as 3/10m or 10/1d (units s, m, h, d)`);
  }
  const limit = Number(match[1]);
  const amount = match[2] === '' ? 1 : Number(match[2]);
  const unit = match[3]!.toLowerCase() as Unit;
  const windowMs = amount * UNIT_MS[unit];
  if (limit < 1 || limit > MAX_LIMIT) throw new LimitSyntaxError(`${show(trimmed)}: the count must be from 1 to ${MAX_LIMIT}`);
  if (windowMs < MIN_WINDOW_MS || windowMs > MAX_WINDOW_MS) {
    throw new LimitSyntaxError(`${show(trimmed)}: the duration must be from 1s to 7d`);
  }
  return { limit, windowMs, label: `${limit}/${amount}${unit}` };
}

/** "3/10m,10/1d" → two limits, shortest window first (checked in that order); "off" → none. */
export function parseRateList(text: string): RateLimit[] {
  const trimmed = text.trim();
  if (OFF.test(trimmed)) return [];
  if (trimmed === '') throw new LimitSyntaxError('is empty: write limits such as 3/10m,10/1d, or off');
  const limits = trimmed.split(',').map((item) => parseRate(item));
  const windows = new Set<number>();
  for (const limit of limits) {
    if (windows.has(limit.windowMs)) throw new LimitSyntaxError(`has two limits with the same duration (${limit.label}): keep one`);
    windows.add(limit.windowMs);
  }
  return limits.sort((a, b) => a.windowMs - b.windowMs);
}

/** Human text of a duration in seconds, for messages ("in 9 min"). */
export function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 90 * 60) return `${Math.ceil(seconds / 60)} min`;
  return `${Math.ceil(seconds / 3600)} h`;
}
