import { Redis } from '@upstash/redis';
import { afterAll, beforeAll } from 'vitest';
import { startStoreServer, type StoreServer } from '../../dev/store/server';

export type LocalStore = {
  /** A default @upstash/redis client, as the Worker and the app use. */
  readonly redis: Redis;
  /** The store server, whose stats() count the Redis commands a read costs. */
  readonly server: StoreServer;
  /** A fresh key prefix (`test:<random>:<suffix>`) whose keys are deleted after the file's tests. */
  prefix(suffix: string): string;
};

/**
 * Store tests run against the local Upstash-REST server: its embedded engine by default, a real Redis when
 * REDIS_URL is set (CI). Each test writes under its own random prefix, removed after the file's tests, so
 * files can share one real Redis.
 */
export function useLocalStore(): LocalStore {
  const token = `test-token-${crypto.randomUUID()}`;
  const prefixes: string[] = [];
  let server: StoreServer | undefined;
  let redis: Redis | undefined;

  beforeAll(async () => {
    server = await startStoreServer({ port: 0, token, redisUrl: process.env.REDIS_URL || undefined });
    redis = new Redis({ url: server.url, token, enableTelemetry: false });
  });

  afterAll(async () => {
    if (redis) {
      for (const prefix of prefixes) {
        const keys = await redis.keys(`${prefix}:*`);
        for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
      }
    }
    await server?.close();
  });

  return {
    get redis() {
      if (!redis) throw new Error('useLocalStore: the store starts in beforeAll; use it inside tests');
      return redis;
    },
    get server() {
      if (!server) throw new Error('useLocalStore: the store starts in beforeAll; use it inside tests');
      return server;
    },
    prefix(suffix) {
      const prefix = `test:${crypto.randomUUID().slice(0, 8)}:${suffix}`;
      prefixes.push(prefix);
      return prefix;
    },
  };
}
