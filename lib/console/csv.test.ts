import { describe, expect, it } from 'vitest';

import { statusFromCode, type Delivery } from '../deliveries';
import { CSV_COLUMNS, csvCell, deliveriesCsv } from './csv';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);

function delivery(overrides: Partial<Delivery> = {}): Delivery {
  return {
    id: '100',
    createdAt: T0,
    usageType: 'SignIn',
    maskedPhone: '+7 999 ***-**-12',
    phoneHash: 'f'.repeat(64),
    status: statusFromCode(1, 'delivery', T0 + 3_000),
    deliveredAt: T0 + 3_000,
    timeToDeliverMs: 3_000,
    source: 'relay',
    forward: { state: 'none', attempts: 0 },
    ...overrides,
  };
}

describe('csvCell', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', `"'\r=1"`],
  ])('neutralises the formula %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('quotes commas, quotes and line breaks (RFC 4180) and leaves plain text alone', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line1\nline2')).toBe('"line1\nline2"');
    expect(csvCell('delivery')).toBe('delivery');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });
});

describe('deliveriesCsv', () => {
  it('writes a BOM, the header and one CRLF line per delivery, masked data only', () => {
    const csv = deliveriesCsv([delivery(), delivery({ id: '101', status: statusFromCode(2, '=cmd|" /C calc"!A0', T0 + 9_000), deliveredAt: undefined, timeToDeliverMs: undefined })]);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    // The mask starts with "+": a spreadsheet would read it as a formula too, so it gets the apostrophe.
    expect(lines[1]).toBe("100,2026-12-03T12:00:00.000Z,'+7 999 ***-**-12,SignIn,relay,delivered,1,delivery,delivery,2026-12-03T12:00:03.000Z,2026-12-03T12:00:03.000Z,3000,none,0,,");
    expect(lines[2]).toContain(`,failed,2,undelivered,"'=cmd|"" /C calc""!A0",`);
    expect(lines[3]).toBe('');
    expect(csv).not.toContain('f'.repeat(64));
  });

  it('keeps refusal reasons and forward state', () => {
    const csv = deliveriesCsv([delivery({ id: 'r-1', refusal: { reason: '@bad reason' }, forward: { state: 'dead', attempts: 8, lastStatus: 500 } })]);
    expect(csv).toContain(",dead,8,500,'@bad reason\r\n");
  });
});
