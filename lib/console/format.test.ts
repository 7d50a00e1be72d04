import { describe, expect, it } from 'vitest';

import { formatDuration, formatPercent, formatTime, inertText } from './format';

describe('inertText', () => {
  it('shows CR, LF, tab and other control characters as symbols instead of breaking lines', () => {
    expect(inertText('a\r\nb\tc\u0000d\u007f')).toBe('a␍␊b␉c␀d␡');
  });
  it('neutralises bidirectional overrides that could reorder what is shown', () => {
    expect(inertText('abc\u202Eevil')).toBe('abc\uFFFDevil');
  });
  it('leaves ordinary text (including markup, which React renders as text) unchanged', () => {
    expect(inertText('<img src=x onerror=alert(1)> доставлено')).toBe('<img src=x onerror=alert(1)> доставлено');
  });
});

describe('formatting', () => {
  it('formats times in UTC and durations for people', () => {
    expect(formatTime(Date.UTC(2026, 11, 3, 9, 5, 7))).toBe('2026-12-03 09:05:07');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(3_140)).toBe('3.1 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(2 * 3_600_000 + 60_000)).toBe('2 h 1 min');
    expect(formatDuration(null)).toBe('—');
    expect(formatPercent(0.9876)).toBe('98.8 %');
    expect(formatPercent(1)).toBe('100 %');
    expect(formatPercent(0.2)).toBe('20 %');
    expect(formatPercent(0.9997)).toBe('99.9 %');
    expect(formatPercent(0)).toBe('0 %');
    expect(formatPercent(null)).toBe('—');
  });
});
