// The daily cap counts calendar days in one time zone (UTC by default), so "the cap resets at midnight"
// means the operator's midnight. Intl is the only time-zone database available in workerd, edge and
// Node alike.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The canonical IANA name ("europe/moscow" → "Europe/Moscow"), or null if Intl does not know it. */
export function canonicalTimeZone(name: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name.trim() }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

type WallClock = { year: number; month: number; day: number; hour: number; minute: number; second: number };

function wallClock(ms: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** How far the zone's wall clock is ahead of UTC at `ms`. */
function offsetMs(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - (ms - (((ms % 1000) + 1000) % 1000));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "2026-12-03": the calendar day containing `ms` in `timeZone`. */
export function dayOf(ms: number, timeZone = 'UTC'): string {
  const w = wallClock(ms, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** When the day after the one containing `ms` starts in `timeZone` (ms since epoch). */
export function nextDayStart(ms: number, timeZone = 'UTC'): number {
  const w = wallClock(ms, timeZone);
  const midnightAsUtc = Date.UTC(w.year, w.month - 1, w.day + 1);
  // Local midnight = UTC instant minus the offset in force then; a second pass settles DST changes.
  let instant = midnightAsUtc - offsetMs(midnightAsUtc, timeZone);
  instant = midnightAsUtc - offsetMs(instant, timeZone);
  // Zones whose DST change skips midnight start the day at 01:00: still on the old day → one hour on.
  if (dayOf(instant, timeZone) === dayOf(ms, timeZone)) instant += 3_600_000;
  return instant;
}
