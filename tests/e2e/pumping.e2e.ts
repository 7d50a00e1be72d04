import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox, launch, newPage, signInWithPassword } from './browser';
import { E2E } from './stack';

// Issue 6's acceptance: a scripted burst of code requests to one number block is cut off by the relay's
// policy before SMS Aero, the simulator receives only the allowed ones, and operators see the refusals.
const BLOCK = '79985550'; // SMS_PREFIX_DIGITS = 8: every number below shares this block
const BURST = 30;
const PER_BLOCK_LIMIT = 20; // default SMS_LIMIT_PER_PREFIX = 20/10m

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('SMS-pumping defence', () => {
  it('cuts a burst to one number block off before SMS Aero, and shows the refusals to operators', async () => {
    const results: { status: number; body: Record<string, unknown>; retryAfter: string | null }[] = [];
    for (let i = 0; i < BURST; i++) {
      const response = await fetch(`${E2E.workerUrl}/v1/logto/sms`, {
        method: 'POST',
        headers: { authorization: E2E.relayToken, 'content-type': 'application/json' },
        body: JSON.stringify({ to: `${BLOCK}${String(i).padStart(3, '0')}`, type: 'SignIn', payload: { code: '000000' } }),
      });
      results.push({ status: response.status, body: (await response.json()) as Record<string, unknown>, retryAfter: response.headers.get('retry-after') });
    }
    const allowed = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    expect(allowed).toHaveLength(PER_BLOCK_LIMIT);
    expect(refused).toHaveLength(BURST - PER_BLOCK_LIMIT);
    for (const r of refused) {
      expect(r.body).toMatchObject({ error: 'rate_limited', reason: 'per_prefix' });
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
    }

    // Only the allowed sends ever reached SMS Aero.
    const received = (await inbox('')).filter((m) => m.number.startsWith(BLOCK));
    expect(received).toHaveLength(PER_BLOCK_LIMIT);

    const { context, page } = await newPage(browser);
    await signInWithPassword(page, 'operator', 'operator-password');
    await page.goto('/deliveries?status=refused');
    const refusedRows = page.locator('tbody tr', { hasText: 'per_prefix' });
    await expect.poll(() => refusedRows.count()).toBeGreaterThanOrEqual(BURST - PER_BLOCK_LIMIT);
    expect(await page.locator('body').textContent()).not.toContain(BLOCK);
    // The health panel counts refusals by reason from the pre-aggregated counters.
    const byReason = await page.getByTestId('refusals-by-reason').textContent();
    expect(byReason).toMatch(new RegExp(`per_prefix × ${BURST - PER_BLOCK_LIMIT}\\b`));
    await context.close();
  });
});
