import { describe, expect, it } from 'vitest';

import type { ForwardJob } from '../src/queue/jobs';
import {
  bindings,
  callWith,
  captureQueue,
  deadRedisUrl,
  deliveryLog,
  formCallback,
  FORWARD_SECRET,
  hashPhone,
  ORIGIN,
  recorded,
  recorderUrl,
  RELAY_TOKEN,
  relayRequest,
  runQueue,
  uniquePhone,
  unknownMessageId,
} from './support/harness';
import { verifyStandardWebhook } from './support/verify-webhook';

const replay = (id: string, authorization: string | null = RELAY_TOKEN) =>
  new Request(`${ORIGIN}/v1/deliveries/${encodeURIComponent(id)}/replay-forward`, {
    method: 'POST',
    headers: authorization === null ? {} : { authorization },
  });

function forwardingEnv(hookPath: string) {
  const captured = captureQueue();
  const env = bindings({ FORWARD_URL: `${recorderUrl()}${hookPath}`, FORWARD_SECRET, DELIVERY_EVENTS: captured.queue });
  return { captured, env };
}

/** A sent message whose delivered status was applied (and its first forward queued). */
async function deliveredMessage(env: ReturnType<typeof bindings>) {
  const sent = await callWith(relayRequest({ to: uniquePhone(), type: 'SignIn', payload: { code: '161803' } }), env);
  expect(sent.status).toBe(200);
  const { id } = (await sent.json()) as { id: string };
  expect(await (await callWith(formCallback({ id, status: 1, extendStatus: 'delivery' }), env)).json()).toEqual({ ok: true, result: 'applied' });
  return id;
}

describe('POST /v1/deliveries/:id/replay-forward', () => {
  it.each([
    ['no Authorization header', null],
    ['a wrong token', 'not-the-relay-token-0000'],
    ['a prefix of the token', RELAY_TOKEN.slice(0, -1)],
  ])('answers 401 JSON for %s and queues nothing', async (_, authorization) => {
    const { captured, env } = forwardingEnv(`/hook/${crypto.randomUUID()}`);
    const id = await deliveredMessage(env);
    captured.sent.length = 0;
    const response = await callWith(replay(id, authorization), env);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'unauthorized' });
    expect(captured.sent).toEqual([]);
  });

  it('re-queues the current status with the original webhook id, and the consumer delivers it signed', async () => {
    const hook = `/hook/${crypto.randomUUID()}`;
    const { captured, env } = forwardingEnv(hook);
    const id = await deliveredMessage(env);
    const [original] = captured.sent as ForwardJob[];
    captured.sent.length = 0;

    const response = await callWith(replay(id, `Bearer ${RELAY_TOKEN}`), env);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ ok: true, queued: true });
    expect(captured.sent).toHaveLength(1);
    const job = captured.sent[0] as ForwardJob;
    expect(job).toEqual(original);
    expect(job.event).toMatchObject({ id, status: { code: 1, outcome: 'delivered', final: true } });

    const outcome = await runQueue([job], env);
    expect(outcome.acked).toHaveLength(1);
    const [request] = await recorded(hook);
    expect(request).toBeDefined();
    expect(await verifyStandardWebhook(FORWARD_SECRET, request!.headers, request!.body)).toEqual({ ok: true });
    expect(JSON.parse(request!.body)).toMatchObject({ type: 'sms.status', id });
    expect((await deliveryLog().get(id))?.delivery.forward.state).toBe('delivered');
  });

  it('answers 404 JSON for an id the log does not know', async () => {
    const { captured, env } = forwardingEnv(`/hook/${crypto.randomUUID()}`);
    const id = unknownMessageId();
    const response = await callWith(replay(id), env);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not_found', message: `no delivery with id ${id} in the log` });
    expect(captured.sent).toEqual([]);
  });

  it('answers 409 JSON when FORWARD_URL is not configured', async () => {
    const captured = captureQueue();
    const env = bindings({ DELIVERY_EVENTS: captured.queue });
    const id = await deliveredMessage(env);
    const response = await callWith(replay(id), env);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: 'forwarding_disabled', message: expect.stringContaining('FORWARD_URL') });
    expect(captured.sent).toEqual([]);
  });

  it('answers 409 for a send the relay refused (there is no status to forward)', async () => {
    const { captured, env } = forwardingEnv(`/hook/${crypto.randomUUID()}`);
    const id = `r-test-${crypto.randomUUID()}`;
    await deliveryLog().recordRefusal({ id, usageType: 'SignIn', phone: uniquePhone(), reason: 'test refusal' }, hashPhone);
    const response = await callWith(replay(id), env);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: 'not_forwardable' });
    expect(captured.sent).toEqual([]);
  });

  it('answers 400 naming the id when it is not a message id', async () => {
    const { env } = forwardingEnv(`/hook/${crypto.randomUUID()}`);
    const response = await callWith(replay('no spaces allowed'), env);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request', field: 'id' });
  });

  it('answers 503 JSON when the delivery log is unreachable', async () => {
    const { captured, env } = forwardingEnv(`/hook/${crypto.randomUUID()}`);
    const response = await callWith(replay(unknownMessageId()), { ...env, KV_REST_API_URL: deadRedisUrl() });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: 'unavailable' });
    expect(captured.sent).toEqual([]);
  });
});
