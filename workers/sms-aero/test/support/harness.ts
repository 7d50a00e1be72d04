// Helpers for the Worker tests (they run inside workerd, next to the Worker).
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { Redis } from '@upstash/redis/cloudflare';
import { inject } from 'vitest';

import { createDeliveryStore, createPhoneHasher } from '../../../../lib/deliveries';
import type { Bindings } from '../../src/env';
import worker from '../../src/index';
import type { DeliveryJob } from '../../src/queue/jobs';

export const RELAY_TOKEN = 'test-relay-token-0123456789';
export const CALLBACK_TOKEN = 'test-callback-token-0123456789';
export const PHONE_HASH_KEY = 'test-phone-hash-key-0123456789';
// A fresh secret per run: nothing secret-looking lives in the repository (the spec's own test vector is in forward.spec.ts).
export const FORWARD_SECRET = `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24))))}`;
export const ORIGIN = 'http://relay.test';
export const CALLBACK_PATH = `/v1/smsaero/callback/${CALLBACK_TOKEN}`;

export const recorderUrl = () => inject('recorderUrl');
export const simulatorUrl = () => inject('simulatorUrl');
export const deadRedisUrl = () => `http://127.0.0.1:${inject('closedPort')}`;

/** The Worker with the bindings vitest.config.ts gives it (the real local queue included). */
export function callSelf(request: Request): Promise<Response> {
  return exports.default.fetch(request);
}

export type CapturedQueue = { queue: Queue; sent: DeliveryJob[] };

/** A stand-in for the DELIVERY_EVENTS producer that keeps what is sent, or refuses everything. */
export function captureQueue(options: { failing?: boolean } = {}): CapturedQueue {
  const sent: DeliveryJob[] = [];
  const queue = {
    async send(body: DeliveryJob) {
      if (options.failing) throw new Error('Queue send failed: simulated outage');
      // A real queue serialises the body; so does this one, so nothing shared by reference slips through.
      sent.push(JSON.parse(JSON.stringify(body)) as DeliveryJob);
    },
    async sendBatch(messages: Iterable<{ body: DeliveryJob }>) {
      for (const message of messages) await queue.send(message.body);
    },
  };
  return { queue: queue as unknown as Queue, sent };
}

/** The test bindings with some replaced: a dead Redis, a captured queue, forwarding on… */
export function bindings(overrides: Record<string, unknown> = {}): Bindings {
  return { ...(env as unknown as Bindings), ...overrides } as Bindings;
}

/** Calls the Worker's fetch handler with explicit bindings and waits for its waitUntil work. */
export async function callWith(request: Request, customBindings: Bindings): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, customBindings, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

let queueMessageSequence = 0;

export type QueueOutcome = {
  acked: string[];
  retried: { id: string; delaySeconds: number | undefined }[];
  retriedAll: { delaySeconds: number | undefined } | null;
};

/**
 * Runs the queue consumer over `jobs` as one batch. `attempts` is the queue's delivery count including
 * this one. A hand-made batch rather than cloudflare:test's createMessageBatch, whose result drops the
 * retry delay — and the delay is the backoff under test.
 */
export async function runQueue(
  jobs: readonly unknown[],
  customBindings: Bindings,
  options: { attempts?: number; queue?: string } = {},
): Promise<QueueOutcome> {
  const outcome: QueueOutcome = { acked: [], retried: [], retriedAll: null };
  const messages = jobs.map((job) => {
    const id = `test-message-${++queueMessageSequence}`;
    const body = structuredClone(job);
    return {
      id,
      timestamp: new Date(),
      attempts: options.attempts ?? 1,
      body,
      ack: () => void outcome.acked.push(id),
      retry: (retryOptions?: QueueRetryOptions) => void outcome.retried.push({ id, delaySeconds: retryOptions?.delaySeconds }),
    };
  });
  const batch = {
    queue: options.queue ?? 'sms-aero-delivery-events',
    messages,
    metadata: { metrics: { backlogCount: 0, backlogBytes: 0, oldestMessageTimestamp: new Date(0) } },
    ackAll: () => void outcome.acked.push(...messages.map((message) => message.id)),
    retryAll: (retryOptions?: QueueRetryOptions) => void (outcome.retriedAll = { delaySeconds: retryOptions?.delaySeconds }),
  };
  await worker.queue(batch as unknown as MessageBatch<unknown>, customBindings);
  return outcome;
}

export function relayRequest(body: unknown, options: { authorization?: string | null; contentType?: string; headers?: Record<string, string> } = {}): Request {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json', ...options.headers };
  const authorization = options.authorization === undefined ? RELAY_TOKEN : options.authorization;
  if (authorization !== null) headers.authorization = authorization;
  return new Request(`${ORIGIN}/v1/logto/sms`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

export function callbackRequest(body: string, contentType: string | null = 'application/x-www-form-urlencoded', token = CALLBACK_TOKEN): Request {
  return new Request(`${ORIGIN}/v1/smsaero/callback/${token}`, {
    method: 'POST',
    headers: contentType === null ? {} : { 'content-type': contentType },
    body,
  });
}

export const formCallback = (fields: Record<string, string | number>) =>
  callbackRequest(new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString());

/** A Russian mobile number nobody else in this run uses. Its last two digits steer the simulator:
 * "…00" undelivered, "…66" rejected, "…88" held on moderation; anything else is delivered. */
export function uniquePhone(ending?: string): string {
  const body = String(Math.floor(Math.random() * 1e7)).padStart(7, '0');
  let phone = `7999${body}`;
  if (ending) phone = phone.slice(0, 11 - ending.length) + ending;
  else if (/(00|66|88)$/.test(phone)) phone = `${phone.slice(0, 9)}12`;
  return phone;
}

/** An SMS Aero message id no send of this run will get (the simulator counts up from 100001). */
export function unknownMessageId(): string {
  return String(900_000_000 + Math.floor(Math.random() * 1e8));
}

/** The delivery log the Worker writes, read directly (same store, same key prefix). */
export function deliveryLog() {
  const redis = new Redis({ url: inject('storeUrl'), token: inject('storeToken'), enableTelemetry: false });
  return createDeliveryStore(redis);
}

export const hashPhone = createPhoneHasher(PHONE_HASH_KEY);

// --- the recorder (FORWARD_URL and PUBLIC_URL stand-in) ------------------------------------------------

export type RecordedRequest = { method: string; path: string; headers: Record<string, string>; body: string; at: number };

export async function scriptRecorder(path: string, responses: { status: number; body?: string; headers?: Record<string, string> }[]) {
  const response = await fetch(`${recorderUrl()}/__control/script`, { method: 'POST', body: JSON.stringify({ path, responses }) });
  if (!response.ok) throw new Error(`recorder script failed: ${response.status}`);
}

export async function recorded(prefix: string): Promise<RecordedRequest[]> {
  const response = await fetch(`${recorderUrl()}/__control/requests?prefix=${encodeURIComponent(prefix)}`);
  return ((await response.json()) as { requests: RecordedRequest[] }).requests;
}

/** Status callbacks the SMS Aero simulator posted (to PUBLIC_URL, i.e. the recorder) for one message. */
export async function simulatorCallbacks(messageId: string): Promise<RecordedRequest[]> {
  const all = await recorded(CALLBACK_PATH);
  return all.filter((request) => new URLSearchParams(request.body).get('id') === messageId);
}

/** Replays a recorded callback into the Worker exactly as it arrived. */
export function replay(request: RecordedRequest): Request {
  return callbackRequest(request.body, request.headers['content-type'] ?? null);
}

export type InboxMessage = { id: number; number: string; sign: string; text: string; status: number };

export async function simulatorInbox(number: string): Promise<InboxMessage[]> {
  const response = await fetch(`${simulatorUrl()}/dev/inbox?number=${number}`);
  return ((await response.json()) as { messages: InboxMessage[] }).messages;
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
