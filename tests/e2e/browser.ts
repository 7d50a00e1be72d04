import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { E2E } from './stack';

// Debian's Chromium; Playwright's own browser downloads are impossible here and unnecessary.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: E2E.appUrl });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}

/** From the app's home page through the issuer's password form back to /dashboard. */
export async function signInWithPassword(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Sign in with Logto' }).click();
  await page.waitForURL(/localhost:3101\//);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${E2E.appUrl}/dashboard`);
}

export type InboxMessage = { id: number; number: string; text: string; status: number; createdAt: string };

/** What the SMS Aero simulator "delivered" to a phone, newest first (the e2e stand-in for the user's handset). */
export async function inbox(number: string): Promise<InboxMessage[]> {
  const response = await fetch(`${E2E.simulatorUrl}/dev/inbox?number=${number}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { messages: InboxMessage[] }).messages;
}

/** Waits for an SMS newer than `knownIds` and reads the one-time code from its text. */
export async function nextCodeFromInbox(number: string, knownIds: Set<number>): Promise<{ code: string; message: InboxMessage }> {
  for (let i = 0; i < 75; i++) {
    const fresh = (await inbox(number)).find((m) => !knownIds.has(m.id));
    const code = fresh && /\b(\d{6})\b/.exec(fresh.text)?.[1];
    if (fresh && code) return { code, message: fresh };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no new SMS reached ${number}`);
}

/** Phone sign-in through the issuer: the code goes issuer → relay Worker → SMS Aero simulator → inbox. */
export async function signInWithPhone(page: Page, number: string): Promise<InboxMessage> {
  const known = new Set((await inbox(number)).map((m) => m.id));
  await page.goto('/');
  await page.getByRole('button', { name: 'Sign in with Logto' }).click();
  await page.waitForURL(/localhost:3101\//);
  await page.getByText('Use phone number').click();
  await page.locator('input[name="phone"]').fill(`+${number}`);
  await page.getByRole('button', { name: 'Send code' }).click();
  const { code, message } = await nextCodeFromInbox(number, known);
  await page.locator('input[name="code"]').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(`${E2E.appUrl}/dashboard`);
  return message;
}

export async function sessionJson(page: Page): Promise<Record<string, any> | null> {
  const response = await page.request.get('/api/auth/session');
  expect(response.status()).toBe(200);
  return (await response.json()) as Record<string, any> | null;
}
