import { Hono } from 'hono';

import { version } from '../../../../package.json';
import type { AppEnv } from '../context';

// Liveness plus a cheap Redis round trip, so a deploy check sees a broken store before Logto does.
// 200 either way: the relay still sends SMS and queues statuses while Redis is down.
export const health = new Hono<AppEnv>().get('/healthz', async (c) => {
  let store: 'ok' | 'unreachable' = 'ok';
  try {
    await c.var.services.redis.ping();
  } catch {
    store = 'unreachable';
  }
  return c.json({ ok: true, store, version });
});
