import { DeliveryInputError, type ForwardAttemptInput } from '../../../../lib/deliveries';
import { loadWorkerEnv, type Bindings } from '../env';
import { deliverWebhook } from '../forward/standard-webhooks';
import { describeError, log } from '../log';
import { servicesFor, type Services } from '../services';
import { applyAndForward } from '../status-events';
import { backoffSeconds, MAX_DELAY_SECONDS } from './backoff';
import { readJob, type DeliveryJob, type ForwardJob } from './jobs';
import { recordQueuedSend } from './record-send';

export const DELIVERY_EVENTS_QUEUE = 'sms-aero-delivery-events';
export const DEAD_LETTER_QUEUE = 'sms-aero-delivery-events-dlq';

/** Store writes retry quickly at first: Redis outages are usually short. */
const STORE_RETRY_BASE_SECONDS = 10;
/** Forward retries follow the usual webhook schedule: 30 s, 1 min, 2 min, … capped at 12 h. */
export const FORWARD_RETRY_BASE_SECONDS = 30;
const MISCONFIGURED_RETRY_SECONDS = 300;

/** Queue handler for both the events queue and its dead-letter queue. */
export async function consumeDeliveryEvents(batch: MessageBatch<unknown>, bindings: Bindings): Promise<void> {
  const loaded = loadWorkerEnv(bindings);
  if (!loaded.ok) {
    // Nothing can be applied without the store settings; keep the events until the config is fixed.
    batch.retryAll({ delaySeconds: MISCONFIGURED_RETRY_SECONDS });
    return;
  }
  const services = servicesFor(loaded.env, bindings.DELIVERY_EVENTS);
  const deadLetter = batch.queue === DEAD_LETTER_QUEUE;
  await Promise.all(batch.messages.map((message) => handle(services, message, deadLetter)));
}

const jobId = (job: DeliveryJob) => (job.kind === 'forward' ? job.event.id : job.id);

async function handle(services: Services, message: Message<unknown>, deadLetter: boolean): Promise<void> {
  const job = readJob(message.body);
  if (!job) {
    log.error('queue.unreadable_message', { queueMessageId: message.id, deadLetter });
    message.ack();
    return;
  }
  try {
    if (job.kind === 'apply-status') await applyAndForward(services, job);
    else if (job.kind === 'record-send') await recordQueuedSend(services, job);
    else if (deadLetter) await buryForward(services, job);
    else {
      await forward(services, job, message);
      return; // forward acks or retries by itself
    }
    if (deadLetter) log.warn('queue.dead_letter_applied', { kind: job.kind, id: jobId(job) });
    message.ack();
  } catch (error) {
    if (error instanceof DeliveryInputError) {
      // The store will refuse this job every time; retrying only delays the rest.
      log.error('queue.job_refused', { kind: job.kind, id: jobId(job), field: error.field });
      message.ack();
      return;
    }
    const delaySeconds = backoffSeconds(message.attempts, STORE_RETRY_BASE_SECONDS);
    const fields = { kind: job.kind, id: jobId(job), attempt: message.attempts, delaySeconds, reason: describeError(error) };
    if (deadLetter) log.error('queue.dead_letter_retry', fields);
    else log.warn('queue.retry', fields);
    message.retry({ delaySeconds });
  }
}

async function noteAttempt(services: Services, id: string, input: ForwardAttemptInput): Promise<void> {
  try {
    await services.store.recordForwardAttempt(id, input);
  } catch (error) {
    // The forward itself went as decided; only its bookkeeping is missing.
    log.warn('forward.attempt_not_recorded', { id, outcome: input.outcome, reason: describeError(error) });
  }
}

/**
 * One delivery attempt of a forward job. 2xx → delivered; a permanent refusal (4xx other than
 * 408/429) or the last allowed attempt → dead; otherwise retried with exponential backoff (or the
 * receiver's Retry-After, if longer). The attempt number is the queue's own delivery count.
 */
async function forward(services: Services, job: ForwardJob, message: Message<unknown>): Promise<void> {
  const { env } = services;
  const id = job.event.id;
  const attempt = message.attempts;
  if (env.FORWARD_URL === undefined || env.FORWARD_SECRET === undefined) {
    await noteAttempt(services, id, { attempt, latencyMs: 0, outcome: 'dead', error: 'FORWARD_URL is no longer set' });
    log.warn('forward.dead', { id, attempt, reason: 'FORWARD_URL unset' });
    message.ack();
    return;
  }

  const result = await deliverWebhook({ url: env.FORWARD_URL, secret: env.FORWARD_SECRET, id: job.webhookId, body: JSON.stringify(job.event) });
  const status = 'status' in result && result.status !== undefined ? { status: result.status } : {};

  if (result.outcome === 'delivered') {
    await noteAttempt(services, id, { attempt, latencyMs: result.latencyMs, outcome: 'delivered', ...status });
    log.info('forward.delivered', { id, attempt, status: result.status, latencyMs: result.latencyMs });
    message.ack();
    return;
  }
  if (result.outcome === 'permanent' || attempt >= env.FORWARD_MAX_ATTEMPTS) {
    await noteAttempt(services, id, { attempt, latencyMs: result.latencyMs, outcome: 'dead', error: result.error, ...status });
    log.warn('forward.dead', { id, attempt, error: result.error, permanent: result.outcome === 'permanent' });
    message.ack();
    return;
  }
  const backoff = backoffSeconds(attempt, FORWARD_RETRY_BASE_SECONDS);
  const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(backoff, result.retryAfterSeconds ?? 0));
  await noteAttempt(services, id, { attempt, latencyMs: result.latencyMs, outcome: 'failed', error: result.error, ...status });
  log.warn('forward.retry', { id, attempt, error: result.error, delaySeconds });
  message.retry({ delaySeconds });
}

/** A forward that exhausted the queue's own retries (e.g. the consumer kept crashing): record it dead. */
async function buryForward(services: Services, job: ForwardJob): Promise<void> {
  await services.store.recordForwardAttempt(job.event.id, {
    attempt: services.env.FORWARD_MAX_ATTEMPTS,
    latencyMs: 0,
    outcome: 'dead',
    error: 'gave up: the queue ran out of retries',
  });
  log.warn('forward.dead', { id: job.event.id, reason: 'dead-letter queue' });
}
