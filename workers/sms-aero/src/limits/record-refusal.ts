import { countRefusal } from '../../../../lib/limits';
import { describeError, log } from '../log';
import type { Services } from '../services';

/**
 * Puts a refused send where operators look: a `refused` record in the delivery log (masked number and
 * HMAC, never the number) and the refusal counter of its reason. Best effort, after the reply; during
 * a store outage both are lost and only the log line remains.
 */
export async function recordRefusal(
  services: Services,
  input: { usageType: string; phone: string; reason: string; detail: string; at: number },
): Promise<void> {
  const { usageType, phone, reason, detail, at } = input;
  const results = await Promise.allSettled([
    services.store.recordRefusal({ usageType, phone, reason: `${reason}: ${detail}`, at }, services.hashPhone),
    countRefusal(services.limitsRedis, reason, { at, prefix: services.env.limits.keyPrefix }),
  ]);
  for (const result of results) {
    if (result.status === 'rejected') log.warn('relay.refusal_not_recorded', { reason: describeError(result.reason) });
  }
}
