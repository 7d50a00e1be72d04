import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import * as z from 'zod/mini';

import { DeliveryInputError } from '../../../../lib/deliveries';
import { checkId } from '../../../../lib/deliveries/fields';
import type { AppEnv } from '../context';
import { requireRelayToken } from '../http/relay-auth';
import { reportInvalid } from '../http/validation';
import { describeError, log } from '../log';
import { forwardJobFor } from '../queue/jobs';

// The operator console's "replay forward": the delivery's current status goes to FORWARD_URL again,
// through the same queue and retry schedule as a live status. The webhook id is the original one on
// purpose: a receiver that already processed the event dedupes it; one that never got it (the forward
// died) processes it now.

const params = z.object({ id: z.string() });

export const replayForward = new Hono<AppEnv>().post(
  '/:id/replay-forward',
  requireRelayToken,
  zValidator('param', params, reportInvalid),
  async (c) => {
    const services = c.var.services;
    let id: string;
    try {
      id = checkId(c.req.valid('param').id);
    } catch (error) {
      if (!(error instanceof DeliveryInputError)) throw error;
      return c.json({ error: 'invalid_request', field: 'id', message: `id ${error.message}` }, 400);
    }
    if (services.env.FORWARD_URL === undefined) {
      return c.json({ error: 'forwarding_disabled', message: 'forwarding is not configured on the Worker (set FORWARD_URL and FORWARD_SECRET)' }, 409);
    }

    let entry: Awaited<ReturnType<typeof services.store.get>>;
    try {
      entry = await services.store.get(id);
    } catch (error) {
      log.warn('replay.store_unavailable', { id, reason: describeError(error) });
      return c.json({ error: 'unavailable', message: 'the delivery log is unreachable; retry later' }, 503);
    }
    if (!entry) return c.json({ error: 'not_found', message: `no delivery with id ${id} in the log` }, 404);
    if (entry.delivery.refusal) {
      return c.json({ error: 'not_forwardable', message: 'the relay refused this send, so it has no status to forward' }, 409);
    }

    try {
      await services.events.send(forwardJobFor(entry.delivery), { contentType: 'json' });
    } catch (error) {
      log.error('replay.not_queued', { id, reason: describeError(error) });
      return c.json({ error: 'unavailable', message: 'the forward could not be queued; retry later' }, 503);
    }
    log.info('replay.queued', { id });
    return c.json({ ok: true, queued: true }, 202);
  },
);
