import { beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { useLocalStore } from '../../tests/support/local-store';
import { DeliveryInputError } from './errors';
import { deliveryKeys, HOUR_MS, MINUTE_MS, OUTCOMES } from './keys';
import { decideTransition, statusFromCode, type Delivery, type ListOutcome } from './model';
import { createPhoneHasher, InvalidPhoneError } from './phone';
import { COMBINED_FILTER_MAX_ROUNDS, createDeliveryStore, type DeliveryStore, type ListQuery } from './store';

// Runs against the local Upstash-REST server: its embedded engine by default, a real Redis when
// REDIS_URL is set (CI). Every test writes under its own random prefix and removes it afterwards.

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const hashPhone = createPhoneHasher('deliveries-test-phone-hash-key');
const PHONES = ['79990000012', '79161234567', '447912345612'] as const;

const local = useLocalStore();

type Clock = { now: number; set(ms: number): void; advance(ms: number): void };

function setup(options: { retentionDays?: number } = {}) {
  const prefix = local.prefix('v1:dl');
  const clock: Clock = {
    now: T0,
    set(ms) {
      this.now = ms;
    },
    advance(ms) {
      this.now += ms;
    },
  };
  const store = createDeliveryStore(local.redis, { prefix, now: () => clock.now, ...options });
  return { store, clock, prefix, keys: deliveryKeys(prefix) };
}

let nextId = 100_000;
const newId = () => String(nextId++);

async function send(store: DeliveryStore, overrides: { id?: string; at?: number; usageType?: string; phone?: string; status?: number | null; source?: 'relay' | 'test' } = {}) {
  const id = overrides.id ?? newId();
  const result = await store.recordSend(
    {
      id,
      usageType: overrides.usageType ?? 'SignIn',
      phone: overrides.phone ?? PHONES[0],
      source: overrides.source ?? 'relay',
      at: overrides.at ?? T0,
      smsAero: { status: overrides.status === undefined ? 0 : overrides.status, extendStatus: 'queue' },
    },
    hashPhone,
  );
  return { id, ...result };
}

async function listAll(store: DeliveryStore, query: Omit<ListQuery, 'cursor'>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await store.list({ ...query, cursor });
    ids.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor;
    pages++;
    if (pages > 500) throw new Error('pagination does not end');
  } while (cursor);
  return { ids, pages };
}

describe('delivery store: one message', () => {
  let store: DeliveryStore;
  let clock: Clock;
  beforeEach(() => {
    ({ store, clock } = setup());
  });

  it('records a send from its mask and HMAC alone (a queued send), and refuses a raw number passed as a mask', async () => {
    const phoneHash = await hashPhone(PHONES[0]);
    const recorded = await store.recordSend({ id: 'queued-1', usageType: 'SignIn', phone: { maskedPhone: '+7 999 ***-**-12', phoneHash }, at: T0 }, hashPhone);
    expect(recorded.delivery).toMatchObject({ maskedPhone: '+7 999 ***-**-12', phoneHash });
    expect((await store.list({ phoneHash })).items.map((d) => d.id)).toEqual(['queued-1']);
    await expect(
      store.recordSend({ id: 'queued-2', usageType: 'SignIn', phone: { maskedPhone: '+7 999 000-00-12', phoneHash }, at: T0 }, hashPhone),
    ).rejects.toMatchObject({ field: 'maskedPhone' });
    await expect(
      store.recordSend({ id: 'queued-3', usageType: 'SignIn', phone: { maskedPhone: '+7 999 ***-**-12', phoneHash: PHONES[0] }, at: T0 }, hashPhone),
    ).rejects.toMatchObject({ field: 'phoneHash' });
  });

  it('records a send, then callbacks in order, ending delivered with time-to-deliver', async () => {
    const sent = await send(store, { at: T0 });
    expect(sent.result).toBe('created');
    expect(sent.delivery).toMatchObject({
      id: sent.id,
      createdAt: T0,
      usageType: 'SignIn',
      maskedPhone: '+7 999 ***-**-12',
      phoneHash: await hashPhone(PHONES[0]),
      source: 'relay',
      status: { code: 0, name: 'queue', outcome: 'pending', final: false, extendStatus: 'queue', at: T0 },
      forward: { state: 'none', attempts: 0 },
    });

    expect((await store.applyStatus({ id: sent.id, code: 3, extendStatus: 'transmitted', at: T0 + 1_500 })).result).toBe('applied');
    const delivered = await store.applyStatus({ id: sent.id, code: 1, extendStatus: 'delivery', at: T0 + 4_200, fields: { channel: 'DIRECT', number: '79990000012' } });
    expect(delivered.result).toBe('applied');
    expect(delivered.delivery).toMatchObject({
      status: { code: 1, name: 'delivery', outcome: 'delivered', final: true, extendStatus: 'delivery', at: T0 + 4_200 },
      deliveredAt: T0 + 4_200,
      timeToDeliverMs: 4_200,
    });

    const found = await store.get(sent.id);
    expect(found?.delivery).toEqual(delivered.delivery);
    expect(found?.timeline.map((entry) => [entry.kind, entry.code])).toEqual([
      ['sent', 0],
      ['status', 3],
      ['status', 1],
    ]);
    expect(found?.timeline[2]?.fields).toEqual({ channel: 'DIRECT', number: '[redacted]' });
    expect(await store.pendingCount()).toBe(0);
  });

  it('treats the same status again as a duplicate: recorded in the timeline, nothing else changes', async () => {
    const { id } = await send(store);
    await store.applyStatus({ id, code: 1, at: T0 + 2_000 });
    const again = await store.applyStatus({ id, code: 1, at: T0 + 9_000 });
    expect(again.result).toBe('duplicate');
    expect(again.delivery).toMatchObject({ status: { code: 1, at: T0 + 2_000 }, timeToDeliverMs: 2_000 });
    const found = await store.get(id);
    expect(found?.timeline.map((entry) => entry.kind)).toEqual(['sent', 'status', 'duplicate']);
    const stats = await store.stats({ from: T0, to: T0 + MINUTE_MS });
    expect(stats.totals).toMatchObject({ sent: 1, delivered: 1, pending: 0 });
  });

  it('keeps a final status when an older one arrives late (delivered, then transmitted → stale)', async () => {
    const { id } = await send(store);
    await store.applyStatus({ id, code: 1, at: T0 + 3_000 });
    const late = await store.applyStatus({ id, code: 3, at: T0 + 5_000 });
    expect(late.result).toBe('stale');
    expect(late.delivery?.status).toMatchObject({ code: 1, outcome: 'delivered', final: true });
    const finalAgain = await store.applyStatus({ id, code: 2, at: T0 + 6_000 });
    expect(finalAgain.result).toBe('stale');
    expect((await store.list({ outcome: 'delivered' })).items.map((item) => item.id)).toEqual([id]);
    expect((await store.list({ outcome: 'failed' })).items).toEqual([]);
    expect((await store.get(id))?.timeline.map((entry) => entry.kind)).toEqual(['sent', 'status', 'stale', 'stale']);
  });

  it('keeps an undocumented status code: applied while not final, listed as unknown, superseded by a final one', async () => {
    const { id } = await send(store);
    const odd = await store.applyStatus({ id, code: 5, extendStatus: 'mystery', at: T0 + 1_000 });
    expect(odd.result).toBe('applied');
    expect(odd.delivery?.status).toMatchObject({ code: 5, name: 'unknown', outcome: 'unknown', final: false, extendStatus: 'mystery' });
    expect((await store.list({ outcome: 'unknown' })).items.map((item) => item.id)).toEqual([id]);
    expect(await store.pendingCount()).toBe(0);

    expect((await store.applyStatus({ id, code: 6, at: T0 + 2_000 })).result).toBe('applied');
    expect((await store.list({ outcome: 'unknown' })).items).toEqual([]);
    expect((await store.list({ outcome: 'failed' })).items.map((item) => item.id)).toEqual([id]);
    // After a final status an undocumented code is still recorded, as stale.
    expect((await store.applyStatus({ id, code: 7, at: T0 + 3_000 })).result).toBe('stale');
    expect((await store.get(id))?.timeline.at(-1)).toMatchObject({ kind: 'stale', code: 7 });
  });

  it('stores a callback for an unknown id visibly as unmatched, and merges a late send into it', async () => {
    const id = newId();
    const callback = await store.applyStatus({ id, code: 1, extendStatus: 'delivery', at: T0 + 5_000 });
    expect(callback.result).toBe('unmatched');
    expect(callback.delivery).toMatchObject({ id, source: 'unmatched', usageType: null, maskedPhone: null, phoneHash: null, status: { code: 1, outcome: 'delivered' } });
    expect((await store.list({ outcome: 'unmatched' })).items.map((item) => item.id)).toEqual([id]);
    expect((await store.list({})).items.map((item) => item.id)).toEqual([id]);
    expect((await store.list({ outcome: 'delivered' })).items).toEqual([]);
    expect((await store.stats({ from: T0, to: T0 + MINUTE_MS })).totals).toMatchObject({ sent: 0, delivered: 0, unmatched: 1 });

    // The send was recorded after its callback (race): the callback's final status wins over the
    // send's "queued", and the record becomes an ordinary delivery.
    const merged = await send(store, { id, at: T0 + 1_000 });
    expect(merged.result).toBe('merged');
    expect(merged.delivery).toMatchObject({
      source: 'relay',
      createdAt: T0 + 1_000,
      usageType: 'SignIn',
      maskedPhone: '+7 999 ***-**-12',
      status: { code: 1, outcome: 'delivered', final: true, at: T0 + 5_000 },
      deliveredAt: T0 + 5_000,
      timeToDeliverMs: 4_000,
    });
    expect((await store.list({ outcome: 'unmatched' })).items).toEqual([]);
    expect((await store.list({ outcome: 'delivered' })).items.map((item) => item.id)).toEqual([id]);
    expect((await store.get(id))?.timeline.map((entry) => entry.kind)).toEqual(['sent', 'status']);
    const stats = await store.stats({ from: T0, to: T0 + MINUTE_MS });
    expect(stats.totals).toMatchObject({ sent: 1, delivered: 1, unmatched: 0 });
    expect(stats.timeToDeliver.count).toBe(1);

    // A second recordSend for the same id (a retried request) changes nothing.
    const again = await send(store, { id, at: T0 + 2_000 });
    expect(again.result).toBe('duplicate');
    expect(again.delivery.createdAt).toBe(T0 + 1_000);
  });

  it('records forward attempts and their final state', async () => {
    const { id } = await send(store);
    const applied = await store.applyStatus({ id, code: 1, at: T0 + 1_000, forward: true });
    expect(applied.delivery?.forward).toEqual({ state: 'pending', attempts: 0 });

    clock.set(T0 + 2_000);
    const failed = await store.recordForwardAttempt(id, { attempt: 1, status: 503, latencyMs: 120.4, error: 'upstream 503', outcome: 'failed' });
    expect(failed?.forward).toEqual({ state: 'failed', attempts: 1, lastStatus: 503, lastError: 'upstream 503' });
    const dead = await store.recordForwardAttempt(id, { attempt: 2, latencyMs: 30_000, error: 'timeout', outcome: 'dead' });
    expect(dead?.forward).toEqual({ state: 'dead', attempts: 2, lastError: 'timeout' });
    const delivered = await store.recordForwardAttempt(id, { attempt: 3, status: 200, latencyMs: 80, outcome: 'delivered' });
    expect(delivered?.forward).toEqual({ state: 'delivered', attempts: 3, lastStatus: 200 });

    const timeline = (await store.get(id))!.timeline.filter((entry) => entry.kind === 'forward');
    expect(timeline.map((entry) => entry.forward)).toEqual([
      { attempt: 1, status: 503, latencyMs: 120, error: 'upstream 503' },
      { attempt: 2, latencyMs: 30_000, error: 'timeout' },
      { attempt: 3, status: 200, latencyMs: 80 },
    ]);
    expect(await store.recordForwardAttempt(newId(), { attempt: 1, latencyMs: 1, outcome: 'delivered' })).toBeNull();
  });

  it('logs a refused send (with or without a usable number) under "refused"', async () => {
    const withPhone = await store.recordRefusal({ usageType: 'SignIn', phone: PHONES[1], reason: 'rate limited', at: T0 }, hashPhone);
    expect(withPhone.result).toBe('created');
    expect(withPhone.delivery).toMatchObject({ source: 'relay', maskedPhone: '+7 916 ***-**-67', refusal: { reason: 'rate limited' }, status: { outcome: 'failed', final: true, name: 'refused' } });
    expect(withPhone.delivery.id).toMatch(/^r-[0-9a-f-]{36}$/);
    const withoutPhone = await store.recordRefusal({ id: 'r-bad-number', usageType: 'Register', phone: 'not a number', reason: 'invalid phone', at: T0 + 1 }, hashPhone);
    expect(withoutPhone.delivery).toMatchObject({ maskedPhone: null, phoneHash: null });

    expect((await store.list({ outcome: 'refused' })).items.map((item) => item.id)).toEqual(['r-bad-number', withPhone.delivery.id]);
    expect((await store.list({ outcome: 'failed' })).items).toEqual([]);
    expect((await store.list({ phoneHash: await hashPhone(PHONES[1]) })).items.map((item) => item.id)).toEqual([withPhone.delivery.id]);
    expect((await store.stats({ from: T0, to: T0 + MINUTE_MS })).totals).toMatchObject({ sent: 0, refused: 2 });
    expect((await store.get('r-bad-number'))?.timeline).toEqual([{ kind: 'refused', at: T0 + 1, note: 'invalid phone' }]);
  });

  it('rejects bad input with errors naming the field', async () => {
    await expect(store.recordSend({ id: 'a b', usageType: 'SignIn', phone: PHONES[0] }, hashPhone)).rejects.toThrow(DeliveryInputError);
    await expect(store.recordSend({ id: '1', usageType: 'SignIn', phone: '123' }, hashPhone)).rejects.toThrow(InvalidPhoneError);
    await expect(store.applyStatus({ id: '1', code: 1.5 })).rejects.toThrow(/code/);
    await expect(store.list({ limit: 201 })).rejects.toThrow(/limit/);
    await expect(store.list({ cursor: 'garbage!' })).rejects.toThrow(/cursor/);
    await expect(store.list({ outcome: 'lost' as ListOutcome })).rejects.toThrow(/outcome/);
    await expect(store.recordForwardAttempt('1', { attempt: 0, latencyMs: 1, outcome: 'failed' })).rejects.toThrow(/attempt/);
  });
});

describe('delivery store: state machine in Lua agrees with decideTransition', () => {
  const CODES = [null, 0, 8, 4, 3, 1, 2, 6, 5, 7] as const;
  const INCOMING = [0, 8, 4, 3, 1, 2, 6, 5, 7] as const;
  const RESULT = { apply: 'applied', duplicate: 'duplicate', stale: 'stale' } as const;

  it('on every pair of codes (incoming later), and the moderation/waiting tie by time', { timeout: 30_000 }, async () => {
    const { store } = setup();
    const pairs = CODES.flatMap((current) => INCOMING.map((incoming) => ({ current, incoming, at: T0 + 1_000 })));
    pairs.push({ current: 8, incoming: 4, at: T0 - 1 }, { current: 4, incoming: 8, at: T0 - 1 });
    const mismatches: string[] = [];
    await Promise.all(
      pairs.map(async ({ current, incoming, at }) => {
        const { id } = await send(store, { status: current, at: T0 });
        const result = await store.applyStatus({ id, code: incoming, at });
        const expected = RESULT[decideTransition(statusFromCode(current, null, T0), { code: incoming, at })];
        const expectedCode = expected === 'applied' ? incoming : current;
        if (result.result !== expected || result.delivery?.status.code !== expectedCode) {
          mismatches.push(`${current}→${incoming}@${at}: got ${result.result}/${result.delivery?.status.code}, want ${expected}/${expectedCode}`);
        }
      }),
    );
    expect(mismatches).toEqual([]);
  });
});

describe('delivery store: lists', () => {
  type Seeded = { id: string; createdAt: number; outcome: ListOutcome; usageType: string; phone: string };

  // 60 deliveries over an hour, several sharing a millisecond (cursor ties), mixed outcomes, usage
  // types and phones; plus two unmatched callbacks.
  async function seed(store: DeliveryStore): Promise<Seeded[]> {
    const seeded: Seeded[] = [];
    const usageTypes = ['SignIn', 'Register', 'ForgotPassword'];
    const finals: Record<number, ListOutcome> = { 0: 'pending', 1: 'delivered', 2: 'failed', 3: 'delivered', 4: 'pending', 5: 'unknown' };
    await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const createdAt = T0 + Math.floor(i / 3) * 60_000; // three per millisecond
        const usageType = usageTypes[i % 3]!;
        const phone = PHONES[Math.floor(i / 6) % PHONES.length]!; // independent of usage type and outcome
        const kind = i % 6;
        const { id } = await send(store, { at: createdAt, usageType, phone, id: String(200_000 + i) });
        if (kind === 1 || kind === 3) await store.applyStatus({ id, code: 1, at: createdAt + 1_000 + i * 100 });
        if (kind === 2) await store.applyStatus({ id, code: 2, at: createdAt + 2_000 });
        if (kind === 4) await store.applyStatus({ id, code: 3, at: createdAt + 2_000 });
        if (kind === 5) await store.applyStatus({ id, code: 5, at: createdAt + 2_000 });
        seeded.push({ id, createdAt, outcome: finals[kind]!, usageType, phone });
      }),
    );
    for (const [n, at] of [
      [1, T0 + 30 * 60_000 + 5],
      [2, T0 + 45 * 60_000 + 5],
    ] as const) {
      const id = `unmatched-${n}`;
      await store.applyStatus({ id, code: 1, at });
      seeded.push({ id, createdAt: at, outcome: 'unmatched', usageType: '', phone: '' });
    }
    return seeded;
  }

  const newestFirst = (a: Seeded, b: Seeded) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1);

  let store: DeliveryStore;
  let seeded: Seeded[];
  beforeAll(async () => {
    ({ store } = setup());
    seeded = await seed(store);
  }, 30_000);

  const cases: [string, Omit<ListQuery, 'cursor' | 'limit'>, (item: Seeded) => boolean][] = [
    ['everything', {}, () => true],
    ['outcome delivered', { outcome: 'delivered' }, (s) => s.outcome === 'delivered'],
    ['outcome pending', { outcome: 'pending' }, (s) => s.outcome === 'pending'],
    ['outcome failed', { outcome: 'failed' }, (s) => s.outcome === 'failed'],
    ['outcome unknown', { outcome: 'unknown' }, (s) => s.outcome === 'unknown'],
    ['outcome unmatched', { outcome: 'unmatched' }, (s) => s.outcome === 'unmatched'],
    ['usage type', { usageType: 'Register' }, (s) => s.usageType === 'Register'],
    ['window', { from: T0 + 10 * 60_000, to: T0 + 16 * 60_000 }, (s) => s.createdAt >= T0 + 10 * 60_000 && s.createdAt < T0 + 16 * 60_000],
    ['outcome + usage', { outcome: 'delivered', usageType: 'SignIn' }, (s) => s.outcome === 'delivered' && s.usageType === 'SignIn'],
    [
      'outcome + usage + window',
      { outcome: 'pending', usageType: 'Register', from: T0 + 5 * 60_000, to: T0 + 50 * 60_000 },
      (s) => s.outcome === 'pending' && s.usageType === 'Register' && s.createdAt >= T0 + 5 * 60_000 && s.createdAt < T0 + 50 * 60_000,
    ],
  ];

  it.each(cases)('%s: pages return each matching item exactly once, newest first', async (_, query, predicate) => {
    const expected = seeded.filter(predicate).sort(newestFirst).map((s) => s.id);
    expect(expected.length).toBeGreaterThan(0);
    for (const limit of [1, 4, 7, 200]) {
      const { ids, pages } = await listAll(store, { ...query, limit });
      expect(ids).toEqual(expected);
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(expected.length / limit));
    }
  });

  it.each(PHONES)('exact phone %s via its HMAC, alone and combined with filters', async (phone) => {
    const phoneHash = await hashPhone(phone);
    const expected = seeded.filter((s) => s.phone === phone).sort(newestFirst).map((s) => s.id);
    expect((await listAll(store, { phoneHash, limit: 5 })).ids).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
    const expectedCombined = seeded.filter((s) => s.phone === phone && s.outcome === 'delivered' && s.usageType === 'SignIn').sort(newestFirst).map((s) => s.id);
    expect(expectedCombined.length).toBeGreaterThan(0);
    expect((await listAll(store, { phoneHash, outcome: 'delivered', usageType: 'SignIn', limit: 2 })).ids).toEqual(expectedCombined);
  });

  it('pages through many deliveries sharing one millisecond (more ties than the cursor slack)', async () => {
    const { store } = setup();
    const ids = Array.from({ length: 13 }, (_, i) => `tie-${String(i).padStart(2, '0')}`);
    await Promise.all(ids.map((id) => send(store, { id, at: T0 })));
    await send(store, { id: 'older', at: T0 - 1 });
    const expected = [...[...ids].reverse(), 'older'];
    for (const limit of [1, 2, 5]) expect((await listAll(store, { limit })).ids).toEqual(expected);
  });

  it('returns full records with the list page', async () => {
    const page = await store.list({ limit: 3 });
    expect(page.items).toHaveLength(3);
    for (const item of page.items) expect(item).toEqual((await store.get(item.id))?.delivery);
  });

  it('counts pending sends cheaply', async () => {
    expect(await store.pendingCount()).toBe(seeded.filter((s) => s.outcome === 'pending').length);
  });
});

describe('delivery store: stats', () => {
  it('derives totals, per-minute buckets, failure codes and time-to-deliver percentiles from counters', { timeout: 30_000 }, async () => {
    const { store } = setup();
    // Minute 0: 10 sends, 8 delivered after 1..8 s, 1 undelivered, 1 pending. Minute 1: 4 sends, 2 rejected, 2 delivered after 20 s.
    for (let i = 0; i < 10; i++) {
      const { id } = await send(store, { at: T0 + i });
      if (i < 8) await store.applyStatus({ id, code: 1, at: T0 + i + (i + 1) * 1_000 });
      if (i === 8) await store.applyStatus({ id, code: 2, at: T0 + 5_000 });
    }
    for (let i = 0; i < 4; i++) {
      const { id } = await send(store, { at: T0 + MINUTE_MS + i });
      await store.applyStatus({ id, code: i < 2 ? 6 : 1, at: T0 + MINUTE_MS + i + 20_000 });
    }
    await store.applyStatus({ id: 'stray-1', code: 2, at: T0 + 30_000 });

    const stats = await store.stats({ from: T0, to: T0 + 3 * MINUTE_MS });
    expect(stats.resolutionMs).toBe(MINUTE_MS);
    expect(stats.buckets).toEqual([
      { start: T0, sent: 10, delivered: 8, failed: 1, pending: 1, unknown: 0, unmatched: 1, refused: 0 },
      { start: T0 + MINUTE_MS, sent: 4, delivered: 2, failed: 2, pending: 0, unknown: 0, unmatched: 0, refused: 0 },
      { start: T0 + 2 * MINUTE_MS, sent: 0, delivered: 0, failed: 0, pending: 0, unknown: 0, unmatched: 0, refused: 0 },
    ]);
    expect(stats.totals).toMatchObject({ sent: 14, delivered: 10, failed: 3, pending: 1, unknown: 0, deliveryRate: 10 / 13 });
    expect(stats.topFailureCodes).toEqual([
      { code: 6, name: 'rejected', count: 2 },
      { code: 2, name: 'undelivered', count: 1 },
    ]);
    // Samples: 1..8 s and 20 s twice. Median of ten falls in the (3 s, 5 s] bucket; p95 in (15 s, 20 s].
    expect(stats.timeToDeliver.count).toBe(10);
    expect(stats.timeToDeliver.meanMs).toBe(Math.round((36_000 + 40_000) / 10));
    expect(stats.timeToDeliver.p50Ms).toBeGreaterThan(3_000);
    expect(stats.timeToDeliver.p50Ms).toBeLessThanOrEqual(5_000);
    expect(stats.timeToDeliver.p95Ms).toBeGreaterThan(15_000);
    expect(stats.timeToDeliver.p95Ms).toBeLessThanOrEqual(20_000);

    // The same numbers from hour counters.
    const hourly = await store.stats({ from: T0, to: T0 + 8 * HOUR_MS });
    expect(hourly.resolutionMs).toBe(HOUR_MS);
    expect(hourly.buckets[0]).toMatchObject({ sent: 14, delivered: 10, failed: 3, pending: 1 });
    expect(hourly.timeToDeliver).toEqual(stats.timeToDeliver);
  });
});

describe('delivery store: storage hygiene', () => {
  async function allKeys(prefix: string): Promise<string[]> {
    return local.redis.keys(`${prefix}:*`);
  }

  async function dump(key: string): Promise<string> {
    const type = await local.redis.type(key);
    if (type === 'hash') return JSON.stringify(await local.redis.hgetall(key));
    if (type === 'list') return JSON.stringify(await local.redis.lrange(key, 0, -1));
    if (type === 'zset') return JSON.stringify(await local.redis.zrange(key, 0, -1, { withScores: true }));
    return JSON.stringify(await local.redis.get(key));
  }

  it('sets a TTL on every key, and never stores the raw phone number', async () => {
    const { store, prefix } = setup({ retentionDays: 2 });
    const a = await send(store, { phone: '+7 (999) 000-00-12', usageType: 'Register' });
    await store.applyStatus({ id: a.id, code: 1, at: T0 + 1_000, fields: { number: '79990000012', phone: '+79990000012', misc: '7 999 000 00 12' }, forward: true });
    await store.recordForwardAttempt(a.id, { attempt: 1, latencyMs: 5, outcome: 'dead', error: 'gone' });
    const b = await send(store, { phone: PHONES[2], status: null });
    await store.applyStatus({ id: b.id, code: 2, at: T0 + 2_000 });
    await store.applyStatus({ id: 'orphan-1', code: 4, at: T0 + 3_000 });
    await store.recordRefusal({ usageType: 'SignIn', phone: PHONES[1], reason: 'blocked' }, hashPhone);

    const keys = await allKeys(prefix);
    expect(keys.length).toBeGreaterThan(10);
    const retentionMs = 2 * 24 * HOUR_MS;
    for (const key of keys) {
      const ttl = await local.redis.pttl(key);
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(retentionMs + 2 * HOUR_MS + 1);
    }

    const everything = (await Promise.all(keys.map(async (key) => `${key} ${await dump(key)}`))).join('\n');
    for (const phone of PHONES) {
      expect(everything).not.toContain(phone);
      expect(everything).not.toContain(phone.slice(1)); // national part
    }
    expect(everything).not.toMatch(/999[\s-]?000[\s-]?00[\s-]?12/);
    expect(everything).toContain('+7 999 ***-**-12');
  });

  it('trims index entries older than the retention period and never lists them', async () => {
    const { store, clock, keys } = setup({ retentionDays: 1 });
    const old = await send(store, { at: T0 });
    clock.set(T0 + 25 * HOUR_MS);
    expect((await store.list({})).items).toEqual([]);
    const fresh = await send(store, { at: clock.now });
    expect((await store.list({})).items.map((item: Delivery) => item.id)).toEqual([fresh.id]);
    // The write trimmed the stale entry from the indexes it touched.
    expect(await local.redis.zscore(keys.all, old.id)).toBeNull();
    expect(await local.redis.zscore(keys.outcome('pending'), old.id)).toBeNull();
    expect(await local.redis.zscore(keys.all, fresh.id)).toBe(clock.now);
    expect(await store.pendingCount()).toBe(1);
  });
});

describe('delivery store: cost does not grow with the log', () => {
  // 50 deliveries recorded through the store; the large log adds 1950 more copies of such a record
  // straight into the key layout (hash + the indexes a send writes), because the embedded engine runs
  // Lua far too slowly for 2000 scripted writes in a unit test. list() and stats() only read.
  async function seed(count: number) {
    const context = setup();
    const sent: string[] = [];
    for (let i = 0; i < 50; i++) {
      const { id } = await send(context.store, { at: T0 + i * 1_000, usageType: i % 2 ? 'SignIn' : 'Register', phone: PHONES[i % 5 === 4 ? 1 : 0] });
      sent.push(id);
    }
    const template = (await local.redis.hgetall<Record<string, unknown>>(context.keys.message(sent[0]!)))!;
    const phoneHash = String(template.phoneHash);
    for (let start = 50; start < count; start += 250) {
      const pipeline = local.redis.pipeline();
      const members: { score: number; member: string }[] = [];
      for (let i = start; i < Math.min(count, start + 250); i++) {
        const member = { score: T0 + i * 1_000, member: `bulk-${i}` };
        members.push(member);
        pipeline.hset(context.keys.message(member.member), { ...template, id: member.member, createdAt: member.score });
      }
      const [first, ...rest] = members;
      for (const key of [context.keys.all, context.keys.outcome('pending'), context.keys.usage('Register'), context.keys.phone(phoneHash)]) {
        pipeline.zadd(key, first!, ...rest);
      }
      await pipeline.exec();
    }
    expect(await local.redis.zcard(context.keys.all)).toBe(count);
    return context;
  }

  async function commandsFor(action: () => Promise<unknown>): Promise<number> {
    local.server.resetStats();
    await action();
    return local.server.stats().commands;
  }

  it('list({limit: 20}), stats() and pendingCount() cost the same on 50 and 2000 deliveries', { timeout: 60_000 }, async () => {
    const small = await seed(50);
    const large = await seed(2000);

    const phoneHash = await hashPhone(PHONES[0]);
    for (const query of [{ limit: 20 }, { limit: 20, outcome: 'pending' as const }, { limit: 20, usageType: 'Register' }, { limit: 20, phoneHash }]) {
      const smallCost = await commandsFor(() => small.store.list(query));
      const largeCost = await commandsFor(() => large.store.list(query));
      expect(largeCost, JSON.stringify(query)).toBe(smallCost);
      expect(smallCost, JSON.stringify(query)).toBe(21); // one ZRANGE, twenty HGETALLs
    }
    // The second page costs the same as the first.
    const firstPage = await large.store.list({ limit: 20 });
    expect(await commandsFor(() => large.store.list({ limit: 20, cursor: firstPage.nextCursor }))).toBe(21);

    const window = { from: T0, to: T0 + HOUR_MS };
    expect(await commandsFor(() => large.store.stats(window))).toBe(await commandsFor(() => small.store.stats(window)));
    expect(await commandsFor(() => large.store.pendingCount())).toBe(1);

    // Combined filters whose matches sit below ~2000 non-matching entries of the driving index: each
    // page stops after COMBINED_FILTER_MAX_ROUNDS reads (two commands each) and hands back a cursor;
    // paging on finds every match exactly once.
    const failed = [...(await large.store.list({ phoneHash, limit: 200, from: T0, to: T0 + 50_000 })).items].slice(-2);
    for (const item of failed) await large.store.applyStatus({ id: item.id, code: 2, at: T0 + 60_000 });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      let page: Awaited<ReturnType<DeliveryStore['list']>> | undefined;
      const cost = await commandsFor(async () => {
        page = await large.store.list({ phoneHash, outcome: 'failed', limit: 20, cursor });
      });
      expect(cost).toBeLessThanOrEqual(2 * COMBINED_FILTER_MAX_ROUNDS + 20);
      seen.push(...page!.items.map((item) => item.id));
      cursor = page!.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    expect(pages).toBeGreaterThan(1);
    expect(seen).toEqual(failed.map((item) => item.id));
  });
});

describe('keys', () => {
  it('are versioned and namespaced', () => {
    const keys = deliveryKeys();
    expect(keys.message('42')).toBe('v1:dl:msg:42');
    expect(keys.all).toBe('v1:dl:idx:all');
    expect(OUTCOMES.map((outcome) => keys.outcome(outcome))).toEqual(['v1:dl:idx:outcome:pending', 'v1:dl:idx:outcome:delivered', 'v1:dl:idx:outcome:failed', 'v1:dl:idx:outcome:unknown']);
    expect(keys.minuteCounter('202612031200')).toBe('v1:dl:ctr:m:202612031200');
  });
});
