import type { Services } from '../services';
import type { RecordSendJob } from './jobs';

/** A send SMS Aero accepted while the log was unreachable: the job carries the mask and HMAC, never the number. */
export async function recordQueuedSend(services: Services, job: RecordSendJob) {
  return services.store.recordSend(
    {
      id: job.id,
      usageType: job.usageType,
      phone: { maskedPhone: job.maskedPhone, phoneHash: job.phoneHash },
      source: job.source,
      at: job.at,
      smsAero: job.smsAero,
    },
    services.hashPhone,
  );
}
