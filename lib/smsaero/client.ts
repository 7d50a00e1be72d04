// SMS Aero API v2 client for workerd, the edge runtime and Node (web APIs only).

export const SMS_AERO_DEFAULT_BASE_URL = 'https://gate.smsaero.ru/v2';
const DEFAULT_HOST = 'gate.smsaero.ru';
// The official SDKs fail over to these when the main gate is unreachable.
const MIRROR_HOSTS = ['gate.smsaero.org', 'gate.smsaero.net', 'gate.smsaero.uz'];
const NO_CREDITS = /credit|money|balance|баланс|средств/i;

export type SmsAeroErrorKind = 'auth' | 'validation' | 'rejected' | 'no-credits' | 'network' | 'upstream';

export class SmsAeroError extends Error {
  override readonly name = 'SmsAeroError';
  readonly kind: SmsAeroErrorKind;
  readonly status?: number;
  readonly details?: unknown;
  readonly attempts: number;

  constructor(init: { kind: SmsAeroErrorKind; message: string; attempts: number; status?: number; details?: unknown; cause?: unknown }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.attempts = init.attempts;
    if (init.status !== undefined) this.status = init.status;
    if (init.details !== undefined) this.details = init.details;
  }
}

export type SmsAeroMessage = {
  id: string;
  status: number;
  extendStatus: string | null;
  number: string;
  cost: number | null;
  dateCreate: number | null;
  dateSend: number | null;
  raw: Record<string, unknown>;
};

export type SmsAeroSendInput = {
  number: string;
  sign: string;
  text: string;
  callbackUrl?: string;
  callbackFormat?: 'JSON';
};

export type SmsAeroClientOptions = {
  email: string;
  apiKey: string;
  baseUrl?: string;
  mirrors?: string[];
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxAttempts?: number;
};

export type SmsAeroClient = {
  /** Fails over on network errors and 5xx like the official SDKs, so a slow gate may cause a duplicate SMS. */
  send(input: SmsAeroSendInput): Promise<SmsAeroMessage>;
  status(id: string): Promise<SmsAeroMessage>;
  balance(): Promise<{ balance: number }>;
};

export function basicAuthorization(email: string, apiKey: string): string {
  // btoa only takes Latin-1; encoding to UTF-8 bytes first keeps non-ASCII emails working.
  const bytes = new TextEncoder().encode(`${email}:${apiKey}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

function trimSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

export function resolveGates(baseUrl: string | undefined, mirrors: string[] | undefined): string[] {
  const base = trimSlashes(baseUrl ?? SMS_AERO_DEFAULT_BASE_URL);
  let derived: string[] = [];
  if (mirrors === undefined) {
    const url = new URL(base);
    // A custom gate (the local simulator, a proxy) has no mirrors unless they are given.
    if (url.hostname === DEFAULT_HOST) {
      derived = MIRROR_HOSTS.map((host) => {
        const mirror = new URL(base);
        mirror.hostname = host;
        return trimSlashes(mirror.toString());
      });
    }
  }
  return [...new Set([base, ...(mirrors ?? derived).map(trimSlashes)])];
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

function toFiniteNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value.trim().replace(',', '.'));
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

function toIdString(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return null;
}

/** Normalizes a `data` object from sms/send or sms/status; types vary between gates and SDK eras. */
export function normalizeSmsAeroMessage(data: JsonObject): SmsAeroMessage | null {
  const id = toIdString(data.id);
  const status = toFiniteNumber(data.status);
  if (id === null || status === null || !Number.isInteger(status)) return null;
  return {
    id,
    status,
    extendStatus: typeof data.extendStatus === 'string' ? data.extendStatus : null,
    number: typeof data.number === 'string' || typeof data.number === 'number' ? String(data.number) : '',
    cost: toFiniteNumber(data.cost),
    dateCreate: toFiniteNumber(data.dateCreate),
    dateSend: toFiniteNumber(data.dateSend),
    raw: data,
  };
}

// Upstream messages are echoed into errors, which end up in logs: keep out the number and the text
// (the OTP) in case a gate quotes them, and any long digit run that may be a phone number.
function makeScrubber(secrets: string[]): (text: string) => string {
  const needles = secrets.filter((secret) => secret.length >= 4);
  return (text) => {
    let scrubbed = text;
    for (const needle of needles) scrubbed = scrubbed.split(needle).join('[redacted]');
    return scrubbed.replace(/\+?\d[\d\s()-]{5,}\d/g, '[redacted]').slice(0, 300);
  };
}

function scrubDetails(value: unknown, scrub: (text: string) => string, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, 20).map((item) => scrubDetails(item, scrub, depth + 1));
  return Object.fromEntries(
    Object.entries(value)
      .slice(0, 20)
      .map(([key, item]) => [key, scrubDetails(item, scrub, depth + 1)]),
  );
}

const plural = (count: number) => `${count} attempt${count === 1 ? '' : 's'}`;

type Failure = { retryable: true; reason: string; status?: number; cause?: unknown } | { retryable: false; error: SmsAeroError };

export function createSmsAeroClient(options: SmsAeroClientOptions): SmsAeroClient {
  const gates = resolveGates(options.baseUrl, options.mirrors);
  const maxAttempts = Math.max(1, Math.min(Math.floor(options.maxAttempts ?? 4), gates.length));
  const timeoutMs = options.timeoutMs ?? 5000;
  const fetchImpl = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const authorization = basicAuthorization(options.email, options.apiKey);

  async function attempt(gate: string, path: string, body: JsonObject, attempts: number, scrub: (text: string) => string): Promise<{ ok: true; data: unknown } | Failure> {
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${gate}/${path}`, {
        method: 'POST',
        headers: { Authorization: authorization, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return { retryable: true, reason: timedOut ? `timed out after ${timeoutMs} ms` : 'network error', cause: error };
    }
    if (response.status >= 500) return { retryable: true, reason: `HTTP ${response.status}`, status: response.status };

    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const fail = (kind: SmsAeroErrorKind, message: string, details?: unknown): Failure => ({
      retryable: false,
      error: new SmsAeroError({ kind, message: `${message} (HTTP ${response.status}, ${plural(attempts)})`, status: response.status, attempts, details }),
    });
    const upstreamMessage = isObject(parsed) && typeof parsed.message === 'string' && parsed.message ? `: ${scrub(parsed.message)}` : '';

    if (response.status === 401 || response.status === 403) return fail('auth', `SMS Aero refused the credentials${upstreamMessage}`);
    if (response.status === 402) return fail('no-credits', `SMS Aero account has no credits${upstreamMessage}`);
    if (!isObject(parsed)) return fail('upstream', 'SMS Aero answered with a body that is not a JSON object');
    if (parsed.result === 'no credits') return fail('no-credits', 'SMS Aero account has no credits');
    // The gates answer an empty balance as HTTP 400 "Not enough money on the balance.": not a validation error.
    if (parsed.success !== true && typeof parsed.message === 'string' && NO_CREDITS.test(parsed.message)) {
      return fail('no-credits', `SMS Aero account has no credits${upstreamMessage}`);
    }
    if (parsed.result === 'reject') return fail('rejected', `SMS Aero rejected the request${upstreamMessage}`, scrubDetails(parsed.reason, scrub));
    if (response.status === 400 || response.status === 422) {
      return fail('validation', `SMS Aero rejected the request as invalid${upstreamMessage}`, scrubDetails(parsed.data, scrub));
    }
    if (response.status >= 400) return fail('upstream', `SMS Aero answered with an error${upstreamMessage}`);
    if (parsed.success !== true) {
      if (isObject(parsed.data)) return fail('validation', `SMS Aero rejected the request as invalid${upstreamMessage}`, scrubDetails(parsed.data, scrub));
      return fail('rejected', `SMS Aero did not accept the request${upstreamMessage}`);
    }
    return { ok: true, data: parsed.data };
  }

  async function call(path: string, body: JsonObject, secrets: string[]): Promise<{ data: unknown; attempts: number }> {
    const scrub = makeScrubber(secrets);
    let last: Extract<Failure, { retryable: true }> | undefined;
    for (let index = 0; index < maxAttempts; index++) {
      const result = await attempt(gates[index] as string, path, body, index + 1, scrub);
      if ('ok' in result) return { data: result.data, attempts: index + 1 };
      if (!result.retryable) throw result.error;
      last = result;
    }
    throw new SmsAeroError({
      kind: last?.status === undefined ? 'network' : 'upstream',
      message: `SMS Aero is unavailable: ${plural(maxAttempts)} failed, last ${last?.reason ?? 'unknown'}`,
      attempts: maxAttempts,
      ...(last?.status === undefined ? {} : { status: last.status }),
      cause: last?.cause,
    });
  }

  function toMessage({ data, attempts }: { data: unknown; attempts: number }): SmsAeroMessage {
    const item = Array.isArray(data) ? data[0] : data;
    const message = isObject(item) ? normalizeSmsAeroMessage(item) : null;
    if (!message) {
      throw new SmsAeroError({ kind: 'upstream', message: 'SMS Aero answered success without a message id and status', attempts });
    }
    return message;
  }

  return {
    async send(input) {
      const body: JsonObject = { number: input.number, sign: input.sign, text: input.text };
      if (input.callbackUrl !== undefined) body.callbackUrl = input.callbackUrl;
      if (input.callbackFormat !== undefined) body.callbackFormat = input.callbackFormat;
      return toMessage(await call('sms/send', body, [input.number, input.text]));
    },
    async status(id) {
      return toMessage(await call('sms/status', { id }, []));
    },
    async balance() {
      const { data, attempts } = await call('balance', {}, []);
      const balance = isObject(data) ? toFiniteNumber(data.balance) : null;
      if (balance === null) throw new SmsAeroError({ kind: 'upstream', message: 'SMS Aero answered success without a balance', attempts });
      return { balance };
    },
  };
}
