import { describe, expect, it } from 'vitest';

import { describeSmsAeroStatus } from './status';

describe('describeSmsAeroStatus', () => {
  it.each([
    [0, 'queue', 'pending', false],
    [1, 'delivery', 'delivered', true],
    [2, 'undelivered', 'failed', true],
    [3, 'transmitted', 'pending', false],
    [4, 'waiting', 'pending', false],
    [6, 'rejected', 'failed', true],
    [8, 'moderation', 'pending', false],
  ] as const)('code %i is %s (%s, final %s)', (code, name, outcome, final) => {
    const description = describeSmsAeroStatus(code);
    expect(description).toMatchObject({ code, name, outcome, final });
    expect(description.label).toMatch(/^[A-Z][a-z ]+$/);
  });

  it.each([5, 7, 9, -1, 1.5, Number.NaN])('keeps unknown code %d as unknown and not final', (code) => {
    expect(describeSmsAeroStatus(code)).toEqual({ code, name: 'unknown', label: `Unknown status ${code}`, outcome: 'unknown', final: false });
  });
});
