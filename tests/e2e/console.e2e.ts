import { Redis } from '@upstash/redis';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryStore, createPhoneHasher, type DeliveryStore } from '../../lib/deliveries';
import { launch, newPage, signInWithPassword } from './browser';
import { E2E } from './stack';

// The operator console against the full local stack: app, store, relay Worker (workerd) and the SMS Aero
// simulator, whose numbers ending in 00 fail with status 2 and all others are delivered after ~3 s.

let browser: Browser;
let store: DeliveryStore;
const hashPhone = createPhoneHasher(E2E.phoneHashKey);

beforeAll(async () => {
  browser = await launch();
  // The same log the Worker writes and the app reads (default key prefix).
  store = createDeliveryStore(new Redis({ url: E2E.storeUrl, token: E2E.storeToken, enableTelemetry: false }));
});
afterAll(async () => {
  await browser?.close();
});

async function operatorPage(): Promise<Page> {
  const { page } = await newPage(browser);
  await signInWithPassword(page, 'operator', 'operator-password');
  return page;
}

const row = (page: Page, id: string) => page.locator(`tr[data-testid="delivery-row"][data-id="${id}"]`);
const uniqueId = () => String(9_000_000_000 + Math.floor(Math.random() * 999_999_999));

/** Sends through the console's form; returns the SMS Aero id the page highlights. */
async function sendTestSms(page: Page, number: string): Promise<string> {
  await page.goto('/deliveries');
  await page.locator('[data-testid="send-test"] input[name="phone"]').fill(number);
  await page.locator('[data-testid="send-test"] select[name="usageType"]').selectOption('SignIn');
  await page.locator('[data-testid="send-test"] button[type="submit"]').click();
  await page.waitForURL(/[?&]highlight=\d+/, { waitUntil: 'commit' });
  const id = new URL(page.url()).searchParams.get('highlight')!;
  expect(page.url()).not.toContain(number.slice(-7));
  return id;
}

describe('operator console: live', () => {
  it('sends a test SMS and shows it reach delivered without a reload', async () => {
    const page = await operatorPage();
    const id = await sendTestSms(page, '79990001234');
    // Anything set on window survives only if the page is never reloaded.
    await page.evaluate(() => ((window as unknown as { consoleMarker: number }).consoleMarker = 1));
    await expect.poll(() => row(page, id).count(), { timeout: 10_000 }).toBe(1);
    expect(await row(page, id).getAttribute('aria-current')).toBe('true');
    expect(await row(page, id).textContent()).toContain('+7 999 ***-**-34');
    expect(await row(page, id).textContent()).toContain('test');

    await expect.poll(() => row(page, id).getAttribute('data-kind'), { timeout: 15_000 }).toBe('delivered');
    expect(await row(page, id).getByTestId('status-code').textContent()).toBe('1 delivery');
    expect(await page.evaluate(() => (window as unknown as { consoleMarker?: number }).consoleMarker)).toBe(1);
    expect(await page.getByTestId('live-status').getAttribute('data-state')).toBe('live');
    // The raw number never reached the page's HTML or URL.
    expect(await page.content()).not.toContain('79990001234');
    await page.context().close();
  });

  it('shows a failing number as undelivered with SMS Aero code 2', async () => {
    const page = await operatorPage();
    const id = await sendTestSms(page, '79990001200');
    await expect.poll(() => row(page, id).getAttribute('data-kind'), { timeout: 15_000 }).toBe('failed');
    expect(await row(page, id).getByTestId('status-code').textContent()).toBe('2 undelivered');
    expect(await row(page, id).getByTestId('status-badge').textContent()).toBe('failed');

    await row(page, id).locator('a').first().click();
    await page.waitForURL(new RegExp(`/deliveries/${id}`));
    const kinds = await page.getByTestId('timeline-entry').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')));
    expect(kinds[0]).toBe('sent');
    expect(kinds).toContain('status');
    expect(await page.getByTestId('timeline').textContent()).toContain('2 undelivered');
    await page.context().close();
  });
});

describe('operator console: filters and pagination', () => {
  // Seven sends of a usage type no other test uses, written the way the Worker writes them.
  const usage = 'MfaVerification';
  const numbers = ['79990007001', '79990007002'] as const;
  const ids: string[] = [];
  const failed = new Set<string>();

  beforeAll(async () => {
    const base = Date.now() - 10 * 60_000;
    for (let i = 0; i < 7; i++) {
      const id = uniqueId();
      await store.recordSend({ id, usageType: usage, phone: numbers[i % 2]!, at: base + i * 1_000, smsAero: { status: 0, extendStatus: 'queue' } }, hashPhone);
      if (i % 3 === 0) {
        await store.applyStatus({ id, code: 2, extendStatus: 'undelivered', at: base + i * 1_000 + 4_000 });
        failed.add(id);
      } else {
        await store.applyStatus({ id, code: 1, extendStatus: 'delivery', at: base + i * 1_000 + 2_000 });
      }
      ids.push(id);
    }
  });

  const idsOnPage = (page: Page) => page.getByTestId('delivery-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));

  it('pages newest first through cursor links', async () => {
    const page = await operatorPage();
    await page.goto(`/deliveries?usage=${usage}&window=1h&limit=3`);
    const seen: (string | null)[] = [...(await idsOnPage(page))];
    expect(seen).toEqual([...ids].reverse().slice(0, 3));
    for (let guard = 0; guard < 5 && (await page.getByTestId('older').count()) > 0; guard++) {
      await page.getByTestId('older').click();
      await page.waitForLoadState();
      seen.push(...(await idsOnPage(page)));
    }
    expect(seen).toEqual([...ids].reverse());
    await page.context().close();
  });

  it('filters by status through the form, and the URL carries the view', async () => {
    const page = await operatorPage();
    await page.goto(`/deliveries?usage=${usage}&window=1h`);
    await page.locator('[data-testid="filters"] select[name="status"]').selectOption('failed');
    await page.locator('[data-testid="filters"] button[type="submit"]').click();
    await page.waitForURL(/status=failed/);
    expect(new URL(page.url()).searchParams.get('usage')).toBe(usage);
    expect(await idsOnPage(page)).toEqual([...ids].reverse().filter((id) => failed.has(id)));

    await page.goto(`/deliveries?id=${ids[2]}`);
    expect(await idsOnPage(page)).toEqual([ids[2]]);

    const api = await page.request.get(`/api/deliveries?usage=${usage}&window=1h&status=delivered`);
    expect(api.status()).toBe(200);
    const body = (await api.json()) as { items: { id: string }[] };
    expect(body.items.map((item) => item.id)).toEqual([...ids].reverse().filter((id) => !failed.has(id)));
    await page.context().close();
  });

  it('finds a typed phone number through its hash, never putting the number in the URL', async () => {
    const page = await operatorPage();
    await page.goto(`/deliveries?usage=${usage}&window=1h`);
    await page.locator('[data-testid="phone-filter"] input[name="phone"]').fill('+7 999 000-70-02');
    await page.locator('[data-testid="phone-filter"] button[type="submit"]').click();
    await page.waitForURL(/[?&]phone=[0-9a-f]{64}/, { waitUntil: 'commit' });
    const url = new URL(page.url());
    expect(url.search).not.toMatch(/7002|9990007002/);
    expect(url.searchParams.get('phoneMask')).toBe('+7 999 ***-**-02');
    expect(url.searchParams.get('usage')).toBe(usage);
    // numbers[1] got the odd-numbered sends.
    await expect.poll(() => idsOnPage(page)).toEqual(ids.filter((_, i) => i % 2 === 1).reverse());
    expect(await page.getByTestId('phone-chip').textContent()).toContain('+7 999 ***-**-02');
    await page.context().close();
  });

  it('exports the current filter as CSV with masked numbers only', async () => {
    const page = await operatorPage();
    const response = await page.request.get(`/api/deliveries/export?usage=${usage}&window=1h`);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('text/csv; charset=utf-8');
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines).toHaveLength(8);
    expect(lines.join('\n')).not.toMatch(/999000700\d/);
    expect(lines[1]).toContain("'+7 999 ***-**-0");
    await page.context().close();
  });

  it('answers a bad filter with 400 JSON naming it, and says so on the page', async () => {
    const page = await operatorPage();
    const api = await page.request.get('/api/deliveries?status=lost');
    expect(api.status()).toBe(400);
    expect(await api.json()).toMatchObject({ error: 'invalid_query', param: 'status' });
    await page.goto('/deliveries?window=2h');
    expect(await page.getByTestId('query-error').textContent()).toContain('window');
    await page.context().close();
  });
});

describe('operator console: access', () => {
  it('gives a viewer 403 on the page, the API, the export and the detail', async () => {
    const { context, page } = await newPage(browser);
    await signInWithPassword(page, 'viewer', 'viewer-password');
    const response = await page.goto('/deliveries');
    expect(response?.status()).toBe(403);
    await expect.poll(() => page.getByTestId('forbidden').isVisible()).toBe(true);
    expect((await page.goto('/deliveries/12345'))?.status()).toBe(403);
    for (const path of ['/api/deliveries', '/api/deliveries/export', '/api/deliveries/12345']) {
      const api = await page.request.get(path);
      expect(api.status(), path).toBe(403);
      expect(await api.json()).toMatchObject({ error: 'forbidden' });
    }
    expect((await page.request.head('/api/deliveries')).status()).toBe(403);
    await context.close();
  });
});

describe('operator console: untrusted text from SMS Aero', () => {
  it('shows a hostile extendStatus and extra fields as inert text', async () => {
    const id = uniqueId();
    await store.recordSend({ id, usageType: 'SignIn', phone: '79990008888', smsAero: { status: 0 } }, hashPhone);
    const hostile = '<img src=x onerror=alert(1)>\r\nX-Injected: yes';
    const callback = await fetch(`${E2E.workerUrl}/v1/smsaero/callback/${E2E.callbackToken}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: Number(id), status: 3, extendStatus: hostile, note: '<script>alert(2)</script>' }),
    });
    expect(callback.status).toBe(200);

    const page = await operatorPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`/deliveries?id=${id}`);
    const extend = row(page, id).getByTestId('extend-status');
    expect(await extend.textContent()).toBe('<img src=x onerror=alert(1)>␍␊X-Injected: yes');

    await page.goto(`/deliveries/${id}`);
    const timeline = await page.getByTestId('timeline').textContent();
    expect(timeline).toContain('<img src=x onerror=alert(1)>␍␊X-Injected: yes');
    expect(timeline).toContain('<script>alert(2)</script>');
    await page.waitForTimeout(500);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.getByTestId('timeline').locator('script, img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.context().close();
  });
});
