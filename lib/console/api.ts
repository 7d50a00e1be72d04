import { DeliveryInputError, MAX_LIST_LIMIT, type Delivery, type DeliveryStore } from '../deliveries';
import { checkId } from '../deliveries/fields';
import { deliveriesCsv } from './csv';
import { currentDetailEtag, currentEtag, loadDetail, loadList, StoreUnavailableError } from './data';
import { etagMatches } from './etag';
import { parseConsoleQuery, resolveWindow, type ConsoleQuery } from './query';
import { consoleStore, type StoreAccess } from './store';

// The console's JSON and CSV endpoints. Route handlers check the operator role and call these; they
// take the store as a dependency so tests can count what a request costs.

export type ApiDeps = { store: () => StoreAccess; now: () => number };
const defaults: ApiDeps = { store: () => consoleStore(), now: Date.now };

/** Most rows one CSV export reads (in pages of MAX_LIST_LIMIT). */
export const EXPORT_MAX_ROWS = 5_000;

// Polling clients must revalidate every time; nothing here may sit in a shared cache.
const PRIVATE = { 'Cache-Control': 'private, no-cache', Vary: 'Cookie' };

function json(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...PRIVATE, ...headers } });
}

function storeUnreachable(reason: 'unconfigured' | 'unreachable'): Response {
  const message =
    reason === 'unconfigured'
      ? 'The delivery log is not configured: set KV_REST_API_URL and KV_REST_API_TOKEN.'
      : 'The delivery log (Upstash Redis) did not answer; try again shortly.';
  return json({ error: 'store_unreachable', reason, message }, 503, { 'Retry-After': '5' });
}

/** Runs `work` with the store, mapping "not configured", "did not answer" and bad input to JSON. */
async function withStore(deps: ApiDeps, work: (store: DeliveryStore) => Promise<Response>): Promise<Response> {
  const access = deps.store();
  if (!access.ok) return storeUnreachable('unconfigured');
  try {
    return await work(access.store);
  } catch (error) {
    if (error instanceof StoreUnavailableError) {
      console.warn(`[console] delivery log unreachable: ${error.message}`);
      return storeUnreachable('unreachable');
    }
    if (error instanceof DeliveryInputError) return json({ error: 'invalid_query', param: error.field, message: error.message }, 400);
    throw error;
  }
}

function parseOr400(request: Request): { query: ConsoleQuery } | { response: Response } {
  const parsed = parseConsoleQuery(new URL(request.url).searchParams);
  return parsed.ok ? { query: parsed.query } : { response: json(parsed.error, 400) };
}

function notModified(etag: string): Response {
  return new Response(null, { status: 304, headers: { ...PRIVATE, ETag: etag } });
}

/** What leaves the server: the phone HMAC stays behind (the mask is what people read). */
export function publicDelivery(delivery: Delivery): Omit<Delivery, 'phoneHash'> {
  const { phoneHash: _omitted, ...rest } = delivery;
  return rest;
}

/** GET/HEAD /api/deliveries?…filters: the rows, newest first; If-None-Match → 304 for one GET. */
export async function listResponse(request: Request, deps: ApiDeps = defaults): Promise<Response> {
  const parsed = parseOr400(request);
  if ('response' in parsed) return parsed.response;
  const { query } = parsed;
  return withStore(deps, async (store) => {
    const ifNoneMatch = request.headers.get('if-none-match');
    if (ifNoneMatch || request.method === 'HEAD') {
      const etag = await currentEtag(store, query, deps.now());
      if (etagMatches(ifNoneMatch, etag)) return notModified(etag);
      // A poller only needs to know that something changed; it re-renders the page itself.
      if (request.method === 'HEAD') return new Response(null, { status: 200, headers: { ...PRIVATE, ETag: etag } });
    }
    const view = await loadList(store, query, deps.now());
    return json(
      { items: view.rows.map(publicDelivery), nextCursor: view.nextCursor, version: view.version, window: view.window, ...(view.lookup ? { lookup: view.lookup } : {}) },
      200,
      { ETag: view.etag },
    );
  });
}

/** GET/HEAD /api/deliveries/:id: one message with its timeline. */
export async function detailResponse(request: Request, rawId: string, deps: ApiDeps = defaults): Promise<Response> {
  let id: string;
  try {
    id = checkId(rawId);
  } catch {
    return json({ error: 'invalid_query', param: 'id', message: 'id must be an SMS Aero message id (1–64 letters, digits, ".", "_", "-")' }, 400);
  }
  return withStore(deps, async (store) => {
    const ifNoneMatch = request.headers.get('if-none-match');
    if (ifNoneMatch || request.method === 'HEAD') {
      const etag = await currentDetailEtag(store, id);
      if (etagMatches(ifNoneMatch, etag)) return notModified(etag);
      if (request.method === 'HEAD') return new Response(null, { status: 200, headers: { ...PRIVATE, ETag: etag } });
    }
    const view = await loadDetail(store, id);
    if (!view.delivery) return json({ error: 'not_found', message: `No message ${id} in the delivery log (it may have expired).` }, 404, { ETag: view.etag });
    return json({ delivery: publicDelivery(view.delivery), timeline: view.timeline }, 200, { ETag: view.etag });
  });
}

/** GET /api/deliveries/export?…filters: CSV of every row the filters match (from the newest, capped). */
export async function exportResponse(request: Request, deps: ApiDeps = defaults): Promise<Response> {
  const parsed = parseOr400(request);
  if ('response' in parsed) return parsed.response;
  const query: ConsoleQuery = { ...parsed.query, limit: MAX_LIST_LIMIT };
  delete query.cursor;
  return withStore(deps, async (store) => {
    const rows: Delivery[] = [];
    let truncated = false;
    let cursor: string | null | undefined;
    do {
      const view = await loadList(store, { ...query, ...(cursor ? { cursor } : {}) }, deps.now());
      rows.push(...view.rows);
      cursor = view.nextCursor;
      if (rows.length >= EXPORT_MAX_ROWS) {
        truncated = cursor !== null || rows.length > EXPORT_MAX_ROWS;
        rows.length = Math.min(rows.length, EXPORT_MAX_ROWS);
        break;
      }
    } while (cursor);
    const window = resolveWindow(query.window, deps.now());
    const stamp = new Date(window.to).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
    return new Response(deliveriesCsv(rows), {
      status: 200,
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="deliveries-${stamp}.csv"`,
        'Cache-Control': 'private, no-store',
        'X-Export-Rows': String(rows.length),
        'X-Export-Truncated': truncated ? 'true' : 'false',
      },
    });
  });
}
