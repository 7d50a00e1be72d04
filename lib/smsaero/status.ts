export type SmsAeroOutcome = 'delivered' | 'failed' | 'pending' | 'unknown';

export type SmsAeroStatusDescription = {
  code: number;
  name: string;
  label: string;
  outcome: SmsAeroOutcome;
  final: boolean;
};

type KnownStatus = Omit<SmsAeroStatusDescription, 'code'>;

// SMS Aero API v2 status codes. 5 and 7 are not documented; they go through as unknown, never dropped.
export const SMS_AERO_STATUSES: Readonly<Record<number, KnownStatus>> = Object.freeze({
  0: { name: 'queue', label: 'Queued', outcome: 'pending', final: false },
  1: { name: 'delivery', label: 'Delivered', outcome: 'delivered', final: true },
  2: { name: 'undelivered', label: 'Not delivered', outcome: 'failed', final: true },
  3: { name: 'transmitted', label: 'Transmitted to the operator', outcome: 'pending', final: false },
  4: { name: 'waiting', label: 'Waiting for status', outcome: 'pending', final: false },
  6: { name: 'rejected', label: 'Rejected', outcome: 'failed', final: true },
  8: { name: 'moderation', label: 'On moderation', outcome: 'pending', final: false },
});

export function describeSmsAeroStatus(code: number): SmsAeroStatusDescription {
  const known = Object.hasOwn(SMS_AERO_STATUSES, code) ? SMS_AERO_STATUSES[code] : undefined;
  if (known) return { code, ...known };
  return { code, name: 'unknown', label: `Unknown status ${code}`, outcome: 'unknown', final: false };
}
