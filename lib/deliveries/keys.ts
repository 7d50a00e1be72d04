import type { DeliveryOutcome } from './model';

export const DEFAULT_KEY_PREFIX = 'v1:dl';
export const OUTCOMES: readonly DeliveryOutcome[] = ['pending', 'delivered', 'failed', 'unknown'];

/**
 * Every Redis key of the delivery log, under one versioned prefix (a layout change bumps "v1" and old
 * keys simply age out by TTL).
 *
 * - `msg:{id}`            hash: one delivery (see codec.ts for fields)
 * - `tl:{id}`             list: its timeline, JSON entries in arrival order, capped
 * - `idx:all`             zset id → createdAt: every record, newest-first reads
 * - `idx:outcome:{o}`     zset: normal sends (relay/test) by current outcome
 * - `idx:unmatched`       zset: callbacks for ids we never recorded a send for
 * - `idx:refused`         zset: sends the relay refused to make
 * - `idx:usage:{type}`    zset: by Logto usage type
 * - `idx:phone:{hash}`    zset: by phone HMAC
 * - `idx:fwdead`          zset: records whose last forward attempt gave up
 * - `ctr:m:{yyyymmddhhmm}` / `ctr:h:{yyyymmddhh}` hash: per-minute / per-hour counters (UTC) of the
 *   sends made in that minute/hour (cohort counters, see stats.ts)
 * - `version`             integer: bumped by every write that changes what a reader sees (the console's
 *   ETag; one GET tells a poller whether anything changed)
 */
export function deliveryKeys(prefix: string = DEFAULT_KEY_PREFIX) {
  return {
    prefix,
    message: (id: string) => `${prefix}:msg:${id}`,
    timeline: (id: string) => `${prefix}:tl:${id}`,
    all: `${prefix}:idx:all`,
    outcome: (outcome: DeliveryOutcome) => `${prefix}:idx:outcome:${outcome}`,
    unmatched: `${prefix}:idx:unmatched`,
    refused: `${prefix}:idx:refused`,
    usage: (usageType: string) => `${prefix}:idx:usage:${usageType}`,
    phone: (phoneHash: string) => `${prefix}:idx:phone:${phoneHash}`,
    forwardDead: `${prefix}:idx:fwdead`,
    minuteCounter: (minute: string) => `${prefix}:ctr:m:${minute}`,
    hourCounter: (hour: string) => `${prefix}:ctr:h:${hour}`,
    version: `${prefix}:version`,
    /** Prefix the Lua scripts append `m:{minute}` / `h:{hour}` to (counter keys they derive themselves). */
    counterPrefix: `${prefix}:ctr:`,
  };
}

export type DeliveryKeys = ReturnType<typeof deliveryKeys>;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** UTC "yyyymmddhhmm" of the minute containing `ms`. */
export function minuteBucket(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace(/[-T:]/g, '');
}

/** UTC "yyyymmddhh" of the hour containing `ms`. */
export function hourBucket(ms: number): string {
  return minuteBucket(ms).slice(0, 10);
}
