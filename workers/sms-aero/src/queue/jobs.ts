import type { Delivery } from '../../../../lib/deliveries';

// Messages on the `sms-aero-delivery-events` queue. None carries a raw phone number, an SMS text or
// an OTP code: queues are storage too.

/** A status callback the store could not take when it arrived. `at` is the arrival time, so a late
 * application still orders it correctly against other callbacks. */
export type ApplyStatusJob = {
  kind: 'apply-status';
  id: string;
  code: number;
  extendStatus: string | null;
  fields: Record<string, string | number | boolean | null>;
  at: number;
};

/** A send SMS Aero accepted but the store could not record: the number only as mask and HMAC. */
export type RecordSendJob = {
  kind: 'record-send';
  id: string;
  usageType: string;
  source: 'relay' | 'test';
  maskedPhone: string;
  phoneHash: string;
  at: number;
  smsAero: { status: number | null; extendStatus: string | null };
};

export type ForwardEvent = {
  type: 'sms.status';
  id: string;
  usageType: string | null;
  maskedPhone: string | null;
  status: { code: number | null; name: string; outcome: string; final: boolean; extendStatus: string | null };
  /** When the status reached the relay (ISO 8601). */
  at: string;
};

/** One status change to deliver to FORWARD_URL. webhookId stays the same across retries. */
export type ForwardJob = { kind: 'forward'; webhookId: string; event: ForwardEvent };

export type DeliveryJob = ApplyStatusJob | RecordSendJob | ForwardJob;

export function forwardJobFor(delivery: Delivery): ForwardJob {
  const { status } = delivery;
  return {
    kind: 'forward',
    webhookId: `msg_${delivery.id}_${status.code ?? 'none'}_${status.at}`,
    event: {
      type: 'sms.status',
      id: delivery.id,
      usageType: delivery.usageType,
      maskedPhone: delivery.maskedPhone,
      status: { code: status.code, name: status.name, outcome: status.outcome, final: status.final, extendStatus: status.extendStatus },
      at: new Date(status.at).toISOString(),
    },
  };
}

/** Which jobs a (possibly older or newer) message body is; anything else is dropped with a log line. */
export function readJob(body: unknown): DeliveryJob | null {
  if (typeof body !== 'object' || body === null) return null;
  const job = body as Partial<DeliveryJob>;
  if (job.kind === 'apply-status' && typeof job.id === 'string' && typeof job.code === 'number' && typeof job.at === 'number') return job as ApplyStatusJob;
  if (job.kind === 'record-send' && typeof job.id === 'string' && typeof job.phoneHash === 'string' && typeof job.maskedPhone === 'string') return job as RecordSendJob;
  if (job.kind === 'forward' && typeof job.webhookId === 'string' && typeof job.event === 'object' && job.event !== null) return job as ForwardJob;
  return null;
}
