import type { RateLimit } from '../../../../lib/limits';

/**
 * Fixed-window counters in this isolate's memory: the stand-in for the shared limits while their store
 * is unreachable. Strict on purpose (default 1/min per number, 30/min overall) because every isolate
 * counts on its own. All limits must pass before any is counted. At most `maxKeys` windows are kept;
 * the oldest are forgotten first, so a flood of distinct numbers cannot grow memory without bound.
 */
export class MemoryLimiter {
  private readonly windows = new Map<string, { window: number; count: number }>();

  constructor(
    private readonly limits: readonly RateLimit[],
    private readonly maxKeys = 10_000,
  ) {}

  take(id: string, now: number): { ok: true } | { ok: false; limit: RateLimit; retryAfterSeconds: number } {
    const slots = this.limits.map((limit) => {
      const key = `${limit.label}|${id}`;
      const window = Math.floor(now / limit.windowMs);
      const entry = this.windows.get(key);
      return { limit, key, window, count: entry && entry.window === window ? entry.count : 0 };
    });
    const full = slots.find((slot) => slot.count >= slot.limit.limit);
    if (full) {
      const resetAt = (full.window + 1) * full.limit.windowMs;
      return { ok: false, limit: full.limit, retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now) / 1000)) };
    }
    for (const slot of slots) {
      this.windows.delete(slot.key); // re-inserted last: the map's order is least recently used first
      this.windows.set(slot.key, { window: slot.window, count: slot.count + 1 });
    }
    while (this.windows.size > this.maxKeys) {
      const oldest = this.windows.keys().next();
      if (oldest.done) break;
      this.windows.delete(oldest.value);
    }
    return { ok: true };
  }
}

/** A Map for @upstash/ratelimit's ephemeral cache of blocked identifiers that forgets the oldest
 * entries beyond `maxKeys` (the library never evicts entries it does not read again). */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly maxKeys: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key)) {
      while (this.size >= this.maxKeys) {
        const oldest = this.keys().next();
        if (oldest.done) break;
        this.delete(oldest.value);
      }
    }
    return super.set(key, value);
  }
}
