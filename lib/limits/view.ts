import type { AuditEntry, CapState } from './cap';
import type { RefusalCounts } from './refusals';

// What the refusals panel shows, computed from the loaded data: the component only renders it.

export type Tone = 'good' | 'warn' | 'bad' | 'idle';

export type CapMeter = { label: string; used: string; cap: string | null; ratio: number | null };

export type LimitsPanelView = {
  refusals: { total: number; rows: { reason: string; label: string; count: number }[] };
  cap: {
    enabled: boolean;
    tone: Tone;
    headline: string;
    day: string;
    resetsAt: string;
    meters: CapMeter[];
    lifted: string | null;
    /** Offer "Lift today's cap": a cap exists and today is not lifted yet. */
    canLift: boolean;
  };
  policy: string[];
  audit: string[];
};

const utc = (ms: number) => `${new Date(ms).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
const number = (n: number) => n.toLocaleString('en-US');
const money = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** Share of a cap used; near 1 is where operators should look. */
const NEAR_CAP = 0.8;

function capView(cap: CapState): LimitsPanelView['cap'] {
  const enabled = cap.countCap !== null || cap.costCap !== null;
  const meters: CapMeter[] = [
    { label: 'Messages today', used: number(cap.count), cap: cap.countCap === null ? null : number(cap.countCap), ratio: cap.countCap ? cap.count / cap.countCap : null },
    { label: 'Spend today (SMS Aero balance)', used: money(cap.spent), cap: cap.costCap === null ? null : money(cap.costCap), ratio: cap.costCap ? cap.spent / cap.costCap : null },
  ];
  const lifted = cap.lifted ? `Lifted for ${cap.day} by ${cap.lifted.by.name ?? cap.lifted.by.id} at ${utc(cap.lifted.at)}.` : null;
  const highest = Math.max(0, ...meters.map((meter) => meter.ratio ?? 0));
  let tone: Tone;
  let headline: string;
  if (cap.policy === null) {
    tone = 'idle';
    headline = 'The relay has not reported its policy yet (it does with its first send).';
  } else if (!enabled) {
    tone = 'warn';
    headline = 'No daily cap: SMS_DAILY_CAP_COUNT and SMS_DAILY_CAP_COST are off.';
  } else if (cap.reached && !cap.lifted) {
    tone = 'bad';
    headline = `Daily ${cap.reached === 'cost' ? 'spend' : 'message'} cap reached: the relay refuses every code until ${utc(cap.resetsAt)}.`;
  } else if (cap.reached) {
    tone = 'warn';
    headline = 'Daily cap reached but lifted: codes are sent until midnight.';
  } else if (highest >= NEAR_CAP) {
    tone = 'warn';
    headline = `${Math.floor(highest * 100)} % of the daily cap used.`;
  } else {
    tone = 'good';
    headline = 'Under the daily cap.';
  }
  return { enabled, tone, headline, day: cap.day, resetsAt: `${utc(cap.resetsAt)} (midnight ${cap.timeZone})`, meters, lifted, canLift: enabled && cap.lifted === null };
}

function policyLines(cap: CapState): string[] {
  const policy = cap.policy;
  if (!policy) return [];
  const list = (limits: string[]) => (limits.length === 0 ? 'off' : limits.join(', '));
  return [
    `Countries: ${policy.countries === '*' ? 'all' : policy.countries.split(',').map((code) => `+${code}`).join(', ')}`,
    `Per number: ${list(policy.perNumber)}`,
    `Per block of ${policy.prefixDigits} digits: ${list(policy.perPrefix)}`,
    `Relay-wide: ${list(policy.global)}`,
    `If the store is down: cap fails ${policy.dailyCap.onStoreError}`,
  ];
}

function auditLine(entry: AuditEntry): string {
  return `${utc(entry.at)}: ${entry.by.name ?? entry.by.id} lifted the cap for ${entry.day} (at ${number(entry.count)} messages, ${money(entry.spent)} spent).`;
}

export function limitsPanelView(data: { cap: CapState; refusals: RefusalCounts; audit: AuditEntry[] }): LimitsPanelView {
  return {
    refusals: { total: data.refusals.total, rows: data.refusals.byReason },
    cap: capView(data.cap),
    policy: policyLines(data.cap),
    audit: data.audit.map(auditLine),
  };
}
