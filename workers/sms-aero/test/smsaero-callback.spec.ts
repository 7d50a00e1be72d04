import { describe, expect, it } from 'vitest';

import {
  bindings,
  callbackRequest,
  callSelf,
  callWith,
  captureQueue,
  deadRedisUrl,
  deliveryLog,
  formCallback,
  relayRequest,
  replay,
  runQueue,
  simulatorCallbacks,
  uniquePhone,
  unknownMessageId,
  waitFor,
  type RecordedRequest,
} from './support/harness';

/** Sends an SMS through the relay and collects the status callbacks the simulator made for it. */
async function sendAndCollectCallbacks(phone = uniquePhone()): Promise<{ id: string; callbacks: RecordedRequest[] }> {
  const response = await callSelf(relayRequest({ to: phone, type: 'SignIn', payload: { code: '314159' } }));
  expect(response.status).toBe(200);
  const { id } = (await response.json()) as { id: string };
  // queue (0), transmitted (3), delivered (1): the simulator's happy path.
  const callbacks = await waitFor(async () => {
    const received = await simulatorCallbacks(id);
    return received.length >= 3 && received;
  }, `three callbacks for message ${id}`);
  return { id, callbacks };
}

const statusOf = (callback: RecordedRequest) => Number(new URLSearchParams(callback.body).get('status'));

async function resultOf(response: Response): Promise<string> {
  expect(response.status).toBe(200);
  return ((await response.json()) as { result: string }).result;
}

describe('POST /v1/smsaero/callback/:token: the gate', () => {
  it.each([
    ['a wrong token', 'not-the-callback-token-000'],
    ['a prefix of the token', 'test-callback-token-012345678'],
  ])('answers 404 like an unknown route for %s', async (_, token) => {
    const response = await callSelf(callbackRequest('id=1&status=1', 'application/x-www-form-urlencoded', token));
    expect(response.status).toBe(404);
    const unknownRoute = await callSelf(new Request('http://relay.test/no/such/route', { method: 'POST' }));
    expect(await response.json()).toEqual(await unknownRoute.json());
  });

  it('does not touch the log for a wrong token', async () => {
    const id = unknownMessageId();
    await callSelf(callbackRequest(`id=${id}&status=1`, 'application/x-www-form-urlencoded', 'wrong-token-wrong-token-00'));
    expect(await deliveryLog().get(id)).toBeNull();
  });
});

describe('POST /v1/smsaero/callback/:token: malformed input', () => {
  it.each([
    ['a missing id', 'status=1&extendStatus=delivery', 'application/x-www-form-urlencoded', 'id'],
    ['a non-numeric id', 'id=abc&status=1', 'application/x-www-form-urlencoded', 'id'],
    ['a missing status', 'id=5&extendStatus=delivery', 'application/x-www-form-urlencoded', 'status'],
    ['a non-integer status', 'id=5&status=delivered', 'application/x-www-form-urlencoded', 'status'],
    ['a non-string extendStatus', '{"id": 5, "status": 1, "extendStatus": 7}', 'application/json', 'extendStatus'],
  ])('answers 400 naming the field for %s', async (_, body, contentType, field) => {
    const response = await callSelf(callbackRequest(body, contentType));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request', field });
  });

  it('answers 400 for malformed JSON', async () => {
    const response = await callSelf(callbackRequest('{"id": 5, "status":', 'application/json'));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('JSON') });
  });

  it.each(['text/plain', 'multipart/form-data; boundary=x', 'application/xml'])('answers 415 for %s', async (contentType) => {
    const response = await callSelf(callbackRequest('id=5&status=1', contentType));
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: 'unsupported_media_type' });
  });

  it('answers 413 for a body over 64 KB', async () => {
    const response = await callSelf(callbackRequest(`id=5&status=1&junk=${'x'.repeat(65 * 1024)}`));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: 'payload_too_large' });
  });
});

describe('POST /v1/smsaero/callback/:token: applying statuses', () => {
  it('applies the simulator\'s real callbacks and ignores their duplicates', async () => {
    const { id, callbacks } = await sendAndCollectCallbacks();
    expect(callbacks.map(statusOf)).toEqual([0, 3, 1]);

    // "queue" is what the send already answered; "transmitted" and "delivered" are changes.
    const results: string[] = [];
    for (const callback of callbacks) results.push(await resultOf(await callSelf(replay(callback))));
    expect(results).toEqual(['duplicate', 'applied', 'applied']);

    const stored = await deliveryLog().get(id);
    expect(stored?.delivery.status).toMatchObject({ code: 1, name: 'delivery', outcome: 'delivered', final: true });
    expect(stored?.delivery.timeToDeliverMs).toEqual(expect.any(Number));

    // SMS Aero may repeat itself: every replay is a no-op (the same final status is a duplicate, an
    // earlier one is stale against it).
    const replays: string[] = [];
    for (const callback of callbacks) replays.push(await resultOf(await callSelf(replay(callback))));
    expect(replays).toEqual(['stale', 'stale', 'duplicate']);
    expect((await deliveryLog().get(id))?.delivery.status).toMatchObject({ code: 1, final: true });
  });

  it('never lets a late intermediate status overwrite a final one', async () => {
    const { id, callbacks } = await sendAndCollectCallbacks();
    const delivered = callbacks.find((callback) => statusOf(callback) === 1)!;
    const transmitted = callbacks.find((callback) => statusOf(callback) === 3)!;

    expect(await resultOf(await callSelf(replay(delivered)))).toBe('applied');
    expect(await resultOf(await callSelf(replay(transmitted)))).toBe('stale');
    expect((await deliveryLog().get(id))?.delivery.status).toMatchObject({ code: 1, final: true, outcome: 'delivered' });
  });

  it('keeps a failure final too (undelivered, then a stray "transmitted")', async () => {
    const phone = uniquePhone('00');
    const response = await callSelf(relayRequest({ to: phone, type: 'SignIn', payload: { code: '1' } }));
    const { id } = (await response.json()) as { id: string };
    expect(await resultOf(await callSelf(formCallback({ id, status: 2, extendStatus: 'undelivered' })))).toBe('applied');
    expect(await resultOf(await callSelf(formCallback({ id, status: 3, extendStatus: 'transmitted' })))).toBe('stale');
    expect((await deliveryLog().get(id))?.delivery.status).toMatchObject({ code: 2, outcome: 'failed', final: true });
  });

  it('keeps a callback for an id it never sent as unmatched', async () => {
    const id = unknownMessageId();
    expect(await resultOf(await callSelf(formCallback({ id, status: 1, extendStatus: 'delivery', dateAnswer: 1_700_000_000 })))).toBe('unmatched');
    const stored = await deliveryLog().get(id);
    expect(stored?.delivery).toMatchObject({ id, source: 'unmatched', usageType: null, maskedPhone: null, status: { code: 1 } });
    expect(stored?.timeline.at(-1)?.fields).toMatchObject({ dateAnswer: '1700000000' });
  });

  it('accepts JSON callbacks (callbackFormat=JSON) and keeps extra fields, redacting a number', async () => {
    const id = unknownMessageId();
    const body = JSON.stringify({ id: Number(id), status: 8, extendStatus: 'moderation', number: '79991234567', operator: 'MTS' });
    expect(await resultOf(await callSelf(callbackRequest(body, 'application/json')))).toBe('unmatched');
    const stored = await deliveryLog().get(id);
    expect(stored?.timeline.at(-1)?.fields).toMatchObject({ operator: 'MTS', number: '[redacted]' });
    expect(JSON.stringify(stored)).not.toContain('79991234567');
  });
});

describe('POST /v1/smsaero/callback/:token: Redis unreachable', () => {
  it('queues the event, answers 200, and the consumer applies it once Redis is back', async () => {
    const { id, callbacks } = await sendAndCollectCallbacks();
    const delivered = callbacks.find((callback) => statusOf(callback) === 1)!;
    const captured = captureQueue();
    const redisDown = bindings({ KV_REST_API_URL: deadRedisUrl(), DELIVERY_EVENTS: captured.queue });

    expect(await resultOf(await callWith(replay(delivered), redisDown))).toBe('queued');
    expect(captured.sent).toEqual([expect.objectContaining({ kind: 'apply-status', id, code: 1, extendStatus: 'delivery' })]);
    expect((await deliveryLog().get(id))?.delivery.status.code).toBe(0);

    // Still down when the queue first delivers it: retried with backoff, nothing lost.
    const stillDown = await runQueue(captured.sent, redisDown);
    expect(stillDown.acked).toEqual([]);
    expect(stillDown.retried).toEqual([{ id: expect.any(String), delaySeconds: 10 }]);
    const later = await runQueue(captured.sent, redisDown, { attempts: 4 });
    expect(later.retried).toEqual([{ id: expect.any(String), delaySeconds: 80 }]);

    const back = await runQueue(captured.sent, bindings());
    expect(back.acked).toHaveLength(1);
    expect(back.retried).toEqual([]);
    expect((await deliveryLog().get(id))?.delivery.status).toMatchObject({ code: 1, final: true });

    // The queue is at-least-once: a second delivery of the same event changes nothing.
    const again = await runQueue(captured.sent, bindings());
    expect(again.acked).toHaveLength(1);
    expect((await deliveryLog().get(id))?.timeline.filter((entry) => entry.kind === 'duplicate')).toHaveLength(1);
  });

  it('keeps the arrival time, so a queued intermediate applied after a newer final stays stale', async () => {
    const { id, callbacks } = await sendAndCollectCallbacks();
    const captured = captureQueue();
    const transmitted = callbacks.find((callback) => statusOf(callback) === 3)!;
    await callWith(replay(transmitted), bindings({ KV_REST_API_URL: deadRedisUrl(), DELIVERY_EVENTS: captured.queue }));
    expect(await resultOf(await callSelf(replay(callbacks.find((callback) => statusOf(callback) === 1)!)))).toBe('applied');
    await runQueue(captured.sent, bindings());
    expect((await deliveryLog().get(id))?.delivery.status.code).toBe(1);
  });

  it('goes through the real local queue too: wrangler.toml wires the producer to the consumer', async () => {
    const id = unknownMessageId();
    // Only this request sees a dead Redis; the queue's consumer runs with the configured (working) one.
    const response = await callWith(formCallback({ id, status: 1, extendStatus: 'delivery' }), bindings({ KV_REST_API_URL: deadRedisUrl() }));
    expect(await resultOf(response)).toBe('queued');
    const stored = await waitFor(async () => (await deliveryLog().get(id)) ?? undefined, 'the queued event to be applied', 15_000);
    expect(stored.delivery).toMatchObject({ id, source: 'unmatched', status: { code: 1, final: true } });
  });

  it('answers 503 only when the event could be neither stored nor queued', async () => {
    const response = await callWith(
      formCallback({ id: unknownMessageId(), status: 1 }),
      bindings({ KV_REST_API_URL: deadRedisUrl(), DELIVERY_EVENTS: captureQueue({ failing: true }).queue }),
    );
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: 'unavailable' });
  });
});
