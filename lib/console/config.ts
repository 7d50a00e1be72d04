import type { AppEnv } from '../env/app';

/** What the console can do with the configuration it has; each missing part disables one feature
 * with an explanation instead of failing the page. */
export type ConsoleConfig = {
  store: { url: string; token: string; retentionDays: number } | null;
  relay: { url: string; token: string } | null;
  phoneHashKey: string | null;
};

export function consoleConfig(env: Pick<AppEnv, 'KV_REST_API_URL' | 'KV_REST_API_TOKEN' | 'SMS_RELAY_URL' | 'SMS_RELAY_TOKEN' | 'PHONE_HASH_KEY' | 'DELIVERY_RETENTION_DAYS'>): ConsoleConfig {
  return {
    store: env.KV_REST_API_URL && env.KV_REST_API_TOKEN ? { url: env.KV_REST_API_URL, token: env.KV_REST_API_TOKEN, retentionDays: env.DELIVERY_RETENTION_DAYS } : null,
    relay: env.SMS_RELAY_URL && env.SMS_RELAY_TOKEN ? { url: env.SMS_RELAY_URL, token: env.SMS_RELAY_TOKEN } : null,
    phoneHashKey: env.PHONE_HASH_KEY ?? null,
  };
}
