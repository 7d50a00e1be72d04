// Formatting shared by server components and the client charts. Times are UTC: operators compare
// them with SMS Aero's and the Worker's logs, which are UTC too.

export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

export function formatClock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

export function formatPercent(ratio: number | null): string {
  if (ratio === null) return '—';
  const percent = ratio * 100;
  // Never round a failure away: 99.97 % is "99.9 %", not "100 %".
  const rounded = percent < 100 ? Math.min(99.9, Math.round(percent * 10) / 10) : 100;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} %`;
}

// CR, LF and other control characters become visible symbols (U+2400 block), and bidirectional
// overrides a marker, so untrusted text can neither break a line nor reorder what is shown around it.
const CONTROL = /[\u0000-\u001f\u007f]/g;
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f]/g;

export function inertText(text: string): string {
  return text.replace(CONTROL, (char) => (char === '\u007f' ? '\u2421' : String.fromCharCode(0x2400 + char.charCodeAt(0)))).replace(BIDI, '\ufffd');
}
