import { Agent, request } from 'node:http';
import type { CookieJar } from './cookie-jar';

export type LoadOptions = {
  /** Full URL on localhost / 127.0.0.1 only. */
  url: string;
  /** Each concurrent client starts from a copy of this jar and keeps it up to date, like a browser tab. */
  jar: CookieJar;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
};

export type LoadResult = {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  /** Responses by status code: a protected page answering 307 would mean the session was lost. */
  statuses: Record<number, number>;
  /** Responses carrying any Set-Cookie, and those re-issuing the session cookie. */
  withSetCookie: number;
  withSessionCookie: number;
  errors: number;
};

/**
 * A bounded closed-loop load: `concurrency` clients, each sending its next GET as soon as the previous
 * one's body has been read, for `warmupMs` (discarded) then `durationMs` (measured). Keep-alive sockets,
 * one per client, so connection setup does not dominate.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  if (url.hostname !== 'localhost' && url.hostname !== '127.0.0.1') throw new Error(`the bench only loads localhost, not ${url.hostname}`);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let withSetCookie = 0;
  let withSessionCookie = 0;
  let errors = 0;

  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const stopAt = measureFrom + options.durationMs;

  async function client(): Promise<void> {
    const jar = options.jar.clone();
    while (performance.now() < stopAt) {
      const sent = performance.now();
      try {
        const { status, setCookies } = await get(agent, url, jar.header(url.pathname));
        jar.store(url.pathname, setCookies);
        const done = performance.now();
        if (sent < measureFrom || done > stopAt) continue;
        latencies.push(done - sent);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (setCookies.length > 0) withSetCookie += 1;
        if (setCookies.some((line) => /^(__Secure-)?authjs\.session-token(\.\d+)?=/.test(line))) withSessionCookie += 1;
      } catch {
        if (sent >= measureFrom) errors += 1;
      }
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, client));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const seconds = options.durationMs / 1000;
  return {
    requests: latencies.length,
    seconds,
    requestsPerSecond: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    statuses,
    withSetCookie,
    withSessionCookie,
    errors,
  };
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function get(agent: Agent, url: URL, cookie: string): Promise<{ status: number; setCookies: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { agent, method: 'GET', headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) }, timeout: 30_000 },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => {
          const setCookie = res.headers['set-cookie'];
          resolve({ status: res.statusCode ?? 0, setCookies: Array.isArray(setCookie) ? setCookie : [] });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
