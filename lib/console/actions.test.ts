import { describe, expect, it } from 'vitest';

import { createPhoneHasher } from '../deliveries';
import { encodeCursor } from '../deliveries/cursor';
import { phoneFilterLocation, returnQuery } from './actions';

const KEY = 'console-test-phone-hash-key';

describe('phoneFilterLocation', () => {
  it('redirects to the HMAC and the mask, never the number, keeping the other filters', async () => {
    const result = await phoneFilterLocation({ phoneHashKey: KEY }, '+7 999 000-12-34', `?status=failed&window=1h&cursor=${encodeCursor({ score: 1, id: '9' })}&highlight=5`);
    if (!result.ok) throw new Error(result.message);
    const hash = await createPhoneHasher(KEY)('79990001234');
    const url = new URL(result.location, 'http://console.test');
    expect(url.pathname).toBe('/deliveries');
    expect(Object.fromEntries(url.searchParams)).toEqual({ status: 'failed', window: '1h', phone: hash, phoneMask: '+7 999 ***-**-34' });
    expect(result.location).not.toMatch(/9990001234|0001234/);
  });

  it('names the problem with a bad number, without echoing it', async () => {
    const result = await phoneFilterLocation({ phoneHashKey: KEY }, '12-34', '');
    expect(result).toEqual({ ok: false, message: 'The phone number must have 10 to 15 digits, got 4' });
  });

  it('is disabled without PHONE_HASH_KEY', async () => {
    expect(await phoneFilterLocation({ phoneHashKey: null }, '79990001234', '')).toMatchObject({ ok: false, message: expect.stringContaining('PHONE_HASH_KEY') });
  });
});

describe('returnQuery', () => {
  it('keeps only a valid console query', () => {
    expect(returnQuery('?status=pending')).toMatchObject({ status: 'pending' });
    expect(returnQuery('status=nope')).toEqual({ window: { kind: 'relative', name: '24h' }, limit: 50 });
    expect(returnQuery(null)).toEqual({ window: { kind: 'relative', name: '24h' }, limit: 50 });
  });
});
