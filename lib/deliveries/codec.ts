import { describeSmsAeroStatus } from '../smsaero/status';
import type { Delivery, DeliveryOutcome, DeliverySource, ForwardState, TimelineEntry } from './model';

/**
 * Fields of the `msg:{id}` hash. Flat, so the Lua scripts can read-compare-write single fields.
 * Numbers are stored as decimal integers, flags as "1"/"0", absent values as "".
 * Free text is stored as "s:" + text: @upstash/redis JSON-parses hash values by default, and the prefix
 * guarantees that "123", "true" or "null" come back as the text they were, with or without that option.
 */
export const HASH_FIELDS = [
  'id',
  'createdAt',
  'usageType',
  'maskedPhone',
  'phoneHash',
  'source',
  'code',
  'outcome',
  'final',
  'ext',
  'statusAt',
  'rank',
  'deliveredAt',
  'ttd',
  'fwState',
  'fwAttempts',
  'fwStatus',
  'fwError',
  'refusal',
  'ctrM',
  'ctrH',
] as const;

export type HashField = (typeof HASH_FIELDS)[number];

export const encodeText = (text: string | null | undefined): string => (text === null || text === undefined ? '' : `s:${text}`);

function decodeText(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  const text = typeof value === 'string' ? value : String(value);
  return text.startsWith('s:') ? text.slice(2) : text;
}

// Plain values written by us (ids, hashes, masks, enums) come back either as strings or, after
// automatic deserialisation, as numbers whose String() is exactly what was stored.
function decodePlain(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return typeof value === 'string' ? value : String(value);
}

function decodeNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

const SOURCES: readonly DeliverySource[] = ['relay', 'test', 'unmatched'];
const OUTCOMES: readonly DeliveryOutcome[] = ['pending', 'delivered', 'failed', 'unknown'];
const FORWARD_STATES: readonly ForwardState[] = ['none', 'pending', 'delivered', 'failed', 'dead'];

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  const text = decodePlain(value);
  return text !== null && (allowed as readonly string[]).includes(text) ? (text as T) : fallback;
}

/** Builds the hash object from a Lua reply: `[field0, field1, …]` in HASH_FIELDS order. */
export function hashFromValues(values: readonly unknown[]): Record<string, unknown> {
  const hash: Record<string, unknown> = {};
  HASH_FIELDS.forEach((field, i) => {
    hash[field] = values[i];
  });
  return hash;
}

export function decodeDelivery(hash: Record<string, unknown> | null | undefined): Delivery | null {
  if (!hash) return null;
  const id = decodePlain(hash.id);
  const createdAt = decodeNumber(hash.createdAt);
  if (id === null || createdAt === undefined) return null;

  const code = decodeNumber(hash.code) ?? null;
  const refusal = decodeText(hash.refusal);
  const name = code !== null ? describeSmsAeroStatus(code).name : refusal !== null ? 'refused' : 'none';
  const delivery: Delivery = {
    id,
    createdAt,
    usageType: decodeText(hash.usageType),
    maskedPhone: decodePlain(hash.maskedPhone),
    phoneHash: decodePlain(hash.phoneHash),
    status: {
      code,
      name,
      outcome: oneOf(hash.outcome, OUTCOMES, 'unknown'),
      final: decodePlain(hash.final) === '1' || hash.final === true,
      extendStatus: decodeText(hash.ext),
      at: decodeNumber(hash.statusAt) ?? createdAt,
    },
    source: oneOf(hash.source, SOURCES, 'relay'),
    forward: { state: oneOf(hash.fwState, FORWARD_STATES, 'none'), attempts: decodeNumber(hash.fwAttempts) ?? 0 },
  };
  const deliveredAt = decodeNumber(hash.deliveredAt);
  if (deliveredAt !== undefined) delivery.deliveredAt = deliveredAt;
  const ttd = decodeNumber(hash.ttd);
  if (ttd !== undefined) delivery.timeToDeliverMs = ttd;
  const forwardStatus = decodeNumber(hash.fwStatus);
  if (forwardStatus !== undefined) delivery.forward.lastStatus = forwardStatus;
  const forwardError = decodeText(hash.fwError);
  if (forwardError !== null) delivery.forward.lastError = forwardError;
  if (refusal !== null) delivery.refusal = { reason: refusal };
  return delivery;
}

const TIMELINE_KINDS: ReadonlySet<string> = new Set(['sent', 'status', 'duplicate', 'stale', 'forward', 'note', 'refused']);

/** Timeline entries come back parsed (automatic deserialisation) or as JSON text; anything that is
 * neither is skipped rather than failing the whole read. */
export function decodeTimelineEntry(value: unknown): TimelineEntry | null {
  let entry: unknown = value;
  if (typeof value === 'string') {
    try {
      entry = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (typeof entry !== 'object' || entry === null) return null;
  const candidate = entry as Partial<TimelineEntry>;
  if (typeof candidate.at !== 'number' || typeof candidate.kind !== 'string' || !TIMELINE_KINDS.has(candidate.kind)) return null;
  return candidate as TimelineEntry;
}

/** The part of a timeline entry after `"kind":"…",` — the scripts prepend the kind they decide on. */
export function timelineBody(entry: Omit<TimelineEntry, 'kind'>): string {
  const json = JSON.stringify(entry);
  return json.slice(1, -1);
}
