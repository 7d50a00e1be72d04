import { Redis } from '@upstash/redis';
import { describe, expect, it, vi } from 'vitest';

import { useLocalStore } from '../../tests/support/local-store';
import { createDeliveryStore, createPhoneHasher, deliveryKeys } from '../deliveries';
import { detailResponse, exportResponse, listResponse, type ApiDeps } from './api';
import { loadConsole } from './data';
import { parseConsoleQuery, type ConsoleQuery } from './query';

// The console's endpoints against the local Upstash-REST server, which counts the Redis commands each
// request costs: the bound that matters is that a page costs the same on a small and a large log.

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const NOW = T0 + 3_600_000;
const hashPhone = createPhoneHasher('console-test-phone-hash-key');
const PHONES = ['79990000012', '79161234567'] as const;

const local = useLocalStore();

function newLog() {
  const prefix = local.prefix('v1:dl');
  const store = createDeliveryStore(local.redis, { prefix, now: () => NOW });
  const deps: ApiDeps = { store: () => ({ ok: true, store }), now: () => NOW };
  return { store, deps, keys: deliveryKeys(prefix) };
}

let nextId = 500_000;

/** `real` deliveries through the store (scripts, counters), then copies of one record straight into the
 * key layout up to `total` (the embedded engine runs Lua too slowly for thousands of scripted writes). */
async function seed(total: number, real = 50) {
  const log = newLog();
  const ids: string[] = [];
  for (let i = 0; i < real; i++) {
    const id = String(nextId++);
    await log.store.recordSend({ id, usageType: i % 2 ? 'SignIn' : 'Register', phone: PHONES[i % 5 === 4 ? 1 : 0], at: T0 + i * 1_000, smsAero: { status: 0 } }, hashPhone);
    if (i % 3 === 0) await log.store.applyStatus({ id, code: i % 2 ? 1 : 2, at: T0 + i * 1_000 + 2_500 });
    ids.push(id);
  }
  // ids[2]: a pending Register send to PHONES[0], so the copies match the indexes they are added to.
  const template = (await local.redis.hgetall<Record<string, unknown>>(log.keys.message(ids[Math.min(2, ids.length - 1)]!)))!;
  for (let start = real; start < total; start += 250) {
    const pipeline = local.redis.pipeline();
    const members: { score: number; member: string }[] = [];
    for (let i = start; i < Math.min(total, start + 250); i++) {
      const member = { score: T0 - 1_000 - i * 100, member: `bulk-${i}` };
      members.push(member);
      pipeline.hset(log.keys.message(member.member), { ...template, id: member.member, createdAt: member.score });
    }
    const [first, ...rest] = members;
    for (const key of [log.keys.all, log.keys.outcome('pending'), log.keys.usage('Register'), log.keys.phone(String(template.phoneHash))]) pipeline.zadd(key, first!, ...rest);
    await pipeline.exec();
  }
  return { ...log, ids };
}

const request = (path: string, init: RequestInit = {}) => new Request(`http://console.test${path}`, init);

async function commandsFor(action: () => Promise<unknown>): Promise<number> {
  local.server.resetStats();
  await action();
  return local.server.stats().commands;
}

function query(search: string): ConsoleQuery {
  const parsed = parseConsoleQuery(new URLSearchParams(search));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.query;
}

describe('GET /api/deliveries', () => {
  it('answers a bad filter with 400 JSON naming the parameter, before touching the store', async () => {
    const { deps } = newLog();
    const store = vi.fn(deps.store);
    const response = await listResponse(request('/api/deliveries?status=lost'), { ...deps, store });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_query', param: 'status', message: expect.stringContaining('delivered') });
    expect(store).not.toHaveBeenCalled();
    expect((await (await listResponse(request('/api/deliveries?from=soon'), deps)).json()).param).toBe('from');
  });

  it('lists newest first with an ETag, without the phone HMAC', async () => {
    const { deps, ids } = await seed(5, 5);
    const response = await listResponse(request('/api/deliveries?window=7d'), deps);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toMatch(/^W\/"1\.\d+\./);
    expect(response.headers.get('cache-control')).toBe('private, no-cache');
    const body = (await response.json()) as { items: Record<string, unknown>[]; nextCursor: string | null; version: number };
    expect(body.items.map((item) => item.id)).toEqual([...ids].reverse());
    expect(body.items[0]).toMatchObject({ maskedPhone: '+7 916 ***-**-67', usageType: 'Register' });
    expect(body.items.every((item) => !('phoneHash' in item))).toBe(true);
    expect(body.version).toBeGreaterThan(0);
  });

  it('filters and pages with cursors', async () => {
    const { deps, ids } = await seed(20, 20);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await listResponse(request(`/api/deliveries?window=7d&usage=SignIn&limit=4${cursor ? `&cursor=${cursor}` : ''}`), deps);
      const body = (await response.json()) as { items: { id: string; usageType: string }[]; nextCursor: string | null };
      expect(body.items.every((item) => item.usageType === 'SignIn')).toBe(true);
      seen.push(...body.items.map((item) => item.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids.filter((_, i) => i % 2 === 1).reverse());
  });

  it('answers If-None-Match with 304 for one Redis command, and 200 again once the log changes', async () => {
    const { deps, store } = await seed(3, 3);
    const first = await listResponse(request('/api/deliveries'), deps);
    const etag = first.headers.get('etag')!;

    let response: Response | undefined;
    const cost = await commandsFor(async () => {
      response = await listResponse(request('/api/deliveries', { headers: { 'If-None-Match': etag } }), deps);
    });
    expect(response!.status).toBe(304);
    expect(response!.headers.get('etag')).toBe(etag);
    expect(await response!.text()).toBe('');
    expect(cost).toBe(1);

    await store.recordSend({ id: String(nextId++), usageType: 'SignIn', phone: PHONES[0], at: NOW - 1_000 }, hashPhone);
    const changed = await listResponse(request('/api/deliveries', { headers: { 'If-None-Match': etag } }), deps);
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('answers HEAD (the poller) with the ETag and no body, for one command', async () => {
    const { deps } = await seed(3, 3);
    const etag = (await listResponse(request('/api/deliveries'), deps)).headers.get('etag')!;
    let head: Response | undefined;
    expect(await commandsFor(async () => (head = await listResponse(request('/api/deliveries', { method: 'HEAD' }), deps)))).toBe(1);
    expect(head!.status).toBe(200);
    expect(head!.headers.get('etag')).toBe(etag);
    expect(await head!.text()).toBe('');
    const notModified = await listResponse(request('/api/deliveries', { method: 'HEAD', headers: { 'If-None-Match': etag } }), deps);
    expect(notModified.status).toBe(304);
  });

  it('gives different ETags to different filters on the same log', async () => {
    const { deps } = await seed(3, 3);
    const a = (await listResponse(request('/api/deliveries?status=failed'), deps)).headers.get('etag');
    const b = (await listResponse(request('/api/deliveries?status=delivered'), deps)).headers.get('etag');
    expect(a).not.toBe(b);
  });

  it('answers 503 store_unreachable when the store is not configured or does not answer', async () => {
    const unconfigured = await listResponse(request('/api/deliveries'), { store: () => ({ ok: false, reason: 'unconfigured' }), now: () => NOW });
    expect(unconfigured.status).toBe(503);
    expect(await unconfigured.json()).toMatchObject({ error: 'store_unreachable', reason: 'unconfigured', message: expect.stringContaining('KV_REST_API_URL') });

    const dead = new Redis({ url: 'http://127.0.0.1:9', token: 'unused', enableTelemetry: false, retry: false });
    const store = createDeliveryStore(dead);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const unreachable = await listResponse(request('/api/deliveries'), { store: () => ({ ok: true, store }), now: () => NOW });
    expect(unreachable.status).toBe(503);
    expect(await unreachable.json()).toMatchObject({ error: 'store_unreachable', reason: 'unreachable' });
    expect(unreachable.headers.get('retry-after')).toBe('5');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('unreachable'));
    warn.mockRestore();
  });

  it('looks a message up by id', async () => {
    const { deps, ids } = await seed(3, 3);
    const body = (await (await listResponse(request(`/api/deliveries?id=${ids[1]}`), deps)).json()) as { items: { id: string }[]; lookup: unknown };
    expect(body.items.map((item) => item.id)).toEqual([ids[1]]);
    expect(body.lookup).toEqual({ id: ids[1], found: true });
    const missing = (await (await listResponse(request('/api/deliveries?id=404404'), deps)).json()) as { items: unknown[]; lookup: unknown };
    expect(missing).toMatchObject({ items: [], lookup: { id: '404404', found: false } });
  });
});

describe('GET /api/deliveries/:id', () => {
  it('returns the delivery and its timeline, 404 JSON for an unknown id, 400 for a malformed one', async () => {
    const { deps, store } = newLog();
    await store.recordSend({ id: '777', usageType: 'SignIn', phone: PHONES[0], at: T0, smsAero: { status: 0 } }, hashPhone);
    await store.applyStatus({ id: '777', code: 2, extendStatus: '<img src=x onerror=alert(1)>\r\nX-Injected: 1', at: T0 + 2_000, fields: { channel: 'DIRECT' } });
    const response = await detailResponse(request('/api/deliveries/777'), '777', deps);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { delivery: Record<string, unknown>; timeline: { kind: string; extendStatus?: string }[] };
    expect(body.delivery).toMatchObject({ id: '777', status: { code: 2, outcome: 'failed' } });
    expect(body.delivery).not.toHaveProperty('phoneHash');
    expect(body.timeline.map((entry) => entry.kind)).toEqual(['sent', 'status']);
    // Stored and served as data; the page renders it as text (see the e2e test).
    expect(body.timeline[1]?.extendStatus).toBe('<img src=x onerror=alert(1)>\r\nX-Injected: 1');

    const etag = response.headers.get('etag')!;
    expect((await detailResponse(request('/api/deliveries/777', { headers: { 'If-None-Match': etag } }), '777', deps)).status).toBe(304);

    const missing = await detailResponse(request('/api/deliveries/778'), '778', deps);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
    const bad = await detailResponse(request('/api/deliveries/a%20b'), 'a b', deps);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_query', param: 'id' });
  });
});

describe('GET /api/deliveries/export', () => {
  it('exports every matching row as CSV (masked, formula-safe), paging past one store page', async () => {
    const { deps, store, ids } = await seed(450, 10);
    await store.applyStatus({ id: ids[8]!, code: 2, extendStatus: '=HYPERLINK("http://x")', at: T0 + 20_000 });
    const response = await exportResponse(request('/api/deliveries/export?window=7d'), deps);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="deliveries-\d{8}-\d{4}\.csv"$/);
    expect(response.headers.get('x-export-rows')).toBe('450');
    expect(response.headers.get('x-export-truncated')).toBe('false');
    const csv = await response.text();
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(451);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv).not.toMatch(/7999000001[0-9]/);
    expect(csv).not.toContain(await hashPhone(PHONES[0]));

    const failedOnly = await (await exportResponse(request('/api/deliveries/export?window=7d&status=failed'), deps)).text();
    expect(failedOnly.trim().split('\r\n').slice(1).every((line) => line.includes(',failed,'))).toBe(true);
    expect((await exportResponse(request('/api/deliveries/export?usage=bad%20type'), deps)).status).toBe(400);
  });
});

describe('cost of a console page', () => {
  // The whole /deliveries view (loadConsole): version, a page of rows, the window's counters, the
  // pending count and the newest delivered message. Its command count must not depend on the log size.
  it('is the same on 120 and 2000 deliveries, for every kind of filter', { timeout: 60_000 }, async () => {
    // Both logs hold more than a page (50) of matches for every filter, so the page is full in both.
    const small = await seed(120);
    const large = await seed(2000);
    const phoneHash = await hashPhone(PHONES[0]);
    const searches = ['', 'window=7d', 'window=15m', 'status=pending&window=7d', 'usage=Register&window=7d', `phone=${phoneHash}&window=7d`, `id=${small.ids[3]}`];
    const costs: Record<string, number> = {};
    for (const search of searches) {
      const q = query(search);
      const smallCost = await commandsFor(() => loadConsole(small.store, q, NOW));
      const largeCost = await commandsFor(() => loadConsole(large.store, { ...q, ...(q.id ? { id: large.ids[3] } : {}) }, NOW));
      expect(largeCost, search).toBe(smallCost);
      costs[search] = smallCost;
    }
    // version 1 + ZRANGE and 50 rows + pendingCount 1 + newest delivered 2 + the hour counters of the
    // last 24 h (24 here, as NOW is on the hour; 25 otherwise).
    expect(costs['']).toBe(1 + 51 + 1 + 2 + 24);
    // An id lookup reads one hash and its timeline instead of a page.
    expect(costs[`id=${small.ids[3]}`]).toBe(1 + 2 + 1 + 2 + 24);
    for (const cost of Object.values(costs)) expect(cost).toBeLessThanOrEqual(1 + 51 + 8 + 1 + 2 + 169);

    // What a poller costs while nothing changes: one GET, on any log.
    const etag = (await listResponse(request('/api/deliveries'), large.deps)).headers.get('etag')!;
    expect(await commandsFor(() => listResponse(request('/api/deliveries', { method: 'HEAD', headers: { 'If-None-Match': etag } }), large.deps))).toBe(1);
  });
});

