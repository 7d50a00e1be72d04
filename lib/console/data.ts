import { DeliveryInputError, type Delivery, type DeliveryStore, type TimelineEntry } from '../deliveries';
import { HOUR_MS, MINUTE_MS } from '../deliveries/keys';
import { MAX_STATS_WINDOW_MS } from '../deliveries/stats';
import { consoleEtag } from './etag';
import { buildHealth, type Health } from './health';
import { dataScope, resolveWindow, type ConsoleQuery, type ResolvedWindow } from './query';

// What one console view reads, with a fixed number of store commands whatever the log's size:
//   version (1) → then together: the page (1 ZRANGE + one HGETALL per row, or 2 for an id lookup),
//   the window's counters (one HGETALL per minute/hour slot, see statsBucketMs), pendingCount (1)
//   and the newest delivered message (2).
// The version is read first, so the ETag can only be older than the data: a write in between makes
// the next poll refresh once more, it never hides a change.

export type ListView = {
  etag: string;
  version: number;
  window: ResolvedWindow;
  rows: Delivery[];
  nextCursor: string | null;
  /** Set for an id lookup: whether that message exists. */
  lookup?: { id: string; found: boolean };
};

export type ConsoleView = ListView & { health: Health };

export type DetailView = { etag: string; version: number; delivery: Delivery; timeline: TimelineEntry[] } | { etag: string; version: number; delivery: null };

/** Store failures the console reports as "store unreachable" (as opposed to bad input). */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DeliveryInputError || error instanceof StoreUnavailableError) throw error;
    throw new StoreUnavailableError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/**
 * Chart buckets for a window: short windows read minute counters (≤ 121 keys for 2 h), longer ones
 * hour counters in whole-hour buckets, at most ~48 bars.
 */
export function statsBucketMs(spanMs: number): number {
  if (spanMs <= 2 * HOUR_MS) return [MINUTE_MS, 5 * MINUTE_MS, 15 * MINUTE_MS].find((bucket) => spanMs / bucket <= 48) ?? 15 * MINUTE_MS;
  return [1, 3, 6, 12, 24].map((hours) => hours * HOUR_MS).find((bucket) => spanMs / bucket <= 48) ?? 24 * HOUR_MS;
}

export function statsWindow(window: ResolvedWindow): { from: number; to: number; bucketMs: number } {
  const to = Math.max(window.to, window.from + 1);
  const from = Math.max(window.from, to - MAX_STATS_WINDOW_MS);
  return { from, to, bucketMs: statsBucketMs(to - from) };
}

async function readPage(store: DeliveryStore, query: ConsoleQuery, window: ResolvedWindow): Promise<Omit<ListView, 'etag' | 'version' | 'window'>> {
  if (query.id) {
    const found = await store.get(query.id);
    return { rows: found ? [found.delivery] : [], nextCursor: null, lookup: { id: query.id, found: found !== null } };
  }
  const page = await store.list({
    ...(query.status ? { outcome: query.status } : {}),
    ...(query.usage ? { usageType: query.usage } : {}),
    ...(query.phone ? { phoneHash: query.phone.hash } : {}),
    from: window.from,
    ...(window.open ? {} : { to: window.to }),
    cursor: query.cursor ?? null,
    limit: query.limit,
  });
  return { rows: page.items, nextCursor: page.nextCursor };
}

export async function currentEtag(store: DeliveryStore, query: ConsoleQuery, now: number): Promise<string> {
  const window = resolveWindow(query.window, now);
  return consoleEtag(await guarded(() => store.version()), dataScope(query, window));
}

/** The rows only (API and polling clients). */
export async function loadList(store: DeliveryStore, query: ConsoleQuery, now: number): Promise<ListView> {
  return guarded(async () => {
    const window = resolveWindow(query.window, now);
    const version = await store.version();
    const page = await readPage(store, query, window);
    return { etag: consoleEtag(version, dataScope(query, window)), version, window, ...page };
  });
}

/** Everything the /deliveries page shows. */
export async function loadConsole(store: DeliveryStore, query: ConsoleQuery, now: number): Promise<ConsoleView> {
  return guarded(async () => {
    const window = resolveWindow(query.window, now);
    const version = await store.version();
    const [page, stats, pendingNow, lastDelivered] = await Promise.all([
      readPage(store, query, window),
      store.stats(statsWindow(window)),
      store.pendingCount(),
      store.list({ outcome: 'delivered', limit: 1 }),
    ]);
    return {
      etag: consoleEtag(version, dataScope(query, window)),
      version,
      window,
      ...page,
      health: buildHealth(stats, pendingNow, lastDelivered.items[0] ?? null),
    };
  });
}

export function detailEtag(version: number, id: string): string {
  return consoleEtag(version, `detail=${id}`);
}

export async function currentDetailEtag(store: DeliveryStore, id: string): Promise<string> {
  return detailEtag(await guarded(() => store.version()), id);
}

export async function loadDetail(store: DeliveryStore, id: string): Promise<DetailView> {
  return guarded(async () => {
    const version = await store.version();
    const found = await store.get(id);
    const etag = detailEtag(version, id);
    return found ? { etag, version, delivery: found.delivery, timeline: found.timeline } : { etag, version, delivery: null };
  });
}
