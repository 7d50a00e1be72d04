import { DeliveryInputError } from './errors';
import type { TimelineFieldValue } from './model';

// SMS Aero signs nothing: everything in a callback is untrusted text. It is stored as data, bounded,
// and anything that could be the phone number or the SMS text (which carries the OTP) is redacted
// here as well, even though the callback parser already does it: the log is the last line.

export const MAX_EXTEND_STATUS_LENGTH = 128;
export const MAX_FIELD_VALUE_LENGTH = 256;
export const MAX_FIELDS = 32;
export const MAX_ERROR_LENGTH = 300;
export const REDACTED = '[redacted]';

const FIELD_KEY = /^[A-Za-z0-9_.-]{1,64}$/;
const SENSITIVE_KEY = /phone|number|msisdn|text|message|body|otp|recipient/i;
// Timestamps are 10–13 digits too; fields named like one are not mistaken for a phone number.
const TIME_KEY = /date|time/i;
const PHONE_LIKE = /^\+?[\d\s()-]+$/;

function looksLikePhone(value: string): boolean {
  if (!PHONE_LIKE.test(value)) return false;
  const digits = value.replace(/\D/g, '').length;
  return digits >= 10 && digits <= 15;
}

export function capText(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

export function sanitizeFields(input: Record<string, unknown> | undefined): Record<string, TimelineFieldValue> | undefined {
  if (!input) return undefined;
  const out: Record<string, TimelineFieldValue> = {};
  let count = 0;
  for (const [key, raw] of Object.entries(input)) {
    if (count >= MAX_FIELDS) break;
    if (!FIELD_KEY.test(key) || key === '__proto__') continue;
    count++;
    let value: TimelineFieldValue;
    if (raw === null || raw === undefined) value = null;
    else if (typeof raw === 'boolean') value = raw;
    else if (typeof raw === 'number') value = Number.isFinite(raw) ? raw : String(raw);
    else if (typeof raw === 'string') value = capText(raw, MAX_FIELD_VALUE_LENGTH);
    else value = capText(JSON.stringify(raw) ?? String(raw), MAX_FIELD_VALUE_LENGTH);

    if (value !== null && value !== '' && SENSITIVE_KEY.test(key)) value = REDACTED;
    else if ((typeof value === 'string' || typeof value === 'number') && !TIME_KEY.test(key) && looksLikePhone(String(value))) value = REDACTED;
    out[key] = value;
  }
  return count === 0 ? undefined : out;
}

export function sanitizeExtendStatus(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return capText(String(value), MAX_EXTEND_STATUS_LENGTH);
}

const ID = /^[A-Za-z0-9._-]{1,64}$/;
const USAGE_TYPE = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const PHONE_HASH = /^[A-Za-z0-9_-]{16,128}$/;

export function checkId(id: unknown, field = 'id'): string {
  const text = typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : id;
  if (typeof text !== 'string' || !ID.test(text)) throw new DeliveryInputError(field, 'must be 1–64 characters of A–Z, a–z, 0–9, ".", "_", "-"');
  return text;
}

export function checkUsageType(usageType: unknown): string {
  if (typeof usageType !== 'string' || !USAGE_TYPE.test(usageType)) throw new DeliveryInputError('usageType', 'must be a letter followed by up to 63 letters, digits, "_" or "-"');
  return usageType;
}

export function checkPhoneHash(hash: unknown): string {
  if (typeof hash !== 'string' || !PHONE_HASH.test(hash)) throw new DeliveryInputError('phoneHash', 'must be a hex or base64url HMAC');
  return hash;
}

export function checkTime(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new DeliveryInputError(field, 'must be a non-negative integer timestamp in milliseconds');
  return value;
}

export function checkCode(value: unknown, field = 'code'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || Math.abs(value) > 1_000_000) throw new DeliveryInputError(field, 'must be an integer status code');
  return value;
}
