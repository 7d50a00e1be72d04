import type { Delivery } from '../deliveries';

// RFC 4180 CSV of what the console shows, masked data only. Spreadsheets execute cells that start
// with = + - @ (and tab/CR, which some strip first) as formulas; extendStatus and refusal reasons
// come from outside, so every such cell gets a leading apostrophe (OWASP "CSV injection").

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_COLUMNS = [
  'id',
  'created_at',
  'masked_phone',
  'usage_type',
  'source',
  'outcome',
  'status_code',
  'status_name',
  'extend_status',
  'status_at',
  'delivered_at',
  'time_to_deliver_ms',
  'forward_state',
  'forward_attempts',
  'forward_last_status',
  'refusal_reason',
] as const;

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export function deliveryCsvRow(delivery: Delivery): string[] {
  const cells = [
    delivery.id,
    iso(delivery.createdAt),
    delivery.maskedPhone,
    delivery.usageType,
    delivery.source,
    delivery.status.outcome,
    delivery.status.code,
    delivery.status.name,
    delivery.status.extendStatus,
    iso(delivery.status.at),
    iso(delivery.deliveredAt),
    delivery.timeToDeliverMs,
    delivery.forward.state,
    delivery.forward.attempts,
    delivery.forward.lastStatus,
    delivery.refusal?.reason,
  ];
  return cells.map(csvCell);
}

/** The whole file: a BOM (so spreadsheets read UTF-8), a header line, CRLF line ends. */
export function deliveriesCsv(deliveries: readonly Delivery[]): string {
  const lines = [CSV_COLUMNS.join(','), ...deliveries.map((delivery) => deliveryCsvRow(delivery).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
