// Status callbacks as SMS Aero sends them: POST to the callbackUrl given at send time with `id`, `status`,
// `extendStatus` (form-encoded strings by default, JSON with callbackFormat=JSON) and no signature. SMS Aero
// only says it "waits for status 200"; its retry schedule and ordering are undocumented, so the simulator
// retries a non-200 a few times with exponential backoff and, in chaos mode, duplicates, reorders and delays —
// the receiver has to cope with all of that against the real service too.

export type CallbackFormat = 'form' | 'json';

export interface CallbackPayload {
  id: number;
  status: number;
  extendStatus: string;
  // Not in SMS Aero's documented field list: here so receivers prove they keep or ignore unknown fields.
  dateAnswer: number;
}

export interface CallbackLog {
  messageId: number;
  url: string;
  format: CallbackFormat;
  status: number;
  extendStatus: string;
  attempt: number; // 1 = first try
  copy: number; // 1 = original, 2 = a chaos duplicate
  at: string; // ISO time the attempt finished
  outcome: 'ok' | 'http-error' | 'network-error';
  httpStatus?: number;
  error?: string;
  willRetry: boolean;
}

export interface Chaos {
  duplicateRate?: number; // 0..1: chance a callback is sent twice
  outOfOrderRate?: number; // 0..1: chance a callback is held back until after the next status
  maxExtraDelayMs?: number; // every callback waits 0..this long extra
}

export interface RetryPolicy {
  attempts: number; // total tries per callback, first one included
  baseDelayMs: number; // wait before retry n is baseDelayMs * 2^(n-1)
  timeoutMs: number; // per try
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1000, timeoutMs: 5000 };

export interface CallbackJob {
  url: string;
  format: CallbackFormat;
  payload: CallbackPayload;
  gapToNextMs: number | undefined; // time until the message's next status, if any
}

export class CallbackDispatcher {
  private readonly log: CallbackLog[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private generation = 0;

  constructor(
    private readonly chaos: Required<Chaos>,
    private readonly retry: RetryPolicy,
    private readonly random: () => number,
  ) {}

  dispatch(job: CallbackJob): void {
    const { duplicateRate, outOfOrderRate, maxExtraDelayMs } = this.chaos;
    let delay = maxExtraDelayMs > 0 ? this.random() * maxExtraDelayMs : 0;
    if (job.gapToNextMs !== undefined && outOfOrderRate > 0 && this.random() < outOfOrderRate) {
      // Land after the next status's callback (which itself may wait up to maxExtraDelayMs).
      delay += job.gapToNextMs + maxExtraDelayMs + 50;
    }
    this.later(delay, () => void this.attempt(job, 1, 1));
    if (duplicateRate > 0 && this.random() < duplicateRate) {
      this.later(delay + 10 + this.random() * Math.max(maxExtraDelayMs, 100), () => void this.attempt(job, 1, 2));
    }
  }

  entries(): CallbackLog[] {
    return this.log.map((entry) => ({ ...entry }));
  }

  // Forget everything and drop whatever is scheduled (including retries of callbacks in flight).
  reset(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.log.length = 0;
    this.generation += 1;
  }

  private later(ms: number, run: () => void): void {
    const generation = this.generation;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (generation === this.generation) run();
    }, ms);
    this.timers.add(timer);
  }

  private async attempt(job: CallbackJob, attempt: number, copy: number): Promise<void> {
    const generation = this.generation;
    const { payload } = job;
    const body =
      job.format === 'json'
        ? JSON.stringify(payload)
        : new URLSearchParams(Object.entries(payload).map(([k, v]) => [k, String(v)])).toString();
    let outcome: CallbackLog['outcome'];
    let httpStatus: number | undefined;
    let error: string | undefined;
    try {
      const response = await fetch(job.url, {
        method: 'POST',
        headers: {
          'content-type': job.format === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
          'user-agent': 'smsaero-simulator',
        },
        body,
        signal: AbortSignal.timeout(this.retry.timeoutMs),
      });
      httpStatus = response.status;
      await response.arrayBuffer().catch(() => undefined);
      outcome = response.status === 200 ? 'ok' : 'http-error';
    } catch (cause) {
      outcome = 'network-error';
      error = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
    }
    if (generation !== this.generation) return;
    const willRetry = outcome !== 'ok' && attempt < this.retry.attempts;
    this.log.push({
      messageId: payload.id,
      url: job.url,
      format: job.format,
      status: payload.status,
      extendStatus: payload.extendStatus,
      attempt,
      copy,
      at: new Date().toISOString(),
      outcome,
      ...(httpStatus === undefined ? {} : { httpStatus }),
      ...(error === undefined ? {} : { error }),
      willRetry,
    });
    if (willRetry) this.later(this.retry.baseDelayMs * 2 ** (attempt - 1), () => void this.attempt(job, attempt + 1, copy));
  }
}
