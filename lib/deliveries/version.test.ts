import { describe, expect, it } from 'vitest';

import { useLocalStore } from '../../tests/support/local-store';
import { deliveryKeys, HOUR_MS } from './keys';
import { createPhoneHasher } from './phone';
import { createDeliveryStore } from './store';

// The version counter is what the console polls (one GET) to decide whether anything changed, so it
// must move with every write a reader can see, in the same script as the write, and never otherwise.

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const hashPhone = createPhoneHasher('deliveries-test-phone-hash-key');

const local = useLocalStore();

function setup(retentionDays = 30) {
  const prefix = local.prefix('v1:dl');
  const store = createDeliveryStore(local.redis, { prefix, now: () => T0 + 60_000, retentionDays });
  return { store, keys: deliveryKeys(prefix) };
}

describe('delivery store: version counter', () => {
  it('starts at 0 and is bumped by every write a reader can see, never by a no-op', async () => {
    const { store } = setup();
    expect(await store.version()).toBe(0);

    const steps: [string, () => Promise<unknown>, number][] = [
      ['send', () => store.recordSend({ id: '500', usageType: 'SignIn', phone: '79990000012', at: T0, smsAero: { status: 0 } }, hashPhone), 1],
      ['same send again (retried request: nothing changes)', () => store.recordSend({ id: '500', usageType: 'SignIn', phone: '79990000012', at: T0 }, hashPhone), 0],
      ['status applied', () => store.applyStatus({ id: '500', code: 3, at: T0 + 1_000 }), 1],
      ['duplicate status (adds a timeline entry)', () => store.applyStatus({ id: '500', code: 3, at: T0 + 2_000 }), 1],
      ['final status', () => store.applyStatus({ id: '500', code: 2, at: T0 + 3_000 }), 1],
      ['stale status (adds a timeline entry)', () => store.applyStatus({ id: '500', code: 3, at: T0 + 4_000 }), 1],
      ['unmatched callback', () => store.applyStatus({ id: '501', code: 1, at: T0 + 5_000 }), 1],
      ['forward attempt', () => store.recordForwardAttempt('500', { attempt: 1, status: 500, latencyMs: 12, outcome: 'failed' }), 1],
      ['forward attempt for a missing record', () => store.recordForwardAttempt('999', { attempt: 1, latencyMs: 1, outcome: 'failed' }), 0],
      ['refusal', () => store.recordRefusal({ id: 'r-1', usageType: 'SignIn', phone: '79990000012', reason: 'smsaero_no_credits' }, hashPhone), 1],
      ['same refusal again', () => store.recordRefusal({ id: 'r-1', usageType: 'SignIn', reason: 'smsaero_no_credits' }, hashPhone), 0],
    ];
    let expected = 0;
    for (const [name, write, bump] of steps) {
      await write();
      expected += bump;
      expect(await store.version(), name).toBe(expected);
    }
  });

  it('reads with one command, and reads do not bump it', async () => {
    const { store } = setup();
    await store.recordSend({ id: '600', usageType: 'Register', phone: '79990000012', at: T0 }, hashPhone);
    await store.list();
    await store.get('600');
    await store.stats({ from: T0, to: T0 + HOUR_MS });
    await store.pendingCount();
    local.server.resetStats();
    expect(await store.version()).toBe(1);
    expect(local.server.stats().commands).toBe(1);
  });

  it('expires like an index: one retention period after the last write', async () => {
    const { store, keys } = setup(2);
    await store.recordSend({ id: '700', usageType: 'SignIn', phone: '79990000012', at: T0 }, hashPhone);
    const ttl = await local.redis.pttl(keys.version);
    expect(ttl).toBeGreaterThan(2 * 24 * HOUR_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(2 * 24 * HOUR_MS);
  });

  it('is per key prefix: two logs in one Redis do not see each other\'s writes', async () => {
    const a = setup();
    const b = setup();
    await a.store.recordSend({ id: '800', usageType: 'SignIn', phone: '79990000012', at: T0 }, hashPhone);
    expect(await a.store.version()).toBe(1);
    expect(await b.store.version()).toBe(0);
  });
});
