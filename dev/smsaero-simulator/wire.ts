import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

// SMS Aero v2's envelope: {"success": bool, "data": …, "message": string|null}.

export type Params = Map<string, string[]>;

export const MAX_BODY_BYTES = 64 * 1024;

export class WireError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

export function success(res: ServerResponse, data: unknown): void {
  sendJson(res, 200, { success: true, data, message: null });
}

export function failure(res: ServerResponse, status: number, message: string, data: unknown = null): void {
  sendJson(res, status, { success: false, data, message });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

// The exact text SMS Aero answers with (it is Yii's HttpBasicAuth message).
export const INVALID_CREDENTIALS = 'Your request was made with invalid credentials.';

export function hasValidCredentials(req: IncomingMessage, email: string, apiKey: string): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  return sameText(decoded.slice(0, colon), email) && sameText(decoded.slice(colon + 1), apiKey);
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new WireError(413, { success: false, data: null, message: `Request body is larger than ${MAX_BODY_BYTES} bytes.` });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// SMS Aero takes the same parameters as a query string, a form or JSON; a body parameter wins over the query.
// `numbers[]` and `numbers` are one parameter.
export function collectParams(url: URL, contentType: string, body: string): Params {
  const params = toParams(url.searchParams);
  if (body.trim() === '') return params;
  const isJson = /json/i.test(contentType) || (!/form/i.test(contentType) && body.trim().startsWith('{'));
  for (const [name, values] of isJson ? jsonParams(body) : toParams(new URLSearchParams(body))) params.set(name, values);
  return params;
}

function paramName(key: string): string {
  return key.endsWith('[]') ? key.slice(0, -2) : key;
}

function toParams(entries: Iterable<[string, string]>): Params {
  const params: Params = new Map();
  for (const [key, value] of entries) {
    const name = paramName(key);
    params.set(name, [...(params.get(name) ?? []), value]);
  }
  return params;
}

function jsonParams(body: string): Params {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new WireError(400, { success: false, data: null, message: 'Request body is not valid JSON.' });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new WireError(400, { success: false, data: null, message: 'Request body must be a JSON object.' });
  }
  const params: Params = new Map();
  for (const [key, value] of Object.entries(parsed)) {
    const values = (Array.isArray(value) ? value : [value]).filter((v) => v !== null && v !== undefined);
    params.set(paramName(key), values.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))));
  }
  return params;
}

export function first(params: Params, name: string): string | undefined {
  return params.get(name)?.[0];
}
