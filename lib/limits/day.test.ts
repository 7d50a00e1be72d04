import { describe, expect, it } from 'vitest';

import { canonicalTimeZone, dayOf, nextDayStart } from './day';

describe('calendar days in a time zone', () => {
  it('names the day in UTC by default', () => {
    expect(dayOf(Date.UTC(2026, 11, 3, 23, 59, 59))).toBe('2026-12-03');
    expect(nextDayStart(Date.UTC(2026, 11, 3, 12))).toBe(Date.UTC(2026, 11, 4));
    expect(nextDayStart(Date.UTC(2026, 11, 31, 0, 0, 0))).toBe(Date.UTC(2027, 0, 1));
  });

  it('uses the zone\'s midnight: Moscow is UTC+3', () => {
    const lateUtc = Date.UTC(2026, 11, 3, 22, 30); // 01:30 on the 4th in Moscow
    expect(dayOf(lateUtc, 'Europe/Moscow')).toBe('2026-12-04');
    expect(nextDayStart(lateUtc, 'Europe/Moscow')).toBe(Date.UTC(2026, 11, 4, 21));
    expect(nextDayStart(Date.UTC(2026, 11, 3, 20, 59), 'Europe/Moscow')).toBe(Date.UTC(2026, 11, 3, 21));
  });

  it('handles days of 23 and 25 hours across DST changes', () => {
    // Europe/Berlin springs forward on 2026-03-29 and falls back on 2026-10-25.
    expect(nextDayStart(Date.UTC(2026, 2, 29, 10), 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 29, 22));
    expect(nextDayStart(Date.UTC(2026, 2, 28, 10), 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 28, 23));
    expect(nextDayStart(Date.UTC(2026, 9, 25, 10), 'Europe/Berlin')).toBe(Date.UTC(2026, 9, 25, 23));
  });

  it('starts the day at 01:00 where DST skips midnight (America/Santiago, September 2026)', () => {
    const start = nextDayStart(Date.UTC(2026, 8, 5, 15), 'America/Santiago');
    expect(dayOf(start, 'America/Santiago')).toBe('2026-09-06');
    expect(dayOf(start - 1, 'America/Santiago')).toBe('2026-09-05');
  });

  it('knows IANA names and nothing else', () => {
    expect(canonicalTimeZone('europe/moscow')).toBe('Europe/Moscow');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('Mars/Olympus')).toBeNull();
  });
});
