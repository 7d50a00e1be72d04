import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';

import { withServices, type AppEnv } from './context';
import type { Bindings } from './env';
import { describeError, log } from './log';
import { consumeDeliveryEvents } from './queue/consumer';
import { health } from './routes/health';
import { logtoSms } from './routes/logto-sms';
import { replayForward } from './routes/replay-forward';
import { smsAeroCallback } from './routes/smsaero-callback';

const app = new Hono<AppEnv>()
  .use('*', withServices)
  .route('/', health)
  .route('/v1/logto', logtoSms)
  .route('/v1/smsaero', smsAeroCallback)
  .route('/v1/deliveries', replayForward);

app.notFound((c) => c.json({ error: 'not_found' }, 404));

app.onError((error, c) => {
  if (error instanceof HTTPException) {
    // Hono's own input errors (e.g. malformed JSON) keep their status, in our JSON shape.
    const code = error.status === 400 ? 'invalid_request' : error.status === 413 ? 'payload_too_large' : 'http_error';
    return c.json({ error: code, message: error.message || 'bad request' }, error.status);
  }
  log.error('request.failed', { route: c.req.routePath, reason: describeError(error) });
  return c.json({ error: 'internal_error', message: 'the relay failed unexpectedly; see the Worker logs' }, 500);
});

export default {
  fetch: app.fetch,
  queue: (batch, env) => consumeDeliveryEvents(batch, env),
} satisfies ExportedHandler<Bindings>;

export type { AppEnv };
