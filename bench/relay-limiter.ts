// `npm run bench:limiter` — what the SMS-pumping defence costs a relay call, and a scripted attack.
//
// Starts the local stack on free ports: the Upstash-REST store (embedded engine, or a real Redis in
// database 5 of REDIS_URL, emptied before and after), the SMS Aero simulator, and the relay Worker under
// `wrangler dev` (real workerd) three times: limits off, limits on, and the default policy for the burst.
//   1. Latency: N sequential relay calls per Worker (interleaved on/off, after a warm-up), p50/p95/mean,
//      plus the store requests and commands one call costs.
//   2. Burst: 100 code requests (all at once by default) to numbers of one 8-digit block through the default policy:
//      allowed, refused by reason, and SMS the simulator received (must equal allowed), then what the
//      console reads (refusal counters, refused records).
// Numbers only; nothing here asserts timings. Options: --n=200 --warmup=20 --burst=100 --concurrency=100.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { Redis } from '@upstash/redis';
import IORedis from 'ioredis';

import { startSmsAeroSimulator } from '../dev/smsaero-simulator/server';
import { startStoreServer } from '../dev/store/server';
import { createDeliveryStore } from '../lib/deliveries';
import { readCapState, refusalCounts } from '../lib/limits';

const args = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]));
const N = Number(args.n ?? 200);
const WARMUP = Number(args.warmup ?? 20);
const BURST = Number(args.burst ?? 100);
const CONCURRENCY = Number(args.concurrency ?? BURST);

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const wranglerBin = join(dirname(require.resolve('wrangler/package.json')), 'bin/wrangler.js');
const STORE_TOKEN = 'bench-store-token';
const RELAY_TOKEN = 'bench-relay-token-0123456789';
const BENCH_DB = 5;

const connector = {
  email: 'dev@example.test',
  apiKey: 'dev-smsaero-key',
  senderName: 'SMS Aero',
  templates: ['SignIn', 'Register', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, content: 'Your code is {{code}}' })),
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function emptyDatabase(url: string | undefined) {
  if (!url) return;
  const client = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  await client.flushdb();
  client.disconnect();
}

type Worker = { name: string; url: string; output: string[] };

const children: ChildProcess[] = [];

async function startWorker(name: string, vars: Record<string, string>, dataDir: string): Promise<Worker> {
  const port = await freePort();
  // Its own inspector port too: wrangler's default (9229) is taken by any other `wrangler dev`.
  const inspectorPort = await freePort();
  const envFile = join(dataDir, `${name}.dev.vars`);
  writeFileSync(envFile, Object.entries(vars).map(([key, value]) => `${key}='${value}'`).join('\n') + '\n');
  const child = spawn(
    process.execPath,
    [wranglerBin, 'dev', '-c', 'workers/sms-aero/wrangler.toml', '--port', String(port), '--ip', '127.0.0.1', '--env-file', envFile, '--show-interactive-dev-session=false', '--persist-to', join(dataDir, name), '--inspector-port', String(inspectorPort), '--log-level', 'warn'],
    { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker ${name} did not start:\n${output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { name, url, output };
}

let sequence = 0;
/** A Russian mobile number; distinct across the run, spread over many 8-digit blocks. */
function spreadNumber(): string {
  sequence += 1;
  const block = String((sequence * 7919) % 10_000).padStart(4, '0');
  return `7999${block}${String(100 + (sequence % 800)).padStart(3, '0')}`;
}

async function relay(worker: Worker, to: string): Promise<{ status: number; ms: number; body: { reason?: string; error?: string } }> {
  const started = performance.now();
  const response = await fetch(`${worker.url}/v1/logto/sms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: RELAY_TOKEN },
    body: JSON.stringify({ to, type: 'SignIn', payload: { code: '123456' } }),
  });
  const body = (await response.json()) as { reason?: string; error?: string };
  return { status: response.status, ms: performance.now() - started, body };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
const fmt = (ms: number) => ms.toFixed(2).padStart(7);

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-limiter-'));
  const redisUrl = process.env.REDIS_URL ? `${process.env.REDIS_URL.replace(/\/\d*$/, '')}/${BENCH_DB}` : undefined;
  await emptyDatabase(redisUrl);
  const store = await startStoreServer({ port: 0, token: STORE_TOKEN, ...(redisUrl ? { redisUrl } : {}) });
  // No status callbacks during the run (they would load the Worker while it is measured).
  const simulator = await startSmsAeroSimulator({ port: 0, balance: 10_000_000, timing: { queuedMs: 3_600_000, transmittedMs: 3_600_000, finalMs: 3_600_000 } });
  const base = {
    SMSAERO_CONNECTOR: JSON.stringify(connector),
    SMSAERO_API_URL: simulator.apiUrl,
    SMS_RELAY_TOKEN: RELAY_TOKEN,
    CALLBACK_TOKEN: 'bench-callback-token-0123456789',
    PUBLIC_URL: 'http://127.0.0.1:9',
    PHONE_HASH_KEY: 'bench-phone-hash-key-0123456789',
    KV_REST_API_URL: store.url,
    KV_REST_API_TOKEN: STORE_TOKEN,
  };
  const off = { SMS_LIMITS_KEY_PREFIX: 'bench-off:lim', SMS_ALLOWED_COUNTRY_CODES: '*', SMS_LIMIT_PER_NUMBER: 'off', SMS_LIMIT_PER_PREFIX: 'off', SMS_LIMIT_GLOBAL: 'off', SMS_DAILY_CAP_COUNT: 'off', SMS_DAILY_CAP_COST: 'off' };
  // Every check of the default policy (2 per-number windows, block, relay-wide, daily cap), with budgets
  // large enough that N distinct numbers are never refused: the cost measured is the checks themselves.
  const on = { SMS_LIMIT_GLOBAL: '1000000/1m', SMS_DAILY_CAP_COUNT: '1000000', SMS_DAILY_CAP_COST: '100000000', SMS_LIMITS_KEY_PREFIX: 'bench-on:lim' };

  const workers: Worker[] = [];
  try {
    const workerOff = await startWorker('limits-off', { ...base, ...off }, dataDir);
    const workerOn = await startWorker('limits-on', { ...base, ...on }, dataDir);
    const workerBurst = await startWorker('default-policy', base, dataDir);
    workers.push(workerOff, workerOn, workerBurst);
    console.log(`store: ${store.backend}; SMS Aero simulator; relay Worker under wrangler dev (workerd), Node ${process.version}\n`);

    // 1. Latency ---------------------------------------------------------------------------------------
    for (let i = 0; i < WARMUP; i++) {
      await relay(workerOff, spreadNumber());
      await relay(workerOn, spreadNumber());
    }
    const costPerCall: Record<string, { requests: number; commands: number }> = {};
    for (const worker of [workerOff, workerOn]) {
      // Settled after the reply (waitUntil): give the previous calls' writes a moment, then count 20.
      await new Promise((resolve) => setTimeout(resolve, 300));
      store.resetStats();
      for (let i = 0; i < 20; i++) await relay(worker, spreadNumber());
      await new Promise((resolve) => setTimeout(resolve, 300));
      const stats = store.stats();
      costPerCall[worker.name] = { requests: stats.requests / 20, commands: stats.commands / 20 };
    }
    const samples: Record<string, number[]> = { 'limits-off': [], 'limits-on': [] };
    for (let i = 0; i < N; i++) {
      for (const worker of i % 2 === 0 ? [workerOff, workerOn] : [workerOn, workerOff]) {
        const result = await relay(worker, spreadNumber());
        if (result.status !== 200) throw new Error(`${worker.name}: call ${i} answered ${result.status} ${JSON.stringify(result.body)}`);
        samples[worker.name]!.push(result.ms);
      }
    }
    const rows = Object.entries(samples).map(([name, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { name, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), mean: values.reduce((a, b) => a + b, 0) / values.length };
    });
    console.log(`Relay call latency: POST /v1/logto/sms, ${N} sequential calls per Worker (interleaved), after ${WARMUP} warm-up calls each`);
    console.log('| limits     |  p50 ms |  p95 ms | mean ms | store requests/call | store commands/call |');
    console.log('|------------|---------|---------|---------|---------------------|---------------------|');
    for (const row of rows) {
      const cost = costPerCall[row.name]!;
      console.log(`| ${row.name.padEnd(10)} | ${fmt(row.p50)} | ${fmt(row.p95)} | ${fmt(row.mean)} | ${cost.requests.toFixed(1).padStart(19)} | ${cost.commands.toFixed(1).padStart(19)} |`);
    }
    const [offRow, onRow] = rows as [(typeof rows)[number], (typeof rows)[number]];
    console.log(`| added      | ${fmt(onRow.p50 - offRow.p50)} | ${fmt(onRow.p95 - offRow.p95)} | ${fmt(onRow.mean - offRow.mean)} |                     |                     |`);
    console.log('(store requests/commands include the delivery-log write and, with limits, the spend update after the reply)\n');

    // 2. Burst -----------------------------------------------------------------------------------------
    const block = '79995555';
    const numbers = Array.from({ length: BURST }, (_, i) => `${block}${String(i).padStart(3, '0')}`);
    const from = Date.now() - 1000;
    const results: Awaited<ReturnType<typeof relay>>[] = [];
    for (let i = 0; i < numbers.length; i += CONCURRENCY) {
      results.push(...(await Promise.all(numbers.slice(i, i + CONCURRENCY).map((number) => relay(workerBurst, number)))));
    }
    const refusedBy = new Map<string, number>();
    for (const result of results) if (result.status !== 200) refusedBy.set(`${result.status} ${result.body.reason ?? result.body.error}`, (refusedBy.get(`${result.status} ${result.body.reason ?? result.body.error}`) ?? 0) + 1);
    const allowed = results.filter((result) => result.status === 200).length;
    const received = simulator.inbox().filter((message) => message.number.startsWith(block)).length;
    await new Promise((resolve) => setTimeout(resolve, 1000)); // refusals are recorded after the reply

    const redis = new Redis({ url: store.url, token: STORE_TOKEN, enableTelemetry: false });
    const counts = await refusalCounts(redis, { from, to: Date.now() + 60_000 });
    const refusedRecords = await createDeliveryStore(redis).list({ outcome: 'refused', from, limit: 200 });
    const cap = await readCapState(redis);
    console.log(`Burst: ${BURST} code requests (${CONCURRENCY} at a time) to numbers ${block}000…${block}${String(BURST - 1).padStart(3, '0')} (one 8-digit block), default policy`);
    console.log(`| allowed (200) | refused | by reason | SMS the simulator received |`);
    console.log(`|---------------|---------|-----------|----------------------------|`);
    console.log(`| ${String(allowed).padStart(13)} | ${String(BURST - allowed).padStart(7)} | ${[...refusedBy].map(([reason, count]) => `${reason} × ${count}`).join(', ')} | ${String(received).padStart(26)} |`);
    console.log(`simulator received = allowed: ${received === allowed ? 'yes' : 'NO'}`);
    console.log(`console reads: refusal counters ${counts.byReason.map((entry) => `${entry.reason} × ${entry.count}`).join(', ') || 'none'}; ` +
      `${refusedRecords.items.length} refused records in the delivery log (outcome=refused); today's cap ${cap.count}/${cap.countCap} messages, ${cap.spent.toFixed(2)}/${cap.costCap} spent`);
    if (received !== allowed) process.exitCode = 1;
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
    await simulator.close();
    await store.close();
    await emptyDatabase(redisUrl);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
