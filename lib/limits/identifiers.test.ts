import { describe, expect, it } from 'vitest';

import { createPhoneHasher } from '../deliveries/phone';
import { createPrefixHasher } from './identifiers';

const SECRET = 'limits-test-phone-hash-key';

describe('createPrefixHasher', () => {
  it('gives a stable keyed 128-bit hex id that never shows the digits', async () => {
    const hash = createPrefixHasher(SECRET);
    const id = await hash('79991234');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(await hash('79991234')).toBe(id);
    expect(await hash('79991235')).not.toBe(id);
    expect(await createPrefixHasher('another-secret-of-16+')('79991234')).not.toBe(id);
  });

  it('cannot collide with the delivery log\'s phone HMAC of the same digits', async () => {
    const digits = '7999123456';
    expect((await createPhoneHasher(SECRET)(digits)).slice(0, 32)).not.toBe(await createPrefixHasher(SECRET)(digits));
  });

  it('refuses a short secret and a non-digit block', async () => {
    expect(() => createPrefixHasher('short')).toThrow(/PHONE_HASH_KEY/);
    await expect(createPrefixHasher(SECRET)('7999x')).rejects.toThrow(/1 to 15 digits/);
  });
});
