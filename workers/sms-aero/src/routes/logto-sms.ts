import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod/mini';

import { maskPhone, normalizePhone } from '../../../../lib/deliveries';
import { renderTemplate, SmsAeroError, type SmsAeroMessage } from '../../../../lib/smsaero';
import type { AppEnv } from '../context';
import { recordRefusal } from '../limits/record-refusal';
import { requireRelayToken } from '../http/relay-auth';
import { payloadTooLarge, reportInvalid, requireJson } from '../http/validation';
import { describeError, log } from '../log';
import type { RecordSendJob } from '../queue/jobs';
import type { Services } from '../services';

// Logto's HTTP SMS connector posts {to, type, payload: {code, …}} here and shows the user an error
// unless it gets a 2xx. So a 2xx means exactly "SMS Aero accepted the message".

const MAX_BODY_BYTES = 16 * 1024;

const described = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`),
});

const relayBody = z.object(
  {
    to: z.string(described('a string of digits')).check(z.regex(/^\+?\d{10,15}$/, 'must be the phone number as 10 to 15 digits (country code first, no spaces)')),
    type: z.string(described('a string')).check(z.regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must be a Logto usage type such as SignIn or Register')),
    payload: z.looseObject(
      { code: z.optional(z.union([z.string(), z.number()], described('a string'))) },
      described('an object such as {"code": "123456"}'),
    ),
  },
  described('a JSON object {to, type, payload}'),
);

// The console's "send test SMS" marks its sends so the delivery log can tell them from real sign-ins.
const relayHeaders = z.object({
  'x-delivery-source': z.optional(z.enum(['relay', 'test'], { error: 'must be relay or test' })),
});

type SendFailure = { status: 400 | 502 | 503; error: string; message: string };

function failureFor(error: SmsAeroError): SendFailure {
  switch (error.kind) {
    case 'validation':
      return { status: 400, error: 'smsaero_validation', message: `SMS Aero refused the message as invalid: ${error.message}` };
    case 'no-credits':
      return { status: 503, error: 'smsaero_no_credits', message: 'The SMS Aero account has no credits left.' };
    case 'auth':
      return { status: 502, error: 'smsaero_auth', message: 'SMS Aero refused the relay\'s credentials (check SMSAERO_CONNECTOR email and apiKey).' };
    case 'rejected':
      return { status: 502, error: 'smsaero_rejected', message: `SMS Aero rejected the message: ${error.message}` };
    default:
      return { status: 502, error: 'smsaero_unavailable', message: `SMS Aero could not be reached: ${error.message}` };
  }
}

/** Records the accepted send; when Redis is unreachable the record goes to the queue (mask and HMAC
 * only) and is written later by the consumer. The SMS is out either way, so this never fails the reply. */
async function recordAcceptedSend(services: Services, input: { message: SmsAeroMessage; usageType: string; phone: string; source: 'relay' | 'test'; at: number }) {
  const { message, usageType, phone, source, at } = input;
  const smsAero = { status: message.status, extendStatus: message.extendStatus };
  try {
    await services.store.recordSend({ id: message.id, usageType, phone, source, at, smsAero }, services.hashPhone);
    return 'recorded' as const;
  } catch (storeError) {
    const job: RecordSendJob = { kind: 'record-send', id: message.id, usageType, source, maskedPhone: maskPhone(phone), phoneHash: await services.hashPhone(phone), at, smsAero };
    try {
      await services.events.send(job, { contentType: 'json' });
      log.warn('relay.record_queued', { id: message.id, reason: describeError(storeError) });
      return 'queued' as const;
    } catch (queueError) {
      log.error('relay.record_lost', { id: message.id, store: describeError(storeError), queue: describeError(queueError) });
      return 'lost' as const;
    }
  }
}

export const logtoSms = new Hono<AppEnv>().post(
  '/sms',
  requireRelayToken,
  bodyLimit({ maxSize: MAX_BODY_BYTES, onError: payloadTooLarge(MAX_BODY_BYTES) }),
  requireJson,
  zValidator('header', relayHeaders, reportInvalid),
  zValidator('json', relayBody, reportInvalid),
  async (c) => {
    const services = c.var.services;
    const { env } = services;
    const { to, type, payload } = c.req.valid('json');
    const source = c.req.valid('header')['x-delivery-source'] ?? 'relay';
    const phone = normalizePhone(to);
    const { text } = renderTemplate(env.SMSAERO_CONNECTOR, type, payload);
    const at = Date.now();

    // SMS-pumping defence: nothing reaches SMS Aero unless the policy allows it.
    const decision = await services.limiter.check(phone, at);
    if (!decision.allowed) {
      const { refusal } = decision;
      log.warn('relay.limited', { usageType: type, source, reason: refusal.reason, limit: refusal.limit, retryAfter: refusal.retryAfterSeconds });
      c.executionCtx.waitUntil(
        recordRefusal(services, { usageType: type, phone, reason: refusal.reason, detail: refusal.limit === null ? refusal.error : `${refusal.error} (${refusal.limit})`, at }),
      );
      if (refusal.retryAfterSeconds !== null) c.header('Retry-After', String(refusal.retryAfterSeconds));
      return c.json(
        { error: refusal.error, reason: refusal.reason, limit: refusal.limit, message: refusal.message, retryAfter: refusal.retryAfterSeconds },
        refusal.status,
      );
    }
    const { admission } = decision;

    let message: SmsAeroMessage;
    try {
      message = await services.smsAero.send({
        number: phone,
        sign: env.SMSAERO_CONNECTOR.senderName,
        text,
        callbackUrl: `${env.PUBLIC_URL}/v1/smsaero/callback/${env.CALLBACK_TOKEN}`,
        ...(env.SMSAERO_CALLBACK_FORMAT === 'JSON' ? { callbackFormat: 'JSON' as const } : {}),
      });
    } catch (error) {
      if (!(error instanceof SmsAeroError)) throw error;
      const failure = failureFor(error);
      log.warn('relay.refused', { usageType: type, kind: error.kind, upstreamStatus: error.status, attempts: error.attempts });
      // Operators see refused sends in the console; best effort, after the reply.
      c.executionCtx.waitUntil(
        Promise.all([
          recordRefusal(services, { usageType: type, phone, reason: failure.error, detail: error.message, at }),
          services.limiter.settle(admission, { sent: false }),
        ]),
      );
      return c.json({ error: failure.error, message: failure.message }, failure.status);
    }
    c.executionCtx.waitUntil(services.limiter.settle(admission, { sent: true, cost: message.cost }));

    const record = await recordAcceptedSend(services, { message, usageType: type, phone, source, at });
    log.info('relay.sent', { id: message.id, usageType: type, source, smsAeroStatus: message.status, record });
    return c.json({ ok: true, id: message.id }, 200);
  },
);
