import { Redis } from '@upstash/redis';

import { createDeliveryStore, type DeliveryStore } from '../deliveries';
import { loadAppEnv } from '../env/app';
import { consoleConfig, type ConsoleConfig } from './config';

// The console's one door to the delivery log. Created on first use (not at import, so a page without
// KV settings still renders and says so) and reused while the settings stay the same.

export type StoreAccess = { ok: true; store: DeliveryStore } | { ok: false; reason: 'unconfigured' };

// A dead store must cost a page seconds, not the client's default five retries with backoff.
const REQUEST_TIMEOUT_MS = 4_000;

let cached: { key: string; store: DeliveryStore } | undefined;

export function consoleStore(config: ConsoleConfig = consoleConfig(loadAppEnv())): StoreAccess {
  if (!config.store) return { ok: false, reason: 'unconfigured' };
  const { url, token, retentionDays } = config.store;
  const key = `${url}\n${token}\n${retentionDays}`;
  if (cached?.key !== key) {
    const redis = new Redis({
      url,
      token,
      enableTelemetry: false,
      retry: { retries: 1, backoff: () => 150 },
      signal: () => AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    cached = { key, store: createDeliveryStore(redis, { retentionDays }) };
  }
  return { ok: true, store: cached.store };
}
