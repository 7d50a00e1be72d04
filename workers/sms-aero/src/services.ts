import { Redis } from '@upstash/redis/cloudflare';

import { createDeliveryStore, createPhoneHasher, type DeliveryStore, type PhoneHasher } from '../../../lib/deliveries';
import { createSmsAeroClient, type SmsAeroClient } from '../../../lib/smsaero';
import type { WorkerEnv } from './env';
import { createRelayLimiter, type RelayLimiter } from './limits/relay-limiter';
import type { DeliveryJob } from './queue/jobs';

export type Services = {
  env: WorkerEnv;
  store: DeliveryStore;
  redis: Redis;
  smsAero: SmsAeroClient;
  hashPhone: PhoneHasher;
  /** The SMS-pumping defence (limits and daily cap), on its own Redis client with a tighter deadline. */
  limiter: RelayLimiter;
  /** The limiter's client (refusal counters too). */
  limitsRedis: Redis;
  /** Producer of the `sms-aero-delivery-events` queue. */
  events: Queue<DeliveryJob>;
};

// Redis sits on the request path of Logto's sign-in and of SMS Aero's callbacks, and every write has a
// Queue fallback: fail fast instead of @upstash/redis' default five retries with backoff.
const REDIS_TIMEOUT_MS = 3000;
const REDIS_RETRY = { retries: 1, backoff: () => 100 };
// The limiter runs before every send, on the sign-in path: when its store is slow, the fallback
// (per-isolate limits; the cap fails closed) must take over within about a second, not three.
const LIMITS_TIMEOUT_MS = 1000;
const LIMITS_RETRY = { retries: 1, backoff: () => 50 };

const cache = new WeakMap<WorkerEnv, Services>();

/** The clients for one validated env, built once per isolate (they hold no per-request state). */
export function servicesFor(env: WorkerEnv, events: Queue): Services {
  let services = cache.get(env);
  if (!services) {
    const redis = new Redis({
      url: env.KV_REST_API_URL,
      token: env.KV_REST_API_TOKEN,
      retry: REDIS_RETRY,
      signal: () => AbortSignal.timeout(REDIS_TIMEOUT_MS),
      enableTelemetry: false,
    });
    const limitsRedis = new Redis({
      url: env.KV_REST_API_URL,
      token: env.KV_REST_API_TOKEN,
      retry: LIMITS_RETRY,
      signal: () => AbortSignal.timeout(LIMITS_TIMEOUT_MS),
      enableTelemetry: false,
    });
    const hashPhone = createPhoneHasher(env.PHONE_HASH_KEY);
    services = {
      env,
      redis,
      limitsRedis,
      limiter: createRelayLimiter({ policy: env.limits, redis: limitsRedis, hashPhone, phoneHashKey: env.PHONE_HASH_KEY }),
      store: createDeliveryStore(redis, { retentionDays: env.DELIVERY_RETENTION_DAYS }),
      smsAero: createSmsAeroClient({
        email: env.SMSAERO_CONNECTOR.email,
        apiKey: env.SMSAERO_CONNECTOR.apiKey,
        ...(env.SMSAERO_API_URL === undefined ? {} : { baseUrl: env.SMSAERO_API_URL }),
      }),
      hashPhone,
      events: events as Queue<DeliveryJob>,
    };
    cache.set(env, services);
  }
  return services;
}
