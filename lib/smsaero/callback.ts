// Parses SMS Aero's delivery-status callback. SMS Aero signs nothing, so this input is untrusted:
// every value is bounded before it can reach the delivery log.

export type SmsAeroCallbackExtraValue = string | number | boolean | null;

export type SmsAeroCallbackEvent = {
  id: string;
  status: number;
  extendStatus: string | null;
  extra: Record<string, SmsAeroCallbackExtraValue>;
  /** How many extra fields were left out by the caps. */
  droppedExtraFields: number;
};

export type SmsAeroCallbackParseResult =
  | { ok: true; event: SmsAeroCallbackEvent }
  | { ok: false; status: 400 | 415; error: { field?: string; message: string } };

export const CALLBACK_MAX_VALUE_LENGTH = 256;
export const CALLBACK_MAX_EXTRA_FIELDS = 32;
const MAX_KEY_LENGTH = 64;
// The log must never hold a raw phone number or the SMS text (it carries the OTP).
const REDACTED_KEYS = new Set(['number', 'phone', 'text', 'message']);

type Fields = Record<string, unknown>;

type Failure = Extract<SmsAeroCallbackParseResult, { ok: false }>;
type FieldsOrFailure = { fields: Fields } | { failure: Failure };

const badRequest = (message: string, field?: string): Failure => ({
  ok: false,
  status: 400,
  error: field === undefined ? { message } : { field, message },
});

function parseJsonFields(body: string): FieldsOrFailure {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { failure: badRequest('body is not valid JSON') };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { failure: badRequest('body must be a JSON object') };
  return { fields: value as Fields };
}

function parseFormFields(body: string): FieldsOrFailure {
  const fields: Fields = {};
  for (const [key, value] of new URLSearchParams(body)) {
    // First occurrence wins, so a repeated key cannot override the id or status; defineProperty keeps
    // a "__proto__" key as plain data.
    if (!Object.hasOwn(fields, key)) Object.defineProperty(fields, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return { fields };
}

function readFields(body: string, contentType: string | null): FieldsOrFailure {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/x-www-form-urlencoded') return parseFormFields(body);
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) return parseJsonFields(body);
  if (mediaType === '') {
    const asJson = parseJsonFields(body);
    return 'fields' in asJson ? asJson : parseFormFields(body);
  }
  return {
    failure: {
      ok: false,
      status: 415,
      error: { message: `unsupported content type ${mediaType.slice(0, 100)}; expected application/x-www-form-urlencoded or application/json` },
    },
  };
}

function readId(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && /^\d{1,20}$/.test(value.trim())) return value.trim();
  return undefined;
}

function readStatus(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 1_000_000) return value;
  if (typeof value === 'string' && /^-?\d{1,6}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

const cap = (text: string) => text.slice(0, CALLBACK_MAX_VALUE_LENGTH);

function toExtraValue(key: string, value: unknown): SmsAeroCallbackExtraValue {
  if (REDACTED_KEYS.has(key.toLowerCase()) && value !== null && value !== '') return '[redacted]';
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'string') return cap(value);
  return cap(JSON.stringify(value) ?? String(value));
}

export function parseSmsAeroCallback(body: string, contentType: string | null): SmsAeroCallbackParseResult {
  const read = readFields(body, contentType);
  if ('failure' in read) return read.failure;
  const input = read.fields;

  if (input.id === undefined || input.id === '' || input.id === null) return badRequest('id is required', 'id');
  const id = readId(input.id);
  if (id === undefined) return badRequest('id must be a number or a numeric string', 'id');

  if (input.status === undefined || input.status === '' || input.status === null) return badRequest('status is required', 'status');
  const status = readStatus(input.status);
  if (status === undefined) return badRequest('status must be an integer', 'status');

  let extendStatus: string | null = null;
  if (input.extendStatus !== undefined && input.extendStatus !== null) {
    if (typeof input.extendStatus !== 'string') return badRequest('extendStatus must be a string', 'extendStatus');
    extendStatus = cap(input.extendStatus);
  }

  const extraEntries: [string, SmsAeroCallbackExtraValue][] = [];
  let droppedExtraFields = 0;
  for (const [key, value] of Object.entries(input)) {
    if (key === 'id' || key === 'status' || key === 'extendStatus') continue;
    if (key.length > MAX_KEY_LENGTH || extraEntries.length >= CALLBACK_MAX_EXTRA_FIELDS) {
      droppedExtraFields++;
      continue;
    }
    extraEntries.push([key, toExtraValue(key, value)]);
  }
  // fromEntries defines own properties, so a "__proto__" field stays data.
  return { ok: true, event: { id, status, extendStatus, extra: Object.fromEntries(extraEntries), droppedExtraFields } };
}
