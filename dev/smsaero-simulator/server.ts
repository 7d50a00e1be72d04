// Local stand-in for SMS Aero's v2 API (port 8788): Basic auth, sms/send, sms/status, the test-mode twins,
// balance and auth, status callbacks with realistic timing and failures, and a /dev inbox so end-to-end tests
// can read the code a user would have received. Run: `npx tsx dev/smsaero-simulator/server.ts`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { portFromEnv, runAsCommand } from '../cli';
import { CallbackDispatcher, type CallbackFormat, type CallbackLog, type Chaos, DEFAULT_RETRY, type RetryPolicy } from './callbacks';
import { DEFAULT_TIMING, FINAL_STATUSES, lifecycleFor, statusName, type Timing } from './lifecycle';
import {
  collectParams,
  failure,
  first,
  hasValidCredentials,
  INVALID_CREDENTIALS,
  type Params,
  readBody,
  sendJson,
  success,
  WireError,
} from './wire';

export type { CallbackLog, Chaos } from './callbacks';
export type { Timing } from './lifecycle';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);
const COST_PER_SMS = 4.49;
const FIRST_MESSAGE_ID = 100_001;

export interface SmsAeroSimulatorOptions {
  port?: number; // 0 = any free port; default 8788
  host?: string; // loopback only; default 127.0.0.1
  email?: string;
  apiKey?: string;
  timing?: Partial<Timing>;
  chaos?: Chaos;
  callbackRetry?: Partial<RetryPolicy>;
  balance?: number; // starting balance in roubles; sends fail with "no credits" below the price of one SMS
  random?: () => number;
  log?: (line: string) => void;
}

export interface InboxMessage {
  id: number;
  number: string;
  sign: string;
  text: string;
  status: number;
  extendStatus: string;
  test: boolean; // sent with sms/testsend
  createdAt: string; // ISO
}

export interface SmsAeroSimulator {
  url: string; // the server root; the API is under `${url}/v2`
  apiUrl: string; // `${url}/v2`
  close(): Promise<void>;
  inbox(number?: string): InboxMessage[];
  callbacks(): CallbackLog[];
  reset(): void;
}

interface SimulatedSms {
  id: number;
  number: string;
  sign: string;
  text: string;
  status: number;
  cost: string;
  dateCreate: number;
  dateSend: number;
  dateAnswer: number | null;
  test: boolean;
  createdAt: Date;
}

export async function startSmsAeroSimulator(options: SmsAeroSimulatorOptions = {}): Promise<SmsAeroSimulator> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host)) throw new Error(`smsaero-simulator: host must be a loopback address, got "${host}"`);
  const email = options.email ?? 'dev@example.test';
  const apiKey = options.apiKey ?? 'dev-smsaero-key';
  const timing: Timing = { ...DEFAULT_TIMING, ...options.timing };
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => {});
  const startingBalance = options.balance ?? 1000;

  const dispatcher = new CallbackDispatcher(
    { duplicateRate: 0, outOfOrderRate: 0, maxExtraDelayMs: 0, ...options.chaos },
    { ...DEFAULT_RETRY, ...options.callbackRetry },
    random,
  );
  const messages = new Map<number, SimulatedSms>();
  const statusTimers = new Set<NodeJS.Timeout>();
  let nextId = FIRST_MESSAGE_ID;
  let balance = startingBalance;

  const reset = () => {
    for (const timer of statusTimers) clearTimeout(timer);
    statusTimers.clear();
    dispatcher.reset();
    messages.clear();
    nextId = FIRST_MESSAGE_ID;
    balance = startingBalance;
  };

  function schedule(sms: SimulatedSms, callback: { url: string; format: CallbackFormat } | undefined): void {
    const { steps } = lifecycleFor(sms.number, timing);
    steps.forEach((step, index) => {
      const timer = setTimeout(() => {
        statusTimers.delete(timer);
        sms.status = step.status;
        const now = unixSeconds();
        if (FINAL_STATUSES.has(step.status) || index > 0) sms.dateAnswer = now;
        if (!callback) return;
        const next = steps[index + 1];
        dispatcher.dispatch({
          url: callback.url,
          format: callback.format,
          payload: { id: sms.id, status: step.status, extendStatus: statusName(step.status), dateAnswer: now },
          gapToNextMs: next ? next.atMs - step.atMs : undefined,
        });
      }, step.atMs);
      statusTimers.add(timer);
    });
  }

  function send(res: ServerResponse, params: Params, test: boolean): void {
    const numbers = [...(params.get('number') ?? []), ...(params.get('numbers') ?? [])].map((n) => n.trim());
    const sign = (first(params, 'sign') ?? '').trim();
    const text = first(params, 'text') ?? '';
    const callbackUrl = (first(params, 'callbackUrl') ?? '').trim();
    const callbackFormat: CallbackFormat = (first(params, 'callbackFormat') ?? '').toUpperCase() === 'JSON' ? 'json' : 'form';
    const dateSendParam = first(params, 'dateSend');

    const errors: Record<string, string[]> = {};
    const numberField = params.has('numbers') && !params.has('number') ? 'numbers' : 'number';
    if (numbers.length === 0) errors[numberField] = ['Number cannot be blank.'];
    else if (numbers.some((n) => !/^\d{11,15}$/.test(n))) errors[numberField] = ['incorrect'];
    if (text.trim() === '') errors.text = ['Text cannot be blank.'];
    if (sign === '') errors.sign = ['Sign cannot be blank.'];
    if (callbackUrl !== '' && !isHttpUrl(callbackUrl)) errors.callbackUrl = ['incorrect'];
    if (dateSendParam !== undefined && !/^\d+$/.test(dateSendParam)) errors.dateSend = ['incorrect'];
    if (Object.keys(errors).length > 0) return failure(res, 400, 'Validation error.', errors);

    const cost = test ? 0 : COST_PER_SMS * numbers.length;
    if (cost > balance + 1e-9) return failure(res, 400, 'Not enough money on the balance.');
    balance = Math.round((balance - cost) * 100) / 100;

    const now = unixSeconds();
    const sent = numbers.map((number) => {
      const sms: SimulatedSms = {
        id: nextId++,
        number,
        sign,
        text,
        status: lifecycleFor(number, timing).initialStatus,
        cost: (test ? 0 : COST_PER_SMS).toFixed(2),
        dateCreate: now,
        dateSend: dateSendParam ? Number(dateSendParam) : now,
        dateAnswer: null,
        test,
        createdAt: new Date(),
      };
      messages.set(sms.id, sms);
      // Test mode never calls back: SMS Aero's test endpoints send nothing anywhere.
      schedule(sms, !test && callbackUrl ? { url: callbackUrl, format: callbackFormat } : undefined);
      log(`${test ? 'sms/testsend' : 'sms/send'} id=${sms.id} to …${number.slice(-2)}${callbackUrl && !test ? ` callback=${callbackFormat}` : ''}`);
      return sms;
    });
    const wire = sent.map((sms) => toWire(sms, false));
    success(res, numbers.length === 1 && !params.has('numbers') ? wire[0] : wire);
  }

  function status(res: ServerResponse, params: Params, test: boolean): void {
    const idText = (first(params, 'id') ?? '').trim();
    if (!/^\d+$/.test(idText)) return failure(res, 400, 'Validation error.', { id: [idText === '' ? 'Id cannot be blank.' : 'incorrect'] });
    const sms = messages.get(Number(idText));
    if (!sms || sms.test !== test) return failure(res, 404, 'Sms not found.');
    success(res, toWire(sms, true));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator.local');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (req.method !== 'GET' && req.method !== 'POST') return failure(res, 405, 'Method not allowed.');

    if (path.startsWith('/dev/')) {
      await readBody(req);
      if (path === '/dev/inbox' && req.method === 'GET') return sendJson(res, 200, { messages: inbox(url.searchParams.get('number') ?? undefined) });
      if (path === '/dev/callbacks' && req.method === 'GET') return sendJson(res, 200, { callbacks: dispatcher.entries() });
      if (path === '/dev/reset' && req.method === 'POST') {
        reset();
        return sendJson(res, 200, { reset: true });
      }
      return failure(res, 404, 'Not found. Dev endpoints: GET /dev/inbox?number=…, GET /dev/callbacks, POST /dev/reset.');
    }

    if (!path.startsWith('/v2/')) return failure(res, 404, 'Not found. The API lives under /v2/.');
    if (!hasValidCredentials(req, email, apiKey)) return failure(res, 401, INVALID_CREDENTIALS);
    const params = collectParams(url, req.headers['content-type'] ?? '', await readBody(req));

    switch (path) {
      case '/v2/sms/send':
        return send(res, params, false);
      case '/v2/sms/testsend':
        return send(res, params, true);
      case '/v2/sms/status':
        return status(res, params, false);
      case '/v2/sms/teststatus':
        return status(res, params, true);
      case '/v2/balance':
        return success(res, { balance });
      case '/v2/auth':
        return success(res, null);
      default:
        return failure(res, 404, 'Not found.');
    }
  }

  function inbox(number?: string): InboxMessage[] {
    const digits = number?.replace(/\D/g, '');
    return [...messages.values()]
      .filter((sms) => !digits || sms.number === digits)
      .sort((a, b) => b.id - a.id)
      .map((sms) => ({
        id: sms.id,
        number: sms.number,
        sign: sms.sign,
        text: sms.text,
        status: sms.status,
        extendStatus: statusName(sms.status),
        test: sms.test,
        createdAt: sms.createdAt.toISOString(),
      }));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof WireError) return sendJson(res, error.status, error.body);
      failure(res, 500, `Simulator failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8788, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const root = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: root,
    apiUrl: `${root}/v2`,
    inbox,
    callbacks: () => dispatcher.entries(),
    reset,
    close: async () => {
      reset();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function toWire(sms: SimulatedSms, withAnswer: boolean) {
  return {
    id: sms.id,
    from: sms.sign,
    number: sms.number,
    text: sms.text,
    status: sms.status,
    extendStatus: statusName(sms.status),
    channel: 'DIRECT',
    // SMS Aero sends cost as a string at times; clients must parse leniently.
    cost: sms.cost,
    dateCreate: sms.dateCreate,
    dateSend: sms.dateSend,
    ...(withAnswer ? { dateAnswer: sms.dateAnswer } : {}),
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

const CHAOS_PRESET: Chaos = { duplicateRate: 0.2, outOfOrderRate: 0.2, maxExtraDelayMs: 1500 };

runAsCommand(import.meta.url, 'smsaero-simulator', async () => {
  const chaos = process.env.SMSAERO_SIM_CHAOS === '1' ? CHAOS_PRESET : undefined;
  const simulator = await startSmsAeroSimulator({
    port: portFromEnv('SMSAERO_SIM_PORT', 8788),
    email: process.env.SMSAERO_SIM_EMAIL || undefined,
    apiKey: process.env.SMSAERO_SIM_API_KEY || undefined,
    chaos,
    log: (line) => console.log(`smsaero-simulator: ${line}`),
  });
  console.log(`smsaero-simulator: SMS Aero v2 API on ${simulator.apiUrl}${chaos ? ' (chaos mode)' : ''}; inbox at ${simulator.url}/dev/inbox`);
  return simulator;
});
