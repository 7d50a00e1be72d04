import { createMiddleware } from 'hono/factory';

import { loadWorkerEnv, type Bindings } from './env';
import { servicesFor, type Services } from './services';

export type AppEnv = { Bindings: Bindings; Variables: { services: Services } };

/**
 * Validates the environment once per isolate and hands the routes their clients. A misconfigured
 * Worker answers every request with 500 naming the variables (names only: values may be secrets), so
 * a broken deploy is obvious from the first Logto send or health check.
 */
export const withServices = createMiddleware<AppEnv>(async (c, next) => {
  const loaded = loadWorkerEnv(c.env);
  if (!loaded.ok) return c.json({ error: 'misconfigured', variables: loaded.variables }, 500);
  c.set('services', servicesFor(loaded.env, c.env.DELIVERY_EVENTS));
  await next();
});
