// Standard Webhooks (standardwebhooks.com) signing and delivery, on WebCrypto only.
// Signature: base64(HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")), sent as "v1,<sig>";
// the key is the base64 part of a "whsec_…" secret.

const SECRET_PREFIX = 'whsec_';
const encoder = new TextEncoder();

export class WebhookSecretError extends Error {
  override readonly name = 'WebhookSecretError';
}

function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function bytesToBase64(bytes: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The raw key bytes of a "whsec_<base64>" secret; throws WebhookSecretError (never quoting it). */
export function decodeWebhookSecret(secret: string): Uint8Array {
  if (!secret.startsWith(SECRET_PREFIX)) throw new WebhookSecretError('must start with whsec_');
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(secret.slice(SECRET_PREFIX.length));
  } catch {
    throw new WebhookSecretError('must be whsec_ followed by base64');
  }
  // The spec asks for 24–64 random bytes; 16 is the floor below which an HMAC key is too weak.
  if (bytes.length < 16 || bytes.length > 128) throw new WebhookSecretError('must encode 16 to 128 random bytes (24–64 recommended)');
  return bytes;
}

const keyCache = new Map<string, Promise<CryptoKey>>();

function signingKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', decodeWebhookSecret(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keyCache.clear(); // one forward secret per deployment: keep at most the current one
    keyCache.set(secret, key);
  }
  return key;
}

/** "v1,<base64 signature>" for one message. */
export async function signWebhook(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const signature = await crypto.subtle.sign('HMAC', await signingKey(secret), encoder.encode(`${id}.${timestamp}.${body}`));
  return `v1,${bytesToBase64(signature)}`;
}

export async function webhookHeaders(secret: string, id: string, body: string, now: number = Date.now()): Promise<Record<string, string>> {
  const timestamp = Math.floor(now / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': await signWebhook(secret, id, timestamp, body),
  };
}

export type WebhookAttempt =
  | { outcome: 'delivered'; status: number; latencyMs: number }
  | { outcome: 'retry'; status?: number; latencyMs: number; error: string; retryAfterSeconds?: number }
  | { outcome: 'permanent'; status: number; latencyMs: number; error: string };

/** Retry-After in seconds (delta form only; an HTTP date is ignored and the backoff applies). */
function retryAfterSeconds(response: Response): number | undefined {
  const value = response.headers.get('retry-after')?.trim();
  return value && /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}

/**
 * POSTs one signed message. 2xx = delivered; 408, 429 and 5xx = try again later; other statuses mean
 * the receiver will never take this message (bad URL, rejected signature…). Network errors and
 * timeouts retry. The webhook-id is the caller's, stable across attempts, so receivers can dedupe.
 */
export async function deliverWebhook(options: {
  url: string;
  secret: string;
  id: string;
  body: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): Promise<WebhookAttempt> {
  const fetchImpl = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const started = Date.now();
  let response: Response;
  try {
    response = await fetchImpl(options.url, {
      method: 'POST',
      headers: await webhookHeaders(options.secret, options.id, options.body),
      body: options.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    // Drain the body so the connection is released; its content does not matter.
    await response.arrayBuffer().catch(() => undefined);
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return { outcome: 'retry', latencyMs: Date.now() - started, error: timedOut ? 'timeout' : 'network error' };
  }
  const latencyMs = Date.now() - started;
  const status = response.status;
  if (status >= 200 && status < 300) return { outcome: 'delivered', status, latencyMs };
  if (status === 408 || status === 429 || status >= 500) {
    const after = retryAfterSeconds(response);
    return { outcome: 'retry', status, latencyMs, error: `HTTP ${status}`, ...(after === undefined ? {} : { retryAfterSeconds: after }) };
  }
  return { outcome: 'permanent', status, latencyMs, error: `HTTP ${status}` };
}
