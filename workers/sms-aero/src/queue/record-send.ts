import { DeliveryInputError, maskPhone } from '../../../../lib/deliveries';
import type { Services } from '../services';
import type { RecordSendJob } from './jobs';

/**
 * A number that masks exactly like the real one: the digits the mask shows, zeros where it hides them.
 * The store's recordSend masks and hashes a raw number itself, but a queued send must not carry one;
 * maskPhone depends only on the visible digits and the length, so this stand-in yields the same mask,
 * and the hasher below returns the HMAC computed from the real number at send time.
 */
export function standInNumber(maskedPhone: string): string {
  const digits = maskedPhone.replace(/\*/g, '0').replace(/\D/g, '');
  let roundTrip: string | null = null;
  try {
    roundTrip = maskPhone(digits);
  } catch {
    // falls through to the refusal below
  }
  // A DeliveryInputError: the consumer drops the job (with a log line) instead of retrying it forever.
  if (roundTrip !== maskedPhone) throw new DeliveryInputError('maskedPhone', 'is not a mask made by maskPhone (does not round-trip)');
  return digits;
}

export async function recordQueuedSend(services: Services, job: RecordSendJob) {
  return services.store.recordSend(
    { id: job.id, usageType: job.usageType, phone: standInNumber(job.maskedPhone), source: job.source, at: job.at, smsAero: job.smsAero },
    async () => job.phoneHash,
  );
}
