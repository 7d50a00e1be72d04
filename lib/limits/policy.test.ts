import { describe, expect, it } from 'vitest';

import { matchCountry, parseCountryCodes } from './country';
import { countryAllowed, LIMIT_POLICY_DEFAULTS, LimitPolicyError, numberPrefix, parseLimitPolicy } from './policy';
import { formatWait, LimitSyntaxError, parseRate, parseRateList } from './rate';

describe('parseRate', () => {
  it.each([
    ['3/10m', { limit: 3, windowMs: 600_000, label: '3/10m' }],
    ['10/1d', { limit: 10, windowMs: 86_400_000, label: '10/1d' }],
    ['300/1m', { limit: 300, windowMs: 60_000, label: '300/1m' }],
    [' 5 / 30S ', { limit: 5, windowMs: 30_000, label: '5/30s' }],
    ['5/m', { limit: 5, windowMs: 60_000, label: '5/1m' }],
    ['20/2h', { limit: 20, windowMs: 7_200_000, label: '20/2h' }],
    ['1/7d', { limit: 1, windowMs: 604_800_000, label: '1/7d' }],
  ])('reads %j', (text, expected) => {
    expect(parseRate(text)).toEqual(expected);
  });

  it.each([
    ['3', /is not a limit: write N\/duration such as 3\/10m/],
    ['3/10', /is not a limit/],
    ['3/10x', /is not a limit/],
    ['three/10m', /is not a limit/],
    ['-1/10m', /is not a limit/],
    ['3.5/10m', /is not a limit/],
    ['0/10m', /count must be from 1/],
    ['3/0s', /duration must be from 1s to 7d/],
    ['3/8d', /duration must be from 1s to 7d/],
  ])('refuses %j with a message saying what to write', (text, message) => {
    expect(() => parseRate(text)).toThrow(LimitSyntaxError);
    expect(() => parseRate(text)).toThrow(message);
  });
});

describe('parseRateList', () => {
  it('reads a comma list, shortest window first', () => {
    expect(parseRateList('10/1d, 3/10m').map((limit) => limit.label)).toEqual(['3/10m', '10/1d']);
  });

  it.each(['off', 'OFF', 'none'])('reads %j as no limit', (text) => {
    expect(parseRateList(text)).toEqual([]);
  });

  it('names the bad item', () => {
    expect(() => parseRateList('3/10m,ten/1d')).toThrow('"ten/1d" is not a limit');
  });

  it('refuses two limits with the same window', () => {
    expect(() => parseRateList('3/10m,5/600s')).toThrow(/same duration \(5\/600s\)/);
  });

  it('refuses an empty list', () => {
    expect(() => parseRateList(' ')).toThrow(/is empty/);
  });
});

describe('country codes', () => {
  it('reads codes, strips "+", dedupes and puts the longest first', () => {
    expect(parseCountryCodes('7, +375,998,7')).toEqual(['375', '998', '7']);
    expect(parseCountryCodes('*')).toBe('*');
  });

  it.each(['', 'RU', '07', '7,,375'])('refuses %j', (text) => {
    expect(() => parseCountryCodes(text)).toThrow(LimitSyntaxError);
  });

  it('matches the longest configured prefix of the E.164 digits', () => {
    const codes = parseCountryCodes('7,79,375');
    expect(matchCountry('79991234567', codes)).toBe('79');
    expect(matchCountry('77011234567', codes)).toBe('7');
    expect(matchCountry('375291234567', codes)).toBe('375');
    expect(matchCountry('447912345612', codes)).toBeNull();
    expect(matchCountry('447912345612', '*')).toBe('*');
  });
});

describe('parseLimitPolicy', () => {
  it('gives the documented defaults when nothing is set (blank counts as unset)', () => {
    const policy = parseLimitPolicy({ SMS_LIMIT_GLOBAL: '  ' });
    expect(policy).toMatchObject({
      allowedCountryCodes: ['7'],
      perNumber: [{ label: '3/10m' }, { label: '10/1d' }],
      perPrefix: [{ label: '20/10m' }],
      prefixDigits: 8,
      global: [{ label: '300/1m' }],
      dailyCap: { count: 2000, costMinor: 500_000, timeZone: 'UTC', onStoreError: 'closed' },
      fallback: { perNumber: [{ label: '1/1m' }], global: [{ label: '30/1m' }] },
      keyPrefix: 'v1:lim',
    });
    expect(Object.keys(LIMIT_POLICY_DEFAULTS)).toHaveLength(12);
  });

  it('reads every variable', () => {
    const policy = parseLimitPolicy({
      SMS_ALLOWED_COUNTRY_CODES: '*',
      SMS_LIMIT_PER_NUMBER: '2/5m',
      SMS_LIMIT_PER_PREFIX: 'off',
      SMS_PREFIX_DIGITS: '6',
      SMS_LIMIT_GLOBAL: '1000/1h',
      SMS_DAILY_CAP_COUNT: 'off',
      SMS_DAILY_CAP_COST: '1500.5',
      SMS_DAILY_CAP_TIMEZONE: 'europe/moscow',
      SMS_DAILY_CAP_FAIL_MODE: 'OPEN',
      SMS_LIMIT_FALLBACK_PER_NUMBER: '2/1m',
      SMS_LIMIT_FALLBACK_GLOBAL: 'off',
      SMS_LIMITS_KEY_PREFIX: 'staging:lim',
    });
    expect(policy).toEqual({
      allowedCountryCodes: '*',
      perNumber: [{ limit: 2, windowMs: 300_000, label: '2/5m' }],
      perPrefix: [],
      prefixDigits: 6,
      global: [{ limit: 1000, windowMs: 3_600_000, label: '1000/1h' }],
      dailyCap: { count: null, costMinor: 150_050, timeZone: 'Europe/Moscow', onStoreError: 'open' },
      fallback: { perNumber: [{ limit: 2, windowMs: 60_000, label: '2/1m' }], global: [] },
      keyPrefix: 'staging:lim',
    });
  });

  it('names every bad variable at once, with what to write', () => {
    let caught: unknown;
    try {
      parseLimitPolicy({
        SMS_LIMIT_PER_NUMBER: '3 per 10 minutes',
        SMS_PREFIX_DIGITS: '1',
        SMS_DAILY_CAP_COUNT: '-5',
        SMS_DAILY_CAP_COST: '12.345',
        SMS_DAILY_CAP_TIMEZONE: 'Mars/Olympus',
        SMS_DAILY_CAP_FAIL_MODE: 'maybe',
        SMS_LIMITS_KEY_PREFIX: 'has space',
        SMS_ALLOWED_COUNTRY_CODES: 'RU',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LimitPolicyError);
    const problems = (caught as LimitPolicyError).problems;
    expect(problems.map((p) => p.variable)).toEqual([
      'SMS_ALLOWED_COUNTRY_CODES',
      'SMS_LIMIT_PER_NUMBER',
      'SMS_PREFIX_DIGITS',
      'SMS_DAILY_CAP_COUNT',
      'SMS_DAILY_CAP_COST',
      'SMS_DAILY_CAP_TIMEZONE',
      'SMS_DAILY_CAP_FAIL_MODE',
      'SMS_LIMITS_KEY_PREFIX',
    ]);
    expect(problems.find((p) => p.variable === 'SMS_DAILY_CAP_TIMEZONE')?.problem).toMatch(/IANA time zone such as UTC or Europe\/Moscow/);
    expect((caught as Error).message).toContain('SMS_LIMIT_PER_NUMBER: "3 per 10 minutes" is not a limit');
  });

  it('takes the first SMS_PREFIX_DIGITS digits as the number block, and checks countries', () => {
    const policy = parseLimitPolicy({});
    expect(numberPrefix('79991234567', policy)).toBe('79991234');
    expect(countryAllowed('79991234567', policy)).toBe(true);
    expect(countryAllowed('2347012345678', policy)).toBe(false);
  });
});

describe('formatWait', () => {
  it.each([
    [5, '5 s'],
    [89, '89 s'],
    [600, '10 min'],
    [7200, '2 h'],
  ])('%d s → %s', (seconds, text) => {
    expect(formatWait(seconds)).toBe(text);
  });
});

describe('documentation', () => {
  it('lists every policy variable with its default in the Worker\'s .dev.vars.example', async () => {
    const { readFileSync } = await import('node:fs');
    const example = readFileSync(new URL('../../workers/sms-aero/.dev.vars.example', import.meta.url), 'utf8');
    for (const [name, value] of Object.entries(LIMIT_POLICY_DEFAULTS)) expect(example).toContain(`# ${name}=${value}\n`);
  });
});
