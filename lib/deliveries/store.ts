import type { Redis } from '@upstash/redis';

import { decodeDelivery, decodeTimelineEntry, encodeText, hashFromValues, timelineBody } from './codec';
import { decodeCursor, encodeCursor, isAfter, type ListPosition } from './cursor';
import { DeliveryInputError } from './errors';
import {
  capText,
  checkCode,
  checkId,
  checkPhoneHash,
  checkTime,
  checkUsageType,
  MAX_ERROR_LENGTH,
  sanitizeExtendStatus,
  sanitizeFields,
} from './fields';
import { TTD_BOUNDS_MS } from './histogram';
import { DEFAULT_KEY_PREFIX, deliveryKeys, HOUR_MS, hourBucket, minuteBucket, OUTCOMES } from './keys';
import { statusFromCode, statusRank, type Delivery, type DeliveryOutcome, type ListOutcome, type TimelineEntry } from './model';
import { InvalidPhoneError, isMaskedPhone, maskPhone, normalizePhone, type PhoneHasher } from './phone';
import { APPLY_STATUS_SCRIPT, FORWARD_SCRIPT, REFUSAL_SCRIPT, SEND_SCRIPT } from './scripts';
import { aggregateStats, planStats, type DeliveryStats, type StatsQuery } from './stats';

export type DeliveryStoreOptions = {
  /** How long deliveries, their timelines, index entries and counters live (default 30). */
  retentionDays?: number;
  now?: () => number;
  /** Key prefix (default "v1:dl"); tests use a unique one per run. */
  prefix?: string;
  /** Timeline entries kept per delivery (default 100); a callback flood cannot grow a record without bound. */
  timelineMax?: number;
};

export type RecordSendInput = {
  /** SMS Aero message id. */
  id: string | number;
  usageType: string;
  /**
   * The raw number — used here for the mask and the HMAC only, never stored — or, when the caller must not
   * hold the number any more (a send recorded later from a queue), its mask and HMAC computed at send time.
   */
  phone: string | ProtectedPhone;
  source?: 'relay' | 'test';
  at?: number;
  /** Status from SMS Aero's send response. */
  smsAero?: { status?: number | null; extendStatus?: string | null };
};
/**
 * created: a new record. duplicate: a record for this id already exists (a retried request) — nothing
 * changes. merged: a callback for this id arrived before the send was recorded and created an unmatched
 * record; the send now completes it: it becomes an ordinary delivery (source, usage type, phone, send
 * time, indexes, counters), its status is the callback's unless the send's own status is newer by
 * decideTransition, and time-to-deliver is measured from the send time.
 */
/** What the log keeps of a number: the mask operators see and the keyed hash exact search uses. */
export type ProtectedPhone = { maskedPhone: string; phoneHash: string };

export type RecordSendResult = { result: 'created' | 'merged' | 'duplicate'; delivery: Delivery };

export type ApplyStatusInput = {
  id: string | number;
  code: number;
  extendStatus?: string | null;
  /** Extra callback fields; sanitised and capped before they are stored. */
  fields?: Record<string, unknown>;
  at?: number;
  /** The caller will forward this event if it is applied or unmatched: mark the forward pending. */
  forward?: boolean;
};
export type ApplyStatusResult = { result: 'applied' | 'duplicate' | 'stale' | 'unmatched'; delivery?: Delivery };

export type ForwardAttemptInput = {
  attempt: number;
  status?: number;
  latencyMs: number;
  error?: string;
  /** delivered: accepted upstream; failed: will be retried; dead: given up. */
  outcome: 'delivered' | 'failed' | 'dead';
};

export type RecordRefusalInput = {
  /** Defaults to "r-" + a random UUID (a refused send has no SMS Aero id). */
  id?: string;
  usageType: string;
  /** Raw number if it was usable; masked and hashed like a send, never stored. */
  phone?: string | null;
  reason: string;
  at?: number;
};

export type ListQuery = {
  outcome?: ListOutcome;
  usageType?: string;
  phoneHash?: string;
  /** Window on createdAt: [from, to). */
  from?: number;
  to?: number;
  cursor?: string | null;
  /** Default 50, at most 200. */
  limit?: number;
};
export type ListPage = { items: Delivery[]; nextCursor: string | null };

export interface DeliveryStore {
  recordSend(input: RecordSendInput, hashPhone: PhoneHasher): Promise<RecordSendResult>;
  applyStatus(input: ApplyStatusInput): Promise<ApplyStatusResult>;
  recordForwardAttempt(id: string | number, input: ForwardAttemptInput): Promise<Delivery | null>;
  recordRefusal(input: RecordRefusalInput, hashPhone: PhoneHasher): Promise<{ result: 'created' | 'duplicate'; delivery: Delivery }>;
  get(id: string | number): Promise<{ delivery: Delivery; timeline: TimelineEntry[] } | null>;
  list(query?: ListQuery): Promise<ListPage>;
  stats(query: StatsQuery): Promise<DeliveryStats>;
  /** Sends still waiting for a final status (within retention). */
  pendingCount(): Promise<number>;
  /** A counter every write bumps (0 for an empty log): equal values mean nothing changed. One GET. */
  version(): Promise<number>;
}

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 200;
/**
 * Bound for combined filters: at most this many index reads per page, each of at most
 * COMBINED_CHUNK_MAX candidates checked against the other filters' indexes (ZMSCORE). When the bound is
 * hit the page comes back short, with a cursor to continue from the last candidate examined.
 */
export const COMBINED_FILTER_MAX_ROUNDS = 4;
export const COMBINED_CHUNK_MAX = 1000;
/** Extra entries read past a cursor so that a few ties on the same millisecond cost no extra round. */
const TIE_SLACK = 4;
// A single index needs a second read only when more than TIE_SLACK entries share the cursor's
// millisecond; this caps even that pathological case.
const SINGLE_INDEX_MAX_ROUNDS = 8;
// A record written with a past timestamp still lives at least this long (PEXPIREAT in the past deletes).
const MIN_TTL_MS = 60_000;
// Counter hashes outlive the deliveries they count by a little, so late callbacks still find them.
const COUNTER_GRACE_MS = 2 * HOUR_MS;

const LIST_OUTCOMES: readonly ListOutcome[] = [...OUTCOMES, 'unmatched', 'refused'];
const FORWARD_OUTCOMES = ['delivered', 'failed', 'dead'] as const;
const REFUSAL_REASON_MAX = 200;

type ScriptReply = unknown[];

function readReply(reply: unknown): { result: string; delivery: Delivery | null } {
  if (!Array.isArray(reply) || reply.length === 0) throw new Error('delivery store: unexpected script reply');
  const result = String(reply[0]);
  return { result, delivery: reply.length > 1 ? decodeDelivery(hashFromValues(reply.slice(1))) : null };
}

function requireDelivery(delivery: Delivery | null): Delivery {
  if (!delivery) throw new Error('delivery store: script reply without a record');
  return delivery;
}

export function createDeliveryStore(redis: Redis, options: DeliveryStoreOptions = {}): DeliveryStore {
  const retentionDays = options.retentionDays ?? 30;
  if (!(retentionDays > 0)) throw new Error('retentionDays must be positive');
  const retentionMs = Math.round(retentionDays * 24 * HOUR_MS);
  const now = options.now ?? Date.now;
  const timelineMax = options.timelineMax ?? 100;
  const keys = deliveryKeys(options.prefix ?? DEFAULT_KEY_PREFIX);
  const histogramBounds = TTD_BOUNDS_MS.join(',');

  // createScript runs EVALSHA and falls back to EVAL once per process when the script is not cached.
  const scripts = {
    send: redis.createScript<ScriptReply>(SEND_SCRIPT),
    applyStatus: redis.createScript<ScriptReply>(APPLY_STATUS_SCRIPT),
    forward: redis.createScript<ScriptReply>(FORWARD_SCRIPT),
    refusal: redis.createScript<ScriptReply>(REFUSAL_SCRIPT),
  };

  const outcomeKeys = OUTCOMES.map((outcome) => keys.outcome(outcome));
  const lifetime = (createdAt: number, at: number) => String(Math.max(createdAt + retentionMs, at + MIN_TTL_MS));
  const common = (at: number) => [String(at - retentionMs), String(retentionMs)];
  const counterArgs = () => [keys.counterPrefix, String(retentionMs + COUNTER_GRACE_MS), String(timelineMax)];

  async function protectPhone(phone: string | ProtectedPhone, hashPhone: PhoneHasher): Promise<ProtectedPhone> {
    if (typeof phone !== 'string') {
      // Already protected: accept only what maskPhone makes, so a raw number can never slip in this way.
      if (typeof phone.maskedPhone !== 'string' || !isMaskedPhone(phone.maskedPhone)) {
        throw new DeliveryInputError('maskedPhone', 'must be a mask made by maskPhone');
      }
      return { maskedPhone: phone.maskedPhone, phoneHash: checkPhoneHash(phone.phoneHash) };
    }
    const digits = normalizePhone(phone);
    return { maskedPhone: maskPhone(digits), phoneHash: checkPhoneHash(await hashPhone(digits)) };
  }

  function outcomeIndex(outcome: ListOutcome): string {
    if (outcome === 'unmatched') return keys.unmatched;
    if (outcome === 'refused') return keys.refused;
    return keys.outcome(outcome);
  }

  function matchesOutcome(delivery: Delivery, outcome: ListOutcome): boolean {
    if (outcome === 'unmatched') return delivery.source === 'unmatched';
    if (outcome === 'refused') return delivery.refusal !== undefined;
    return delivery.source !== 'unmatched' && delivery.refusal === undefined && delivery.status.outcome === outcome;
  }

  return {
    async recordSend(input, hashPhone) {
      const id = checkId(input.id);
      const usageType = checkUsageType(input.usageType);
      const source = input.source ?? 'relay';
      if (source !== 'relay' && source !== 'test') throw new DeliveryInputError('source', 'must be "relay" or "test"');
      const at = input.at === undefined ? now() : checkTime(input.at, 'at');
      const { maskedPhone, phoneHash } = await protectPhone(input.phone, hashPhone);
      const rawCode = input.smsAero?.status;
      const code = rawCode === undefined || rawCode === null ? null : checkCode(rawCode, 'smsAero.status');
      const extendStatus = sanitizeExtendStatus(input.smsAero?.extendStatus);
      const status = statusFromCode(code, extendStatus, at);
      const rank = statusRank(code);

      const reply = await scripts.send.exec(
        [keys.message(id), keys.timeline(id), keys.all, ...outcomeKeys, keys.unmatched, keys.usage(usageType), keys.phone(phoneHash), keys.version],
        [
          ...common(now()),
          lifetime(at, now()),
          ...counterArgs(),
          histogramBounds,
          id,
          String(at),
          encodeText(usageType),
          maskedPhone,
          phoneHash,
          source,
          code === null ? '' : String(code),
          status.outcome,
          status.final ? '1' : '0',
          encodeText(extendStatus),
          rank === null ? '' : String(rank),
          minuteBucket(at),
          hourBucket(at),
          timelineBody({ at, code, name: status.name, extendStatus }),
        ],
      );
      const { result, delivery } = readReply(reply);
      return { result: result as RecordSendResult['result'], delivery: requireDelivery(delivery) };
    },

    async applyStatus(input) {
      const id = checkId(input.id);
      const code = checkCode(input.code);
      const at = input.at === undefined ? now() : checkTime(input.at, 'at');
      const extendStatus = sanitizeExtendStatus(input.extendStatus);
      const fields = sanitizeFields(input.fields);
      const status = statusFromCode(code, extendStatus, at);
      const rank = statusRank(code);

      const reply = await scripts.applyStatus.exec(
        [keys.message(id), keys.timeline(id), keys.all, ...outcomeKeys, keys.unmatched, keys.forwardDead, keys.version],
        [
          ...common(now()),
          lifetime(at, now()),
          ...counterArgs(),
          histogramBounds,
          id,
          String(code),
          status.outcome,
          status.final ? '1' : '0',
          encodeText(extendStatus),
          rank === null ? '' : String(rank),
          String(at),
          input.forward ? '1' : '0',
          minuteBucket(at),
          hourBucket(at),
          timelineBody({ at, code, name: status.name, extendStatus, ...(fields ? { fields } : {}) }),
        ],
      );
      const { result, delivery } = readReply(reply);
      return { result: result as ApplyStatusResult['result'], ...(delivery ? { delivery } : {}) };
    },

    async recordForwardAttempt(rawId, input) {
      const id = checkId(rawId);
      if (!Number.isSafeInteger(input.attempt) || input.attempt < 1) throw new DeliveryInputError('attempt', 'must be a positive integer');
      if (!FORWARD_OUTCOMES.includes(input.outcome)) throw new DeliveryInputError('outcome', 'must be delivered, failed or dead');
      if (input.status !== undefined && (!Number.isSafeInteger(input.status) || input.status < 0 || input.status > 999)) {
        throw new DeliveryInputError('status', 'must be an HTTP status code');
      }
      if (typeof input.latencyMs !== 'number' || !Number.isFinite(input.latencyMs) || input.latencyMs < 0) {
        throw new DeliveryInputError('latencyMs', 'must be a non-negative number');
      }
      const latencyMs = Math.round(input.latencyMs);
      const error = input.error === undefined ? undefined : capText(String(input.error), MAX_ERROR_LENGTH);
      const at = now();
      const forward = {
        attempt: input.attempt,
        latencyMs,
        ...(input.status !== undefined ? { status: input.status } : {}),
        ...(error !== undefined ? { error } : {}),
      };

      const reply = await scripts.forward.exec(
        [keys.message(id), keys.timeline(id), keys.forwardDead, keys.version],
        [...common(at), String(timelineMax), input.outcome, input.status === undefined ? '' : String(input.status), encodeText(error), timelineBody({ at, forward })],
      );
      const { result, delivery } = readReply(reply);
      return result === 'missing' ? null : requireDelivery(delivery);
    },

    async recordRefusal(input, hashPhone) {
      const id = input.id === undefined ? `r-${crypto.randomUUID()}` : checkId(input.id);
      const usageType = checkUsageType(input.usageType);
      if (typeof input.reason !== 'string' || input.reason.trim() === '') throw new DeliveryInputError('reason', 'is required');
      const reason = capText(input.reason, REFUSAL_REASON_MAX);
      const at = input.at === undefined ? now() : checkTime(input.at, 'at');
      // A refusal is often *because* the number is unusable: then it is logged without one.
      let protectedPhone: { maskedPhone: string; phoneHash: string } | null = null;
      if (input.phone) {
        try {
          protectedPhone = await protectPhone(input.phone, hashPhone);
        } catch (error) {
          if (!(error instanceof InvalidPhoneError)) throw error;
        }
      }

      const reply = await scripts.refusal.exec(
        [
          keys.message(id),
          keys.timeline(id),
          keys.all,
          keys.refused,
          keys.usage(usageType),
          protectedPhone ? keys.phone(protectedPhone.phoneHash) : keys.all,
          keys.version,
        ],
        [
          ...common(now()),
          lifetime(at, now()),
          ...counterArgs(),
          id,
          String(at),
          encodeText(usageType),
          protectedPhone?.maskedPhone ?? '',
          protectedPhone?.phoneHash ?? '',
          encodeText(reason),
          minuteBucket(at),
          hourBucket(at),
          timelineBody({ at, note: reason }),
        ],
      );
      const { result, delivery } = readReply(reply);
      return { result: result as 'created' | 'duplicate', delivery: requireDelivery(delivery) };
    },

    async get(rawId) {
      const id = checkId(rawId);
      const [hash, entries] = await redis
        .pipeline()
        .hgetall<Record<string, unknown>>(keys.message(id))
        .lrange<unknown>(keys.timeline(id), 0, -1)
        .exec<[Record<string, unknown> | null, unknown[]]>();
      const delivery = decodeDelivery(hash);
      if (!delivery) return null;
      const timeline = (entries ?? [])
        .map(decodeTimelineEntry)
        .filter((entry): entry is TimelineEntry => entry !== null)
        // Arrival order, shown in event order: a callback that beat the send record still reads after "sent".
        .sort((a, b) => a.at - b.at);
      return { delivery, timeline };
    },

    async list(query = {}) {
      const limit = query.limit ?? DEFAULT_LIST_LIMIT;
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) throw new DeliveryInputError('limit', `must be an integer from 1 to ${MAX_LIST_LIMIT}`);
      const outcome = query.outcome;
      if (outcome !== undefined && !LIST_OUTCOMES.includes(outcome)) throw new DeliveryInputError('outcome', `must be one of ${LIST_OUTCOMES.join(', ')}`);
      const usageType = query.usageType === undefined ? undefined : checkUsageType(query.usageType);
      const phoneHash = query.phoneHash === undefined ? undefined : checkPhoneHash(query.phoneHash);
      const from = query.from === undefined ? undefined : checkTime(query.from, 'from');
      const to = query.to === undefined ? undefined : checkTime(query.to, 'to');
      const cursor = query.cursor ? decodeCursor(query.cursor) : null;

      // Entries older than the retention cutoff may linger until a write trims them; never show them.
      const min = Math.max(from ?? 0, now() - retentionMs);
      let max: number | '+inf' = to === undefined ? '+inf' : to - 1;
      if (cursor) max = max === '+inf' ? cursor.score : Math.min(max, cursor.score);
      if (max !== '+inf' && max < min) return { items: [], nextCursor: null };

      // The most selective index drives the scan (phone > outcome/usage > all); the others are checked
      // per candidate. Between outcome and usage the smaller one within the window wins.
      const filters: string[] = [];
      if (phoneHash !== undefined) filters.push(keys.phone(phoneHash));
      if (outcome !== undefined) filters.push(outcomeIndex(outcome));
      if (usageType !== undefined) filters.push(keys.usage(usageType));
      if (phoneHash === undefined && filters.length === 2) {
        const [a, b] = await redis.pipeline().zcount(filters[0]!, min, max).zcount(filters[1]!, min, max).exec<[number, number]>();
        if (b < a) filters.reverse();
      }
      const primary = filters.shift() ?? keys.all;
      const secondary = filters;

      const wanted = limit + 1;
      const matched: ListPosition[] = [];
      let lastExamined: ListPosition | null = null;
      let offset = 0;
      let exhausted = false;
      const maxRounds = secondary.length > 0 ? COMBINED_FILTER_MAX_ROUNDS : SINGLE_INDEX_MAX_ROUNDS;
      for (let round = 0; round < maxRounds && matched.length < wanted; round++) {
        const chunk = secondary.length > 0 ? Math.min(COMBINED_CHUNK_MAX, Math.max(100, wanted * 5)) : wanted - matched.length + (cursor ? TIE_SLACK : 0);
        const raw = await redis.zrange<unknown[]>(primary, max, min, { byScore: true, rev: true, offset, count: chunk, withScores: true });
        offset += raw.length / 2;
        if (raw.length / 2 < chunk) exhausted = true;
        let candidates: ListPosition[] = [];
        for (let i = 0; i + 1 < raw.length; i += 2) {
          const position = { id: String(raw[i]), score: Number(raw[i + 1]) };
          if (!cursor || isAfter(position, cursor)) candidates.push(position);
        }
        if (secondary.length > 0 && candidates.length > 0) {
          const ids = candidates.map((candidate) => candidate.id);
          const pipeline = redis.pipeline();
          for (const key of secondary) pipeline.zmscore(key, ids);
          const memberships = await pipeline.exec<(number | null)[][]>();
          candidates = candidates.filter((_, i) => memberships.every((scores) => scores?.[i] !== null && scores?.[i] !== undefined));
        }
        if (raw.length >= 2) lastExamined = { id: String(raw[raw.length - 2]), score: Number(raw[raw.length - 1]) };
        for (const candidate of candidates) {
          if (matched.length < wanted) matched.push(candidate);
        }
        if (exhausted) break;
      }

      const page = matched.slice(0, limit);
      let nextCursor: string | null = null;
      if (matched.length > limit) nextCursor = encodeCursor(page[page.length - 1]!);
      else if (!exhausted && lastExamined) nextCursor = encodeCursor(lastExamined);

      if (page.length === 0) return { items: [], nextCursor };
      const pipeline = redis.pipeline();
      for (const position of page) pipeline.hgetall(keys.message(position.id));
      const hashes = await pipeline.exec<(Record<string, unknown> | null)[]>();
      const items = hashes
        .map(decodeDelivery)
        .filter((delivery): delivery is Delivery => delivery !== null)
        // Re-check against the record itself: its status may have moved since the index was read.
        .filter((delivery) => outcome === undefined || matchesOutcome(delivery, outcome))
        .filter((delivery) => usageType === undefined || delivery.usageType === usageType)
        .filter((delivery) => phoneHash === undefined || delivery.phoneHash === phoneHash);
      return { items, nextCursor };
    },

    async stats(query) {
      const plan = planStats(query);
      if (plan.slots.length === 0) return aggregateStats(plan, []);
      const counterKey = plan.resolutionMs === HOUR_MS ? keys.hourCounter : keys.minuteCounter;
      const pipeline = redis.pipeline();
      for (const slot of plan.slots) pipeline.hgetall(counterKey(slot.suffix));
      return aggregateStats(plan, await pipeline.exec<(Record<string, unknown> | null)[]>());
    },

    async pendingCount() {
      return redis.zcount(keys.outcome('pending' satisfies DeliveryOutcome), now() - retentionMs, '+inf');
    },

    async version() {
      const value = await redis.get<unknown>(keys.version);
      const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : 0;
      return Number.isSafeInteger(number) && number > 0 ? number : 0;
    },
  };
}
