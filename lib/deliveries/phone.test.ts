import { describe, expect, it } from 'vitest';

import { createPhoneHasher, InvalidPhoneError, isMaskedPhone, maskPhone, normalizePhone, splitCountryCode } from './phone';

describe('normalizePhone', () => {
  it.each([
    ['79990000012', '79990000012'],
    ['+7 (999) 000-00-12', '79990000012'],
    ['+44 7912 345612', '447912345612'],
    ['  +1 (415) 555-0100 ', '14155550100'],
  ])('%j → %s', (input, digits) => {
    expect(normalizePhone(input)).toBe(digits);
  });

  it.each([
    ['', /required/],
    [' + ', /required/],
    ['999000012', /got 9/],
    ['1234567890123456', /got 16/],
    ['+7 999 000 00 1x', /only digits/],
    ['7999.000.00.12', /only digits/],
    ['tel:79990000012', /only digits/],
  ])('rejects %j', (input, message) => {
    expect(() => normalizePhone(input)).toThrow(InvalidPhoneError);
    expect(() => normalizePhone(input)).toThrow(message);
  });

  it('does not rewrite a leading 8 (trunk prefix) to 7', () => {
    expect(normalizePhone('8 999 000-00-12')).toBe('89990000012');
  });
});

describe('maskPhone', () => {
  it.each([
    ['79990000012', '+7 999 ***-**-12'],
    ['+7 (912) 345-67-89', '+7 912 ***-**-89'],
    ['447912345612', '+44 79** *** *12'],
    ['14155550100', '+1 41** *** *00'],
    ['380501234567', '+380 50** *** 67'],
    ['4930123456789', '+49 30** *** **89'],
    ['861381234567890', '+86 13** *** *** *90'],
    ['9715012345', '+971 **** *45'],
  ])('%s → %s', (input, masked) => {
    expect(maskPhone(input)).toBe(masked);
  });

  it('never shows more than the country code, two or three leading and two trailing digits', () => {
    for (const phone of ['79990000012', '447912345612', '861381234567890', '12025550123']) {
      const visible = maskPhone(phone).replace(/[^\d]/g, '');
      const { countryCode } = splitCountryCode(phone);
      expect(visible.length).toBeLessThanOrEqual(countryCode.length + 5);
      expect(maskPhone(phone)).not.toContain(phone.slice(-7));
    }
  });

  it('rejects what normalizePhone rejects', () => {
    expect(() => maskPhone('12345')).toThrow(InvalidPhoneError);
  });
});

describe('splitCountryCode', () => {
  it.each([
    ['79990000012', '7'],
    ['14155550100', '1'],
    ['447912345612', '44'],
    ['380501234567', '380'],
    ['998901234567', '998'],
    ['861381234567890', '86'],
  ])('%s has country code %s', (digits, countryCode) => {
    expect(splitCountryCode(digits).countryCode).toBe(countryCode);
  });
});

describe('createPhoneHasher', () => {
  const key = 'test-phone-hash-key-0123456789';

  it('is a stable hex HMAC-SHA256 of the normalised number', async () => {
    const hash = createPhoneHasher(key);
    const a = await hash('79990000012');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await hash('+7 (999) 000-00-12')).toBe(a);
    expect(await createPhoneHasher(key)('79990000012')).toBe(a);
  });

  it('matches an independent HMAC computation over the versioned domain tag', async () => {
    const cryptoKey = await crypto.subtle.importKey('raw', new TextEncoder().encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, new TextEncoder().encode('delivery-log/phone/v1:79990000012')));
    const hex = [...mac].map((byte) => byte.toString(16).padStart(2, '0')).join('');
    expect(await createPhoneHasher(key)('79990000012')).toBe(hex);
  });

  it('depends on the key and the number', async () => {
    const a = await createPhoneHasher(key)('79990000012');
    expect(await createPhoneHasher(`${key}-other`)('79990000012')).not.toBe(a);
    expect(await createPhoneHasher(key)('79990000013')).not.toBe(a);
  });

  it('switching keys back and forth keeps each key right (the import cache is per key)', async () => {
    const first = createPhoneHasher(key);
    const second = createPhoneHasher(`${key}-2`);
    const a1 = await first('79990000012');
    const b1 = await second('79990000012');
    expect(await first('79990000012')).toBe(a1);
    expect(await second('79990000012')).toBe(b1);
  });

  it('rejects a short key and an invalid number', async () => {
    expect(() => createPhoneHasher('short')).toThrow(/PHONE_HASH_KEY/);
    await expect(createPhoneHasher(key)('12')).rejects.toThrow(InvalidPhoneError);
  });
});

describe('isMaskedPhone', () => {
  it.each(['79991234512', '77011234567', '447912345612', '12025550123', '4915112345678', '998901234567'])('accepts the mask of %s', (phone) => {
    expect(isMaskedPhone(maskPhone(phone))).toBe(true);
  });
  it.each(['79991234512', '+79991234512', '+7 999 123-45-12', '', '+7 ***-**-**-**-**-**-**-**-**-**-**'])('refuses %j', (text) => {
    expect(isMaskedPhone(text)).toBe(false);
  });
});
