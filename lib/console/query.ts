import { DeliveryInputError, MAX_LIST_LIMIT, type ListOutcome } from '../deliveries';
import { decodeCursor } from '../deliveries/cursor';
import { checkId, checkPhoneHash, checkUsageType } from '../deliveries/fields';
import { MAX_STATS_WINDOW_MS } from '../deliveries/stats';

// The console's state lives in the URL so a view can be shared: this module is the one place that
// reads it (page, API and export alike) and the one place that writes it back (links, redirects).
// Anything it does not recognise is ignored; anything it recognises but cannot use is an error that
// names the parameter.

export const CONSOLE_STATUSES = ['delivered', 'failed', 'pending', 'unknown', 'unmatched', 'refused'] as const satisfies readonly ListOutcome[];
export type ConsoleStatus = (typeof CONSOLE_STATUSES)[number];

export const WINDOWS = { '15m': 15 * 60_000, '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 } as const;
export type WindowName = keyof typeof WINDOWS;
export const DEFAULT_WINDOW: WindowName = '24h';
export const DEFAULT_PAGE_SIZE = 50;

export type ConsoleWindow = { kind: 'relative'; name: WindowName } | { kind: 'absolute'; from: number; to: number | null };

export type ConsoleQuery = {
  status?: ConsoleStatus;
  usage?: string;
  window: ConsoleWindow;
  /** SMS Aero message id: a direct lookup; the other filters do not apply. */
  id?: string;
  cursor?: string;
  /** HMAC of a number the operator typed (never the number) and its mask, for display only. */
  phone?: { hash: string; mask: string | null };
  /** A row to mark, e.g. the test SMS just sent. Display only. */
  highlight?: string;
  limit: number;
};

export type QueryError = { error: 'invalid_query'; param: string; message: string };
export type ParsedQuery = { ok: true; query: ConsoleQuery } | { ok: false; error: QueryError };

type SearchInput = URLSearchParams | Record<string, string | string[] | undefined>;

const PARAMS = ['status', 'usage', 'window', 'from', 'to', 'id', 'cursor', 'phone', 'phoneMask', 'highlight', 'limit'] as const;
type Param = (typeof PARAMS)[number];

class QueryParamError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

function readParams(input: SearchInput): Partial<Record<Param, string>> {
  const out: Partial<Record<Param, string>> = {};
  for (const param of PARAMS) {
    const values = input instanceof URLSearchParams ? input.getAll(param) : ([] as string[]).concat(input[param] ?? []);
    if (values.length > 1) throw new QueryParamError(param, `${param} is given ${values.length} times; give it once`);
    const value = values[0]?.trim();
    // Empty form fields (a GET form submits every input) mean "not set".
    if (value) out[param] = value;
  }
  return out;
}

const MASK = /^[+\d\s*()-]{4,32}$/;

/** Milliseconds since the epoch, an ISO 8601 time, or a `datetime-local` value (read as UTC). */
export function parseTime(value: string, param: string): number {
  let ms: number;
  if (/^\d{1,16}$/.test(value)) ms = Number(value);
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) ms = Date.parse(`${value}Z`);
  else if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(value)) ms = Date.parse(value);
  else throw new QueryParamError(param, `${param} must be a time: milliseconds since 1970, ISO 8601 (2026-12-03T12:00:00Z) or 2026-12-03T12:00 (UTC)`);
  if (!Number.isSafeInteger(ms) || ms < 0) throw new QueryParamError(param, `${param} is not a valid time`);
  return ms;
}

function parseWindow(params: Partial<Record<Param, string>>): ConsoleWindow {
  if (params.from === undefined && params.to === undefined) {
    const name = params.window ?? DEFAULT_WINDOW;
    if (!Object.hasOwn(WINDOWS, name)) throw new QueryParamError('window', `window must be one of ${Object.keys(WINDOWS).join(', ')} (or give from/to)`);
    return { kind: 'relative', name: name as WindowName };
  }
  if (params.window !== undefined) throw new QueryParamError('window', 'use either window or from/to, not both');
  if (params.from === undefined) throw new QueryParamError('from', 'from is required when to is given');
  const from = parseTime(params.from, 'from');
  const to = params.to === undefined ? null : parseTime(params.to, 'to');
  if (to !== null && to <= from) throw new QueryParamError('to', 'to must be later than from');
  if (to !== null && to - from > MAX_STATS_WINDOW_MS) throw new QueryParamError('to', `the window may span at most ${MAX_STATS_WINDOW_MS / 86_400_000} days`);
  return { kind: 'absolute', from, to };
}

/** Runs a lib/deliveries validator and reports its complaint under the URL's parameter name. */
function checked<T>(param: string, check: () => T, message: string): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof DeliveryInputError) throw new QueryParamError(param, message);
    throw error;
  }
}

export function parseConsoleQuery(input: SearchInput): ParsedQuery {
  try {
    const params = readParams(input);
    const query: ConsoleQuery = { window: parseWindow(params), limit: DEFAULT_PAGE_SIZE };
    if (params.status !== undefined) {
      if (!(CONSOLE_STATUSES as readonly string[]).includes(params.status)) throw new QueryParamError('status', `status must be one of ${CONSOLE_STATUSES.join(', ')}`);
      query.status = params.status as ConsoleStatus;
    }
    if (params.usage !== undefined) query.usage = checked('usage', () => checkUsageType(params.usage), 'usage must be a Logto usage type such as SignIn or Register');
    if (params.id !== undefined) query.id = checked('id', () => checkId(params.id), 'id must be an SMS Aero message id (1–64 letters, digits, ".", "_", "-")');
    if (params.highlight !== undefined) query.highlight = checked('highlight', () => checkId(params.highlight), 'highlight must be a message id');
    if (params.cursor !== undefined) {
      checked('cursor', () => decodeCursor(params.cursor!), 'cursor is not one this console handed out; start again from the first page');
      query.cursor = params.cursor;
    }
    if (params.phone !== undefined) {
      const hash = checked('phone', () => checkPhoneHash(params.phone), 'phone must be the number\'s hash from the phone search form; type the number there');
      const mask = params.phoneMask !== undefined && MASK.test(params.phoneMask) ? params.phoneMask : null;
      query.phone = { hash, mask };
    } else if (params.phoneMask !== undefined) {
      throw new QueryParamError('phoneMask', 'phoneMask only goes with phone');
    }
    if (params.limit !== undefined) {
      const limit = /^\d{1,3}$/.test(params.limit) ? Number(params.limit) : NaN;
      if (!(limit >= 1 && limit <= MAX_LIST_LIMIT)) throw new QueryParamError('limit', `limit must be a whole number from 1 to ${MAX_LIST_LIMIT}`);
      query.limit = limit;
    }
    return { ok: true, query };
  } catch (error) {
    if (error instanceof QueryParamError) return { ok: false, error: { error: 'invalid_query', param: error.param, message: error.message } };
    throw error;
  }
}

export type ResolvedWindow = { from: number; to: number; open: boolean };

/**
 * The window as times. A relative window starts at a whole minute, so within a minute the same URL
 * means the same rows (and the same ETag); it is open-ended, so new sends show up as they happen.
 */
export function resolveWindow(window: ConsoleWindow, now: number): ResolvedWindow {
  if (window.kind === 'absolute') return { from: window.from, to: window.to ?? now, open: window.to === null };
  const minute = Math.floor(now / 60_000) * 60_000;
  return { from: minute - WINDOWS[window.name], to: now, open: true };
}

/** What goes into links: the query as URL parameters, with overrides (`undefined` removes one). */
export function querySearch(query: ConsoleQuery, overrides: Partial<Record<Param, string | undefined>> = {}): string {
  const params: Partial<Record<Param, string>> = {};
  if (query.status) params.status = query.status;
  if (query.usage) params.usage = query.usage;
  if (query.window.kind === 'relative') {
    if (query.window.name !== DEFAULT_WINDOW) params.window = query.window.name;
  } else {
    params.from = new Date(query.window.from).toISOString();
    if (query.window.to !== null) params.to = new Date(query.window.to).toISOString();
  }
  if (query.id) params.id = query.id;
  if (query.phone) {
    params.phone = query.phone.hash;
    if (query.phone.mask) params.phoneMask = query.phone.mask;
  }
  if (query.cursor) params.cursor = query.cursor;
  if (query.highlight) params.highlight = query.highlight;
  if (query.limit !== DEFAULT_PAGE_SIZE) params.limit = String(query.limit);
  for (const [key, value] of Object.entries(overrides) as [Param, string | undefined][]) {
    if (value === undefined) delete params[key];
    else params[key] = value;
  }
  const search = new URLSearchParams();
  for (const param of PARAMS) if (params[param] !== undefined) search.set(param, params[param]!);
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The part of a query that decides which rows and numbers come back (not how they are shown). */
export function dataScope(query: ConsoleQuery, window: ResolvedWindow): string {
  if (query.id) return `id=${query.id}`;
  return [
    `status=${query.status ?? ''}`,
    `usage=${query.usage ?? ''}`,
    `phone=${query.phone?.hash ?? ''}`,
    `cursor=${query.cursor ?? ''}`,
    `limit=${query.limit}`,
    `from=${window.from}`,
    `to=${window.open ? 'open' : window.to}`,
  ].join('&');
}
