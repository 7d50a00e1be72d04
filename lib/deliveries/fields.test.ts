import { describe, expect, it } from 'vitest';

import { DeliveryInputError } from './errors';
import { checkId, checkUsageType, MAX_EXTEND_STATUS_LENGTH, MAX_FIELD_VALUE_LENGTH, MAX_FIELDS, REDACTED, sanitizeExtendStatus, sanitizeFields } from './fields';

describe('sanitizeFields', () => {
  it('keeps harmless SMS Aero fields as data', () => {
    expect(sanitizeFields({ channel: 'DIRECT', cost: 2.2, dateSend: '1532342510', dateAnswer: 1532342599, ok: true, extra: null })).toEqual({
      channel: 'DIRECT',
      cost: 2.2,
      dateSend: '1532342510',
      dateAnswer: 1532342599,
      ok: true,
      extra: null,
    });
  });

  it('redacts anything that could be the number or the SMS text', () => {
    const fields = sanitizeFields({
      number: '79990000012',
      Phone: '+7 999 000-00-12',
      text: 'Your code 123456',
      message: 'hi',
      recipient: 'x',
      otp: '123456',
      smsc: '+7 (999) 000-00-12',
      other: 79990000012,
    });
    expect(fields).toEqual({ number: REDACTED, Phone: REDACTED, text: REDACTED, message: REDACTED, recipient: REDACTED, otp: REDACTED, smsc: REDACTED, other: REDACTED });
    expect(JSON.stringify(fields)).not.toMatch(/9990000012|123456/);
  });

  it('caps values, the number of fields, and drops unsafe keys', () => {
    const many = Object.fromEntries(Array.from({ length: MAX_FIELDS + 10 }, (_, i) => [`f${i}`, i]));
    expect(Object.keys(sanitizeFields(many)!)).toHaveLength(MAX_FIELDS);
    expect((sanitizeFields({ long: 'x'.repeat(5000) })!.long as string).length).toBe(MAX_FIELD_VALUE_LENGTH);
    expect(sanitizeFields({ 'bad key': 1, ['a'.repeat(65)]: 2, ok: 3 })).toEqual({ ok: 3 });
    expect(sanitizeFields({ nested: { a: [1, 2] } })).toEqual({ nested: '{"a":[1,2]}' });
    expect(sanitizeFields({})).toBeUndefined();
    expect(sanitizeFields(undefined)).toBeUndefined();
  });

  it('keeps "__proto__" as nothing rather than a prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": 1}, "ok": 1}') as Record<string, unknown>;
    const fields = sanitizeFields(input)!;
    expect(fields).toEqual({ ok: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('input checks', () => {
  it('caps extendStatus', () => {
    expect(sanitizeExtendStatus('x'.repeat(1000))).toHaveLength(MAX_EXTEND_STATUS_LENGTH);
    expect(sanitizeExtendStatus(undefined)).toBeNull();
  });

  it('accepts SMS Aero ids as numbers or strings, rejects key-breaking ones', () => {
    expect(checkId(12345)).toBe('12345');
    expect(checkId('r-1a2b')).toBe('r-1a2b');
    for (const bad of ['', 'a:b', 'a b', 'x'.repeat(65), 1.5, null]) expect(() => checkId(bad)).toThrow(DeliveryInputError);
  });

  it('accepts Logto usage types and rejects odd ones', () => {
    expect(checkUsageType('SignIn')).toBe('SignIn');
    for (const bad of ['', '1abc', 'Sign In', 'a:b']) expect(() => checkUsageType(bad)).toThrow(/usageType/);
  });
});
