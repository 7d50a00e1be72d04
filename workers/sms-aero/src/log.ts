// Structured JSON logs, one object per line (Workers Logs indexes the fields). Callers pass only
// PII-free values: ids, usage types, status codes, counts, latencies, error kinds. Never a phone
// number (raw or masked), an SMS text, an OTP code, a token or a secret.

type LogValue = string | number | boolean | null | undefined | readonly string[];
export type LogFields = Record<string, LogValue>;
type Level = 'info' | 'warn' | 'error';

const sinks: Record<Level, (line: string) => void> = {
  info: (line) => console.log(line),
  warn: (line) => console.warn(line),
  error: (line) => console.error(line),
};

function write(level: Level, event: string, fields: LogFields): void {
  const entry: Record<string, LogValue> = { level, event };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) entry[key] = value;
  sinks[level](JSON.stringify(entry));
}

export const log = {
  info: (event: string, fields: LogFields = {}) => write('info', event, fields),
  warn: (event: string, fields: LogFields = {}) => write('warn', event, fields),
  error: (event: string, fields: LogFields = {}) => write('error', event, fields),
};

/**
 * A short description of a caught error for logs. Messages of network and Redis errors help operators,
 * but @upstash/redis appends the failed command with its arguments ("command was: …") and other
 * messages may quote input, so that tail is cut and digit runs that could be a phone number are masked.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const message = error.message.split(/,? command was/i)[0] ?? '';
  const scrubbed = message.replace(/\+?\d[\d\s()-]{5,}\d/g, '[redacted]').slice(0, 200);
  return scrubbed ? `${error.name}: ${scrubbed}` : error.name;
}
