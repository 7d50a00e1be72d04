// Local stand-in for Upstash Redis' REST API (port 8079): a real Redis behind it when REDIS_URL is set,
// the embedded ioredis-mock engine otherwise. Run: `npx tsx dev/store/server.ts`.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { portFromEnv, runAsCommand } from '../cli';
import type { CommandOutcome, StoreBackend } from './backend';
import { createEmbeddedBackend } from './embedded-backend';
import { createRedisBackend } from './redis-backend';
import { BadRequest, commandFromPath, encodeReply, parseCommand, parseCommandList } from './rest-protocol';

export const MAX_BODY_BYTES = 1024 * 1024;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

export interface StoreServerOptions {
  port?: number; // 0 = any free port
  host?: string; // loopback only; default 127.0.0.1
  token: string;
  redisUrl?: string;
}

export interface StoreStats {
  commands: number; // Redis commands handed to the engine (a pipeline of 5 counts 5), as Upstash bills them
  requests: number; // HTTP requests received, whatever their outcome
}

export interface StoreServer {
  url: string;
  backend: string;
  close(): Promise<void>;
  stats(): StoreStats;
  resetStats(): void;
}

export async function startStoreServer(options: StoreServerOptions): Promise<StoreServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host)) throw new Error(`store: host must be a loopback address (127.0.0.1, ::1, localhost), got "${host}"`);
  if (!options.token) throw new Error('store: token must be a non-empty string');

  const backend = options.redisUrl ? await createRedisBackend(options.redisUrl) : createEmbeddedBackend();
  const stats: StoreStats = { commands: 0, requests: 0 };
  const expectedToken = Buffer.from(options.token, 'utf8');

  const server = createServer((req, res) => {
    stats.requests += 1;
    handle(req, res, backend, expectedToken, stats).catch((error: unknown) => {
      send(res, 500, { error: `ERR store failed: ${error instanceof Error ? error.message : String(error)}` });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8079, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    backend: backend.description,
    stats: () => ({ ...stats }),
    resetStats: () => {
      stats.commands = 0;
      stats.requests = 0;
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await backend.close();
    },
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  backend: StoreBackend,
  expectedToken: Buffer,
  stats: StoreStats,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://store.local');
  if (req.method !== 'POST' && req.method !== 'GET') {
    return send(res, 405, { error: `ERR method ${req.method ?? ''} not allowed; use POST (or GET for /<command>/<args…>)` }, true);
  }
  if (!authorised(req, url, expectedToken)) return send(res, 401, { error: 'Unauthorized' }, true);

  const body = await readBody(req);
  if (body === undefined) return send(res, 413, { error: `ERR request body is larger than ${MAX_BODY_BYTES} bytes` }, true);

  const base64 = (headerValue(req, 'upstash-encoding') ?? '').toLowerCase() === 'base64';
  const encode = (outcome: CommandOutcome) =>
    outcome.ok ? { result: encodeReply(outcome.value, base64) } : { error: outcome.error };

  try {
    if (req.method === 'POST' && (url.pathname === '/pipeline' || url.pathname === '/multi-exec')) {
      const commands = parseCommandList(parseJson(body));
      stats.commands += commands.length;
      if (url.pathname === '/pipeline') {
        const outcomes = await backend.pipeline(commands);
        const failed = outcomes.find((o) => !o.ok && o.backend);
        if (failed && !failed.ok) return send(res, 503, { error: failed.error });
        return send(res, 200, outcomes.map(encode));
      }
      const transaction = await backend.transaction(commands);
      if (transaction.aborted) return send(res, 400, { error: transaction.error });
      const failed = transaction.results.find((o) => !o.ok && o.backend);
      if (failed && !failed.ok) return send(res, 503, { error: failed.error });
      return send(res, 200, transaction.results.map(encode));
    }

    const command =
      req.method === 'POST' && (url.pathname === '/' || url.pathname === '')
        ? parseCommand(parseJson(body))
        : commandFromPath(url, req.method === 'POST' ? body : '');
    stats.commands += 1;
    const outcome = await backend.execute(command);
    if (outcome.ok) return send(res, 200, encode(outcome));
    return send(res, outcome.backend ? 503 : 400, { error: outcome.error });
  } catch (error) {
    if (error instanceof BadRequest) return send(res, 400, { error: error.message });
    throw error;
  }
}

function authorised(req: IncomingMessage, url: URL, expected: Buffer): boolean {
  const header = headerValue(req, 'authorization') ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  // Upstash also accepts ?_token=… (handy with curl); the header wins when both are present.
  const given = match?.[1] ?? url.searchParams.get('_token');
  if (!given) return false;
  const candidate = Buffer.from(given, 'utf8');
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

// Resolves undefined when the body exceeds the limit, without buffering the rest.
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(headerValue(req, 'content-length') ?? '0');
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      return resolve(undefined);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new BadRequest(`ERR request body is not valid JSON: ${(error as Error).message}`);
  }
}

function send(res: ServerResponse, status: number, payload: unknown, closeConnection = false): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...(closeConnection ? { connection: 'close' } : {}),
  });
  res.end(body);
}

runAsCommand(import.meta.url, 'store', async () => {
  const token = process.env.STORE_TOKEN || 'dev-store-token';
  const store = await startStoreServer({ port: portFromEnv('STORE_PORT', 8079), token, redisUrl: process.env.REDIS_URL || undefined });
  console.log(`store: Upstash-compatible REST API on ${store.url} (${store.backend})`);
  return store;
});
