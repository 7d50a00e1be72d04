// A scriptable HTTP endpoint for the Worker tests (runs in Node, from global-setup). It stands in for
// whatever the Worker calls besides SMS Aero and the store: the forward target (FORWARD_URL) and the
// Worker's own public URL, where the SMS Aero simulator posts its status callbacks. Every request is
// kept; tests read them back and script answers over HTTP, since they run inside workerd.
//
//   POST /__control/script   {"path": "/hook/x", "responses": [{"status": 500}, {"status": 200}]}
//                            answers for that exact path, in order; the last one repeats
//   GET  /__control/requests?prefix=/hook/x   the requests received under that path prefix
//   anything else            recorded, answered from its script or 200 {"ok":true}
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RecordedRequest = { method: string; path: string; headers: Record<string, string>; body: string; at: number };
type ScriptedResponse = { status: number; body?: string; headers?: Record<string, string> };

export type Recorder = { url: string; close(): Promise<void> };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startRecorder(): Promise<Recorder> {
  const requests: RecordedRequest[] = [];
  const scripts = new Map<string, ScriptedResponse[]>();

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://recorder.local');
      const body = await readBody(req);
      const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(text);
      };

      if (url.pathname === '/__control/script' && req.method === 'POST') {
        const { path, responses } = JSON.parse(body) as { path: string; responses: ScriptedResponse[] };
        scripts.set(path, [...responses]);
        return reply(200, { ok: true });
      }
      if (url.pathname === '/__control/requests' && req.method === 'GET') {
        const prefix = url.searchParams.get('prefix') ?? '/';
        return reply(200, { requests: requests.filter((r) => r.path.startsWith(prefix)) });
      }

      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
      requests.push({ method: req.method ?? 'GET', path: url.pathname, headers, body, at: Date.now() });
      const script = scripts.get(url.pathname);
      const next = script && script.length > 1 ? script.shift() : script?.[0];
      if (!next) return reply(200, { ok: true });
      return reply(next.status, next.body ?? { status: next.status }, next.headers);
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
