// Runs in Node before the Worker tests: the real stand-ins the Worker talks to, on random ports.
// Their URLs reach the Worker as bindings (vitest.config.ts) and the tests through inject().
import { createServer } from 'node:net';

import { tsImport } from 'tsx/esm/api';
import type { TestProject } from 'vitest/node';

import type * as SimulatorModule from '../../../dev/smsaero-simulator/server';
import type * as StoreModule from '../../../dev/store/server';
import type * as RedisSupport from '../../../tests/support/redis';
import { startRecorder } from './support/recorder';

// The Workers plugin resolves modules with browser/worker conditions, also for this file; the
// stand-ins are Node servers (ioredis-mock's browser build breaks in Node), so they are loaded by
// Node itself through tsx rather than through vitest's module runner.
const load = <T>(path: string): Promise<T> => tsImport(path, import.meta.url) as Promise<T>;

export const STORE_TOKEN = 'worker-test-store-token';
async function closedPort(): Promise<number> {
  // A port that was free a moment ago and is closed now: connecting to it is refused, like a dead Redis.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export default async function setup(project: TestProject) {
  const { startStoreServer } = await load<typeof StoreModule>('../../../dev/store/server.ts');
  const { startSmsAeroSimulator } = await load<typeof SimulatorModule>('../../../dev/smsaero-simulator/server.ts');
  // The embedded engine by default: a fresh, private store per run. With REDIS_URL (CI) the same tests
  // run against a real Redis, in a database of their own that is emptied before and after.
  const { ownedRedisUrl, emptyRedisDatabase } = await load<typeof RedisSupport>('../../../tests/support/redis.ts');
  const redisUrl = ownedRedisUrl(4);
  await emptyRedisDatabase(redisUrl);
  const store = await startStoreServer({ port: 0, token: STORE_TOKEN, ...(redisUrl ? { redisUrl } : {}) });
  const fast = { queuedMs: 20, transmittedMs: 60, finalMs: 120 };
  // A deep balance: the limit tests send bursts, and "no credits" has its own simulator below.
  const simulator = await startSmsAeroSimulator({ port: 0, timing: fast, callbackRetry: { attempts: 1 }, balance: 1_000_000 });
  const brokeSimulator = await startSmsAeroSimulator({ port: 0, balance: 0, timing: fast });
  const recorder = await startRecorder();

  project.provide('storeUrl', store.url);
  project.provide('storeToken', STORE_TOKEN);
  project.provide('simulatorUrl', simulator.url);
  project.provide('brokeSimulatorApiUrl', brokeSimulator.apiUrl);
  project.provide('recorderUrl', recorder.url);
  project.provide('closedPort', await closedPort());

  return async () => {
    await Promise.all([store.close(), simulator.close(), brokeSimulator.close(), recorder.close()]);
    await emptyRedisDatabase(redisUrl);
  };
}
