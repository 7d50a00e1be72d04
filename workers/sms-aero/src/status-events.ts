import type { ApplyStatusResult, Delivery } from '../../../lib/deliveries';
import { describeError, log } from './log';
import { forwardJobFor, type ApplyStatusJob } from './queue/jobs';
import type { Services } from './services';

/**
 * Applies one SMS Aero status event to the delivery log (idempotent: duplicates and out-of-order
 * intermediates are no-ops in the store) and, when it changed something and FORWARD_URL is set,
 * queues the Standard Webhooks forward. Throws when the store is unreachable; the caller queues the
 * event instead.
 */
export async function applyAndForward(services: Services, job: ApplyStatusJob): Promise<ApplyStatusResult['result']> {
  const forwarding = services.env.FORWARD_URL !== undefined;
  const { result, delivery } = await services.store.applyStatus({
    id: job.id,
    code: job.code,
    extendStatus: job.extendStatus,
    fields: job.fields,
    at: job.at,
    forward: forwarding,
  });
  log.info('status.received', { id: job.id, code: job.code, result });
  // An unmatched event is a new record (an id we have no send for): receivers hear about it too.
  if (forwarding && delivery && (result === 'applied' || result === 'unmatched')) await queueForward(services, delivery);
  return result;
}

async function queueForward(services: Services, delivery: Delivery): Promise<void> {
  try {
    await services.events.send(forwardJobFor(delivery), { contentType: 'json' });
  } catch (error) {
    // The status itself is stored; only its forward is lost. Say so on the record, where operators look.
    log.error('forward.not_queued', { id: delivery.id, reason: describeError(error) });
    await services.store
      .recordForwardAttempt(delivery.id, { attempt: 1, latencyMs: 0, outcome: 'dead', error: 'could not be queued' })
      .catch(() => undefined);
  }
}
