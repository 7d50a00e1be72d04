import { describe, expect, it } from 'vitest';

import { CALLBACK_MAX_EXTRA_FIELDS, CALLBACK_MAX_VALUE_LENGTH, parseSmsAeroCallback } from './callback';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

describe('parseSmsAeroCallback', () => {
  it('parses the default form-encoded callback, numbers as strings', () => {
    expect(parseSmsAeroCallback('id=12345&status=1&extendStatus=delivery', `${FORM}; charset=UTF-8`)).toEqual({
      ok: true,
      event: { id: '12345', status: 1, extendStatus: 'delivery', extra: {}, droppedExtraFields: 0 },
    });
  });

  it('parses a JSON callback with numbers or numeric strings', () => {
    expect(parseSmsAeroCallback(JSON.stringify({ id: 12345, status: 2, extendStatus: 'undelivered' }), JSON_TYPE)).toEqual({
      ok: true,
      event: { id: '12345', status: 2, extendStatus: 'undelivered', extra: {}, droppedExtraFields: 0 },
    });
    const result = parseSmsAeroCallback(JSON.stringify({ id: '9', status: '8' }), 'Application/JSON; charset=utf-8');
    expect(result).toMatchObject({ ok: true, event: { id: '9', status: 8, extendStatus: null } });
  });

  it('keeps unknown status codes and unknown fields', () => {
    const result = parseSmsAeroCallback('id=1&status=7&channel=DIRECT&cost=2.2&dateAnswer=1532342520', FORM);
    expect(result).toEqual({
      ok: true,
      event: { id: '1', status: 7, extendStatus: null, extra: { channel: 'DIRECT', cost: '2.2', dateAnswer: '1532342520' }, droppedExtraFields: 0 },
    });
    const fromJson = parseSmsAeroCallback(JSON.stringify({ id: 1, status: 1, paid: true, cost: 2.2, note: null, nested: { a: [1, 2] } }), JSON_TYPE);
    expect(fromJson).toMatchObject({ ok: true, event: { extra: { paid: true, cost: 2.2, note: null, nested: '{"a":[1,2]}' } } });
  });

  it('redacts fields that would carry the phone number or the SMS text', () => {
    const result = parseSmsAeroCallback('id=1&status=1&number=79990000000&text=Your+code+is+123456', FORM);
    expect(result).toMatchObject({ ok: true, event: { extra: { number: '[redacted]', text: '[redacted]' } } });
    expect(JSON.stringify(result)).not.toMatch(/7999|123456/);
  });

  it('guesses JSON, then form, when the content type is missing', () => {
    expect(parseSmsAeroCallback('{"id":3,"status":0}', null)).toMatchObject({ ok: true, event: { id: '3', status: 0 } });
    expect(parseSmsAeroCallback('id=4&status=3', null)).toMatchObject({ ok: true, event: { id: '4', status: 3 } });
    expect(parseSmsAeroCallback('id=4&status=3', '')).toMatchObject({ ok: true, event: { id: '4' } });
  });

  it.each([
    ['status=1', 'id', 'id is required'],
    ['id=&status=1', 'id', 'id is required'],
    ['id=abc&status=1', 'id', 'id must be a number or a numeric string'],
    ['id=1', 'status', 'status is required'],
    ['id=1&status=delivered', 'status', 'status must be an integer'],
    ['id=1&status=1.5', 'status', 'status must be an integer'],
  ])('refuses form %j with 400 naming %s', (body, field, message) => {
    expect(parseSmsAeroCallback(body, FORM)).toEqual({ ok: false, status: 400, error: { field, message } });
  });

  it('refuses bad JSON values with 400 naming the field', () => {
    expect(parseSmsAeroCallback('{"id":-1,"status":1}', JSON_TYPE)).toMatchObject({ status: 400, error: { field: 'id' } });
    expect(parseSmsAeroCallback('{"id":1,"status":1.5}', JSON_TYPE)).toEqual({ ok: false, status: 400, error: { field: 'status', message: 'status must be an integer' } });
    expect(parseSmsAeroCallback('{"id":1,"status":1,"extendStatus":{}}', JSON_TYPE)).toMatchObject({ status: 400, error: { field: 'extendStatus' } });
    expect(parseSmsAeroCallback('{"id":1,', JSON_TYPE)).toEqual({ ok: false, status: 400, error: { message: 'body is not valid JSON' } });
    expect(parseSmsAeroCallback('[1,2]', JSON_TYPE)).toEqual({ ok: false, status: 400, error: { message: 'body must be a JSON object' } });
  });

  it.each(['text/plain', 'multipart/form-data; boundary=x', 'application/xml'])('refuses %s with 415', (contentType) => {
    const result = parseSmsAeroCallback('id=1&status=1', contentType);
    expect(result).toMatchObject({ ok: false, status: 415 });
    if (!result.ok) expect(result.error.message).toContain('application/x-www-form-urlencoded');
  });

  it('caps the number of extra fields, their values and key lengths', () => {
    const params = new URLSearchParams({ id: '1', status: '1', extendStatus: 'x'.repeat(1000) });
    for (let i = 0; i < 100; i++) params.append(`f${i}`, 'v'.repeat(10_000));
    params.append('k'.repeat(500), 'v');
    const result = parseSmsAeroCallback(params.toString(), FORM);
    if (!result.ok) throw new Error('expected ok');
    const { extra, extendStatus, droppedExtraFields } = result.event;
    expect(Object.keys(extra)).toHaveLength(CALLBACK_MAX_EXTRA_FIELDS);
    expect(droppedExtraFields).toBe(100 - CALLBACK_MAX_EXTRA_FIELDS + 1);
    expect(Object.values(extra).every((value) => typeof value === 'string' && value.length === CALLBACK_MAX_VALUE_LENGTH)).toBe(true);
    expect(extendStatus).toHaveLength(CALLBACK_MAX_VALUE_LENGTH);
    const nested = parseSmsAeroCallback(JSON.stringify({ id: 1, status: 1, blob: { data: 'x'.repeat(5000) } }), JSON_TYPE);
    expect(nested.ok && String(nested.event.extra.blob).length).toBe(CALLBACK_MAX_VALUE_LENGTH);
  });

  it('lets the first id win over a repeated one and keeps __proto__ as data', () => {
    const result = parseSmsAeroCallback('id=1&id=2&status=1&__proto__=x', FORM);
    expect(result).toMatchObject({ ok: true, event: { id: '1' } });
    if (result.ok) {
      expect(Object.getPrototypeOf(result.event.extra)).toBe(Object.prototype);
      expect(Object.hasOwn(result.event.extra, '__proto__')).toBe(true);
    }
  });
});
