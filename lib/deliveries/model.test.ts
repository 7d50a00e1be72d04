import { describe, expect, it } from 'vitest';

import { decideTransition, statusFromCode, statusRank, type Transition } from './model';

// Every pair of (current, incoming) codes, the incoming one arriving later. Rows: current status
// (null = the send response had none; 5 and 7 are undocumented codes). Columns: incoming code.
// A = apply, D = duplicate, S = stale.
const INCOMING = [0, 8, 4, 3, 1, 2, 6, 5, 7] as const;
const TABLE: [number | null, string][] = [
  //      0  8  4  3  1  2  6  5  7
  [null, 'A  A  A  A  A  A  A  A  A'],
  [0, '   D  A  A  A  A  A  A  A  A'],
  [8, '   S  D  A  A  A  A  A  A  A'],
  [4, '   S  A  D  A  A  A  A  A  A'],
  [3, '   S  S  S  D  A  A  A  A  A'],
  [1, '   S  S  S  S  D  S  S  S  S'],
  [2, '   S  S  S  S  S  D  S  S  S'],
  [6, '   S  S  S  S  S  S  D  S  S'],
  [5, '   A  A  A  A  A  A  A  D  A'],
  [7, '   A  A  A  A  A  A  A  A  D'],
];
const LETTER: Record<string, Transition> = { A: 'apply', D: 'duplicate', S: 'stale' };

const cases = TABLE.flatMap(([current, row]) => {
  const letters = row.trim().split(/\s+/);
  return INCOMING.map((incoming, i) => [current, incoming, LETTER[letters[i]!]!] as const);
});

describe('decideTransition', () => {
  it('covers every pair of codes', () => {
    expect(cases).toHaveLength(TABLE.length * INCOMING.length);
  });

  it.each(cases)('current %s, incoming %s → %s', (current, incoming, expected) => {
    const currentStatus = statusFromCode(current, null, 1_000);
    expect(decideTransition(currentStatus, { code: incoming, at: 2_000 })).toBe(expected);
  });

  it('applies anything when there is no record yet', () => {
    for (const code of INCOMING) expect(decideTransition(null, { code, at: 0 })).toBe('apply');
  });

  it('between moderation and waiting (same rank) an earlier event is stale, a later or simultaneous one applies', () => {
    const moderation = statusFromCode(8, null, 5_000);
    expect(decideTransition(moderation, { code: 4, at: 4_999 })).toBe('stale');
    expect(decideTransition(moderation, { code: 4, at: 5_000 })).toBe('apply');
    const waiting = statusFromCode(4, null, 5_000);
    expect(decideTransition(waiting, { code: 8, at: 4_000 })).toBe('stale');
  });

  it('orders by lifecycle, not by arrival time, across ranks', () => {
    const transmitted = statusFromCode(3, null, 5_000);
    // A queued event stamped later is still older in SMS Aero's lifecycle.
    expect(decideTransition(transmitted, { code: 0, at: 9_000 })).toBe('stale');
    const queued = statusFromCode(0, null, 5_000);
    expect(decideTransition(queued, { code: 3, at: 1_000 })).toBe('apply');
  });
});

describe('statusRank', () => {
  it('puts queue < moderation = waiting < transmitted < finals, none first, undocumented unranked', () => {
    expect(statusRank(null)).toBe(-1);
    expect(statusRank(0)).toBe(0);
    expect(statusRank(8)).toBe(statusRank(4));
    expect(statusRank(3)).toBeGreaterThan(statusRank(4)!);
    expect(statusRank(1)).toBe(statusRank(2));
    expect(statusRank(6)).toBeGreaterThan(statusRank(3)!);
    expect(statusRank(5)).toBeNull();
    expect(statusRank(-1)).toBeNull();
  });
});

describe('statusFromCode', () => {
  it('describes known, undocumented and missing codes', () => {
    expect(statusFromCode(1, 'delivery', 7)).toEqual({ code: 1, name: 'delivery', outcome: 'delivered', final: true, extendStatus: 'delivery', at: 7 });
    expect(statusFromCode(6, null, 7)).toMatchObject({ outcome: 'failed', final: true, name: 'rejected' });
    expect(statusFromCode(5, 'odd', 7)).toMatchObject({ code: 5, outcome: 'unknown', final: false, name: 'unknown' });
    expect(statusFromCode(null, null, 7)).toMatchObject({ code: null, outcome: 'pending', final: false, name: 'none' });
  });
});
