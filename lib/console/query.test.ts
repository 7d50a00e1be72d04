import { describe, expect, it } from 'vitest';

import { encodeCursor } from '../deliveries/cursor';
import { dataScope, parseConsoleQuery, parseTime, querySearch, resolveWindow, type ConsoleQuery } from './query';

const HASH = 'a'.repeat(64);
const parse = (search: string) => parseConsoleQuery(new URLSearchParams(search));
const ok = (search: string): ConsoleQuery => {
  const parsed = parse(search);
  if (!parsed.ok) throw new Error(`expected ${search} to parse: ${parsed.error.message}`);
  return parsed.query;
};
const paramOf = (search: string) => {
  const parsed = parse(search);
  if (parsed.ok) throw new Error(`expected ${search} to be rejected`);
  return parsed.error;
};

describe('parseConsoleQuery', () => {
  it('defaults to the last 24 h, 50 rows, no filters', () => {
    expect(ok('')).toEqual({ window: { kind: 'relative', name: '24h' }, limit: 50 });
  });

  it('reads every filter', () => {
    const cursor = encodeCursor({ score: 1_700_000_000_000, id: '42' });
    expect(ok(`status=failed&usage=SignIn&window=15m&phone=${HASH}&phoneMask=%2B7+999+***-**-12&cursor=${cursor}&highlight=77&limit=20`)).toEqual({
      status: 'failed',
      usage: 'SignIn',
      window: { kind: 'relative', name: '15m' },
      phone: { hash: HASH, mask: '+7 999 ***-**-12' },
      cursor,
      highlight: '77',
      limit: 20,
    });
    expect(ok('id=123456').id).toBe('123456');
    for (const status of ['delivered', 'failed', 'pending', 'unknown', 'unmatched', 'refused']) expect(ok(`status=${status}`).status).toBe(status);
  });

  it('treats empty form fields as unset (a GET form submits every input)', () => {
    expect(ok('status=&usage=&window=1h&from=&to=&id=')).toEqual({ window: { kind: 'relative', name: '1h' }, limit: 50 });
  });

  it('ignores parameters it does not know (e.g. Next.js internals)', () => {
    expect(ok('_rsc=abc&utm_source=x')).toEqual(ok(''));
  });

  it('takes an absolute window from from/to in ms, ISO 8601 or datetime-local (UTC)', () => {
    const from = Date.UTC(2026, 11, 3, 10, 0);
    const to = Date.UTC(2026, 11, 3, 12, 30);
    expect(ok(`from=${from}&to=${to}`).window).toEqual({ kind: 'absolute', from, to });
    expect(ok('from=2026-12-03T10:00&to=2026-12-03T12:30').window).toEqual({ kind: 'absolute', from, to });
    expect(ok('from=2026-12-03T13:00:00%2B03:00').window).toEqual({ kind: 'absolute', from, to: null });
    expect(ok('from=2026-12-03T10:00:00.000Z').window).toEqual({ kind: 'absolute', from, to: null });
  });

  it.each([
    ['status=lost', 'status', /delivered, failed, pending/],
    ['usage=<script>', 'usage', /usage type/],
    ['window=2h', 'window', /15m, 1h, 6h, 24h, 7d/],
    ['window=1h&from=2026-12-03T10:00', 'window', /either window or from\/to/],
    ['to=2026-12-03T10:00', 'from', /required when to/],
    ['from=yesterday', 'from', /must be a time/],
    ['from=2026-12-03T10:00&to=2026-12-03T09:00', 'to', /later than from/],
    ['from=2026-01-01T00:00&to=2026-03-01T00:00', 'to', /at most 31 days/],
    ['id=12%2034', 'id', /message id/],
    ['cursor=not-a-cursor', 'cursor', /start again/],
    ['phone=79990001234', 'phone', /hash.*type the number there/],
    ['phoneMask=%2B7', 'phoneMask', /only goes with phone/],
    ['limit=0', 'limit', /1 to 200/],
    ['limit=500', 'limit', /1 to 200/],
    ['highlight=a%20b', 'highlight', /message id/],
    ['status=failed&status=delivered', 'status', /given 2 times/],
  ])('rejects %s naming %s', (search, param, message) => {
    const error = paramOf(search);
    expect(error).toMatchObject({ error: 'invalid_query', param });
    expect(error.message).toMatch(message);
  });

  it('never echoes a typed phone number back in its error', () => {
    expect(paramOf('phone=%2B79990001234').message).not.toContain('9990001234');
  });

  it('drops a phoneMask that is not a mask instead of showing arbitrary text', () => {
    expect(ok(`phone=${HASH}&phoneMask=%3Cb%3Ehi%3C%2Fb%3E`).phone).toEqual({ hash: HASH, mask: null });
  });

  it('reads Next.js searchParams objects too', () => {
    expect(parseConsoleQuery({ status: 'failed', window: '1h' })).toEqual({ ok: true, query: { status: 'failed', window: { kind: 'relative', name: '1h' }, limit: 50 } });
    expect(parseConsoleQuery({ status: ['failed', 'pending'] })).toMatchObject({ ok: false, error: { param: 'status' } });
  });
});

describe('querySearch', () => {
  it('round-trips through parseConsoleQuery', () => {
    for (const search of ['', '?status=failed&usage=Register&window=7d', `?phone=${HASH}&phoneMask=%2B7+999+***-**-12`, '?from=2026-12-03T10%3A00%3A00.000Z&to=2026-12-03T12%3A00%3A00.000Z&id=5&highlight=5&limit=10']) {
      const query = ok(search.slice(1));
      expect(querySearch(query)).toBe(search);
      expect(ok(querySearch(query).slice(1))).toEqual(query);
    }
  });

  it('applies overrides; undefined removes a parameter', () => {
    const query = ok('status=failed&highlight=5');
    expect(querySearch(query, { highlight: undefined, cursor: 'abc' })).toBe('?status=failed&cursor=abc');
  });
});

describe('resolveWindow and dataScope', () => {
  const now = Date.UTC(2026, 11, 3, 12, 34, 56, 789);

  it('starts a relative window on a whole minute and leaves it open', () => {
    expect(resolveWindow({ kind: 'relative', name: '1h' }, now)).toEqual({ from: Date.UTC(2026, 11, 3, 11, 34), to: now, open: true });
  });

  it('keeps the same scope within a minute and changes it at the next one', () => {
    const query = ok('window=15m');
    const scope = (at: number) => dataScope(query, resolveWindow(query.window, at));
    expect(scope(now)).toBe(scope(now + 3_000));
    expect(scope(now)).not.toBe(scope(now + 60_000));
  });

  it('differs for anything that changes the rows, not for display-only parameters', () => {
    const window = resolveWindow({ kind: 'relative', name: '24h' }, now);
    const base = dataScope(ok(''), window);
    expect(dataScope(ok('highlight=9'), window)).toBe(base);
    expect(dataScope(ok(`phone=${HASH}&phoneMask=%2B7+999+***-**-12`), window)).toBe(dataScope(ok(`phone=${HASH}`), window));
    for (const search of ['status=failed', 'usage=SignIn', `phone=${HASH}`, 'limit=10', 'id=5']) expect(dataScope(ok(search), window), search).not.toBe(base);
  });
});

describe('parseTime', () => {
  it('rejects impossible dates', () => {
    expect(() => parseTime('2026-13-45T99:99', 'from')).toThrow(/not a valid time/);
  });
});
