import { describe, expect, it } from 'vitest';

import { decodeCursor, encodeCursor, isAfter } from './cursor';
import { DeliveryInputError } from './errors';

describe('list cursor', () => {
  it('round-trips and is URL-safe', () => {
    const cursor = encodeCursor({ score: 1_764_777_600_123, id: 'abc-1.2_3' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual({ score: 1_764_777_600_123, id: 'abc-1.2_3' });
  });

  it.each(['', '!!!', btoa('nope'), btoa('12:'), btoa('x:1'), btoa('1:a b')])('rejects %j', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(DeliveryInputError);
  });

  it('orders newest first, then id descending on ties (Redis ZRANGE … REV order)', () => {
    const position = { score: 100, id: '5' };
    expect(isAfter({ score: 99, id: '9' }, position)).toBe(true);
    expect(isAfter({ score: 100, id: '4' }, position)).toBe(true);
    expect(isAfter({ score: 100, id: '5' }, position)).toBe(false);
    expect(isAfter({ score: 100, id: '6' }, position)).toBe(false);
    expect(isAfter({ score: 101, id: '0' }, position)).toBe(false);
  });
});
