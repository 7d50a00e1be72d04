import { readFileSync } from 'node:fs';
import { Redis } from '@upstash/redis';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryStore } from '../../lib/deliveries';
import { launch, newPage, signInWithPhone } from './browser';
import { logFile } from './processes';
import { E2E } from './stack';

// The seed guide's whole flow on one machine: phone sign-in where the one-time code goes
// issuer (Logto's HTTP SMS connector protocol) → relay Worker (workerd) → SMS Aero simulator → "handset",
// and SMS Aero's status callbacks come back to the Worker and land in the delivery log.
const redis = new Redis({ url: E2E.storeUrl, token: E2E.storeToken, automaticDeserialization: false });
// The store reads through a default client, as the Worker and the app do; the raw dump above does not decode.
const store = createDeliveryStore(new Redis({ url: E2E.storeUrl, token: E2E.storeToken }));
const PHONE = '79990000002';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('SMS relay end to end', () => {
  let code = '';

  it('signs in by phone with a code relayed through SMS Aero, and logs the delivery as delivered', async () => {
    const { context, page } = await newPage(browser);
    const message = await signInWithPhone(page, PHONE);
    code = /\b(\d{6})\b/.exec(message.text)?.[1] ?? '';
    expect(await page.getByTestId('dashboard-greeting').textContent()).toContain('Victor Viewer');
    await context.close();

    await expect
      .poll(async () => (await store.get(String(message.id)))?.delivery.status.outcome, { timeout: 15_000, interval: 250 })
      .toBe('delivered');
    const entry = await store.get(String(message.id));
    expect(entry?.delivery).toMatchObject({ usageType: 'SignIn', maskedPhone: '+7 999 ***-**-02', source: 'relay' });
    expect(entry?.delivery.timeToDeliverMs).toBeGreaterThan(0);
    expect(entry?.timeline.map((t) => t.code).filter((c) => c !== undefined && c !== null)).toEqual(expect.arrayContaining([0, 3, 1]));
  });

  it('never stores or logs the raw phone number or the code', async () => {
    expect(code).toMatch(/^\d{6}$/);
    const keys = await redis.keys('*');
    expect(keys.length).toBeGreaterThan(0);
    const dump: string[] = [...keys];
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') dump.push(String(await redis.get(key)));
      else if (type === 'hash') dump.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') dump.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'zset') dump.push(JSON.stringify(await redis.zrange(key, 0, -1, { withScores: true })));
      else if (type === 'set') dump.push(JSON.stringify(await redis.smembers(key)));
    }
    const stored = dump.join('\n');
    expect(stored).not.toContain(PHONE);
    expect(stored).not.toContain(code);
    expect(stored).toContain('+7 999 ***-**-02');

    for (const service of ['worker', 'app']) {
      const log = readFileSync(logFile(service), 'utf8');
      expect(log, `${service} log`).not.toContain(PHONE);
      expect(log, `${service} log`).not.toMatch(new RegExp(`(?<!\\d)${code}(?!\\d)`));
    }
  });
});
