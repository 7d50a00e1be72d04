import type { MiddlewareHandler } from 'hono';

import type { AppEnv } from '../context';
import { relayAuthorized } from '../security';

/**
 * The gate of every route only Logto and the operator console may call: the Authorization header must
 * carry SMS_RELAY_TOKEN (bare or "Bearer"), compared in constant time.
 */
export const requireRelayToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!(await relayAuthorized(c.req.header('authorization'), c.var.services.env.SMS_RELAY_TOKEN))) {
    return c.json({ error: 'unauthorized', message: 'the Authorization header must carry SMS_RELAY_TOKEN' }, 401);
  }
  await next();
};
