import { describeSmsAeroStatus } from '../smsaero/status';

export type DeliveryOutcome = 'pending' | 'delivered' | 'failed' | 'unknown';
export type DeliverySource = 'relay' | 'test' | 'unmatched';
export type ForwardState = 'none' | 'pending' | 'delivered' | 'failed' | 'dead';
/** What the console can filter by: a status outcome, or one of the two records that are not a
 * normal send (a callback for an id we never sent; a send the relay refused to make). */
export type ListOutcome = DeliveryOutcome | 'unmatched' | 'refused';

export type DeliveryStatus = {
  /** SMS Aero status code; null when the send response carried none. */
  code: number | null;
  name: string;
  outcome: DeliveryOutcome;
  final: boolean;
  extendStatus: string | null;
  /** When this status reached us (ms). */
  at: number;
};

export type Delivery = {
  /** SMS Aero message id, as a string. */
  id: string;
  /** Send time (ms); for an unmatched record, when its first callback arrived. */
  createdAt: number;
  /** Logto usage type; null for unmatched records (the callback does not say). */
  usageType: string | null;
  maskedPhone: string | null;
  phoneHash: string | null;
  status: DeliveryStatus;
  deliveredAt?: number;
  timeToDeliverMs?: number;
  source: DeliverySource;
  forward: { state: ForwardState; attempts: number; lastStatus?: number; lastError?: string };
  /** Set when the relay refused to send (nothing reached SMS Aero). */
  refusal?: { reason: string };
};

export type TimelineFieldValue = string | number | boolean | null;

export type TimelineEntry = {
  at: number;
  kind: 'sent' | 'status' | 'duplicate' | 'stale' | 'forward' | 'note' | 'refused';
  code?: number | null;
  name?: string;
  extendStatus?: string | null;
  /** Raw extra callback fields from SMS Aero, PII-free (see fields.ts). */
  fields?: Record<string, TimelineFieldValue>;
  forward?: { status?: number; latencyMs?: number; error?: string; attempt: number };
  note?: string;
};

export type Transition = 'apply' | 'duplicate' | 'stale';

// SMS Aero's lifecycle order: queued → (moderation | waiting) → transmitted → final. Moderation and
// waiting share a rank: SMS Aero does not say which comes first, so between them arrival time decides.
const STATUS_RANK: Readonly<Record<number, number>> = { 0: 0, 8: 1, 4: 1, 3: 2, 1: 3, 2: 3, 6: 3 };
/** Rank of "no status yet" (a send response without a status): anything known supersedes it. */
export const NO_STATUS_RANK = -1;

/** Position in the lifecycle; null for a code SMS Aero has not documented (it cannot be ordered). */
export function statusRank(code: number | null): number | null {
  if (code === null) return NO_STATUS_RANK;
  return Object.hasOwn(STATUS_RANK, code) ? STATUS_RANK[code]! : null;
}

/**
 * Whether an incoming SMS Aero status replaces the current one. Callbacks may repeat and arrive out of
 * order, so:
 * - no current status → apply;
 * - the same code again → duplicate (no-op);
 * - the current status is final → stale, whatever comes (a final status is never overwritten, not even
 *   by another final one: the first final word wins);
 * - an incoming final status → apply;
 * - an undocumented code (no rank) → apply while the current status is not final: it is recorded either
 *   way, and showing it rather than hiding it behind an older known status surfaces the anomaly; a known
 *   status arriving after an undocumented one applies too (it can be ordered, the undocumented one cannot);
 * - otherwise by rank: lower → stale, higher → apply; equal rank (moderation vs waiting) → the later
 *   event (by `at`) wins, an earlier one is stale.
 *
 * The Lua script in scripts.ts implements the same rules over stored fields; store tests check that the
 * two agree on every pair of codes.
 */
export function decideTransition(current: Pick<DeliveryStatus, 'code' | 'final' | 'at'> | null, incoming: { code: number; at: number }): Transition {
  if (current === null) return 'apply';
  if (current.code === incoming.code) return 'duplicate';
  if (current.final) return 'stale';
  if (describeSmsAeroStatus(incoming.code).final) return 'apply';
  const incomingRank = statusRank(incoming.code);
  const currentRank = statusRank(current.code);
  if (incomingRank === null || currentRank === null) return 'apply';
  if (incomingRank !== currentRank) return incomingRank > currentRank ? 'apply' : 'stale';
  return incoming.at < current.at ? 'stale' : 'apply';
}

/** The status a code stands for, in the delivery log's terms. */
export function statusFromCode(code: number | null, extendStatus: string | null, at: number): DeliveryStatus {
  if (code === null) return { code: null, name: 'none', outcome: 'pending', final: false, extendStatus, at };
  const description = describeSmsAeroStatus(code);
  return { code, name: description.name, outcome: description.outcome, final: description.final, extendStatus, at };
}
