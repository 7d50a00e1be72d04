import { describe, expect, it } from 'vitest';

import { maskPhone } from '../../../lib/deliveries';
import { standInNumber } from '../src/queue/record-send';

describe('standInNumber (queued sends carry a mask, never the number)', () => {
  it.each(['79991234512', '77011234567', '447912345612', '12025550123', '4915112345678', '998901234567', '35312345678'])(
    'masks exactly like the real number %s and hides its hidden digits',
    (phone) => {
      const masked = maskPhone(phone);
      const standIn = standInNumber(masked);
      expect(maskPhone(standIn)).toBe(masked);
      expect(standIn).not.toBe(phone);
      expect(standIn).toHaveLength(phone.length);
    },
  );

  it('refuses a mask that does not come from maskPhone', () => {
    expect(() => standInNumber('+7 999 ***-**')).toThrow(/round-trip/);
  });
});
