// How a simulated SMS moves through SMS Aero's status codes. The number's last two digits pick the path, so
// tests and demos can ask for a failure without any switches:
//   …00 → queue, transmitted, undelivered (2)
//   …66 → queue, rejected (6) straight away
//   …88 → moderation (8), held there, then delivered
//   anything else → queue (0), transmitted (3), delivered (1)

export const STATUS_NAMES: Readonly<Record<number, string>> = {
  0: 'queue',
  1: 'delivery',
  2: 'undelivered',
  3: 'transmitted',
  4: 'waiting',
  6: 'rejected',
  8: 'moderation',
};

export const FINAL_STATUSES: ReadonlySet<number> = new Set([1, 2, 6]);

export interface Timing {
  queuedMs: number; // first callback (the status the send answered with)
  transmittedMs: number; // handed to the operator
  finalMs: number; // the operator's answer
}

export const DEFAULT_TIMING: Timing = { queuedMs: 300, transmittedMs: 1500, finalMs: 3000 };

export interface StatusStep {
  status: number;
  atMs: number; // after the send
}

export interface Lifecycle {
  initialStatus: number;
  steps: StatusStep[];
}

export function lifecycleFor(number: string, timing: Timing): Lifecycle {
  const { queuedMs, transmittedMs, finalMs } = timing;
  if (number.endsWith('66')) {
    return { initialStatus: 0, steps: [{ status: 0, atMs: queuedMs }, { status: 6, atMs: transmittedMs }] };
  }
  if (number.endsWith('88')) {
    return { initialStatus: 8, steps: [{ status: 8, atMs: queuedMs }, { status: 1, atMs: finalMs }] };
  }
  const finalStatus = number.endsWith('00') ? 2 : 1;
  return {
    initialStatus: 0,
    steps: [
      { status: 0, atMs: queuedMs },
      { status: 3, atMs: transmittedMs },
      { status: finalStatus, atMs: finalMs },
    ],
  };
}

export function statusName(status: number): string {
  return STATUS_NAMES[status] ?? 'unknown';
}
