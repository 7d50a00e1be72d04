import { describe, expect, it } from 'vitest';

import { signWebhook } from '../src/forward/standard-webhooks';
import { backoffSeconds } from '../src/queue/backoff';
import type { ForwardJob } from '../src/queue/jobs';
import {
  bindings,
  callWith,
  captureQueue,
  deliveryLog,
  formCallback,
  FORWARD_SECRET,
  recorded,
  recorderUrl,
  relayRequest,
  runQueue,
  scriptRecorder,
  uniquePhone,
  unknownMessageId,
} from './support/harness';
import { verifyStandardWebhook } from './support/verify-webhook';

/** A relay send and one applied status with forwarding on; returns the queued forward job. */
async function appliedStatusWithForwarding(hookPath: string, maxAttempts = 8) {
  const captured = captureQueue();
  const env = bindings({
    FORWARD_URL: `${recorderUrl()}${hookPath}`,
    FORWARD_SECRET,
    FORWARD_MAX_ATTEMPTS: String(maxAttempts),
    DELIVERY_EVENTS: captured.queue,
  });
  const phone = uniquePhone();
  const sent = await callWith(relayRequest({ to: phone, type: 'SignIn', payload: { code: '271828' } }), env);
  const { id } = (await sent.json()) as { id: string };
  const callback = await callWith(formCallback({ id, status: 1, extendStatus: 'delivery' }), env);
  expect(await callback.json()).toEqual({ ok: true, result: 'applied' });
  expect(captured.sent).toHaveLength(1);
  return { id, phone, env, job: captured.sent[0] as ForwardJob };
}

const uniqueHook = () => `/hook/${crypto.randomUUID()}`;

describe('forwarding: what is queued', () => {
  it('queues one forward job per applied status, without the phone number or the code', async () => {
    const { id, phone, job } = await appliedStatusWithForwarding(uniqueHook());
    expect(job).toEqual({
      kind: 'forward',
      webhookId: expect.stringMatching(new RegExp(`^msg_${id}_1_\\d+$`)),
      event: {
        type: 'sms.status',
        id,
        usageType: 'SignIn',
        maskedPhone: expect.stringMatching(/^\+7 999 \*\*\*-\*\*-\d\d$/),
        status: { code: 1, name: 'delivery', outcome: 'delivered', final: true, extendStatus: 'delivery' },
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    });
    expect(JSON.stringify(job)).not.toContain(phone);
    expect(JSON.stringify(job)).not.toContain('271828');
    expect((await deliveryLog().get(id))?.delivery.forward.state).toBe('pending');
  });

  it('queues nothing for a duplicate or stale status', async () => {
    const captured = captureQueue();
    const env = bindings({ FORWARD_URL: `${recorderUrl()}${uniqueHook()}`, FORWARD_SECRET, DELIVERY_EVENTS: captured.queue });
    const id = unknownMessageId();
    await callWith(formCallback({ id, status: 1 }), env);
    await callWith(formCallback({ id, status: 1 }), env);
    await callWith(formCallback({ id, status: 3 }), env);
    expect(captured.sent.map((job) => job.kind)).toEqual(['forward']);
  });

  it('queues nothing without FORWARD_URL', async () => {
    const captured = captureQueue();
    await callWith(formCallback({ id: unknownMessageId(), status: 1 }), bindings({ DELIVERY_EVENTS: captured.queue }));
    expect(captured.sent).toEqual([]);
  });
});

describe('forwarding: delivery to FORWARD_URL', () => {
  it('POSTs the event signed per Standard Webhooks and records the delivery', async () => {
    const hook = uniqueHook();
    const { id, env, job } = await appliedStatusWithForwarding(hook);
    const outcome = await runQueue([job], env);
    expect(outcome).toMatchObject({ acked: [expect.any(String)], retried: [] });

    const [request, ...more] = await recorded(hook);
    expect(more).toEqual([]);
    expect(request!.method).toBe('POST');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['webhook-id']).toBe(job.webhookId);
    expect(JSON.parse(request!.body)).toEqual(job.event);
    expect(await verifyStandardWebhook(FORWARD_SECRET, request!.headers, request!.body)).toEqual({ ok: true });
    // A tampered body or another secret does not verify: the check above can fail.
    expect(await verifyStandardWebhook(FORWARD_SECRET, request!.headers, request!.body.replace('delivered', 'failed'))).toMatchObject({ ok: false });
    expect(await verifyStandardWebhook('whsec_c2VjcmV0LW9mLWFub3RoZXItZW5kcG9pbnQ=', request!.headers, request!.body)).toMatchObject({ ok: false });

    const stored = await deliveryLog().get(id);
    expect(stored?.delivery.forward).toMatchObject({ state: 'delivered', attempts: 1, lastStatus: 200 });
    expect(stored?.timeline.at(-1)).toMatchObject({ kind: 'forward', forward: { attempt: 1, status: 200, latencyMs: expect.any(Number) } });
  });

  it('retries 5xx with exponential backoff, the same webhook-id every time, then gives up as dead', async () => {
    const hook = uniqueHook();
    await scriptRecorder(hook, [{ status: 503 }]);
    const { id, env, job } = await appliedStatusWithForwarding(hook, 4);

    const delays: (number | undefined)[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const outcome = await runQueue([job], env, { attempts: attempt });
      expect(outcome.acked).toEqual([]);
      delays.push(outcome.retried[0]?.delaySeconds);
      expect((await deliveryLog().get(id))?.delivery.forward).toMatchObject({ state: 'failed', attempts: attempt, lastStatus: 503 });
    }
    expect(delays).toEqual([30, 60, 120]);

    const last = await runQueue([job], env, { attempts: 4 });
    expect(last).toMatchObject({ acked: [expect.any(String)], retried: [] });
    expect((await deliveryLog().get(id))?.delivery.forward).toMatchObject({ state: 'dead', attempts: 4, lastStatus: 503, lastError: 'HTTP 503' });
    expect((await deliveryLog().list({ outcome: 'delivered' })).items.some((delivery) => delivery.id === id)).toBe(true);

    const requests = await recorded(hook);
    expect(requests).toHaveLength(4);
    expect(new Set(requests.map((request) => request.headers['webhook-id']))).toEqual(new Set([job.webhookId]));
    for (const request of requests) expect(await verifyStandardWebhook(FORWARD_SECRET, request.headers, request.body)).toEqual({ ok: true });
  });

  it('recovers when the receiver comes back', async () => {
    const hook = uniqueHook();
    await scriptRecorder(hook, [{ status: 500 }, { status: 204 }]);
    const { id, env, job } = await appliedStatusWithForwarding(hook);
    expect((await runQueue([job], env, { attempts: 1 })).retried).toHaveLength(1);
    expect((await runQueue([job], env, { attempts: 2 })).acked).toHaveLength(1);
    expect((await deliveryLog().get(id))?.delivery.forward).toMatchObject({ state: 'delivered', attempts: 2, lastStatus: 204 });
  });

  it.each([400, 401, 404, 410])('treats HTTP %i as permanent: dead at once, no retry', async (status) => {
    const hook = uniqueHook();
    await scriptRecorder(hook, [{ status }]);
    const { id, env, job } = await appliedStatusWithForwarding(hook);
    const outcome = await runQueue([job], env);
    expect(outcome).toMatchObject({ acked: [expect.any(String)], retried: [] });
    expect((await deliveryLog().get(id))?.delivery.forward).toMatchObject({ state: 'dead', attempts: 1, lastStatus: status });
  });

  it.each([408, 429])('retries HTTP %i', async (status) => {
    const hook = uniqueHook();
    await scriptRecorder(hook, [{ status }]);
    const { env, job } = await appliedStatusWithForwarding(hook);
    expect((await runQueue([job], env)).retried).toEqual([{ id: expect.any(String), delaySeconds: 30 }]);
  });

  it('waits at least as long as Retry-After asks', async () => {
    const hook = uniqueHook();
    await scriptRecorder(hook, [{ status: 429, headers: { 'retry-after': '900' } }]);
    const { env, job } = await appliedStatusWithForwarding(hook);
    expect((await runQueue([job], env)).retried).toEqual([{ id: expect.any(String), delaySeconds: 900 }]);
  });

  it('retries a receiver that cannot be reached', async () => {
    const { env, job } = await appliedStatusWithForwarding(uniqueHook());
    const unreachable = { ...env, FORWARD_URL: 'http://127.0.0.1:1/hook' } as typeof env;
    const outcome = await runQueue([job], unreachable, { attempts: 2 });
    expect(outcome.retried).toEqual([{ id: expect.any(String), delaySeconds: 60 }]);
  });

  it('records dead what lands in the dead-letter queue', async () => {
    const hook = uniqueHook();
    const { id, env, job } = await appliedStatusWithForwarding(hook);
    const outcome = await runQueue([job], env, { queue: 'sms-aero-delivery-events-dlq' });
    expect(outcome).toMatchObject({ acked: [expect.any(String)], retried: [] });
    expect(await recorded(hook)).toEqual([]);
    expect((await deliveryLog().get(id))?.delivery.forward).toMatchObject({ state: 'dead', lastError: expect.stringContaining('queue') });
  });

  it('drops an unreadable message instead of retrying it forever', async () => {
    const outcome = await runQueue([{ kind: 'something-else' }, 'not an object'], bindings());
    expect(outcome.acked).toHaveLength(2);
    expect(outcome.retried).toEqual([]);
  });
});

describe('Standard Webhooks signing and backoff', () => {
  it('reproduces the specification\'s test vector', async () => {
    const signature = await signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('doubles from 30 s and caps at 12 h', () => {
    expect([1, 2, 3, 8, 11, 12, 40].map((attempt) => backoffSeconds(attempt, 30))).toEqual([30, 60, 120, 3840, 30720, 43200, 43200]);
  });
});
