import { readFileSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { logFile } from './processes';
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

/** Reads the newest one-time code the issuer printed (no SMS relay configured in this stack). */
export async function latestCodeFromIssuerLog(after: number): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const lines = readFileSync(logFile('issuer'), 'utf8').slice(after).split('\n');
    const match = lines.map((l) => /\[dev-issuer\] one-time code for .+: (\d{6})/.exec(l)).filter(Boolean).pop();
    if (match?.[1]) return match[1];
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the issuer printed no one-time code');
}

export function issuerLogLength(): number {
  return readFileSync(logFile('issuer'), 'utf8').length;
}

export async function sessionJson(page: Page): Promise<Record<string, any> | null> {
  const response = await page.request.get('/api/auth/session');
  expect(response.status()).toBe(200);
  return (await response.json()) as Record<string, any> | null;
}
