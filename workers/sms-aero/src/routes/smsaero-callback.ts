import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod/mini';

import { DeliveryInputError } from '../../../../lib/deliveries';
import { parseSmsAeroCallback } from '../../../../lib/smsaero';
import type { AppEnv } from '../context';
import { payloadTooLarge, reportInvalid } from '../http/validation';
import { describeError, log } from '../log';
import type { ApplyStatusJob } from '../queue/jobs';
import { secretsEqual } from '../security';
import { applyAndForward } from '../status-events';

// SMS Aero posts delivery statuses here (form-encoded, or JSON with callbackFormat=JSON). It signs
// nothing, so the secret path token is the only gate, and everything in the body is untrusted.
// SMS Aero "waits for status 200": answer fast, and never lose an event — if Redis is down the
// event goes to the queue and the 200 still goes out.

const MAX_BODY_BYTES = 64 * 1024;

const callbackParams = z.object({ token: z.string() });

export const smsAeroCallback = new Hono<AppEnv>().post(
  '/callback/:token',
  zValidator('param', callbackParams, reportInvalid),
  async (c, next) => {
    // 404 rather than 401: a wrong token must not reveal that the route exists.
    if (!(await secretsEqual(c.req.valid('param').token, c.var.services.env.CALLBACK_TOKEN))) return c.json({ error: 'not_found' }, 404);
    await next();
  },
  bodyLimit({ maxSize: MAX_BODY_BYTES, onError: payloadTooLarge(MAX_BODY_BYTES) }),
  async (c) => {
    const services = c.var.services;
    const parsed = parseSmsAeroCallback(await c.req.text(), c.req.header('content-type') ?? null);
    if (!parsed.ok) {
      const { field, message } = parsed.error;
      const error = parsed.status === 415 ? 'unsupported_media_type' : 'invalid_request';
      return c.json({ error, ...(field === undefined ? {} : { field }), message: field === undefined ? message : `${field}: ${message}` }, parsed.status);
    }
    const { event } = parsed;
    const job: ApplyStatusJob = { kind: 'apply-status', id: event.id, code: event.status, extendStatus: event.extendStatus, fields: event.extra, at: Date.now() };

    try {
      const result = await applyAndForward(services, job);
      return c.json({ ok: true, result }, 200);
    } catch (error) {
      if (error instanceof DeliveryInputError) {
        return c.json({ error: 'invalid_request', field: error.field, message: error.message }, 400);
      }
      try {
        await services.events.send(job, { contentType: 'json' });
        log.warn('callback.queued', { id: job.id, code: job.code, reason: describeError(error) });
        return c.json({ ok: true, result: 'queued' }, 200);
      } catch (queueError) {
        log.error('callback.lost', { id: job.id, code: job.code, store: describeError(error), queue: describeError(queueError) });
        return c.json({ error: 'unavailable', message: 'the delivery log is unreachable; retry later' }, 503);
      }
    }
  },
);
